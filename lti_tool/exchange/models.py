"""Network course exchange tables: courses a host school offers to its network, students'
requests with both schools' decisions, network groups, monthly transfer packages (versioned,
sent once) and term report cards.

Which organisations form a network belongs to ``lti_tool/network``; here a course only names
its host and, optionally, the network it is offered in (``network_id``; no foreign key so
this feature does not reach into the network's tables). Who may see it is decided by
:mod:`lti_tool.exchange.partners`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base, UTCDateTime, public_id, utcnow


class NetworkCourse(Base):
    """«Сетевой курс»: taught by the host school to students of partner schools."""

    __tablename__ = "exchange_course"
    __table_args__ = (Index("ix_exchange_course_subject", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    host_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int | None] = mapped_column(nullable=True, index=True)
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    teacher_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20), default="basic")  # basic | advanced
    grades: Mapped[str] = mapped_column(String(20), default="10-11")
    hours: Mapped[int] = mapped_column(default=34)
    format: Mapped[str] = mapped_column(String(20), default="on_site")  # on_site | distance
    place: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column(default=15)
    #: weekly lessons: [{"weekday": 1..7, "start": "14:30", "end": "15:15"}]
    schedule: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    prerequisites: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: the host's class in its journal whose marks are the network students' marks
    host_class_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_group.id", ondelete="SET NULL"), nullable=True)
    published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NetworkGroup(Base):
    """«Сетевая группа»: the students of one course taught together."""

    __tablename__ = "exchange_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_course.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CourseRequest(Base):
    """A student's request for a course, with the home and host schools' decisions."""

    __tablename__ = "exchange_request"
    __table_args__ = (Index("ix_exchange_request_course_state", "course_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_course.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True)
    home_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="requested")
    note: Mapped[str] = mapped_column(String(1000), default="")
    home_decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    host_decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    reason: Mapped[str] = mapped_column(String(1000), default="")
    refused_by: Mapped[str] = mapped_column(String(10), default="")  # home | host
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_group.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TimetableSlot(Base):
    """A lesson of the home school's timetable a network lesson must not clash with: for a
    class (``class_label``, e.g. «10А») or one student (``student_id``)."""

    __tablename__ = "exchange_timetable_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_group.id", ondelete="CASCADE"), nullable=True, index=True)
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), nullable=True, index=True)
    weekday: Mapped[int] = mapped_column()
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300), default="")


class TransferPackage(Base):
    """One month of a host's marks and attendance of one home school's network students.

    A version is immutable once made; a correction is the next version with ``changes``
    against the last one sent. ``state`` moves prepared → sending → sent → confirmed
    (:data:`lti_tool.exchange.rules.PACKAGE_STEPS`); the unique key makes a second package
    for the same month and version impossible.
    """

    __tablename__ = "exchange_package"
    __table_args__ = (UniqueConstraint("host_org_id", "home_org_id", "period", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    host_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    home_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(20), default="prepared")
    fingerprint: Mapped[str] = mapped_column(String(64))
    rows: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # key → value snapshot
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    students: Mapped[int] = mapped_column(default=0)
    marks: Mapped[int] = mapped_column(default=0)
    absences: Mapped[int] = mapped_column(default=0)
    # what the files print besides the rows (exchange.snapshot); None in packages made
    # before it was kept (those have their files)
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # rendered from the snapshot and stored by the delivery (the bytes sent are kept)
    # (deferred: lists and state changes do not read the files)
    oneroster_zip: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True,
                                                        deferred=True)
    xlsx: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    confirmed_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)


class ReportCard(Base):
    """«Табель»: a network student's term (or year) mark, signed off by the host and
    written into the home school's records once delivered."""

    __tablename__ = "exchange_report_card"
    __table_args__ = (UniqueConstraint("course_id", "student_id", "term_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_course.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True)
    home_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    term_id: Mapped[str] = mapped_column(String(40))  # e.g. «2026-h1», «2026-year»
    mark: Mapped[int | None] = mapped_column(nullable=True)
    absences: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    signed_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class GradebookLink(Base):
    """Where the home school's LMS keeps a network course's marks (one per course and home
    school). AGS: learnt from a launch of the placed course at the home school's own
    deployment (the LMS's claim names the course's line items). Moodle: the home
    coordinator names the activity (course module id) of the school's Moodle connection."""

    __tablename__ = "exchange_gradebook_link"
    __table_args__ = (UniqueConstraint("course_id", "home_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_course.id", ondelete="CASCADE"), index=True)
    home_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    deployment_pk: Mapped[int | None] = mapped_column(
        ForeignKey("lti_deployment.id", ondelete="SET NULL"), nullable=True)
    issuer: Mapped[str] = mapped_column(String(1000), default="")
    lineitems_url: Mapped[str] = mapped_column(String(1000), default="")
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    connection_id: Mapped[int | None] = mapped_column(
        ForeignKey("sync_connection.id", ondelete="SET NULL"), nullable=True)
    activity_id: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MarkPush(Base):
    """A report card's final mark on its way into the home school's LMS gradebook.

    One row per card and version: a correction is the next version (the unique key stops a
    second queueing of the same one). AGS goes through the score outbox (``outbox_id``: its
    row's state is the truth); Moodle is delivered here by a job with the same claim.
    """

    __tablename__ = "exchange_mark_push"
    __table_args__ = (UniqueConstraint("card_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_report_card.id", ondelete="CASCADE"), index=True)
    home_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    mark: Mapped[int] = mapped_column()
    channel: Mapped[str] = mapped_column(String(10))  # ags | moodle
    #: pending → sending → sent; failed after the last try; superseded by a correction
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    outbox_id: Mapped[int | None] = mapped_column(nullable=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str] = mapped_column(String(2000), default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
