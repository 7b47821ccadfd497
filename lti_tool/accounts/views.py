"""The sign-in page, sign-out, and one's own sessions (thin: the work is in services)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from lti_tool.accounts import services, sessions
from lti_tool.accounts.schemas import NetSchoolSignIn
from lti_tool.core.viewer import Viewer, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.sync import services as sync
from lti_tool.web import form_errors, nav

bp = Blueprint("accounts", __name__, template_folder="templates")


def _my_sessions_link(_dbs: Any, _viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    # Only where the person signed in on our site: inside the LMS frame there is no session.
    return ("accounts.sessions_page", {}) if g.get("account_session") else None


nav.register("my_sessions", nav.Entry(_l("Мои сеансы"), _my_sessions_link, order=200))


def _same_site() -> bool:
    """A sign-in form posted from another site would sign the visitor in as someone else
    (login CSRF): only our own pages may post it."""
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        return False
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        ours = urlsplit(request.host_url)
        theirs = urlsplit(origin)
        return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)
    return True


def _page(form: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
          refusal: str = "", status: int = 200, local_form: dict[str, str] | None = None
          ) -> Any:
    from lti_tool.accounts.sso import providers

    schools = sync.sign_in_schools(db_session())
    return render_template("accounts/signin.html", schools=schools, form=form or {},
                           providers=providers(db_session()),
                           errors=errors or {}, refusal=refusal, local_form=local_form or {},
                           labels=NetSchoolSignIn.labels), status


@bp.get("/sw.js")
def service_worker() -> Any:
    """Served from the root so its scope covers /app/ (the installable standalone site)."""
    resp = current_app.send_static_file("sw.js")
    resp.headers["Content-Type"] = "text/javascript; charset=utf-8"
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/manifest.webmanifest")
def manifest() -> Any:
    resp = current_app.send_static_file("manifest.webmanifest")
    resp.headers["Content-Type"] = "application/manifest+json"
    return resp


@bp.get("/signin")
def signin() -> Any:
    return _page()


@bp.post("/signin/netschool")
def signin_netschool() -> Any:
    if not _same_site():
        abort(403, _("Форма входа отправлена с другого сайта."))
    raw = request.form.to_dict()
    shown = {k: raw.get(k, "") for k in ("school", "login")}  # never the password back
    try:
        data = NetSchoolSignIn().load(raw)
    except ValidationError as err:
        errors = form_errors.by_field(err)
        return _page(shown, errors, status=400)
    dbs = db_session()
    school = sync.sign_in_school(dbs, data["school"])
    if school is None:
        return _page(shown, {"school": [_("Эта школа не подключена к Маршруту: выберите "
                                          "школу из списка.")]}, status=400)
    settings = current_app.config["MARSHRUT"]
    try:
        who = services.netschool_sign_in(
            dbs, school, data["login"], data["password"], request.remote_addr,
            sessions.limits(), allow_private=settings.allow_private_urls)
    except services.Refused as refused:
        dbs.commit()  # what the refusal recorded (attempt counts) stays
        current_app.logger.info("sign-in refused: %s", refused.code)
        return _page(shown, refusal=refused.message, status=refused.status)
    token = sessions.start(who.person_id, who.organisation_id, set(who.roles), "netschool")
    dbs.commit()
    return sessions.set_cookie(redirect(url_for("people.home"), code=303), token)


@bp.post("/signout")
def signout() -> Any:
    now = sessions.current()
    if now is not None:
        services.end_session(db_session(), now.person_id, now.public_id)
        db_session().commit()
    resp = sessions.clear_cookie(redirect(url_for("accounts.signin"), code=303))
    resp.headers["Clear-Site-Data"] = '"cache", "storage"'  # the offline copies go too
    return resp


@bp.get("/account/sessions")
@login_required
def sessions_page() -> Any:
    viewer = current_viewer()
    assert viewer is not None
    rows = services.active_sessions(db_session(), viewer.person_id, sessions.limits())
    mine = sessions.current()
    from lti_tool.accounts.local import account_of

    return render_template("accounts/sessions.html", rows=rows,
                           current=mine.public_id if mine else None,
                           has_local=account_of(db_session(), viewer.person_id) is not None)


@bp.post("/account/sessions/<public_id>/end")
@login_required
def end_one(public_id: str) -> Any:
    viewer = current_viewer()
    assert viewer is not None
    if not services.end_session(db_session(), viewer.person_id, public_id):
        abort(404)
    db_session().commit()
    flash(_("Сеанс завершён."))
    mine = sessions.current()
    if mine is not None and mine.public_id == public_id:
        return sessions.clear_cookie(redirect(url_for("accounts.signin"), code=303))
    return redirect(url_for("accounts.sessions_page"), code=303)


@bp.post("/account/sessions/end-all")
@login_required
def end_all() -> Any:
    viewer = current_viewer()
    assert viewer is not None
    count = services.end_all(db_session(), viewer.person_id)
    db_session().commit()
    flash(_("Завершено сеансов: %(n)s.", n=count))
    resp = make_response(redirect(url_for("accounts.signin"), code=303))
    return sessions.clear_cookie(resp) if g.get("account_session") else resp


def _nest() -> None:
    from lti_tool.accounts.local_views import bp as local_bp
    from lti_tool.accounts.sso_views import bp as sso_bp

    bp.register_blueprint(local_bp)
    bp.register_blueprint(sso_bp)


_nest()
