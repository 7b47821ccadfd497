"""Regional single sign-on: generic OpenID Connect, authorisation code + PKCE, via Authlib.

Configured per organisation (``SsoProvider``: issuer, client id, the secret encrypted at
rest). A person is found by a configured claim (e.g. ``sub`` or a regional id) matched to an
identity link, never by a name. The provider's discovery document, JWKS and token endpoint
are fetched through the outbound guard (no redirects; public addresses only unless the
tests' MARSHRUT_ALLOW_PRIVATE_URLS). The ID token is checked for issuer, audience, nonce
and time by ``joserfc`` (Authlib's JOSE successor); the claim may come from the ID token or
from userinfo (whose ``sub`` must be the ID token's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import OAuth2Error
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.outbound import RefusedURL, guard_session
from lti_tool.accounts.models import SsoProvider
from lti_tool.accounts.services import Refused, SignedIn
from lti_tool.core.audit import audit
from lti_tool.crypto import decrypt, encrypt
from lti_tool.people import services as people

TIMEOUT = (5.0, 15.0)


def providers(dbs: Session) -> list[SsoProvider]:
    return list(dbs.scalars(select(SsoProvider).where(SsoProvider.enabled.is_(True))
                            .order_by(SsoProvider.title)))


def add_provider(dbs: Session, org_id: int, actor_id: int | None, *, title: str, issuer: str,
                 client_id: str, client_secret: str, claim: str = "sub",
                 scope: str = "openid email profile", link_source: str = "oidc",
                 link_namespace: str = "", secret_key: str | None = None) -> SsoProvider:
    row = SsoProvider(organisation_id=org_id, title=title, issuer=issuer.rstrip("/"),
                      client_id=client_id, client_secret=encrypt(client_secret, secret_key),
                      claim=claim, scope=scope, link_source=link_source,
                      link_namespace=link_namespace)
    dbs.add(row)
    dbs.flush()
    audit(dbs, actor_id, org_id, "sso.configure", "sso_provider", row.public_id,
                 issuer=row.issuer, claim=claim)  # never the secret
    return row


@dataclass(frozen=True)
class Started:
    url: str
    state: dict[str, str]  # kept in the signed cookie session until the callback


def _unavailable(row: SsoProvider) -> Refused:
    return Refused("sso_down", _("Региональный вход «%(t)s» сейчас недоступен: сервер входа не "
                                 "отвечает. Попробуйте позже или войдите другим способом.",
                                 t=row.title), 502)


def _misconfigured(row: SsoProvider) -> Refused:
    return Refused("sso_config", _("Региональный вход «%(t)s» настроен неверно; сообщите "
                                   "администратору школы.", t=row.title), 502)


def _client(row: SsoProvider, redirect_uri: str, allow_private: bool,
            secret_key: str | None) -> OAuth2Session:
    client = OAuth2Session(row.client_id, decrypt(row.client_secret, secret_key), scope=row.scope,
                           redirect_uri=redirect_uri, code_challenge_method="S256")
    guard_session(client, allow_private=allow_private)
    return client


def _http(allow_private: bool) -> requests.Session:
    """Discovery, JWKS and userinfo: a plain session under the outbound guard."""
    return guard_session(requests.Session(), allow_private=allow_private)


def _metadata(http: requests.Session, row: SsoProvider) -> dict[str, Any]:
    try:
        resp = http.get(row.issuer + "/.well-known/openid-configuration", timeout=TIMEOUT)
    except (requests.RequestException, RefusedURL):
        raise _unavailable(row) from None
    if resp.status_code >= 500:
        raise _unavailable(row)
    try:
        meta = resp.json()
    except ValueError:
        raise _misconfigured(row) from None
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    if resp.status_code != 200 or not isinstance(meta, dict) or meta.get("issuer") != row.issuer \
            or not all(meta.get(k) for k in needed):
        raise _misconfigured(row)
    return meta


def start(row: SsoProvider, redirect_uri: str, *, allow_private: bool = False,
          secret_key: str | None = None) -> Started:
    client = _client(row, redirect_uri, allow_private, secret_key)
    meta = _metadata(_http(allow_private), row)
    verifier, nonce = generate_token(64), generate_token(32)
    url, state = client.create_authorization_url(meta["authorization_endpoint"],
                                                 code_verifier=verifier, nonce=nonce)
    return Started(url, {"p": row.public_id, "state": state, "nonce": nonce, "v": verifier})


def finish(dbs: Session, row: SsoProvider, pending: dict[str, str], code: str,
           redirect_uri: str, *, allow_private: bool = False,
           secret_key: str | None = None) -> SignedIn:
    """Exchange the code (with the PKCE verifier), check the ID token, find the person."""
    client, http = _client(row, redirect_uri, allow_private, secret_key), _http(allow_private)
    meta = _metadata(http, row)
    try:
        token = client.fetch_token(meta["token_endpoint"], grant_type="authorization_code",
                                   code=code, code_verifier=pending["v"], timeout=TIMEOUT)
        keys = KeySet.import_key_set(http.get(meta["jwks_uri"], timeout=TIMEOUT).json())
        claims = jwt.decode(token["id_token"], keys).claims
        jwt.JWTClaimsRegistry(
            leeway=30, iss={"essential": True, "value": row.issuer},
            aud={"essential": True, "value": row.client_id},
            nonce={"essential": True, "value": pending["nonce"]},
            exp={"essential": True}).validate(claims)
        values = dict(claims)
        if row.claim not in values and meta.get("userinfo_endpoint"):
            info = http.get(meta["userinfo_endpoint"], timeout=TIMEOUT, headers={
                "Authorization": f"Bearer {token['access_token']}"}).json()
            if info.get("sub") != values.get("sub"):
                raise _misconfigured(row)
            values = {**info, **values}
    except (requests.RequestException, RefusedURL):
        raise _unavailable(row) from None
    except (OAuth2Error, JoseError, KeyError, ValueError):
        raise Refused("sso_refused", _("Сервер входа «%(t)s» не подтвердил вход. Начните вход "
                                       "заново.", t=row.title), 401) from None
    external = values.get(row.claim)
    if not isinstance(external, str | int) or not str(external):
        raise _misconfigured(row)
    person = people.person_by_identity(dbs, row.link_source, row.link_namespace or row.issuer,
                                       str(external))
    if person is None:
        raise Refused("not_linked", _(
            "Вход через «%(t)s» выполнен, но эта учётная запись не связана ни с кем в Маршруте. "
            "Обратитесь к администратору школы.", t=row.title), 403)
    roles = frozenset(people.roles_in(dbs, person.id, row.organisation_id))
    audit(dbs, person.id, row.organisation_id, "signin.sso", "person", person.public_id,
                 provider=row.public_id)
    return SignedIn(person.id, row.organisation_id, roles)
