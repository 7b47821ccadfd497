"""OIDC login and launch: the two halves of an LTI 1.3 launch, one transaction each.

Both run on every launch, so they use Core statements and the per-process registry cache
(``registry_cache``) rather than the ORM: bench/lti_launch.py measures the difference.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from lti_tool.config import Settings
from lti_tool.crypto import sha256_hex
from lti_tool.db import utcnow
from lti_tool.lti import claims as c
from lti_tool.lti import registry_cache
from lti_tool.lti.models import Launch, LoginState
from lti_tool.lti.platform_keys import JwksCache
from lti_tool.lti.roles import map_roles
from lti_tool.lti.rules import (
    Expected,
    LaunchError,
    check_audience,
    check_header,
    check_message,
    check_times_and_identity,
)
from lti_tool.people import services as people

_LOGIN_STATE: Table = LoginState.__table__  # type: ignore[assignment]
_LAUNCH: Table = Launch.__table__  # type: ignore[assignment]
# Statements built once, values bound per call (SQLAlchemy then reuses their compiled form).
_STATE_BY_VALUE = select(_LOGIN_STATE).where(_LOGIN_STATE.c.state == bindparam("value"))
_LIVE_AT_ADDRESS = select(func.count()).select_from(_LOGIN_STATE).where(
    _LOGIN_STATE.c.address_hash == bindparam("address"), _LOGIN_STATE.c.used_at.is_(None),
    _LOGIN_STATE.c.expires_at > bindparam("now"))
_CONSUME_STATE = _LOGIN_STATE.update().where(
    _LOGIN_STATE.c.id == bindparam("login_id"), _LOGIN_STATE.c.used_at.is_(None)
).values(used_at=bindparam("now"))


@dataclass(frozen=True)
class LoginRequest:
    iss: str
    login_hint: str
    target_link_uri: str
    client_id: str | None = None
    lti_message_hint: str | None = None
    lti_deployment_id: str | None = None
    #: The platform's storage frame (LTI client-side postMessage storage), when offered.
    lti_storage_target: str | None = None
    #: The request's own query string, to start the same login again in a new window.
    query: str = ""


class BindingRequired(Exception):
    """The launch came without the browser-binding cookie, but the login used the
    platform's postMessage storage: the browser must prove it holds the binding secret
    (it decrypts the launch token with it, see ``seal_for_browser``)."""

    def __init__(self, storage_target: str, platform_origin: str, state: str,
                 browser_hash: str) -> None:
        super().__init__(storage_target)
        self.storage_target, self.platform_origin, self.state = (
            storage_target, platform_origin, state)
        self.browser_hash = browser_hash


def storage_key(state: str) -> str:
    return "marshrut_bind_" + state


def seal_for_browser(binding: BindingRequired, launch_token: str) -> dict[str, str]:
    """The launch token encrypted with the binding secret (AES-GCM, key = its SHA-256, which
    is what the login state keeps).

    Only a page that reads the secret from the platform's storage in *this* browser can
    open it; a value the server accepted from a form could be posted by an attacker who
    started the login in their own browser (login CSRF).
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    key = bytes.fromhex(binding.browser_hash)
    sealed = AESGCM(key).encrypt(nonce, launch_token.encode(), None)
    return {"nonce": base64.b64encode(nonce).decode(),
            "sealed": base64.b64encode(sealed).decode()}


