"""The outbound guard's bounds that the end-to-end tests do not reach: a server that drips
its answer, and the error a guarded adapter session raises (issue 7, SSRF)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from adapters.outbound import (
    OutboundSession,
    RefusedURL,
    guard_session,
    is_public_address,
    read_json,
)


class _Drip(BaseHTTPRequestHandler):
    """Sends one byte of a long answer at a time, each well inside the read timeout."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        if self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(200):
                self.wfile.write(b"1\r\n \r\n" if self.path == "/chunked" else b" ")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def drip() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", ["/length", "/chunked"])
def test_an_answer_that_drips_is_cut_off(drip, path):
    with pytest.raises(RefusedURL) as err:
        read_json(OutboundSession(allow_private=True), "GET", drip + path, deadline=0.3)
    assert err.value.reason == "too_slow"


def test_a_guarded_client_session_sees_a_connection_error(drip):
    """The sync adapters handle requests' errors; a refusal must be one of them, with the
    reason kept."""
    session = guard_session(requests.Session())
    with pytest.raises(requests.ConnectionError) as err:
        session.get(drip.replace("127.0.0.1", "localhost") + "/length", timeout=5)
    assert isinstance(err.value.__cause__, RefusedURL)
    assert err.value.__cause__.reason == "private_address"


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2a00:1450:4010::1", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False),
    ("fe80::1%eth0", False), ("fd00::1", False), ("::ffff:10.0.0.1", False),
    ("2002:7f00:1::1", False), ("2002:a01:203::1", False), ("2002:808:808::1", True)])
def test_which_addresses_count_as_public(address, public):
    assert is_public_address(address) is public


class _Keys(BaseHTTPRequestHandler):
    """A JWKS endpoint standing for an internal service; /moved redirects to it."""

    hits = 0

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits += 1
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/jwks")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"keys": []}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_platform_keys_are_not_fetched_from_internal_addresses_or_through_redirects():
    from lti_tool.lti.platform_keys import JwksCache
    from lti_tool.lti.rules import LaunchError

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with pytest.raises(LaunchError) as err:
            JwksCache().key_for(base + "/jwks", "k1")
        assert err.value.code == "jwks_unavailable" and _Keys.hits == 0
        with pytest.raises(LaunchError) as err:  # private allowed (demo), redirect still not
            JwksCache(allow_private_urls=True).key_for(base + "/moved", "k1")
        assert err.value.code == "jwks_unavailable" and _Keys.hits == 1
    finally:
        server.shutdown()
        server.server_close()
