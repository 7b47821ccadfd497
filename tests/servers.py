"""Real HTTP servers for tests: a WSGI app on 127.0.0.1 in a thread (werkzeug)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server


class _Late:
    """WSGI app set after the port is known (the tool needs its own URL to be built)."""

    app: Callable[..., Any] | None = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


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