def address_key(address: str | None) -> str:
    """The hash of a client address for the per-address bound: an IPv6 client gets a whole
    /64 (it can pick any address in it), an IPv4 client its own address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return sha256_hex(address or "")[:32]
    if ip.version == 6:
        return sha256_hex(str(ipaddress.ip_network(f"{ip}/64", strict=False)))[:32]
    return sha256_hex(str(ip))[:32]


def _expire_login_states(session: Session, force: bool = False) -> None:
    """Login states outlive their TTL only until the next sweep (1 login in 50, and always
    before an address is refused), so /lti/login cannot grow the table without bound."""
    if force or secrets.randbelow(50) == 0:
        session.execute(_LOGIN_STATE.delete().where(_LOGIN_STATE.c.expires_at < utcnow()))


def _check_address_bound(session: Session, address: str, settings: Settings) -> None:
    """Refuse a login when this address already holds its share of pending login states (a
    flood); other addresses, and this one once its states expire, go on unhindered. A
    completed launch uses its state up, so it does not count: a whole school behind one
    address (or a proxy not declared in MARSHRUT_PROXY_COUNT) is not refused."""
    live = session.execute(_LIVE_AT_ADDRESS, {"address": address, "now": utcnow()}).scalar()
    if (live or 0) < settings.login_states_per_address:
        return
    _expire_login_states(session, force=True)
    raise TooManyLogins(max(1, settings.login_state_ttl // 60))


class TooManyLogins(LaunchError):
    """An address over its bound. The sweep done before refusing is kept (committed)."""

    def __init__(self, minutes: int) -> None:
        super().__init__("too_many_logins", _l(
            "Слишком много входов с этого адреса за %(minutes)s мин.: подождите и откройте "
            "инструмент из курса снова.", minutes=minutes), 429)


def begin_login(
    session: Session, req: LoginRequest, settings: Settings, browser_token: str, address: str,
) -> str:
    """Store a fresh state+nonce and return the platform's authorisation URL. ``address``
    is ``address_key`` of the client's address (the bound on live states per address)."""
    client = registry_cache.find_client(session, req.iss, req.client_id)
    if client is None:
        raise LaunchError(
            "unknown_platform",
            _l("Платформа «%(iss)s» (client_id «%(client)s») не зарегистрирована в Маршруте.",
               iss=req.iss, client=req.client_id or "—"),
            status=403,
        )
    if client.status != "active":
        raise LaunchError("client_pending", _l(
            "Регистрация этой платформы ожидает одобрения администратором Маршрута."), 403)
    if not req.target_link_uri.startswith(settings.base_url + "/"):
        raise LaunchError("bad_target", _l(
            "Адрес target_link_uri «%(uri)s» не принадлежит этому инструменту.",
            uri=req.target_link_uri))
    _check_address_bound(session, address, settings)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    _expire_login_states(session)
    session.execute(_LOGIN_STATE.insert(), dict(
        state=state, nonce=nonce, client_pk=client.id, target_link_uri=req.target_link_uri,
        browser_hash=sha256_hex(browser_token),
        expires_at=utcnow() + timedelta(seconds=settings.login_state_ttl),
        storage_target=(req.lti_storage_target or None) and req.lti_storage_target[:64],
        login_query=req.query[:4000] or None, address_hash=address or None))
    params = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post",
        "prompt": "none", "client_id": client.client_id,
        "redirect_uri": settings.base_url + "/lti/launch",
        "login_hint": req.login_hint, "state": state, "nonce": nonce,
    }
    if req.lti_message_hint:
        params["lti_message_hint"] = req.lti_message_hint
    sep = "&" if "?" in client.auth_login_url else "?"
    return client.auth_login_url + sep + urlencode(params)


def _header(id_token: str) -> dict[str, Any]:
    """Only the header (PyJWT's own reader decodes the whole token): the kid picks the key,
    and PyJWT checks the header's alg again when it verifies the signature."""
    segment = id_token.split(".", 1)[0] if id_token.count(".") == 2 else ""
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error):
        header = None
    if not isinstance(header, dict):
        raise LaunchError("bad_jwt", _l("id_token не является корректным JWT."))
    return header


