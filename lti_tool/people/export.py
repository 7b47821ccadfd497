"""The organisation's people and classes as canonical records, named by our public ids:
what a OneRoster export (``sync.export``) writes, apart from the use cases that change
people (``services``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.people.models import (
    ClassEnrolment,
    ClassGroup,
    Guardianship,
    Membership,
    Organisation,
    Person,
)
from lti_tool.people.services import public_ids
from schemas.records import ClassRecord, EnrolmentRecord, OrganisationRecord, PersonRecord, Roster

#: OneRoster roles we export, strongest first (a teacher who is also a parent is a teacher)
_EXPORT_ROLES = ("admin", "teacher", "student", "parent")


def roster_records(session: Session, org_id: int) -> Roster:
    """The organisation's people, classes and active enrolments as canonical records (for a
    OneRoster export). Ids are our public ids: stable, and no source's own ids leave the
    school. We keep one display name; it is read as «Фамилия Имя Отчество» (the order the
    school systems use), so a name typed «Имя Фамилия» in an LMS comes out turned."""
    org = session.get_one(Organisation, org_id)
    members = session.execute(select(Person.id, Person.public_id, Person.display_name,
                                     Person.email, Membership.role)
                              .join(Membership, Membership.person_id == Person.id)
                              .where(Membership.organisation_id == org_id)
                              .order_by(Person.id, Membership.role)).all()
    ids = public_ids(session, org_id)
    public = ids.people
    children: dict[int, list[str]] = {}
    for g in session.execute(select(Guardianship.parent_id, Guardianship.child_id).where(
            Guardianship.parent_id.in_(select(Membership.person_id).where(
                Membership.organisation_id == org_id)))):
        if g.child_id in public:
            children.setdefault(g.parent_id, []).append(public[g.child_id])
    roles: dict[int, set[str]] = {}
    for m in members:
        roles.setdefault(m.id, set()).add(m.role)
    people, seen = [], set()
    for m in members:  # one row per person: the strongest role they hold here
        held = [r for r in _EXPORT_ROLES if r in roles[m.id]]
        if m.id in seen or not held:
            continue
        role = held[0]
        seen.add(m.id)
        family, _, given = (m.display_name or "").strip().partition(" ")
        people.append(PersonRecord(
            source_id=m.public_id, role=role, last_name=family or m.public_id,
            first_name=given or family or m.public_id, email=m.email or "",
            children=tuple(sorted(children.get(m.id, []))) if role == "parent" else ()))
    groups = session.scalars(select(ClassGroup).where(ClassGroup.organisation_id == org_id)
                             .order_by(ClassGroup.id)).all()
    classes = tuple(ClassRecord(source_id=g.public_id, name=g.label or g.title or g.public_id)
                    for g in groups)
    group_public = ids.classes
    enrolments = tuple(
        EnrolmentRecord(person_id=public[e.person_id], class_id=group_public[e.class_id],
                        role=e.role)
        for e in session.scalars(select(ClassEnrolment).where(
            ClassEnrolment.class_id.in_(group_public), ClassEnrolment.active.is_(True))
            .order_by(ClassEnrolment.id))
        if e.person_id in public and e.role in ("student", "teacher"))
    return Roster(organisation=OrganisationRecord(org.slug, org.name), classes=classes,
                  people=tuple(people), enrolments=enrolments)
