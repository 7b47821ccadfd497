"""The audit log: who changed what, in which organisation (152-ФЗ asks it for minors' data).

Shared, not the people feature's: every feature writes it, and a feature importing another's
services only to write a log line is how the import cycle started.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from lti_tool.db import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    """Who changed what: required for personal data of minors (152-ФЗ)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), nullable=True
    )
    action: Mapped[str] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[str] = mapped_column(String(80), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def audit(session: Session, actor_id: int | None, org_id: int | None, action: str,
          entity: str, entity_id: object = "", **details: Any) -> None:
    """Record one change in the caller's transaction (it is kept exactly when the change is)."""
    session.add(AuditEntry(actor_id=actor_id, organisation_id=org_id, action=action,
                           entity=entity, entity_id=str(entity_id), details=details))