def _verified(id_token: str, key: Any, leeway: int) -> dict[str, Any]:
    """Decode once, checking the signature (and nbf). iss, aud, exp and iat are checked by
    our rules right after, on this verified body (they require each of them), so every
    refusal keeps its own code."""
    try:
        return jwt.decode(id_token, key, algorithms=["RS256"], leeway=leeway, options={
            "verify_aud": False, "verify_iss": False, "verify_exp": False, "verify_iat": False})
    except jwt.DecodeError as exc:
        if isinstance(exc, jwt.InvalidSignatureError):
            raise LaunchError("bad_signature", _l(
                "Подпись или сроки токена запуска неверны: %(err)s", err=str(exc))) from exc
        raise LaunchError("bad_jwt", _l("id_token не является корректным JWT.")) from exc
    except jwt.PyJWTError as exc:
        raise LaunchError("bad_signature", _l(
            "Подпись или сроки токена запуска неверны: %(err)s", err=str(exc))) from exc


def _login_state(session: Session, state: str | None, browser_token: str | None) -> Any:
    if not state:
        raise LaunchError("no_state", _l("В запросе запуска нет параметра state."))
    row = session.execute(_STATE_BY_VALUE, {"value": state}).first()
    if row is None:
        raise LaunchError("unknown_state", _l(
            "Параметр state не совпадает ни с одним начатым входом."))
    if row.used_at is not None:
        raise LaunchError("replayed", _l(
            "Этот запуск уже был использован: повторная отправка отклонена."), 403)
    if row.expires_at < utcnow():
        raise LaunchError("state_expired", _l("Вход устарел: откройте инструмент из курса заново."))
    # The state must be bound to this browser (login CSRF: someone else's valid id_token and
    # state posted from the victim's browser). The cookie, when the browser keeps it;
    # otherwise the platform's postMessage storage; otherwise refuse.
    if browser_token:
        if sha256_hex(browser_token) != row.browser_hash:
            raise LaunchError("other_browser", _l("Вход был начат в другом браузере."), 403)
        return row
    if not row.storage_target:
        raise UnboundBrowser(row.login_query or "")
    return row


class UnboundBrowser(LaunchError):
    """No cookie came back and the platform offers no storage: the frame cannot prove the
    login was its own. In a new window (first-party) the cookie works."""

    def __init__(self, login_query: str) -> None:
        super().__init__("unbound_browser", _l(
            "Браузер не сохранил cookie Маршрута внутри LMS, поэтому вход нельзя проверить. "
            "Откройте Маршрут в новом окне."), 403)
        self.login_query = login_query


def complete_launch(
    session: Session, *, id_token: str | None, state: str | None, browser_token: str | None,
    settings: Settings, jwks_cache: JwksCache,
) -> tuple[Launch, BindingRequired | None]:
    """The recorded launch, and what the browser still has to prove when no cookie came."""
    login = _login_state(session, state, browser_token)
    if not id_token:
        raise LaunchError("no_id_token", _l("В запросе запуска нет id_token."))
    kid = check_header(_header(id_token))
    client = registry_cache.client_by_pk(session, login.client_pk)
    needs_storage = not browser_token
    key = jwks_cache.key_for(client.jwks_url, kid)
    body = _verified(id_token, key, settings.clock_leeway)
    expected = Expected(
        issuer=client.issuer, client_id=client.client_id,
        trusted_audiences=(), nonce=login.nonce, now=time.time(), leeway=settings.clock_leeway)
    check_times_and_identity(body, expected)
    check_audience(body, expected)
    message_type = check_message(body)
    deployment = registry_cache.find_deployment(session, client, body[c.DEPLOYMENT_ID])
    if deployment is None:
        raise LaunchError("unknown_deployment", _l(
            "Развёртывание (deployment_id) «%(d)s» не зарегистрировано для этой платформы.",
            d=body[c.DEPLOYMENT_ID]), 403)
    if client.status != "active":
        raise LaunchError("client_pending", _l(
            "Регистрация этой платформы ожидает одобрения администратором Маршрута."), 403)
    # Consume the state atomically: of two concurrent posts of one launch, only one passes.
    used = session.execute(_CONSUME_STATE, {"login_id": login.id, "now": utcnow()})
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise LaunchError("replayed", _l(
            "Этот запуск уже был использован: повторная отправка отклонена."), 403)
    record = _record_launch(session, body, message_type, deployment.id,
                            deployment.organisation_id, client.issuer, settings)
    if needs_storage:
        # Everything is checked; the browser still has to show it holds the binding secret.
        return record, BindingRequired(login.storage_target, _origin(client.auth_login_url),
                                       login.state, login.browser_hash)
    return record, None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _display_name(body: dict[str, Any]) -> str:
    name = body.get("name") or " ".join(
        p for p in (body.get("given_name"), body.get("family_name")) if p)
    return str(name or "")


