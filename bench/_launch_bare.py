"""The bare pylti1p3 handler ``bench/lti_launch.py`` compares Marshrut with, imported by
gunicorn from this file. Not a benchmark itself (``make bench`` skips ``bench/_*.py``)."""

from __future__ import annotations

import os
import secrets
import threading
import time
from typing import Any

from _launch_setup import CLIENT_ID, DEPLOYMENT


class _MemoryCache:
    """The in-memory cache pylti1p3's Flask example gets from flask-caching's SimpleCache."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            entry = self._data.get(key)
        if entry is None or (entry[0] and entry[0] < time.time()):
            return None
        return entry[1]

    def set(self, key: str, value: Any, exp: int | None = None) -> bool:
        with self._lock:
            self._data[key] = (time.time() + exp if exp else 0.0, value)
        return True

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._data.pop(key, None) is not None


def bare_app() -> Any:
    """pylti1p3's Flask example shape: login, launch (renders the page), nothing else."""
    from flask import Flask, request
    from pylti1p3.contrib.flask import (
        FlaskCacheDataStorage,
        FlaskMessageLaunch,
        FlaskOIDCLogin,
        FlaskRequest,
    )
    from pylti1p3.tool_config import ToolConfDict

    issuer = os.environ["BENCH_ISSUER"]
    conf = ToolConfDict({issuer: [{
        "default": True, "client_id": CLIENT_ID, "auth_login_url": issuer + "/auth",
        "auth_token_url": issuer + "/token", "key_set_url": issuer + "/jwks", "key_set": None,
        "deployment_ids": [DEPLOYMENT]}]})
    conf.set_private_key(issuer, os.environ["BENCH_TOOL_KEY"], client_id=CLIENT_ID)
    cache = _MemoryCache()
    app = Flask("bare")
    app.secret_key = secrets.token_hex(16)

    @app.route("/lti/login", methods=["GET", "POST"])
    def login() -> Any:
        storage = FlaskCacheDataStorage(cache)
        flask_request = FlaskRequest()
        oidc = FlaskOIDCLogin(flask_request, conf, launch_data_storage=storage)
        return oidc.redirect(flask_request.get_param("target_link_uri"))

    @app.post("/lti/launch")
    def launch() -> Any:
        storage = FlaskCacheDataStorage(cache)
        message = FlaskMessageLaunch(FlaskRequest(), conf, launch_data_storage=storage)
        message.set_public_key_caching(storage)
        data = message.get_launch_data()
        context = data.get("https://purl.imsglobal.org/spec/lti/claim/context") or {}
        return (f"<!doctype html><title>Bare</title><h1>Здравствуйте, "
                f"{data.get('name', '')}</h1><p>{context.get('title', '')}</p>"
                f"<p>{request.host}</p>")

    return app


