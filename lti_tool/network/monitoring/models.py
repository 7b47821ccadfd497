"""One school's monitoring figures for one term of a school year (seed 001)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, utcnow


class MonitoringReport(Base):
    __tablename__ = "network_monitoring_report"
    __table_args__ = (UniqueConstraint("network_id", "organisation_id", "year", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"),
                                            index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    term: Mapped[int] = mapped_column(Integer)  # 1–4: четверть
    teachers_total: Mapped[int] = mapped_column(Integer, default=0)
    teachers_in_communities: Mapped[int] = mapped_column(Integer, default=0)
    teachers_at_events: Mapped[int] = mapped_column(Integer, default=0)
    vcs_lessons: Mapped[int] = mapped_column(Integer, default=0)
    lessons_total: Mapped[int] = mapped_column(Integer, default=0)
    lessons_with_eor: Mapped[int] = mapped_column(Integer, default=0)
    entered_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow,
                                                 onupdate=utcnow)
