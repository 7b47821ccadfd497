"""First-party sign-in sessions: the cookie, the viewer it names, CSRF for forms and calls.

The LMS iframe keeps its per-launch token (``lti_tool.core.viewer``); a person who signed
in on our own site instead holds a cookie ``marshrut_signin`` (HttpOnly, SameSite=Lax,
Secure over HTTPS) with a random secret whose hash names an ``AccountSession`` row. Pages
see the same :class:`~lti_tool.core.viewer.Viewer` either way, so every access rule holds
for both doors. A launch token in the request wins over the cookie.

A cookie is sent with another site's form too, so every state-changing request made with
the cookie must carry the session's CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``); ``token_field()`` puts it into every form that already carries the launch
token. A request without it is refused with 403 before any view runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Table, bindparam, select, update
from werkzeug.exceptions import Forbidden

from lti_tool.accounts import rules
from lti_tool.accounts.models import AccountSession, LocalAccount
from lti_tool.core.viewer import Viewer, current_viewer, register_session_loader
from lti_tool.crypto import derive
from lti_tool.db import db_session, get_db, utcnow

COOKIE = "marshrut_signin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = frozenset(("GET", "HEAD", "OPTIONS"))
_TABLE: Table = AccountSession.__table__  # type: ignore[assignment]
_BY_HASH = select(_TABLE).where(_TABLE.c.token_hash == bindparam("h"))


class CsrfRefused(Forbidden):
    """403 that says why (the general 403 page says nothing, on purpose)."""


class TotpPending(CsrfRefused):
    """403 for a state change by an admin whose second factor is not yet on."""


#: What a session waiting for TOTP set-up may reach: the set-up itself, signing in or out,
#: the links of a local account, the shell. Everything else (every admin page) is refused.
_OPEN_WHILE_PENDING = frozenset((
    "static", "accounts.service_worker", "accounts.manifest", "accounts.signin",
    "accounts.signin_netschool", "accounts.signout", "accounts.local.signin_local",
    "accounts.local.security", "accounts.local.totp", "accounts.local.accept",
    "accounts.local.reset_request", "accounts.local.reset", "accounts.sso.sso_start",
    "accounts.sso.sso_callback"))


@dataclass(frozen=True)
class Current:
    """The sign-in session of this request (for the sessions page and sign-out)."""

    id: int
    public_id: str
    person_id: int


def limits() -> rules.Limits:
    settings = current_app.config["MARSHRUT"]
    return rules.Limits(lifetime=timedelta(seconds=settings.session_lifetime),
                        idle=timedelta(seconds=settings.session_idle))


def _csrf_key() -> bytes:
    return derive(current_app.config["SECRET_KEY"], "signin-csrf")


def load_viewer() -> Viewer | None:
    """The viewer named by the sign-in cookie, or None (no cookie, ended, expired, idle)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    row = db_session().execute(_BY_HASH, {"h": rules.token_hash(token)}).first()
    now, lim = utcnow(), limits()
    if row is None or not rules.alive(row.expires_at, row.last_seen_at, row.ended_at is not None,
                                      now, lim):
        return None
    if request.method not in _SAFE:
        given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        if not rules.csrf_ok(_csrf_key(), row.public_id, given):
            g.csrf_refused = True
            return None
    if rules.needs_touch(row.last_seen_at, now, lim):
        # Its own short transaction: the idle clock must move even if the view rolls back.
        with get_db().engine.begin() as conn:
            conn.execute(update(_TABLE).where(_TABLE.c.id == row.id).values(last_seen_at=now))
    g.account_session = Current(row.id, row.public_id, row.person_id)
    g.csrf_token = rules.csrf_token(_csrf_key(), row.public_id)
    roles = frozenset(row.roles)
    if row.method == "local" and rules.totp_required(roles) and not _totp_on(row.person_id):
        # No admin power before the second factor is on (the gate in init_app also keeps
        # every page but the set-up away): checked per request, so turning it off is seen.
        g.totp_pending = True
        roles = roles - rules.TOTP_ROLES
    return Viewer(person_id=row.person_id, organisation_id=row.organisation_id,
                  roles=roles, class_id=None, launch_id=0)


def _totp_on(person_id: int) -> bool:
    return bool(db_session().scalar(select(LocalAccount.totp_enabled).where(
        LocalAccount.person_id == person_id)))


def totp_pending() -> bool:
    """This request's sign-in session is an admin's still without TOTP."""
    current_viewer()
    return bool(g.get("totp_pending"))


def current() -> Current | None:
    current_viewer()
    return g.get("account_session")  # type: ignore[no-any-return]


def start(person_id: int, organisation_id: int, roles: set[str], method: str) -> str:
    """A new session row in the request's transaction; returns the cookie's secret. Any
    session this browser held is ended first (a new sign-in never reuses an old secret)."""
    dbs, now = db_session(), utcnow()
    old = request.cookies.get(COOKIE)
    if old:
        dbs.execute(update(AccountSession).where(
            AccountSession.token_hash == rules.token_hash(old),
            AccountSession.ended_at.is_(None)).values(ended_at=now))
    token = secrets.token_urlsafe(32)
    dbs.add(AccountSession(
        token_hash=rules.token_hash(token), person_id=person_id, organisation_id=organisation_id,
        roles=sorted(roles), method=method, created_at=now, last_seen_at=now,
        expires_at=now + limits().lifetime,
        user_agent=(request.headers.get("User-Agent") or "")[:200]))
    return token


def set_cookie(response: Any, token: str) -> Any:
    settings = current_app.config["MARSHRUT"]
    response.set_cookie(COOKIE, token, max_age=settings.session_lifetime, path="/",
                        secure=settings.https, httponly=True, samesite="Lax")
    return response


def clear_cookie(response: Any) -> Any:
    settings = current_app.config["MARSHRUT"]
    response.delete_cookie(COOKIE, path="/", secure=settings.https, httponly=True,
                           samesite="Lax")
    return response


def init_app(app: Flask) -> None:
    register_session_loader(load_viewer)

    @app.before_request
    def _csrf() -> None:
        # Refuse before any view: a cookie-carried state change without the form secret.
        if request.method in _SAFE or COOKIE not in request.cookies:
            return
        current_viewer()
        if g.get("csrf_refused") and "account_session" not in g:
            raise CsrfRefused(_("Форма устарела или отправлена с другого сайта. Откройте "
                                "страницу заново и повторите."))

    @app.before_request
    def _totp_gate() -> Any:
        # An admin signed in with a local account reaches nothing before TOTP is on.
        if COOKIE not in request.cookies or request.endpoint in _OPEN_WHILE_PENDING \
                or request.endpoint is None or not totp_pending():
            return None
        message = _("Сначала включите двухфакторную проверку входа: без неё страницы "
                    "администратора и координатора недоступны.")
        if request.method in _SAFE and not request.path.startswith("/api/"):
            flash(message, "error")
            return redirect(url_for("accounts.local.security"), code=303)
        raise TotpPending(message)

    @app.errorhandler(CsrfRefused)
    def _refused(err: CsrfRefused) -> Any:
        if request.path.startswith("/api/") or request.is_json:
            return jsonify(error=403, message=err.description), 403
        return render_template("error.html", title=_("Доступ запрещён"), code=403,
                               message=err.description), 403

    @app.after_request
    def _no_store(resp: Any) -> Any:
        if g.get("account_session") is not None:
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp
