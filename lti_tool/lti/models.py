"""LTI registrations (issuer → client ids → deployments), tool keys, login states, launches.

Launch data lives here, keyed by an unguessable id that a signed launch token carries; the
cookie session holds at most that id (never the whole launch).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow


class Platform(Base):
    """An LMS installation, identified by its issuer (``iss``)."""

    __tablename__ = "lti_platform"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    jwks_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    clients: Mapped[list[PlatformClient]] = relationship(back_populates="platform")


class PlatformClient(Base):
    """One tool registration on a platform: the ``client_id`` it gave us.

    ``status`` is ``active`` or ``pending``: registrations made without an invite wait for an
    administrator's approval (``marshrut lti approve``) and cannot launch until then.
    """

    __tablename__ = "lti_client"
    __table_args__ = (UniqueConstraint("platform_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates="clients")
    deployments: Mapped[list[Deployment]] = relationship(back_populates="client")


class Deployment(Base):
    __tablename__ = "lti_deployment"
    __table_args__ = (UniqueConstraint("client_pk", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("lti_client.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))

    client: Mapped[PlatformClient] = relationship(back_populates="deployments")


class ToolKey(Base):
    """Our RSA signing keys. States: ``next`` (published, not yet signing), ``current``
    (signs), ``retiring`` (published until ``retire_at`` so tokens it signed stay valid)."""

    __tablename__ = "lti_tool_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(20))
    private_key_encrypted: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retire_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LoginState(Base):
    """OIDC third-party-initiated login: the state and nonce we issued, used once."""

    __tablename__ = "lti_login_state"
    __table_args__ = (Index("ix_lti_login_state_address", "address_hash", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    client_pk: Mapped[int] = mapped_column(ForeignKey("lti_client.id", ondelete="CASCADE"))
    target_link_uri: Mapped[str] = mapped_column(String(1000))
    #: Hash of the browser-binding secret: the cookie's value, also kept in the platform's
    #: storage frame (LTI client-side postMessage storage) when the platform offers one.
    browser_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: ``lti_storage_target`` of the login request (the platform offers postMessage storage).
    storage_target: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: The login request's own parameters, to start again in a new window (first-party
    #: cookies work there) when the frame can keep neither a cookie nor platform storage.
    login_query: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Hash of the client's address (IPv6: its /64), to bound the live states per address.
    address_hash: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Launch(Base):
    """What one validated launch lets the user do: the claims later requests need."""

    __tablename__ = "lti_launch"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    deployment_pk: Mapped[int] = mapped_column(ForeignKey("lti_deployment.id", ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_group.id", ondelete="SET NULL"), nullable=True
    )
    roles: Mapped[list[str]] = mapped_column(JSON)
    message_type: Mapped[str] = mapped_column(String(40))
    resource_link_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    target: Mapped[str] = mapped_column(String(80), default="home")
    locale: Mapped[str] = mapped_column(String(10), default="ru")
    #: AGS / NRPS endpoints and Deep Linking settings from the launch (not the whole token).
    services: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class RegistrationInvite(Base):
    """A one-time Dynamic Registration link issued by ``marshrut lti invite``."""

    __tablename__ = "lti_registration_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    client_pk: Mapped[int | None] = mapped_column(
        ForeignKey("lti_client.id", ondelete="SET NULL"), nullable=True
    )
