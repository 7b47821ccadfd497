"""pylti1p3's service connector (AGS, NRPS) fed from our registry and our rotating keys.

pylti1p3 leaves the access-token cache abstract, derives no ``kid`` we publish and sets no
HTTP timeout; this subclass fills those gaps. The service URLs come from the platform (its
token URL, the line item and membership URLs of a launch): a registered but hostile or
compromised platform could aim them at our own network, so every call goes through the
same outbound guard as the sync (public addresses only, no redirects, a timeout).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from pylti1p3.exception import LtiServiceException
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy.orm import Session

from adapters.outbound import OutboundSession
from lti_tool.lti.keys import signing_key
from lti_tool.lti.models import Deployment

_TOKENS: dict[str, tuple[float, str]] = {}
_LOCK = threading.Lock()


class Connector(ServiceConnector):
    def __init__(self, registration: Registration, kid: str, *, allow_private: bool = False,
                 timeout: float = 10) -> None:
        http = OutboundSession(allow_private=allow_private, timeout=timeout)
        http.headers["User-Agent"] = "Marshrut-LTI"
        super().__init__(registration, requests_session=http)
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

    def make_service_request(self, scopes: Sequence[str], url: str,
                             **kwargs: Any) -> Any:
        """One call; when the LMS refuses (401) the access token we had cached — it
        restarted and forgot it, or revoked it — the token is dropped and the call made
        once more with a fresh one (else every call failed until the cached token
        expired, up to an hour)."""
        try:
            return super().make_service_request(scopes, url, **kwargs)
        except LtiServiceException as exc:
            if exc.response.status_code != 401 or not self._forget(self._scope_key(scopes)):
                raise
        return super().make_service_request(scopes, url, **kwargs)

    def _forget(self, scope_key: str) -> bool:
        with _LOCK:
            return _TOKENS.pop(self._cache_key(scope_key), None) is not None

    def encode_jwt(self, message: dict[str, Any], private_key: str,
                   headers: dict[str, str]) -> str:
        return super().encode_jwt(message, private_key, {**headers, "kid": self._kid})


def connector_for(session: Session, deployment: Deployment, secret_key: str, *,
                  allow_private: bool = False) -> Connector:
    client = deployment.client
    kid, pem = signing_key(session, secret_key)
    registration = (Registration()
                    .set_issuer(client.platform.issuer)
                    .set_client_id(client.client_id)
                    .set_auth_token_url(client.platform.auth_token_url)
                    .set_tool_private_key(pem))
    return Connector(registration, kid, allow_private=allow_private)


def connector_for_deployment(session: Session, deployment_pk: int, secret_key: str, *,
                             allow_private: bool = False) -> Connector:
    """The connector for a launch's deployment, for features that hold only its key (AGS
    outbox, NRPS roster): they never read the LTI registry's tables themselves."""
    return connector_for(session, session.get_one(Deployment, deployment_pk), secret_key,
                         allow_private=allow_private)


def issuer_of(session: Session, deployment_pk: int) -> str:
    """The platform (``iss``) a deployment belongs to: the namespace of its users' ``sub``."""
    return session.get_one(Deployment, deployment_pk).client.platform.issuer


def forget_tokens() -> None:
    with _LOCK:
        _TOKENS.clear()
