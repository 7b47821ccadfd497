"""Journal tables. Every row remembers where it came from (source + namespace + remote id),
so two schools' Сетевой город servers, or Сетевой город and OneRoster, never collide, and a
re-sync finds the row it wrote before instead of adding another."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base


class _FromSource:
    """Which organisation a row belongs to and which source's id space it came from."""

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    namespace: Mapped[str] = mapped_column(String(300))


class Assignment(_FromSource, Base):
    """«Задание»: work marks are given for; its type («контрольная») sets the weight."""

    __tablename__ = "journal_assignment"
    __table_args__ = (
        UniqueConstraint("source", "namespace", "external_id"),
        Index("ix_journal_assignment_ns_due", "source", "namespace", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255))
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_group.id", ondelete="SET NULL"), nullable=True, index=True)
    subject: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(1000), default="")
    type_name: Mapped[str] = mapped_column(String(200), default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    due: Mapped[date] = mapped_column(Date)
    max_mark: Mapped[int] = mapped_column(default=5)


class Mark(Base):
    """One journal cell: a mark 1–5, an absence code (Н, УП, Б, НП, ОП) or a debt «точка»."""

    __tablename__ = "journal_mark"
    __table_args__ = (
        UniqueConstraint("assignment_id", "student_id"),
        # a pupil's marks by day, with the work they belong to: a period's read (the network
        # transfer, route progress) touches the period's entries only, not the pupil's year
        Index("ix_journal_mark_student_day", "student_id", "date", "assignment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("journal_assignment.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    value: Mapped[int | None] = mapped_column(nullable=True)
    code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    debt: Mapped[bool] = mapped_column(default=False)
    date: Mapped[date] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(String(1000), default="")


class Attendance(_FromSource, Base):
    """A missed or late lesson («пропуск», «опоздание»); lessons attended are not stored."""

    __tablename__ = "journal_attendance"
    __table_args__ = (
        UniqueConstraint("source", "namespace", "student_id", "date", "lesson"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_group.id", ondelete="SET NULL"), nullable=True)
    date: Mapped[date] = mapped_column(Date)
    lesson: Mapped[int] = mapped_column()
    subject: Mapped[str] = mapped_column(String(300), default="")
    code: Mapped[str] = mapped_column(String(4))


class FinalMark(_FromSource, Base):
    """«Итоговая отметка» for a term or the year (``term_id == "year"``)."""

    __tablename__ = "journal_final_mark"
    __table_args__ = (
        UniqueConstraint("source", "namespace", "student_id", "subject", "term_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    term_id: Mapped[str] = mapped_column(String(255))
    value: Mapped[int | None] = mapped_column(nullable=True)
    code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    debt: Mapped[bool] = mapped_column(default=False)
