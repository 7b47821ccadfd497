"""Pages of local accounts: the admin's invitations, setting a password from a link,
a forgotten password, signing in with e-mail + password (+ TOTP), turning TOTP on and off."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lti_tool.accounts import local, sessions
from lti_tool.accounts.rules import INVITE_ROLES
from lti_tool.accounts.services import Refused
from lti_tool.core.viewer import (
    Viewer,
    admin_required,
    current_viewer,
    login_required,
    require_viewer,
)
from lti_tool.db import db_session
from lti_tool.notifications import mail
from lti_tool.web import nav

bp = Blueprint("local", __name__)
nav.register("local_accounts", nav.Entry(
    _l("Учётные записи"), nav.admin_only("accounts.local.admin_accounts"), order=130))
ROLE_LABELS = {"partner": _l("Координатор партнёра"), "teacher": _l("Учитель"),
               "tutor": _l("Тьютор"), "admin": _l("Администратор")}


def _settings() -> Any:
    return current_app.config["MARSHRUT"]



def _send(link: local.Link, subject: str, body: str) -> bool:
    """Mail the link; False (and nothing raised) when mail is off or the relay refused."""
    try:
        return mail.send(_settings(), link.email, subject, body)
    except mail.MailFailed:
        return False


def _admin_page(viewer: Viewer, status: int = 200, shown_link: str = "") -> Any:
    return render_template("accounts/admin_accounts.html",
                           accounts=local.invited(db_session(), viewer.organisation_id),
                           roles=INVITE_ROLES, role_labels=ROLE_LABELS, shown_link=shown_link,
                           mail_on=mail.configured(_settings())), status


@bp.get("/app/admin/accounts")
@admin_required
def admin_accounts() -> Any:
    return _admin_page(require_viewer())


@bp.post("/app/admin/accounts")
@admin_required
def invite() -> Any:
    viewer = require_viewer()
    email, name = request.form.get("email", "").strip(), request.form.get("name", "").strip()
    role = request.form.get("role", "")
    if "@" not in email or len(email) > 254 or not name or len(name) > 200 \
            or role not in INVITE_ROLES:
        flash(_("Приглашение: укажите адрес почты, имя (до 200 символов) и роль."), "error")
        return _admin_page(viewer, 400)
    dbs = db_session()
    try:
        link = local.invite(dbs, viewer.organisation_id, viewer.person_id, email, name, role)
    except Refused as refused:
        flash(refused.message, "error")
        return _admin_page(viewer, refused.status)
    dbs.commit()
    url = _settings().base_url + link.path
    body = _("Вас пригласили в Маршрут. Чтобы задать пароль, откройте ссылку (действует 7 дней, "
             "один раз):\n%(url)s", url=url)
    if _send(link, _("Приглашение в Маршрут"), body):
        flash(_("Приглашение отправлено на %(e)s.", e=link.email))
        return _admin_page(viewer)
    flash(_("Письмо не отправлено (почта не настроена или сервер почты не ответил). Передайте "
            "ссылку лично: она действует 7 дней и один раз."), "error")
    return _admin_page(viewer, shown_link=url)


def _password_page(kind: str, secret: str, error: str = "", status: int = 200) -> Any:
    return render_template("accounts/set_password.html", kind=kind, secret=secret, error=error,
                           minimum=local.rules.PASSWORD_MIN), status


@bp.route("/account/invite/<secret>", methods=["GET", "POST"])
def accept(secret: str) -> Any:
    dbs = db_session()
    if request.method == "GET":
        try:
            local.check_link(dbs, "invite", secret)
        except Refused as refused:
            return render_template("error.html", title=_("Ссылка не действует"),
                                   code=refused.status, message=refused.message), refused.status
        return _password_page("invite", secret)
    try:
        who = local.accept_invite(dbs, secret, request.form.get("password", ""),
                                  request.form.get("repeat", ""))
    except Refused as refused:
        dbs.rollback()
        return _password_page("invite", secret, refused.message, refused.status)
    token = sessions.start(who.person_id, who.organisation_id, set(who.roles), "local")
    dbs.commit()
    return sessions.set_cookie(redirect(url_for("accounts.local.security"), code=303), token)


@bp.route("/signin/reset", methods=["GET", "POST"])
def reset_request() -> Any:
    if request.method == "GET":
        return render_template("accounts/reset_request.html", sent=False)
    dbs = db_session()
    link = local.request_reset(dbs, request.form.get("email", ""))
    dbs.commit()
    if link is not None:
        _send(link, _("Новый пароль для Маршрута"), _(
            "Чтобы задать новый пароль, откройте ссылку (действует час, один раз):\n%(url)s",
            url=_settings().base_url + link.path))
    return render_template("accounts/reset_request.html", sent=True,
                           mail_on=mail.configured(_settings()))


@bp.route("/account/reset/<secret>", methods=["GET", "POST"])
def reset(secret: str) -> Any:
    dbs = db_session()
    if request.method == "GET":
        try:
            local.check_link(dbs, "reset", secret)
        except Refused as refused:
            return render_template("error.html", title=_("Ссылка не действует"),
                                   code=refused.status, message=refused.message), refused.status
        return _password_page("reset", secret)
    try:
        local.reset(dbs, secret, request.form.get("password", ""), request.form.get("repeat", ""))
    except Refused as refused:
        dbs.rollback()
        return _password_page("reset", secret, refused.message, refused.status)
    dbs.commit()
    flash(_("Пароль изменён; все открытые сеансы завершены. Войдите с новым паролем."))
    return sessions.clear_cookie(redirect(url_for("accounts.signin"), code=303))


@bp.post("/signin/local")
def signin_local() -> Any:
    from lti_tool.accounts.views import _page, _same_site

    if not _same_site():
        abort(403, _("Форма входа отправлена с другого сайта."))
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    if not email or not password or len(email) > 254 or len(password) > 200:
        return _page(local_form={"email": email}, refusal=_(
            "Вход по почте: введите адрес и пароль."), status=400)
    dbs = db_session()
    try:
        who = local.sign_in(dbs, email, password, request.form.get("code", ""),
                            request.remote_addr, sessions.limits(),
                            current_app.config["SECRET_KEY"])
    except Refused as refused:
        dbs.commit()  # the attempt counts
        return _page(local_form={"email": email}, refusal=refused.message,
                     status=refused.status)
    token = sessions.start(who.person_id, who.organisation_id, set(who.roles), "local")
    account = local.account_of(dbs, who.person_id)
    setup = account is not None and not account.totp_enabled and local.totp_required(
        dbs, account)  # first sign-in of an admin: straight to the set-up
    dbs.commit()
    target = "accounts.local.security" if setup else "people.home"
    return sessions.set_cookie(redirect(url_for(target), code=303), token)


def _own_account() -> local.LocalAccount:
    viewer = current_viewer()
    assert viewer is not None
    account = local.account_of(db_session(), viewer.person_id)
    if account is None:
        abort(404)
    return account


@bp.get("/account/security")
@login_required
def security() -> Any:
    return _security_page(_own_account(), None, None, "")


def _security_page(account: local.LocalAccount, uri: str | None, codes: list[str] | None,
                   error: str, status: int = 200) -> Any:
    return render_template("accounts/security.html", account=account, uri=uri, codes=codes,
                           error=error, required=local.totp_required(db_session(), account)
                           ), status


@bp.post("/account/security/totp")
@login_required
def totp() -> Any:
    account, dbs = _own_account(), db_session()
    key, step = current_app.config["SECRET_KEY"], request.form.get("step", "")
    uri, codes, error, status = None, None, "", 200
    try:
        if step == "start":
            uri = local.totp_begin(dbs, account, key)
        elif step == "confirm":
            codes = local.totp_confirm(dbs, account, request.form.get("code", ""), key)
        elif step == "off":
            local.totp_off(dbs, account, request.form.get("code", ""), key)
        else:
            abort(400)
    except Refused as refused:
        dbs.rollback()
        error, status = refused.message, refused.status
        account = _own_account()
        if step == "confirm" and account.totp_secret:
            uri = "pending"
    dbs.commit()
    return _security_page(account, uri, codes, error, status)
