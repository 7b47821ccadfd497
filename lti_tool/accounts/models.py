"""Sign-in sessions kept on the server, and sign-in attempts for the rate limits.

The cookie holds only a random secret; the row holds its SHA-256, so a copy of the database
signs nobody in, and ending a session (or all of a person's) takes effect at the next request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, public_id, utcnow


class AccountSession(Base):
    """One signed-in browser: who, in which organisation, with which roles, until when."""

    __tablename__ = "account_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    method: Mapped[str] = mapped_column(String(20))  # netschool | local | oidc
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class SignInAttempt(Base):
    """A sign-in that reached a check (``scope`` account or address, ``key`` a hash)."""

    __tablename__ = "signin_attempt"
    __table_args__ = (Index("ix_signin_attempt_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ok: Mapped[bool] = mapped_column(default=False)


class LocalAccount(Base):
    """A password of our own, for people in no other system (partner coordinators, regional
    staff), made by an admin's invitation. ``password_hash`` is argon2id (None until the
    invitation is accepted); the TOTP secret is encrypted at rest like adapter secrets."""

    __tablename__ = "local_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(300), nullable=True)
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    #: SHA-256 of each unused recovery code (random, so a fast hash is enough)
    recovery_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccountToken(Base):
    """A single-use link sent by e-mail: an invitation or a password reset."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("local_account.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(10))  # invite | reset
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SsoProvider(Base):
    """A regional (or school) OpenID Connect provider: who may sign in through it is decided
    by ``claim`` matched to an identity link (``link_source``, ``link_namespace``), never by a
    name. The client secret is encrypted at rest like the sync secrets."""

    __tablename__ = "sso_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(200))
    client_secret: Mapped[str] = mapped_column(String(600))
    claim: Mapped[str] = mapped_column(String(80), default="sub")
    scope: Mapped[str] = mapped_column(String(200), default="openid email profile")
    link_source: Mapped[str] = mapped_column(String(20), default="oidc")
    link_namespace: Mapped[str] = mapped_column(String(300), default="")  # "" = the issuer
    enabled: Mapped[bool] = mapped_column(default=True)
