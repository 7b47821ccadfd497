"""Use cases on people and classes: find-or-create from an outside identity, enrol, audit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.people.models import (
    AuditEntry,
    ClassEnrolment,
    ClassGroup,
    IdentityLink,
    Membership,
    Organisation,
    Person,
)


def person_by_identity(
    session: Session, source: str, namespace: str, external_id: str
) -> Person | None:
    return session.scalars(
        select(Person).join(IdentityLink, IdentityLink.person_id == Person.id).where(
            IdentityLink.source == source,
            IdentityLink.namespace == namespace,
            IdentityLink.external_id == external_id,
        )
    ).first()


def upsert_person(
    session: Session,
    *,
    source: str,
    namespace: str,
    external_id: str,
    display_name: str | None,
    email: str | None = None,
) -> Person:
    """Find the person by this identity or create them; keep name/email fresh when given."""
    person = person_by_identity(session, source, namespace, external_id)
    if person is None:
        person = Person(display_name=display_name or "", email=email)
        session.add(person)
        session.flush()
        session.add(IdentityLink(person_id=person.id, source=source, namespace=namespace,
                                 external_id=external_id))
    else:
        if display_name and person.display_name != display_name:
            person.display_name = display_name
        if email and person.email != email:
            person.email = email
    return person


def ensure_roles(session: Session, person: Person, org_id: int, roles: Iterable[str]) -> None:
    have = set(session.scalars(select(Membership.role).where(
        Membership.person_id == person.id, Membership.organisation_id == org_id)))
    for role in set(roles) - have:
        session.add(Membership(person_id=person.id, organisation_id=org_id, role=role))


def upsert_class(
    session: Session, org_id: int, *, source: str, namespace: str, external_id: str,
    title: str = "", label: str = "",
) -> ClassGroup:
    group = session.scalars(select(ClassGroup).where(
        ClassGroup.organisation_id == org_id, ClassGroup.source == source,
        ClassGroup.namespace == namespace, ClassGroup.external_id == external_id)).first()
    if group is None:
        group = ClassGroup(organisation_id=org_id, source=source, namespace=namespace,
                           external_id=external_id, title=title, label=label)
        session.add(group)
        session.flush()
    else:
        group.title = title or group.title
        group.label = label or group.label
    return group


def enrol(session: Session, group: ClassGroup, person: Person, role: str) -> bool:
    """Returns True when the enrolment is new or re-activated."""
    row = session.scalars(select(ClassEnrolment).where(
        ClassEnrolment.class_id == group.id, ClassEnrolment.person_id == person.id,
        ClassEnrolment.role == role)).first()
    if row is None:
        session.add(ClassEnrolment(class_id=group.id, person_id=person.id, role=role))
        return True
    if not row.active:
        row.active = True
        return True
    return False


def audit(session: Session, actor_id: int | None, org_id: int | None, action: str,
          entity: str, entity_id: object = "", **details: Any) -> None:
    session.add(AuditEntry(actor_id=actor_id, organisation_id=org_id, action=action,
                           entity=entity, entity_id=str(entity_id), details=details))


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(Organisation.slug == slug)).first()


def class_roster(session: Session, class_id: int, role: str = "student") -> list[Person]:
    return list(session.scalars(
        select(Person).join(ClassEnrolment, ClassEnrolment.person_id == Person.id)
        .where(ClassEnrolment.class_id == class_id, ClassEnrolment.role == role,
               ClassEnrolment.active.is_(True))
        .order_by(Person.display_name)))
