"""OIDC login and launch: the two halves of an LTI 1.3 launch, one transaction each."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import jwt
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from lti_tool.config import Settings
from lti_tool.crypto import sha256_hex
from lti_tool.db import utcnow
from lti_tool.lti import claims as c
from lti_tool.lti import registry
from lti_tool.lti.models import Launch, LoginState, Platform, PlatformClient
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


@dataclass(frozen=True)
class LoginRequest:
    iss: str
    login_hint: str
    target_link_uri: str
    client_id: str | None = None
    lti_message_hint: str | None = None
    lti_deployment_id: str | None = None


def begin_login(
    session: Session, req: LoginRequest, settings: Settings, browser_token: str
) -> str:
    """Store a fresh state+nonce and return the platform's authorisation URL."""
    client = registry.find_client(session, req.iss, req.client_id)
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
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    session.add(LoginState(
        state=state, nonce=nonce, client_pk=client.id, target_link_uri=req.target_link_uri,
        browser_hash=sha256_hex(browser_token),
        expires_at=utcnow() + timedelta(seconds=settings.login_state_ttl)))
    params = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post",
        "prompt": "none", "client_id": client.client_id,
        "redirect_uri": settings.base_url + "/lti/launch",
        "login_hint": req.login_hint, "state": state, "nonce": nonce,
    }
    if req.lti_message_hint:
        params["lti_message_hint"] = req.lti_message_hint
    sep = "&" if "?" in client.platform.auth_login_url else "?"
    return client.platform.auth_login_url + sep + urlencode(params)


def _unverified(id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        decoded = jwt.api_jwt.decode_complete(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise LaunchError("bad_jwt", _l("id_token не является корректным JWT.")) from exc
    return decoded["header"], decoded["payload"]


def _login_state(session: Session, state: str | None, browser_token: str | None) -> LoginState:
    if not state:
        raise LaunchError("no_state", _l("В запросе запуска нет параметра state."))
    row = session.scalars(select(LoginState).where(LoginState.state == state)).first()
    if row is None:
        raise LaunchError("unknown_state", _l(
            "Параметр state не совпадает ни с одним начатым входом."))
    if row.used_at is not None:
        raise LaunchError("replayed", _l(
            "Этот запуск уже был использован: повторная отправка отклонена."), 403)
    if row.expires_at < utcnow():
        raise LaunchError("state_expired", _l("Вход устарел: откройте инструмент из курса заново."))
    # With third-party cookies blocked the browser sends no binding cookie: the one-time
    # state and nonce are then the whole defence. When it does send one, it must match.
    if browser_token and sha256_hex(browser_token) != row.browser_hash:
        raise LaunchError("other_browser", _l("Вход был начат в другом браузере."), 403)
    return row


def complete_launch(
    session: Session, *, id_token: str | None, state: str | None, browser_token: str | None,
    settings: Settings, jwks_cache: JwksCache,
) -> Launch:
    login = _login_state(session, state, browser_token)
    if not id_token:
        raise LaunchError("no_id_token", _l("В запросе запуска нет id_token."))
    header, body = _unverified(id_token)
    kid = check_header(header)
    client: PlatformClient = session.get_one(PlatformClient, login.client_pk,
                                             options=[joinedload(PlatformClient.platform)])
    platform: Platform = client.platform
    expected = Expected(
        issuer=platform.issuer, client_id=client.client_id,
        trusted_audiences=(), nonce=login.nonce, now=time.time(), leeway=settings.clock_leeway)
    check_times_and_identity(body, expected)
    check_audience(body, expected)
    key = jwks_cache.key_for(platform.jwks_url, kid)
    try:
        body = jwt.decode(id_token, key, algorithms=["RS256"], audience=client.client_id,
                          issuer=platform.issuer, leeway=settings.clock_leeway,
                          options={"require": ["exp", "iat", "iss", "aud"]})
    except jwt.PyJWTError as exc:
        raise LaunchError("bad_signature", _l(
            "Подпись или сроки токена запуска неверны: %(err)s", err=str(exc))) from exc
    message_type = check_message(body)
    deployment = registry.find_deployment(session, client.id, body[c.DEPLOYMENT_ID])
    if deployment is None:
        raise LaunchError("unknown_deployment", _l(
            "Развёртывание (deployment_id) «%(d)s» не зарегистрировано для этой платформы.",
            d=body[c.DEPLOYMENT_ID]), 403)
    if client.status != "active":
        raise LaunchError("client_pending", _l(
            "Регистрация этой платформы ожидает одобрения администратором Маршрута."), 403)
    # Consume the state atomically: of two concurrent posts of one launch, only one passes.
    used = session.execute(update(LoginState).where(
        LoginState.id == login.id, LoginState.used_at.is_(None)).values(used_at=utcnow()))
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise LaunchError("replayed", _l(
            "Этот запуск уже был использован: повторная отправка отклонена."), 403)
    return _record_launch(session, body, message_type, deployment.id, deployment.organisation_id,
                          platform.issuer, settings)


def _display_name(body: dict[str, Any]) -> str:
    name = body.get("name") or " ".join(
        p for p in (body.get("given_name"), body.get("family_name")) if p)
    return str(name or "")


def _record_launch(
    session: Session, body: dict[str, Any], message_type: str, deployment_pk: int, org_id: int,
    issuer: str, settings: Settings,
) -> Launch:
    person = people.upsert_person(session, source="lti", namespace=issuer,
                                  external_id=str(body["sub"]), display_name=_display_name(body))
    roles = map_roles(body.get(c.ROLES) or [])
    people.ensure_roles(session, person, org_id, roles)
    class_id = None
    context = body.get(c.CONTEXT)
    if isinstance(context, dict) and context.get("id"):
        group = people.upsert_class(session, org_id, source="lti", namespace=issuer,
                                    external_id=str(context["id"]),
                                    title=str(context.get("title") or ""),
                                    label=str(context.get("label") or ""))
        class_id = group.id
        for role in {"teacher", "student"} & set(roles):
            people.enrol(session, group, person, role)
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
    launch = Launch(
        token_id=secrets.token_urlsafe(24), person_id=person.id, organisation_id=org_id,
        deployment_pk=deployment_pk, class_id=class_id, roles=roles, message_type=message_type,
        resource_link_id=(body.get(c.RESOURCE_LINK) or {}).get("id"), target=target,
        locale=locale, services=services,
        expires_at=utcnow() + timedelta(seconds=settings.launch_ttl))
    session.add(launch)
    session.flush()
    return launch
