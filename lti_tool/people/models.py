"""Organisations, people, their roles and identity links: the tenancy every feature scopes by.

A person is stored with the least that works (a display name, optionally an email); who they
are in other systems lives in ``IdentityLink`` rows (LMS ``sub``, Сетевой город id, OneRoster
sourcedId), never merged silently.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import Base, UTCDateTime, public_id, utcnow

#: A person's roles in an organisation: from the LMS and the school systems (student,
#: teacher, parent, admin) and from invitations (partner coordinator, tutor). The database
#: refuses any other (a CHECK), so a typo in code cannot store a role no page knows.
MEMBERSHIP_ROLES = ("student", "teacher", "parent", "admin", "partner", "tutor")
#: How a person is in a class: taught in it or teaching it.
CLASS_ROLES = ("student", "teacher")


class Organisation(Base):
    """A school (or a network / a region authority) — «образовательная организация»."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="school")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="person")


class Membership(Base):
    """A person's role in an organisation (student, teacher, tutor, parent, admin, ...)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "organisation_id", "role"),
                      CheckConstraint(f"role IN {MEMBERSHIP_ROLES!r}", name="role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))

    person: Mapped[Person] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()


class IdentityLink(Base):
    """The same person as known by another system: (source, namespace, external id)."""

    __tablename__ = "identity_link"
    __table_args__ = (UniqueConstraint("source", "namespace", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # lti | netschool | oneroster | moodle
    namespace: Mapped[str] = mapped_column(String(300))  # LTI issuer, server URL, org id
    external_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClassGroup(Base):
    """A class or subject group of an organisation; an LMS course context maps onto one."""

    __tablename__ = "class_group"
    __table_args__ = (UniqueConstraint("organisation_id", "source", "namespace", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=public_id)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300), default="")
    label: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20), default="lti")
    namespace: Mapped[str] = mapped_column(String(300), default="")
    external_id: Mapped[str] = mapped_column(String(255))


class ClassEnrolment(Base):
    __tablename__ = "class_enrolment"
    __table_args__ = (UniqueConstraint("class_id", "person_id", "role"),
                      CheckConstraint(f"role IN {CLASS_ROLES!r}", name="role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # one of CLASS_ROLES
    active: Mapped[bool] = mapped_column(default=True)

    person: Mapped[Person] = relationship()


class Guardianship(Base):
    """A parent («законный представитель») and their child: what a parent may see."""

    __tablename__ = "guardianship"
    __table_args__ = (UniqueConstraint("parent_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
