"""Requests to URLs that someone typed or sent us: no private targets, no redirects, bounded.

Dynamic Registration fetches the URL an anonymous caller names, an admin types a sync
server's URL, an SSO issuer is configured by hand: each could point the server at its own
internal network (SSRF). requests has no such guard and no maintained add-on does it at
the socket level, so this module checks the address the socket actually connected to
(after DNS, so a name that resolves to 127.0.0.1 or re-binds between check and connect is
still refused), follows no redirect, and reads at most ``max_bytes``.

A setting (``MARSHRUT_ALLOW_PRIVATE_URLS``) lets the tests and the demo, whose LMS and
sandboxes live on loopback, switch the address check off; the other bounds stay.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_TIMEOUT = (5.0, 10.0)
DEFAULT_DEADLINE = 30.0


class RefusedURL(ValueError):
    """The URL may not be fetched: ``reason`` is a stable code, the message says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address carried inside IPv6 (::ffff:a.b.c.d, 6to4 2002:a.b.c.d::) is
        # judged as that IPv4 address: 2002:7f00:1:: counts as "global" otherwise.
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is not None:
            ip = inner
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _check_peer(sock: socket.socket) -> None:
    address = sock.getpeername()[0]
    if not is_public_address(address):
        sock.close()
        raise RefusedURL("private_address",
                         f"адрес {address} — внутренний (частная сеть, loopback или link-local)")


class RefusedConnection(requests.ConnectionError):
    """A guarded session refused the target: clients that handle requests' errors (the sync
    adapters) see a connection error; ``__cause__`` is the RefusedURL saying why."""


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock)
        return sock


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock)
        return sock


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def send(self, request: requests.PreparedRequest, *args: Any,  # type: ignore[override]
             **kwargs: Any) -> requests.Response:
        try:
            return super().send(request, *args, **kwargs)
        except RefusedURL as exc:
            raise RefusedConnection(str(exc), request=request) from exc


def check_url(url: str) -> str:
    """The URL's own shape: http(s), a host, no user:password@ part. Returns it unchanged."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedURL("bad_url", "нужен адрес вида https://сервер/…")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise RefusedURL("bad_url", "адрес не должен содержать имя пользователя или пароль")
    return url


def origin(url: str) -> tuple[str, str, int]:
    """Scheme, host and port, compared exactly (no prefix matching of URL strings)."""
    parts = urlsplit(check_url(url))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower().rstrip("."), port


def check_public_host(url: str) -> None:
    """Refuse a URL whose host resolves to a non-public address (for URLs stored now and
    fetched later by a client that has no socket guard of its own)."""
    parts = urlsplit(check_url(url))
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise RefusedURL("unresolvable", f"сервер {parts.hostname} не найден") from exc
    for info in infos:
        if not is_public_address(str(info[4][0])):
            raise RefusedURL("private_address",
                             f"адрес {info[4][0]} — внутренний (частная сеть, loopback или "
                             "link-local)")


def guard_session(session: requests.Session, *, allow_private: bool = False
                  ) -> requests.Session:
    """The same rule for a client that builds its own session (the sync adapters keep their
    headers, proxies and CA settings): no redirect is followed, and unless ``allow_private``
    every connection must reach a public address (checked on the connected socket, so a
    name re-bound to 10.x after the form's check is still refused). Behind an HTTP proxy
    the proxy is what gets checked: the operator's proxy must do its own filtering."""
    session.max_redirects = 0  # requests raises TooManyRedirects on the first redirect
    if not allow_private:
        session.mount("http://", _GuardedAdapter())
        session.mount("https://", _GuardedAdapter())
    return session


class OutboundSession(requests.Session):
    """A requests session for untrusted URLs: no redirects, no environment proxies, a
    timeout on every call, and (unless ``allow_private``) public addresses only."""

    def __init__(self, *, allow_private: bool = False,
                 timeout: float | tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.trust_env = False
        self.timeout = timeout
        if not allow_private:
            guarded = _GuardedAdapter()
            self.mount("http://", guarded)
            self.mount("https://", guarded)

    def request(self, method: str | bytes, url: str | bytes,  # type: ignore[override]
                *args: Any, **kwargs: Any) -> requests.Response:
        check_url(url.decode() if isinstance(url, bytes) else url)
        kwargs.setdefault("timeout", self.timeout)
        kwargs["allow_redirects"] = False
        try:
            resp = super().request(method, url, *args, **kwargs)
        except requests.ConnectionError as exc:
            refused = _refusal_in(exc)
            if refused is not None:
                raise refused from exc
            raise
        if resp.is_redirect:
            raise RefusedURL("redirect", f"сервер ответил перенаправлением ({resp.status_code})")
        return resp


def _refusal_in(exc: BaseException) -> RefusedURL | None:
    """urllib3 may wrap our refusal (a retry error's ``reason``); find it, a few levels deep."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None or isinstance(seen, RefusedURL):
            return seen
        nested = [a for a in getattr(seen, "args", ()) if isinstance(a, BaseException)]
        seen = getattr(seen, "reason", None) or (nested[0] if nested else None) \
            or seen.__cause__ or seen.__context__
    return None


def read_json(session: requests.Session, method: str, url: str, *,
              max_bytes: int = DEFAULT_MAX_BYTES, deadline: float = DEFAULT_DEADLINE,
              **kwargs: Any) -> Any:
    """One request whose JSON answer is read up to ``max_bytes`` within ``deadline``
    seconds (the read timeout bounds each wait, not a server that drips a byte at a time);
    a bigger or slower answer is refused."""
    end = time.monotonic() + deadline
    resp = session.request(method, url, stream=True, **kwargs)
    try:
        resp.raise_for_status()
        body = b""
        while True:  # read1: what has arrived, so a drip cannot hold one read for hours
            piece = resp.raw.read1(16 * 1024, decode_content=True)
            if not piece:
                break
            body += piece
            if len(body) > max_bytes:
                raise RefusedURL("too_large", f"ответ длиннее {max_bytes} байт")
            if time.monotonic() > end:
                raise RefusedURL("too_slow", f"ответ не получен за {deadline:g} с")
    finally:
        resp.close()
    return json.loads(body)
