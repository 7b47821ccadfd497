"""Who is asking: the launch token, the viewer, and response headers for life in an iframe.

With third-party cookies blocked, the LMS iframe gets no cookie of ours back, so every page
link, form and fetch carries a signed per-launch token (``lt``) instead: query parameter,
form field or ``X-Marshrut-Launch`` header. The cookie session, when the browser keeps it,
holds only the same token — never the launch data itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, request, session, url_for
from flask_babel import refresh
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup, escape
from sqlalchemy import Table, bindparam, select

from lti_tool.crypto import signing_keys
from lti_tool.db import db_session, utcnow
from lti_tool.lti.models import Launch

F = TypeVar("F", bound=Callable[..., Any])
_LAUNCH_TABLE: Table = Launch.__table__  # type: ignore[assignment]
_LAUNCH_BY_TOKEN = select(_LAUNCH_TABLE).where(_LAUNCH_TABLE.c.token_id == bindparam("token_id"))
HEADER = "X-Marshrut-Launch"


@dataclass(frozen=True)
class Viewer:
    """The current user as access rules see them (one launch = one organisation)."""

    person_id: int
    organisation_id: int
    roles: frozenset[str]
    class_id: int | None
    launch_id: int

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def _serializer() -> URLSafeTimedSerializer:
    # A key list: tokens are signed with the last (the current secret's launch key) and
    # verified with any, so a rotated secret does not end the launches in progress.
    return URLSafeTimedSerializer(list(signing_keys()), salt="marshrut-launch")


def sign_launch(launch: Launch) -> str:
    return _serializer().dumps(launch.token_id)


_SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))


def _token_from_request() -> str | None:
    """The launch token, from the header, the query or the form. The cookie session only
    counts for safe methods: a browser sends cookies with another site's form too, while
    the token in the request itself is a secret that site cannot know (this is the CSRF
    protection of every form and API call)."""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    explicit = request.headers.get(HEADER) or _carried_token()
    if explicit or request.method not in _SAFE_METHODS:
        return explicit
    return session.get("lt")  # type: ignore[no-any-return]


#: Reached from another site by design: the deep-linking picker, the 303 after the LMS's
#: launch POST (a browser marks the whole redirect chain cross-site).
_CROSS_SITE_ENTRIES = frozenset(("deep_linking.pick",))


def _carried_token() -> str | None:
    """The token in the query or a form field, unless another site sent a top-level window
    here with it: a link made by someone who holds their own launch token would sign the
    victim in as them (login CSRF). The tool's own links are same-origin; a top-level window
    keeps its first-party cookie session, which then answers instead. Inside the LMS frame
    (``Sec-Fetch-Dest: iframe``) nothing changes: only the platforms may frame the tool."""
    token = request.args.get("lt") or request.form.get("lt")
    headers = request.headers
    if token and headers.get("Sec-Fetch-Site") == "cross-site" and headers.get(
            "Sec-Fetch-Dest") == "document" and request.endpoint not in _CROSS_SITE_ENTRIES:
        return None
    return token


def load_launch() -> Launch | None:
    token = _token_from_request()
    if not token:
        return None
    settings = current_app.config["MARSHRUT"]
    try:
        token_id = _serializer().loads(token, max_age=settings.launch_ttl)
    except BadSignature:
        return None
    row = db_session().execute(_LAUNCH_BY_TOKEN, {"token_id": token_id}).first()
    if row is None or row.expires_at < utcnow():
        return None
    g.launch_token = token
    # Every page asks this first: a Core row made into a detached Launch costs a fraction of
    # an ORM load, and nothing changes a launch after it is recorded.
    return Launch(**row._mapping)


def adopt_launch(launch: Launch, token: str) -> None:
    """Make a launch just accepted the current one, as if its token came with the request."""
    g.launch_token = token
    g.launch = launch
    g.viewer = _viewer_of(launch)
    refresh()  # the launch's locale: anything translated earlier in this request chose «ru»


def _viewer_of(launch: Launch) -> Viewer:
    return Viewer(person_id=launch.person_id, organisation_id=launch.organisation_id,
                  roles=frozenset(launch.roles), class_id=launch.class_id, launch_id=launch.id)


#: Other ways in (the sign-in cookie, ``lti_tool.accounts.sessions``), asked in order when
#: the request carries no launch: a launch token always wins inside the LMS frame.
_SESSION_LOADERS: list[Callable[[], Viewer | None]] = []


def register_session_loader(loader: Callable[[], Viewer | None]) -> None:
    if loader not in _SESSION_LOADERS:
        _SESSION_LOADERS.append(loader)


def current_viewer() -> Viewer | None:
    if "viewer" not in g:
        launch = load_launch()
        g.launch = launch
        g.viewer = None if launch is None else _viewer_of(launch)
        for loader in _SESSION_LOADERS if launch is None else ():
            g.viewer = loader()
            if g.viewer is not None:
                break
    return g.viewer  # type: ignore[no-any-return]


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_viewer() is None:
            abort(401)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def app_url(endpoint: str, **values: Any) -> str:
    """``url_for`` that carries the launch token, for links inside the tool."""
    token = g.get("launch_token")
    if token:
        values.setdefault("lt", token)
    return url_for(endpoint, **values)


def token_field() -> Markup:
    """What every form carries: the launch token, or a sign-in session's CSRF token."""
    token = g.get("launch_token")
    if not token:
        csrf = g.get("csrf_token")
        if csrf:
            return Markup('<input type="hidden" name="csrf_token" value="%s">') % escape(csrf)
        return Markup("")
    return Markup('<input type="hidden" name="lt" value="%s">') % escape(token)


def _frame_ancestors() -> str:
    from lti_tool.lti.registry_cache import frame_origins

    try:
        origins = frame_origins(db_session())
    except Exception:  # no database (e.g. it is down): the strict answer
        current_app.logger.warning("frame-ancestors: registry unavailable", exc_info=True)
        origins = ()
    return " ".join(("'self'", *origins))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(app_url=app_url, token_field=token_field,
                                 current_viewer=current_viewer)

    @app.after_request
    def _headers(resp: Any) -> Any:
        # The tool lives in the LMS iframe: only the registered platforms may frame it.
        if "Content-Security-Policy" not in resp.headers:
            resp.headers["Content-Security-Policy"] = (
                f"frame-ancestors {_frame_ancestors()}; object-src 'none'; base-uri 'self'")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        if g.get("launch_token"):
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp
