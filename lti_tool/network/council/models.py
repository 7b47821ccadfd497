"""Council tables: members with their office, meetings with agenda, attendance, decisions with
their vote figures, and the signatures that close the minutes.

A decision keeps the figures it was taken with (council size, present, for / against /
abstained), so the minutes and any later check read what the rules saw that day. Since the
ballots were added, each present member's vote is a ``CouncilBallot`` row and the figures are
computed from them (``tally_source = "ballots"``); decisions recorded before that keep only
their figures (``tally_source = "counts"``) and read as before.

People and organisations are referred to by foreign key to their tables, with no ORM
relationship to people's classes: names are read through ``people.services``
(:func:`lti_tool.network.council.services.who`), as every feature reads another's.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, public_id, utcnow


class Council(Base):
    __tablename__ = "network_council"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"),
                                            unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CouncilMember(Base):
    """A director, deputy director or class teacher of a member school, from ``since`` until
    ``until`` (removed by decision ``removed_by``). ``office``: "", "chair" or "secretary"."""

    __tablename__ = "network_council_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("network_council.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    position: Mapped[str] = mapped_column(String(30), default="director")
    office: Mapped[str] = mapped_column(String(20), default="")
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date, nullable=True)
    removed_by: Mapped[str] = mapped_column(String(24), default="")


class CouncilMeeting(Base):
    """«Заседание»: planned → held (attendance recorded) → signed (chair and secretary)."""

    __tablename__ = "network_meeting"
    __table_args__ = (UniqueConstraint("council_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("network_council.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    members_total: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agenda: Mapped[list[CouncilAgendaItem]] = relationship(
        cascade="all, delete-orphan", order_by="CouncilAgendaItem.position")
    attendance: Mapped[list[CouncilAttendance]] = relationship(cascade="all, delete-orphan")
    decisions: Mapped[list[CouncilDecision]] = relationship(
        cascade="all, delete-orphan", order_by="CouncilDecision.id")
    signatures: Mapped[list[MinutesSignature]] = relationship(cascade="all, delete-orphan")


class CouncilAgendaItem(Base):
    __tablename__ = "network_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("network_meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    speaker: Mapped[str] = mapped_column(String(200), default="")


class CouncilAttendance(Base):
    __tablename__ = "network_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("network_meeting.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("network_council_member.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column(default=False)

    member: Mapped[CouncilMember] = relationship()


class CouncilDecision(Base):
    """A vote and its outcome. ``kind``: general | admit | exit | remove_member |
    elect_chair | elect_secretary; the subject is an organisation or a council member."""

    __tablename__ = "network_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("network_meeting.id", ondelete="CASCADE"), index=True)
    agenda_position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(30), default="general")
    text: Mapped[str] = mapped_column(Text)
    subject_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), nullable=True)
    subject_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_council_member.id", ondelete="SET NULL"), nullable=True)
    members_total: Mapped[int] = mapped_column(Integer)
    present: Mapped[int] = mapped_column(Integer)
    votes_for: Mapped[int] = mapped_column(Integer)
    votes_against: Mapped[int] = mapped_column(Integer)
    abstained: Mapped[int] = mapped_column(Integer)
    adopted: Mapped[bool] = mapped_column()
    tally_source: Mapped[str] = mapped_column(String(10), default="ballots",
                                              server_default="ballots")
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    subject_member: Mapped[CouncilMember | None] = relationship()
    ballots: Mapped[list[CouncilBallot]] = relationship(
        cascade="all, delete-orphan", order_by="CouncilBallot.id")


CHOICES = ("for", "against", "abstain")


class CouncilBallot(Base):
    """One council member's vote on one decision, cast as the representative of their member
    organisation (kept beside the member: the seat may later move). One per member."""

    __tablename__ = "network_ballot"
    __table_args__ = (UniqueConstraint("decision_id", "member_id"),
                      CheckConstraint(f"choice IN {CHOICES!r}", name="choice"))

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("network_decision.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("network_council_member.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(10))

    member: Mapped[CouncilMember] = relationship()


class MinutesSignature(Base):
    """The chair's or the secretary's sign-off of a meeting's minutes."""

    __tablename__ = "network_minutes_signature"
    __table_args__ = (UniqueConstraint("meeting_id", "office"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("network_meeting.id", ondelete="CASCADE"), index=True)
    office: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
