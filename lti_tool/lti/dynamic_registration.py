"""LTI Dynamic Registration as Moodle 4.x drives it ("register a tool by URL").

Who may register: a registration made through a one-time invite link
(``marshrut lti invite --org SLUG``) is active at once and belongs to the invite's
organisation. One made without an invite is kept as ``pending`` under a holding
organisation and cannot launch until an administrator approves it
(``marshrut lti approve CLIENT --org SLUG``): a stranger can ask, but not get in.

Why ours and not pylti1p3next's ``DynamicRegistration``: theirs fetches the configuration
URL with a plain ``requests`` session (redirects followed, any address, no size bound),
checks neither that the issuer's origin is the configuration URL's nor the shape of the
answer (``assert`` statements, off under ``python -O``), and leaves storing the registration
to the caller. Those checks are the security of this endpoint (issue 7: registration
takeover, SSRF), so the flow is written here around ``adapters.outbound`` and our registry.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import requests
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from marshmallow import INCLUDE, Schema, ValidationError, fields
from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.outbound import OutboundSession, RefusedURL, origin, read_json
from lti_tool.core.audit import audit
from lti_tool.crypto import sha256_hex
from lti_tool.db import db_session, utcnow
from lti_tool.lti import registry
from lti_tool.lti.models import PlatformClient, RegistrationInvite
from lti_tool.lti.rules import LaunchError
from lti_tool.lti.views import tool_configuration
from lti_tool.people import services as people

bp = Blueprint("dynreg", __name__, template_folder="templates")
PLATFORM_CONF = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONF = "https://purl.imsglobal.org/spec/lti-tool-configuration"
HOLDING_ORG = "pending-registrations"


class OpenIdConfiguration(Schema):
    class Meta:
        unknown = INCLUDE

    issuer = fields.Url(required=True, require_tld=False)
    authorization_endpoint = fields.Url(required=True, require_tld=False)
    token_endpoint = fields.Url(required=True, require_tld=False)
    jwks_uri = fields.Url(required=True, require_tld=False)
    registration_endpoint = fields.Url(required=True, require_tld=False)


def create_invite(session: Session, organisation_id: int, days: int = 7) -> str:
    token = secrets.token_urlsafe(24)
    session.add(RegistrationInvite(token_hash=sha256_hex(token), organisation_id=organisation_id,
                                   expires_at=utcnow() + timedelta(days=days)))
    return token


def _invite(session: Session, token: str | None) -> RegistrationInvite | None:
    if not token:
        return None
    invite = session.scalars(select(RegistrationInvite).where(
        RegistrationInvite.token_hash == sha256_hex(token))).first()
    if invite is None or invite.used_at is not None or invite.expires_at < utcnow():
        raise LaunchError("bad_invite", _(
            "Ссылка-приглашение для регистрации недействительна, использована или устарела."),
            403)
    return invite


def _fetch_config(http: requests.Session, url: str) -> dict[str, Any]:
    try:
        data = OpenIdConfiguration().load(read_json(http, "GET", url))
    except RefusedURL as exc:
        raise LaunchError("dynreg_refused_url", _(
            "Адрес настроек платформы не принят: %(err)s.", err=str(exc)), 400) from exc
    except (requests.RequestException, ValueError) as exc:
        raise LaunchError("dynreg_config", _(
            "Не удалось получить настройки платформы: %(err)s", err=str(exc)), 502) from exc
    except ValidationError as exc:
        fields_ = ", ".join(sorted(exc.normalized_messages()))
        raise LaunchError("dynreg_config", _(
            "Настройки платформы неполны или неверны (поля: %(f)s).", f=fields_), 502) from exc
    if PLATFORM_CONF not in data:
        raise LaunchError("dynreg_config", _("Платформа не сообщила свои настройки LTI."), 502)
    try:
        same_origin = origin(url) == origin(data["issuer"])
    except RefusedURL:
        same_origin = False
    if not same_origin:
        # Exact scheme, host and port: "https://lms.ru@evil.example" or a prefix trick
        # must not pass as the LMS (a registration for an issuer can take over its launches).
        raise LaunchError("dynreg_issuer", _(
            "Издатель «%(iss)s» не совпадает с адресом настроек платформы.",
            iss=data["issuer"]), 400)
    return data


def register(session: Session, *, config_url: str, registration_token: str | None,
             invite_token: str | None, base_url: str,
             allow_private_urls: bool = False) -> PlatformClient:
    invite = _invite(session, invite_token)
    http = OutboundSession(allow_private=allow_private_urls)
    conf = _fetch_config(http, config_url)
    existing = registry.find_platform(session, conf["issuer"])
    if existing is not None and invite is None:
        # A stranger may ask to be approved, but not for an LMS we already trust: its
        # client would share the platform's URLs and keys (and could replace them).
        raise LaunchError("dynreg_known_issuer", _(
            "Эта LMS уже подключена. Новую регистрацию для неё можно сделать только по "
            "ссылке-приглашению администратора Маршрута."), 409)
    urls = (conf["authorization_endpoint"], conf["token_endpoint"], conf["jwks_uri"])
    if existing is not None and registry.has_active_client(session, existing) and urls != (
            existing.auth_login_url, existing.auth_token_url, existing.jwks_url):
        # A second client of a trusted LMS shares its URLs and keys; a registration that
        # names other ones (another school's invite, a file on the LMS's site) must not
        # inherit them silently, nor replace them: the operator decides (add-platform).
        raise LaunchError("dynreg_platform_mismatch", _(
            "Эта LMS уже подключена с другими адресами входа и ключей. Сверьте настройки "
            "LMS с администратором Маршрута."), 409)
    headers = {"Content-Type": "application/json"}
    if registration_token:
        headers["Authorization"] = "Bearer " + registration_token
    try:
        reply = read_json(http, "POST", conf["registration_endpoint"],
                          json=tool_configuration(base_url), headers=headers)
    except RefusedURL as exc:
        raise LaunchError("dynreg_refused_url", _(
            "Адрес регистрации платформы не принят: %(err)s.", err=str(exc)), 400) from exc
    except (requests.RequestException, ValueError) as exc:
        raise LaunchError("dynreg_post", _(
            "Платформа отклонила регистрацию: %(err)s", err=str(exc)), 502) from exc
    client_id = reply.get("client_id") if isinstance(reply, dict) else None
    if not client_id:
        raise LaunchError("dynreg_reply", _("Платформа не вернула client_id."), 502)
    deployment = (reply.get(TOOL_CONF) or {}).get("deployment_id")
    org_id = invite.organisation_id if invite else people.holding_organisation(
        session, HOLDING_ORG, "Ожидают одобрения")
    try:
        client = registry.add_platform(
            session, issuer=conf["issuer"], client_id=str(client_id), organisation_id=org_id,
            auth_login_url=conf["authorization_endpoint"], auth_token_url=conf["token_endpoint"],
            jwks_url=conf["jwks_uri"], deployment_ids=[str(deployment)] if deployment else [],
            name=str(conf[PLATFORM_CONF].get("product_family_code") or conf["issuer"]),
            status="active" if invite else "pending", update_platform=False)
    except ValueError as exc:
        raise LaunchError("dynreg_known_client", _(
            "Этот client_id уже зарегистрирован для этой LMS."), 409) from exc
    if invite:
        invite.used_at = utcnow()
        invite.client_pk = client.id
    audit(session, None, org_id, "lti.register", "lti_client", client.id,
          issuer=conf["issuer"], client_id=client_id, invited=bool(invite))
    return client


def approve(session: Session, client_pk: int, organisation_id: int) -> PlatformClient:
    client = session.get_one(PlatformClient, client_pk)
    client.status = "active"
    client.organisation_id = organisation_id
    for dep in client.deployments:
        dep.organisation_id = organisation_id
    audit(session, None, organisation_id, "lti.approve", "lti_client", client.id)
    return client


@bp.get("/lti/register")
def register_view() -> Any:
    config_url = request.args.get("openid_configuration")
    if not config_url:
        raise LaunchError("dynreg_missing", _(
            "Откройте этот адрес из LMS (Moodle: «Зарегистрировать инструмент по URL»): "
            "нет параметра openid_configuration."))
    dbs = db_session()
    try:
        client = register(dbs, config_url=config_url,
                          registration_token=request.args.get("registration_token"),
                          invite_token=request.args.get("invite"),
                          base_url=current_app.config["MARSHRUT"].base_url,
                          allow_private_urls=current_app.config["MARSHRUT"].allow_private_urls)
        dbs.commit()
    except LaunchError:
        dbs.rollback()
        raise
    return render_template("lti/registered.html", client=client)
