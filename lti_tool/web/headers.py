"""Response headers for life in an LMS iframe: only the registered platforms may frame us.

The frame origins come from whoever keeps the platform registry (the LTI feature), passed in
by ``create_app`` so this shared module imports no feature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app


def _frame_ancestors(frame_origins: Callable[[], Iterable[str]]) -> str:
    try:
        origins = tuple(frame_origins())
    except Exception:  # no database (e.g. it is down): the strict answer
        current_app.logger.warning("frame-ancestors: registry unavailable", exc_info=True)
        origins = ()
    return " ".join(("'self'", *origins))


def init_app(app: Flask, frame_origins: Callable[[], Iterable[str]]) -> None:
    @app.after_request
    def _headers(resp: Any) -> Any:
        # The tool lives in the LMS iframe: only the registered platforms may frame it.
        if "Content-Security-Policy" not in resp.headers:
            resp.headers["Content-Security-Policy"] = (
                f"frame-ancestors {_frame_ancestors(frame_origins)}; object-src 'none'; "
                "base-uri 'self'")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        return resp
