"""The platform registry: issuer → client ids → deployments, each tied to an organisation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.lti.models import Deployment, Platform, PlatformClient


def add_platform(
    session: Session,
    *,
    issuer: str,
    client_id: str,
    organisation_id: int,
    auth_login_url: str,
    auth_token_url: str,
    jwks_url: str,
    deployment_ids: list[str] | tuple[str, ...] = (),
    name: str = "",
    status: str = "active",
    update_platform: bool = True,
) -> PlatformClient:
    """Idempotent: re-adding updates URLs and adds missing deployments.

    ``update_platform=False`` (Dynamic Registration) never changes the URLs or name of a
    platform that has an active client, nor touches an existing client: only an operator's
    ``add-platform`` may, since whoever sets the JWKS URL decides whose launches are
    believed. A platform known only through *pending* clients holds a stranger's word, so
    an active (invited) registration replaces its URLs rather than inherit them.
    """
    platform = find_platform(session, issuer)
    if platform is None:
        platform = Platform(issuer=issuer, name=name or issuer, auth_login_url=auth_login_url,
                            auth_token_url=auth_token_url, jwks_url=jwks_url)
        session.add(platform)
        session.flush()
    elif update_platform or (status == "active" and not has_active_client(session, platform)):
        platform.auth_login_url = auth_login_url
        platform.auth_token_url = auth_token_url
        platform.jwks_url = jwks_url
        platform.name = name or platform.name
    client = session.scalars(select(PlatformClient).where(
        PlatformClient.platform_id == platform.id, PlatformClient.client_id == client_id)).first()
    if client is None:
        client = PlatformClient(platform_id=platform.id, client_id=client_id,
                                organisation_id=organisation_id, status=status)
        session.add(client)
        session.flush()
    elif not update_platform:
        raise ValueError(f"client {client_id!r} of {issuer!r} is already registered")
    for dep in deployment_ids:
        add_deployment(session, client, dep)
    return client


def has_active_client(session: Session, platform: Platform) -> bool:
    return session.scalars(select(PlatformClient.id).where(
        PlatformClient.platform_id == platform.id, PlatformClient.status == "active")
    ).first() is not None


def find_platform(session: Session, issuer: str) -> Platform | None:
    return session.scalars(select(Platform).where(Platform.issuer == issuer)).first()


def add_deployment(session: Session, client: PlatformClient, deployment_id: str) -> Deployment:
    dep = session.scalars(select(Deployment).where(
        Deployment.client_pk == client.id, Deployment.deployment_id == deployment_id)).first()
    if dep is None:
        dep = Deployment(client_pk=client.id, deployment_id=deployment_id,
                         organisation_id=client.organisation_id)
        session.add(dep)
        session.flush()
    return dep
