"""Platform public keys: a JWKS cache that re-fetches once when it meets an unknown ``kid``.

Platforms rotate keys (Moodle does on demand); refusing every launch until a cache expires
would lock a school out, and re-fetching on every miss would let anyone make us hammer the
platform, so a forced re-fetch happens at most once per ``min_refetch`` seconds per URL.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from flask_babel import lazy_gettext as _l
from jwt import PyJWK

from adapters.outbound import OutboundSession, read_json
from lti_tool.lti.rules import LaunchError


class JwksCache:
    def __init__(self, ttl: float = 3600, min_refetch: float = 10, timeout: float = 5,
                 allow_private_urls: bool = False) -> None:
        self.http = OutboundSession(allow_private=allow_private_urls, timeout=timeout)
        self.ttl = ttl
        self.min_refetch = min_refetch
        self.timeout = timeout
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        self._forced: dict[str, float] = {}
        #: Parsed keys by (url, kid): building an RSA key from its JWK costs more than the
        #: rest of the signature check, so it happens once per key, not once per launch.
        self._parsed: dict[tuple[str, str], PyJWK] = {}

    def _fetch(self, url: str) -> dict[str, Any]:
        try:
            data = read_json(self.http, "GET", url)
        except (requests.RequestException, ValueError) as exc:
            raise LaunchError(
                "jwks_unavailable",
                _l("Не удалось получить ключи платформы (%(url)s): %(err)s", url=url, err=exc),
                status=502,
            ) from exc
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise LaunchError(
                "jwks_invalid", _l("Набор ключей платформы (%(url)s) имеет неверный формат.",
                                   url=url), status=502,
            )
        with self._lock:
            self._entries[url] = (time.monotonic(), data)
            for cached in [k for k in self._parsed if k[0] == url]:
                del self._parsed[cached]  # a re-fetched set may reuse a kid for a new key
        return data

    def _find(self, data: dict[str, Any], kid: str) -> dict[str, Any] | None:
        for key in data["keys"]:
            if isinstance(key, dict) and key.get("kid") == kid:
                return key
        return None

    def key_for(self, url: str, kid: str) -> PyJWK:
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(url)
            parsed = self._parsed.get((url, kid))
        if parsed is not None and entry is not None and now - entry[0] <= self.ttl:
            return parsed
        if entry is None or now - entry[0] > self.ttl:
            data = self._fetch(url)
        else:
            data = entry[1]
        key = self._find(data, kid)
        if key is None:
            with self._lock:
                last = self._forced.get(url, -1e9)
                allowed = now - last >= self.min_refetch
                if allowed:
                    self._forced[url] = now
            if allowed:
                key = self._find(self._fetch(url), kid)
        if key is None:
            raise LaunchError(
                "unknown_kid", _l("Ключ «%(kid)s» не найден в наборе ключей платформы.", kid=kid)
            )
        if key.get("kty") != "RSA":
            raise LaunchError("bad_key", _l("Ключ платформы «%(kid)s» не RSA.", kid=kid))
        parsed = PyJWK(key, algorithm="RS256")
        with self._lock:
            self._parsed[(url, kid)] = parsed
        return parsed

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._parsed.clear()
            self._forced.clear()
