"""pylti1p3's service connector (AGS, NRPS) fed from our registry and our rotating keys.

pylti1p3 leaves the access-token cache abstract, derives no ``kid`` we publish and sets no
HTTP timeout; this subclass fills those three gaps and nothing else.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy.orm import Session

from lti_tool.lti.keys import signing_key
from lti_tool.lti.models import Deployment

_TOKENS: dict[str, tuple[float, str]] = {}
_LOCK = threading.Lock()


class _TimeoutSession(requests.Session):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout
        self.headers["User-Agent"] = "Marshrut-LTI"

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self._timeout)
        return super().request(*args, **kwargs)


class Connector(ServiceConnector):
    def __init__(self, registration: Registration, kid: str, timeout: float = 10) -> None:
        super().__init__(registration, requests_session=_TimeoutSession(timeout))
        self._kid = kid

    def _cache_key(self, scope_key: str) -> str:
        return (f"{self._registration.get_auth_token_url()}|"
                f"{self._registration.get_client_id()}|{scope_key}")

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        with _LOCK:
            entry = _TOKENS.get(self._cache_key(scope_key))
        if entry and entry[0] > time.time():
            return entry[1]
        return None

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        # Renew a minute early so a token never expires mid-request.
        with _LOCK:
            _TOKENS[self._cache_key(scope_key)] = (
                time.time() + max(float(expires_in or 0) - 60, 0), access_token)

    def encode_jwt(self, message: dict[str, Any], private_key: str,
                   headers: dict[str, str]) -> str:
        return super().encode_jwt(message, private_key, {**headers, "kid": self._kid})


def connector_for(session: Session, deployment: Deployment, secret_key: str) -> Connector:
    client = deployment.client
    kid, pem = signing_key(session, secret_key)
    registration = (Registration()
                    .set_issuer(client.platform.issuer)
                    .set_client_id(client.client_id)
                    .set_auth_token_url(client.platform.auth_token_url)
                    .set_tool_private_key(pem))
    return Connector(registration, kid)


def forget_tokens() -> None:
    with _LOCK:
        _TOKENS.clear()
