"""Flash messages that reach the next page without cookies.

Inside the LMS iframe with third-party cookies blocked the cookie session is gone between
requests, and with it every «saved» or «invalid» message. So a redirect carries the flashes
itself: signed (nobody can make the tool show their text), bound to the launch token that
made them (a copied link shows nothing to another launch) and short-lived. The page then
drops the parameter from its address (static/frame.js), so a reload does not repeat them.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, g, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lti_tool.core.viewer import current_viewer
from lti_tool.crypto import signing_keys

PARAM = "fl"
MAX_AGE = 300  # seconds between the redirect and the page that shows the messages


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(list(signing_keys()), salt="marshrut-flash")


def _binding() -> str:
    token = g.get("launch_token") or ""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _carry(resp: Any) -> Any:
    """Move this request's unread flashes into the redirect's address."""
    if not 300 <= resp.status_code < 400 or not resp.location:
        return resp
    messages = session.get("_flashes")
    if not messages:
        return resp
    parts = urlsplit(resp.location)
    if parts.netloc and parts.netloc != request.host:
        return resp  # never hand our messages (or their signature) to another site
    session.pop("_flashes", None)
    sealed = _serializer().dumps({"b": _binding(), "m": [list(m) for m in messages]})
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    resp.location = urlunsplit(parts._replace(query=urlencode([*query, (PARAM, sealed)])))
    return resp


def _restore() -> None:
    """Put the flashes a redirect carried back where ``get_flashed_messages`` reads them."""
    sealed = request.args.get(PARAM)
    if not sealed or request.method != "GET":
        return
    current_viewer()  # loads the launch token the messages are bound to
    try:
        data = _serializer().loads(sealed, max_age=MAX_AGE)
    except BadSignature:
        return
    if not isinstance(data, dict) or data.get("b") != _binding():
        return
    restored = [(str(c), str(m)) for c, m in data.get("m", [])]
    session["_flashes"] = [*session.get("_flashes", []), *restored]


def init_app(app: Flask) -> None:
    app.before_request(_restore)
    app.after_request(_carry)