def _record_launch(
    session: Session, body: dict[str, Any], message_type: str, deployment_pk: int, org_id: int,
    issuer: str, settings: Settings,
) -> Launch:
    roles = map_roles(body.get(c.ROLES) or [])
    context = body.get(c.CONTEXT)
    ctx = (str(context["id"]), str(context.get("title") or ""), str(context.get("label") or "")
           ) if isinstance(context, dict) and context.get("id") else None
    enrol_as = {"teacher", "student"} & set(roles)
    sub, name = str(body["sub"]), _display_name(body)
    # A returning user whose name, roles and class are already on record: nothing to write.
    known = people.unchanged_launch_identity(
        session, org_id=org_id, namespace=issuer, external_id=sub, display_name=name,
        roles=roles, context=ctx, enrol_as=enrol_as)
    if known is not None:
        person_id, class_id = known
    else:
        person_id, class_id = _upsert_identity(session, org_id, issuer, sub, name, roles, ctx,
                                               enrol_as)
    custom = body.get(c.CUSTOM) if isinstance(body.get(c.CUSTOM), dict) else {}
    presentation = body.get(c.LAUNCH_PRESENTATION) or {}
    locale = "en" if str(presentation.get("locale", "")).lower().startswith("en") else "ru"
    services: dict[str, Any] = {}
    for claim, key in ((c.AGS, "ags"), (c.NRPS, "nrps"), (c.DL_SETTINGS, "deep_linking")):
        if isinstance(body.get(claim), dict):
            services[key] = body[claim]
    if isinstance(presentation, dict) and presentation.get("return_url"):
        services["return_url"] = presentation["return_url"]
    target = "deeplink" if message_type == c.DEEP_LINKING_REQUEST else str(
        (custom or {}).get("target") or "home")
    values: dict[str, Any] = dict(
        token_id=secrets.token_urlsafe(24), person_id=person_id, organisation_id=org_id,
        deployment_pk=deployment_pk, class_id=class_id, roles=roles, message_type=message_type,
        resource_link_id=(body.get(c.RESOURCE_LINK) or {}).get("id"), target=target,
        locale=locale, services=services, created_at=utcnow(),
        expires_at=utcnow() + timedelta(seconds=settings.launch_ttl))
    # Core insert: the ORM's unit of work costs more than the statement itself here.
    result = session.execute(_LAUNCH.insert(), values)
    return Launch(id=result.inserted_primary_key[0], **values)  # type: ignore[attr-defined]


def _upsert_identity(
    session: Session, org_id: int, issuer: str, sub: str, name: str, roles: list[str],
    ctx: tuple[str, str, str] | None, enrol_as: set[str],
) -> tuple[int, int | None]:
    """First launch, or something changed: find-or-create the person, roles, class."""
    person = people.upsert_person(session, source="lti", namespace=issuer, external_id=sub,
                                  display_name=name, organisation_id=org_id)
    people.ensure_roles(session, person, org_id, roles)
    class_id = None
    if ctx is not None:
        group = people.upsert_class(session, org_id, source="lti", namespace=issuer,
                                    external_id=ctx[0], title=ctx[1], label=ctx[2])
        class_id = group.id
        for role in sorted(enrol_as):
            people.enrol(session, group, person, role)
    session.flush()
    return person.id, class_id
