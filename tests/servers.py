"""Real HTTP servers for tests: a WSGI app on 127.0.0.1 in a thread (werkzeug).

Each server keeps the requests in flight and the last ones answered, with their durations:
when a browser test waits in vain, ``report()`` says whether the server still works on a
request or answered long ago (the launch that never lands in the frame, stops 14–16)."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server

_lock = threading.Lock()
_in_flight: dict[int, tuple[float, str, int]] = {}
_answered: deque[str] = deque(maxlen=40)


def stuck(longer_than: float = 30.0) -> list[str]:
    """Requests a test server has worked on for more than ``longer_than`` seconds."""
    now, alive = time.monotonic(), sys._current_frames()
    with _lock:
        return [what for start, what, thread in _in_flight.values()
                if now - start > longer_than and thread in alive]


def report() -> str:
    """Requests still being worked on (with where their thread stands) and the last answered,
    oldest first."""
    now = time.monotonic()
    frames = sys._current_frames()
    with _lock:
        busy = [(f"{what} for {now - start:.1f} s", frames.get(thread))
                for start, what, thread in _in_flight.values()]
        done = list(_answered)
    stacks = "".join(
        f"\n--- {what}:\n" + "".join(traceback.format_stack(frame)[-8:]) if frame is not None
        # werkzeug skips close() when the client drops the connection (a frame navigated on):
        # the thread is gone, nothing hangs.
        else f"\n--- {what}: (thread ended: the client dropped the connection)"
        for what, frame in busy)
    return f"in flight: {[what for what, _ in busy] or 'none'}; answered: {done}{stacks}"


class _Tracked:
    """The response iterable, closed by the server when the last byte is written."""

    def __init__(self, body: Any, key: int, start: float, what: str, status: list[str]) -> None:
        self.body, self.key, self.start, self.what, self.status = body, key, start, what, status

    def __iter__(self) -> Any:
        return iter(self.body)

    def close(self) -> None:
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            with _lock:
                _in_flight.pop(self.key, None)
                took = time.monotonic() - self.start
                _answered.append(f"{self.what} {(self.status or ['?'])[0][:3]} {took:.2f} s")


class _Late:
    """WSGI app set after the port is known (the tool needs its own URL to be built)."""

    app: Callable[..., Any] | None = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        assert self.app is not None
        what = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
        start, status = time.monotonic(), list[str]()

        def starting(code: str, headers: Any, exc_info: Any = None) -> Any:
            status[:] = [code]
            return start_response(code, headers, exc_info)

        with _lock:
            key = id(status)
            _in_flight[key] = (start, what, threading.get_ident())
        try:
            body = self.app(environ, starting)
        except BaseException:
            with _lock:
                _in_flight.pop(key, None)
            raise
        return _Tracked(body, key, start, what, status)


@contextmanager
def serve(build: Callable[[str], Any]) -> Iterator[tuple[str, Any]]:
    """Start a server on a free port; ``build(base_url)`` returns the WSGI app."""
    holder = _Late()
    server = make_server("127.0.0.1", 0, holder, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = build(base)
    holder.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, app
    finally:
        server.shutdown()
        thread.join(5)
