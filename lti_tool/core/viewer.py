"""Who is asking: the viewer, the signed token that names them, and ``login_required``.

With third-party cookies blocked, the LMS iframe gets no cookie of ours back, so every page
link, form and fetch carries a signed token (``lt``) instead: query parameter, form field or
``X-Marshrut-Launch`` header. The cookie session, when the browser keeps it, holds only the
same token — never the data behind it.

The token names a row some feature keeps (an LTI launch, ``lti_tool.lti.sessions``). That
feature registers a *loader* here (token id → :class:`Viewer`); a way in that needs no token
in the request (the sign-in cookie, ``lti_tool.accounts.sessions``) registers a *session
loader*, asked only when no token named anyone. So this module depends on no feature, a new
way in adds a loader rather than a branch here, and pages see the same :class:`Viewer`
whichever door the person came through.
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

from lti_tool.crypto import signing_keys

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "X-Marshrut-Launch"


@dataclass(frozen=True)
class Viewer:
    """The current user as access rules see them (one launch = one organisation)."""

    person_id: int
    organisation_id: int
    roles: frozenset[str]
    class_id: int | None
    launch_id: int
    #: The interface language the way in asked for (an LTI launch's locale), if any.
    locale: str | None = None

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


#: token id (the payload of a verified token) → the viewer it names, or None if it names
#: nothing this loader keeps (or something expired).
Loader = Callable[[str], "Viewer | None"]
_LOADERS: list[Loader] = []
#: Other ways in (the sign-in cookie), asked in order when the request carries no token that
#: names anyone: a launch token always wins inside the LMS frame.
SessionLoader = Callable[[], "Viewer | None"]
_SESSION_LOADERS: list[SessionLoader] = []


def register_loader(loader: Loader) -> Loader:
    """A way in (a feature) says how its token ids become viewers; asked in registration order."""
    if loader not in _LOADERS:
        _LOADERS.append(loader)
    return loader


def register_session_loader(loader: SessionLoader) -> None:
    if loader not in _SESSION_LOADERS:
        _SESSION_LOADERS.append(loader)


def _serializer() -> URLSafeTimedSerializer:
    # A key list: tokens are signed with the last (the current secret's launch key) and
    # verified with any, so a rotated secret does not end the launches in progress.
    return URLSafeTimedSerializer(list(signing_keys()), salt="marshrut-launch")


def sign_token(token_id: str) -> str:
    """The token a page carries for the row with this id (see the module docstring)."""
    return _serializer().dumps(token_id)


_SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))


def _token_from_request() -> str | None:
    """The token, from the header, the query or the form. The cookie session only
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


def _load_viewer() -> Viewer | None:
    viewer = _viewer_by_token()
    for loader in _SESSION_LOADERS if viewer is None else ():
        viewer = loader()
        if viewer is not None:
            break
    return viewer


def _viewer_by_token() -> Viewer | None:
    token = _token_from_request()
    if not token:
        return None
    try:
        token_id = _serializer().loads(token, max_age=current_app.config["MARSHRUT"].launch_ttl)
    except BadSignature:
        return None
    for loader in _LOADERS:
        viewer = loader(token_id)
        if viewer is not None:
            g.launch_token = token
            return viewer
    return None


def current_viewer() -> Viewer | None:
    """Who is asking in this request (loaded once per request), or None."""
    if "viewer" not in g:
        g.viewer = _load_viewer()
    return g.viewer  # type: ignore[no-any-return]


def require_viewer() -> Viewer:
    """The viewer of a request ``login_required`` (or ``admin_required``) has let in."""
    viewer = current_viewer()
    if viewer is None:
        abort(401)
    return viewer


def adopt(viewer: Viewer, token: str) -> None:
    """Make a viewer just signed in the current one, as if their token came with the request."""
    g.launch_token = token
    g.viewer = viewer
    refresh()  # the viewer's locale: anything translated earlier in this request chose «ru»


def login_required(view: F) -> F:
    """401 without a viewer: the page is only reached through a way in (a launch)."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_viewer() is None:
            abort(401)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


#: Who may tutor pupils (routes) or curate their portfolios: a teacher, the school's admin,
#: or staff invited with the role «Тьютор» (a tutor who teaches no class).
TUTOR_ROLES = ("teacher", "admin", "tutor")


def can_administer(viewer: Viewer) -> bool:
    """The school's admin pages (LMS connections, data sources): the admin role only."""
    return viewer.has("admin")


def admin_required(view: F) -> F:
    """401 without a viewer, 403 unless they administer their organisation (the one check
    every admin page and the navigation ask)."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        viewer = current_viewer()
        if viewer is None:
            abort(401)
        if not can_administer(viewer):
            abort(403)
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


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(app_url=app_url, token_field=token_field,
                                 current_viewer=current_viewer)

    @app.after_request
    def _no_store(resp: Any) -> Any:
        if g.get("launch_token"):  # a page for one viewer: never from a shared cache
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp
