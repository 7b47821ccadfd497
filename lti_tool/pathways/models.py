"""Tables of routes: the school's curriculum offer, routes with every version, tutors.

A route keeps its working copy (``data``: questionnaire answers and plan) and, once approved,
the version in force (``in_force``): a student may change an active route and the change goes
through review while the approved plan stays what progress is measured against. Every change
is a ``RouteVersion`` row; ``version`` is the optimistic lock (SQLAlchemy's version counter:
an UPDATE that finds another number changes nothing and fails).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, public_id, utcnow


class SchoolOffer(Base):
    """A school's settings for routes: week, profiles, groups, questionnaire, alert limits."""

    __tablename__ = "pathway_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True)
    week_days: Mapped[int] = mapped_column(default=6)
    profiles: Mapped[list[str]] = mapped_column(JSON, default=list)
    groups: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # label → profile
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    mark_margin: Mapped[float] = mapped_column(Float, default=0.5)  # below target by more
    absence_limit: Mapped[int] = mapped_column(default=10)  # lessons missed per subject, period
    #: the periods progress is followed by: halves (полугодия) | quarters (четверти)
    term_scheme: Mapped[str] = mapped_column(String(10), default="halves",
                                             server_default="halves")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OfferCourse(Base):
    """One course the school offers: its ФГОС subject, level and weekly hours per grade."""

    __tablename__ = "pathway_offer_course"
    __table_args__ = (UniqueConstraint("organisation_id", "name", "level", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(40), nullable=True)
    level: Mapped[str] = mapped_column(String(20), default="basic")
    kind: Mapped[str] = mapped_column(String(20), default="subject")
    hours10: Mapped[float] = mapped_column(Float, default=0)
    hours11: Mapped[float] = mapped_column(Float, default=0)
    profiles: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every profile
    group: Mapped[str] = mapped_column(String(100), default="")


class Route(Base):
    __tablename__ = "pathway_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    start: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    in_force: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    recommendation: Mapped[str] = mapped_column(Text, default="")
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    agreed_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    agreement: Mapped[str] = mapped_column(String(20), default="")  # tool | paper
    paper_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class RouteVersion(Base):
    """Who did what and when, with the route's data as it was after the change."""

    __tablename__ = "pathway_route_version"
    __table_args__ = (UniqueConstraint("route_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(
        ForeignKey("pathway_route.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TutorAssignment(Base):
    """A teacher made tutor of a class (all its students) or of one student, by the admin."""

    __tablename__ = "pathway_tutor"
    __table_args__ = (UniqueConstraint("tutor_id", "class_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                          index=True)
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_group.id", ondelete="CASCADE"), nullable=True)
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), nullable=True)


class ProgressRow(Base):
    """A student's plan-against-actual, computed by a job (and on a route change) so the
    tutor's class page reads one row a student instead of a year of marks."""

    __tablename__ = "pathway_progress"
    __table_args__ = (UniqueConstraint("organisation_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    average: Mapped[float | None] = mapped_column(Float, nullable=True)
    alerts: Mapped[list[str]] = mapped_column(JSON, default=list)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class RegionalEdition(Base):
    """A rule edition a regional authority added: a copy of another edition with changed
    figures (``params``), its source act and when it takes effect. Never edited: a newer row
    supersedes it from its own ``effective`` date, so a checked plan keeps its reading."""

    __tablename__ = "pathway_edition"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(300))
    based_on: Mapped[str] = mapped_column(String(40))  # a national edition's key
    effective: Mapped[date] = mapped_column(Date)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source_name: Mapped[str] = mapped_column(String(300))
    source_date: Mapped[date] = mapped_column(Date)
    source_url: Mapped[str] = mapped_column(String(500), default="")
    certainty: Mapped[str] = mapped_column(String(20), default="act")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
