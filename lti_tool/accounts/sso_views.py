"""Regional sign-in pages: start (to the provider), the callback, and the admin's settings."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from lti_tool.accounts import sessions, sso
from lti_tool.accounts.models import SsoProvider
from lti_tool.accounts.schemas import LINK_SOURCES, SsoProviderForm
from lti_tool.accounts.services import Refused
from lti_tool.core.viewer import admin_required, require_viewer
from lti_tool.db import db_session
from lti_tool.web import form_errors, nav

bp = Blueprint("sso", __name__)
nav.register("sso", nav.Entry(_l("Региональный вход"), nav.admin_only("accounts.sso.admin_sso"),
                              order=135))


def _callback_url() -> str:
    return current_app.config["MARSHRUT"].base_url + "/signin/sso/callback"


def _private() -> bool:
    return bool(current_app.config["MARSHRUT"].allow_private_urls)


def _provider(public_id: str) -> SsoProvider:
    row = next((p for p in sso.providers(db_session()) if p.public_id == public_id), None)
    if row is None:
        abort(404)
    return row


def _refused(refused: Refused) -> Any:
    from lti_tool.accounts.views import _page

    return _page(refusal=refused.message, status=refused.status)


@bp.get("/signin/sso/<public_id>")
def sso_start(public_id: str) -> Any:
    row = _provider(public_id)
    try:
        started = sso.start(row, _callback_url(), allow_private=_private())
    except Refused as refused:
        return _refused(refused)
    session["sso"] = started.state
    return redirect(started.url, code=303)


@bp.get("/signin/sso/callback")
def sso_callback() -> Any:
    pending = session.pop("sso", None)
    if not isinstance(pending, dict) or request.args.get("state") != pending.get("state"):
        return _refused(Refused("sso_state", _("Вход не был начат в этом браузере или уже "
                                               "завершён. Начните вход заново."), 400))
    row = _provider(str(pending.get("p")))
    if request.args.get("error") or not request.args.get("code"):
        return _refused(Refused("sso_refused", _("Сервер входа «%(t)s» не подтвердил вход. "
                                                 "Начните вход заново.", t=row.title), 401))
    dbs = db_session()
    try:
        who = sso.finish(dbs, row, pending, request.args["code"], _callback_url(),
                         allow_private=_private())
    except Refused as refused:
        dbs.rollback()
        return _refused(refused)
    token = sessions.start(who.person_id, who.organisation_id, set(who.roles), "oidc")
    dbs.commit()
    return sessions.set_cookie(redirect(url_for("people.home"), code=303), token)


FIELDS = ("title", "issuer", "client_id", "client_secret", "claim", "scope", "link_source",
          "link_namespace")


@bp.route("/app/admin/sso", methods=["GET", "POST"])
@admin_required
def admin_sso() -> Any:
    viewer, dbs = require_viewer(), db_session()
    status, errors, shown = 200, {}, {}
    if request.method == "POST":
        raw = {k: request.form.get(k, "") for k in FIELDS}
        try:
            form = SsoProviderForm().load(raw)
        except ValidationError as err:
            errors = form_errors.by_field(err)
            shown = {k: v for k, v in raw.items() if k != "client_secret"}  # never echoed
            status = 400
            flash(_("Региональный вход не сохранён: исправьте отмеченные поля."), "error")
        else:
            sso.add_provider(dbs, viewer.organisation_id, viewer.person_id, **form,
                             secret_key=current_app.config["SECRET_KEY"])
            dbs.commit()
            flash(_("Региональный вход сохранён."))
    rows = [p for p in sso.providers(dbs) if p.organisation_id == viewer.organisation_id]
    return render_template("accounts/admin_sso.html", rows=rows, callback=_callback_url(),
                           errors=errors, form=shown, sources=LINK_SOURCES), status
