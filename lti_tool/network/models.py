"""Networks of organisations, their members over time and their agreements.

A network is a set of member organisations over dates («с какого числа»): a membership row
is never deleted, only closed (``left_on``), so «who was a partner on 1 March» stays
answerable for report cards and minutes. A network may sit inside a regional network
(``parent_id``: the cascade model of seed 002); the coordinator is an organisation
(«ресурсно-методический центр»), itself always a member.

Organisations and people are referred to by foreign key to their *table* (``"organisation.id"``),
with no ORM relationship to people's classes: the database keeps the references whole (and
the cascades), while names are read through ``people.services`` like any other feature's.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, public_id, utcnow


class Network(Base):
    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    #: "local" (schools) or "regional" (a network of networks).
    level: Mapped[str] = mapped_column(String(20), default="local")
    coordinator_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NetworkMember(Base):
    """An organisation's membership: since when, what it brings, whom to contact.

    ``admitted_by`` / ``left_by`` hold the council decision's public id (founders: empty)."""

    __tablename__ = "network_member"
    __table_args__ = (UniqueConstraint("network_id", "organisation_id", "joined_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"),
                                            index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    contribution: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    in_public_registry: Mapped[bool] = mapped_column(default=True)
    admitted_by: Mapped[str] = mapped_column(String(24), default="")
    left_by: Mapped[str] = mapped_column(String(24), default="")


class Agreement(Base):
    """«Соглашение / договор о сетевом взаимодействии»: parties, subjects, period, the signed
    scan (stored in the instance folder, served only to those allowed)."""

    __tablename__ = "network_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"),
                                            index=True)
    number: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="agreement")  # agreement | contract
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    document_path: Mapped[str] = mapped_column(String(500), default="")
    document_name: Mapped[str] = mapped_column(String(200), default="")
    document_type: Mapped[str] = mapped_column(String(100), default="")
    document_size: Mapped[int] = mapped_column(Integer, default=0)
    document_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parties: Mapped[list[AgreementParty]] = relationship(
        cascade="all, delete-orphan", order_by="AgreementParty.id")


class AgreementParty(Base):
    __tablename__ = "network_agreement_party"
    __table_args__ = (UniqueConstraint("agreement_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("network_agreement.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
