"""Notifications to a person (in-app list, e-mail by preference) and those preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, public_id, utcnow


class Notification(Base):
    """One thing told to one person. ``key`` makes a notification idempotent per person (a
    retried job or a re-run sync tells nobody twice); ``emailed_at`` is claimed before the
    mail is sent, so a mail goes at most once."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("person_id", "key"),
                      Index("ix_notification_person_read", "person_id", "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str | None] = mapped_column(String(160), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    endpoint: Mapped[str] = mapped_column(String(80), default="")
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    about_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), nullable=True)  # a parent's child
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    email_state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    email_attempts: Mapped[int] = mapped_column(default=0)


class NotificationPreference(Base):
    """How a person wants e-mail: ``instant``, ``digest`` (daily) or ``off``."""

    __tablename__ = "notification_preference"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           primary_key=True)
    email_mode: Mapped[str] = mapped_column(String(10), default="instant")
