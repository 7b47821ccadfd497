"""Portfolio tables: per-school sections, achievements, evidence files, the moderation
history, parents' consents and who moderates which class.

Every row carries its organisation: a query is always scoped by the viewer's school first.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, utcnow


def file_id() -> str:
    """Evidence ids: 192 random bits, so a URL cannot be guessed or counted through."""
    return secrets.token_urlsafe(24)


def item_id() -> str:
    return secrets.token_urlsafe(12)


class PortfolioSection(Base):
    """A section of a school's student (Метафолио) or teacher (Вебфолио) portfolio:
    school configuration, seeded from seed 002's defaults and edited by the admin."""

    __tablename__ = "portfolio_section"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # student | teacher
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    hint: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    with_hours: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class Achievement(Base):
    __tablename__ = "portfolio_achievement"
    __table_args__ = (Index("ix_portfolio_achievement_org_status", "organisation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=item_id)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                          index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("portfolio_section.id"))
    title: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(20))
    achieved_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[int | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="unconfirmed")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    #: The owner's own wording, kept when a moderator edits it (shown beside the edit).
    original: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    moderated_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: A teacher (an adult) publishes their own confirmed items; a pupil's need consent.
    published: Mapped[bool] = mapped_column(default=False)
    #: Set for an item brought from another school: issuer, confirmation, credential id.
    imported: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    section: Mapped[PortfolioSection] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(back_populates="achievement",
                                                    order_by="Evidence.id")


class Evidence(Base):
    """A file proving an achievement; the bytes live in the evidence store under
    ``storage_key``, never under the web root or the uploaded name."""

    __tablename__ = "portfolio_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=file_id)
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_achievement.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    achievement: Mapped[Achievement] = relationship(back_populates="evidence")


class ModerationEvent(Base):
    """What happened to an achievement and why: the student reads this history."""

    __tablename__ = "portfolio_moderation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_achievement.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    action: Mapped[str] = mapped_column(String(20))  # added|edited|confirmed|rejected|...
    reason: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Consent(Base):
    """A parent's consent to publish one achievement of their child: who, when, which item;
    revoking sets ``revoked_at`` (the row stays as the record)."""

    __tablename__ = "portfolio_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_achievement.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)


class Curator(Base):
    """The class teacher (классный руководитель) or tutor who moderates a class's
    portfolios; assigned by the school admin."""

    __tablename__ = "portfolio_curator"
    __table_args__ = (UniqueConstraint("tutor_id", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                          index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"))


class UudConfig(Base):
    """A school's УУД scale and the gap between external and expert figures that is flagged."""

    __tablename__ = "portfolio_uud_config"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True)
    scale_max: Mapped[int] = mapped_column(default=5)
    gap_threshold: Mapped[float] = mapped_column(default=1.0)


class UudItem(Base):
    """One universal learning action of the school's framework (from its ООП)."""

    __tablename__ = "portfolio_uud_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    group: Mapped[str] = mapped_column(String(20))  # cognitive | regulatory | communicative
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class UudExternal(Base):
    """An external result (monitoring, ВПР, a metasubject olympiad) on the school's scale."""

    __tablename__ = "portfolio_uud_external"
    # Covering the school summary's GROUP BY (pupil, item) so it reads the index alone.
    __table_args__ = (Index("ix_portfolio_uud_external_org_student", "organisation_id",
                            "student_id", "item_id", "score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("portfolio_uud_item.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))  # monitoring | vpr | olympiad
    score: Mapped[float] = mapped_column()
    entered_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UudAsk(Base):
    """A request for an expert rating sent to one teacher who teaches the student."""

    __tablename__ = "portfolio_uud_ask"
    __table_args__ = (Index("ix_portfolio_uud_ask_teacher", "teacher_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                            index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    requested_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class UudRating(Base):
    """A teacher's expert rating of one item for one student (the answer to an ask)."""

    __tablename__ = "portfolio_uud_rating"
    __table_args__ = (UniqueConstraint("ask_id", "item_id"),
                      Index("ix_portfolio_uud_rating_org_student", "organisation_id",
                            "student_id", "item_id", "score"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    ask_id: Mapped[int] = mapped_column(ForeignKey("portfolio_uud_ask.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("portfolio_uud_item.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column()


class SelfAssessment(Base):
    """A teacher's yearly self-assessment against «Педагог» and the ICT map (seed 001)."""

    __tablename__ = "portfolio_self_assessment"
    __table_args__ = (UniqueConstraint("organisation_id", "teacher_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                            index=True)
    year: Mapped[int] = mapped_column()  # the school year's first calendar year
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LessonMap(Base):
    """A lesson's technological map (шаблон технологической карты урока, seed 002), built
    from the school's reference lists; publishing puts it into the teacher's portfolio."""

    __tablename__ = "portfolio_lesson_map"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                            index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    achievement_id: Mapped[int | None] = mapped_column(
        ForeignKey("portfolio_achievement.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AdultPupil(Base):
    """A pupil the school admin marked «совершеннолетний» (18 or older). No birth date is
    stored, only this mark: such a pupil publishes their own confirmed items, and a
    parent's consent no longer decides (an adult consents for themself, 152-ФЗ ст. 9).
    Who set it and when is here; every change is in the audit log."""

    __tablename__ = "portfolio_adult_pupil"
    __table_args__ = (UniqueConstraint("organisation_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    set_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
