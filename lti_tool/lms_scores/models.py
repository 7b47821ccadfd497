"""The AGS score outbox: a score is stored first, delivered by a job with retries.

A row is the promise "this score reaches the LMS exactly once": ``idempotency_key`` stops a
second enqueue, ``status`` moves pending → sending → sent under a row claim, and the AGS
``timestamp`` is fixed at enqueue so a re-delivery after a crash is a no-op on the platform.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, utcnow

#: pending → sending (claimed) → sent; after the last try, failed (a teacher can retry).
SCORE_STATES = ("pending", "sending", "sent", "failed")


class OutboxScore(Base):
    __tablename__ = "ags_outbox_score"
    __table_args__ = (CheckConstraint(f"status IN {SCORE_STATES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    deployment_pk: Mapped[int] = mapped_column(ForeignKey("lti_deployment.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    lineitems_url: Mapped[str] = mapped_column(String(1000))
    lineitem_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    #: label/resourceId/tag/scoreMaximum of the line item to find or create.
    lineitem: Mapped[dict[str, Any]] = mapped_column(JSON)
    user_sub: Mapped[str] = mapped_column(String(255))
    score: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
