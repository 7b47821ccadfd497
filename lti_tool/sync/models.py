"""Adapter connections of a school, sync runs with their reports, resume checkpoints and the
people no identity key could match (left for the admin to link by hand)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, public_id, utcnow

#: The sources a school connects (``lti_tool.sync.sources.build``); the database refuses others.
SOURCE_KINDS = ("netschool", "moodle", "oneroster")
#: A run's life: running → done | failed; a run cut off (crash, Ctrl+C) is interrupted.
RUN_STATES = ("running", "done", "failed", "interrupted")

class SourceConnection(Base):
    """A school's connection to Сетевой город, Moodle WS or a OneRoster drop.

    ``settings`` holds what is safe to show (server URL, login, school); the password or
    token is in ``secret``, Fernet-encrypted with a key derived from MARSHRUT_SECRET_KEY.
    """

    __tablename__ = "sync_connection"
    __table_args__ = (CheckConstraint(f"kind IN {SOURCE_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # one of SOURCE_KINDS
    title: Mapped[str] = mapped_column(String(200), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    secret: Mapped[str] = mapped_column(Text, default="")
    match_keys: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["email"])
    enabled: Mapped[bool] = mapped_column(default=True)
    interval_minutes: Mapped[int] = mapped_column(default=0)  # 0: only by hand
    lookback_weeks: Mapped[int] = mapped_column(default=2)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SyncRun(Base):
    """One sync: its window, progress heartbeat and the per-run report (``counts``)."""

    __tablename__ = "sync_run"
    __table_args__ = (CheckConstraint(f"status IN {RUN_STATES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("sync_connection.id", ondelete="CASCADE"), index=True)
    trigger: Mapped[str] = mapped_column(String(20), default="cli")  # cli | schedule | admin
    status: Mapped[str] = mapped_column(String(20), default="running")  # one of RUN_STATES
    window_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    window_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resumed_from_id: Mapped[int | None] = mapped_column(nullable=True)
    owner: Mapped[str] = mapped_column(String(120), default="")  # host:pid running it
    chunks_total: Mapped[int] = mapped_column(default=0)
    chunks_done: Mapped[int] = mapped_column(default=0)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")  # rows from before message_data
    #: {"code", "params"} (lti_tool.sync.messages), rendered in the reader's language
    message_data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    @property
    def display_message(self) -> str:
        from lti_tool.sync.messages import render

        return render(self.message_data, self.message)


class SyncRejection(Base):
    """A remote record the run skipped, with where it came from and why."""

    __tablename__ = "sync_rejection"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_run.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)  # text: a schema's verdict, or an old row
    reason_data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # a code

    @property
    def display_reason(self) -> str:
        from lti_tool.sync.messages import render

        return render(self.reason_data, self.reason)


class SyncCheckpoint(Base):
    """The digest of what a chunk last returned: equal digest → nothing to write; a chunk
    stamped with an interrupted run's id is not fetched again when that run is resumed."""

    __tablename__ = "sync_checkpoint"
    __table_args__ = (UniqueConstraint("connection_id", "chunk_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("sync_connection.id", ondelete="CASCADE"))
    chunk_key: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[int] = mapped_column()
    done_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UnmatchedPerson(Base):
    """Someone from the source no configured key matched uniquely: never merged silently."""

    __tablename__ = "sync_unmatched"
    __table_args__ = (UniqueConstraint("connection_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("sync_connection.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    candidates: Mapped[list[int]] = mapped_column(JSON, default=list)
    resolved: Mapped[bool] = mapped_column(default=False)
