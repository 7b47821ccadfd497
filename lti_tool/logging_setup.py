"""Structured (JSON-lines) logging.

A dozen lines of stdlib ``logging.Formatter`` instead of a dependency: what a region's log
shipper needs is one JSON object per line with the request id, nothing more.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

from flask import g, has_request_context, request

_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if has_request_context():
            data["path"] = request.path
            data["request_id"] = g.get("request_id", "")
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure(level: int | None = None) -> None:
    """JSON lines on stderr at MARSHRUT_LOG_LEVEL (INFO when unset or unknown)."""
    if level is None:
        named = os.environ.get("MARSHRUT_LOG_LEVEL", "INFO").upper()
        level = logging.getLevelNamesMapping().get(named, logging.INFO)
    root = logging.getLogger("marshrut")
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
