"""What other features ask about people, classes, memberships and guardianships.

Two kinds of answer, so no feature imports ``people.models`` (issue 8):
- plain answers (a set of ids, a bool, a dict of names), for pages and access checks;
- SQL pieces to embed in the caller's own statement (a ``SELECT`` of person ids, an
  ``EXISTS`` predicate), so aggregates over another feature's rows stay one statement in
  the database while the knowledge of people's tables stays here.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, Subquery, exists, func, insert, select
from sqlalchemy.orm import Session

from lti_tool.db import any_of
from lti_tool.people.models import (
    ClassEnrolment,
    ClassGroup,
    Guardianship,
    Membership,
    Organisation,
    Person,
)


def person_names_table() -> Subquery:
    """People's (``id``, ``public_id``, ``display_name``) as a subquery to join in one's own
    statement (a list of requests with the pupils' names stays one query)."""
    return select(Person.id, Person.public_id, Person.display_name).subquery()


def organisation_names_table() -> Subquery:
    """Organisations' (``id``, ``slug``, ``name``) as a subquery to join in one's own
    statement; alias it once per part an organisation plays (host, home)."""
    return select(Organisation.id, Organisation.slug, Organisation.name).subquery()


def class_names_table() -> Subquery:
    """Classes' (``id``, ``label``, ``title``) as a subquery to join in one's own statement."""
    return select(ClassGroup.id, ClassGroup.label, ClassGroup.title).subquery()


def organisation_rows(session: Session, org_ids: Collection[int]) -> list[Row[Any]]:
    """(``id``, ``slug``, ``name``) rows of these organisations, by name (pickers)."""
    if not org_ids:
        return []
    return list(session.execute(select(Organisation.id, Organisation.slug, Organisation.name)
                                .where(any_of(Organisation.id, org_ids))
                                .order_by(Organisation.name)))


def classes_by_label(session: Session, org_id: int) -> list[ClassGroup]:
    """The organisation's classes by label, then title (timetable pickers)."""
    return list(session.scalars(select(ClassGroup).where(
        ClassGroup.organisation_id == org_id).order_by(ClassGroup.label, ClassGroup.title)))


def member_ids(org_id: int, roles: Collection[str] | None = None) -> Select[Any]:
    """``SELECT`` of the people with a membership in the organisation (in one of ``roles``)."""
    query = select(Membership.person_id).where(Membership.organisation_id == org_id)
    return query if roles is None else query.where(Membership.role.in_(list(roles)))


def holds_role(person_id: Any, org_id: Any, role: str) -> ColumnElement[bool]:
    """``EXISTS`` predicate: the person (a column or a value) holds ``role`` in the
    organisation (a column or a value); one membership per role, so it counts a row once."""
    return exists().where(Membership.person_id == person_id,
                          Membership.organisation_id == org_id, Membership.role == role)


def member_counts(session: Session, org_ids: Collection[int], role: str) -> dict[int, int]:
    """organisation id → how many people hold ``role`` there."""
    if not org_ids:
        return {}
    return {int(o): int(n) for o, n in session.execute(
        select(Membership.organisation_id, func.count(func.distinct(Membership.person_id)))
        .where(Membership.organisation_id.in_(list(org_ids)), Membership.role == role)
        .group_by(Membership.organisation_id))}


def enrolled_ids(class_ids: int | Collection[int] | Select[Any], role: str = "student"
                 ) -> Select[Any]:
    """``SELECT`` of the people actively enrolled with ``role`` in a class (or in any of the
    classes a list or a ``SELECT`` of class ids names)."""
    where = (ClassEnrolment.class_id == class_ids if isinstance(class_ids, int)
             else ClassEnrolment.class_id.in_(class_ids) if isinstance(class_ids, Select)
             else ClassEnrolment.class_id.in_(list(class_ids)))
    return select(ClassEnrolment.person_id).where(
        where, ClassEnrolment.role == role, ClassEnrolment.active.is_(True))


def class_ids_of(person_id: int, role: str | None = "student") -> Select[Any]:
    """``SELECT`` of the classes the person is actively enrolled in with ``role`` (any: None)."""
    query = select(ClassEnrolment.class_id).where(
        ClassEnrolment.person_id == person_id, ClassEnrolment.active.is_(True))
    return query if role is None else query.where(ClassEnrolment.role == role)


def is_enrolled(session: Session, class_id: int, person_id: int) -> bool:
    """The person is in the class now, in any role."""
    return session.scalars(select(ClassEnrolment.id).where(
        ClassEnrolment.class_id == class_id, ClassEnrolment.person_id == person_id,
        ClassEnrolment.active.is_(True))).first() is not None


def guards(session: Session, parent_id: int, child_ids: int | Select[Any]) -> bool:
    """The person is a parent of the child (or of any child a ``SELECT`` of ids lists)."""
    where = (Guardianship.child_id == child_ids if isinstance(child_ids, int)
             else Guardianship.child_id.in_(child_ids))
    return session.scalars(select(Guardianship.id).where(
        Guardianship.parent_id == parent_id, where)).first() is not None


def taught_pupils(session: Session, teacher_id: int, org_id: int) -> list[int]:
    """The pupils (sorted ids) of every class of the organisation the teacher teaches now."""
    return sorted(set(session.scalars(select(ClassEnrolment.person_id).join(
        ClassGroup, ClassGroup.id == ClassEnrolment.class_id).where(
        ClassEnrolment.class_id.in_(class_ids_of(teacher_id, "teacher")),
        ClassEnrolment.role == "student", ClassEnrolment.active.is_(True),
        ClassGroup.organisation_id == org_id))))


def class_group(session: Session, class_id: int) -> ClassGroup | None:
    return session.get(ClassGroup, class_id)


def class_titles(session: Session, class_ids: Collection[int]) -> dict[int, str]:
    """class id → title."""
    if not class_ids:
        return {}
    return dict(session.execute(select(ClassGroup.id, ClassGroup.title).where(  # type: ignore[arg-type]
        ClassGroup.id.in_(list(class_ids)))).all())


def teachers_of_pupil(session: Session, org_id: int, student_id: int) -> list[int]:
    """Everyone who teaches the pupil now: the teachers of the organisation's classes the
    pupil is in (not the pupil themself)."""
    return list(session.scalars(select(ClassEnrolment.person_id).join(
        ClassGroup, ClassGroup.id == ClassEnrolment.class_id).where(
        ClassEnrolment.class_id.in_(class_ids_of(student_id)), ClassEnrolment.role == "teacher",
        ClassEnrolment.active.is_(True), ClassGroup.organisation_id == org_id,
        ClassEnrolment.person_id != student_id).distinct()))


def people_by_ids(session: Session, person_ids: Collection[int]) -> dict[int, Person]:
    if not person_ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(
        Person.id.in_(list(person_ids))))}


def display_names(session: Session, person_ids: Collection[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    return dict(session.execute(select(Person.id, Person.display_name).where(  # type: ignore[arg-type]
        Person.id.in_(list(person_ids)))).all())


def member_by_public_id(session: Session, org_id: int, public_id: str,
                        roles: Collection[str]) -> Person | None:
    """The person with this public id if they hold one of ``roles`` in the organisation."""
    return session.scalars(select(Person).where(
        Person.public_id == public_id, Person.id.in_(member_ids(org_id, roles)))).first()


def member_names(session: Session, org_id: int, role: str | None
                 ) -> list[tuple[int, str]]:
    """(person id, display name) of everyone holding ``role`` (any role: None) in the
    organisation."""
    roles = None if role is None else [role]
    return [(int(pid), str(name)) for pid, name in session.execute(
        select(Person.id, Person.display_name).where(Person.id.in_(member_ids(org_id, roles))))]


def first_guardian(session: Session, child_id: int) -> Person | None:
    return session.scalars(select(Person).join(
        Guardianship, Guardianship.parent_id == Person.id).where(
        Guardianship.child_id == child_id)).first()


def add_person(session: Session, display_name: str, email: str | None = None) -> Person:
    """A person with no outside identity yet (an invited account, a demo parent)."""
    person = Person(display_name=display_name, email=email)
    session.add(person)
    session.flush()
    return person


def add_parent(session: Session, org_id: int, child_id: int, display_name: str) -> Person:
    """A parent of the child in the organisation, made here (the demo's «законный
    представитель» when no roster brought one)."""
    parent = add_person(session, display_name)
    session.add_all([Guardianship(parent_id=parent.id, child_id=child_id),
                     Membership(person_id=parent.id, organisation_id=org_id, role="parent")])
    session.flush()
    return parent


def the_person(session: Session, person_id: int) -> Person:
    """A person known to exist (the viewer, an item's owner): raises if not."""
    return session.get_one(Person, person_id)


def the_organisation(session: Session, org_id: int) -> Organisation:
    """An organisation known to exist (the viewer's): raises if not."""
    return session.get_one(Organisation, org_id)


def add_school(session: Session, slug: str, name: str) -> int:
    """A new organisation of the default kind (a school): seeds and benchmarks."""
    org = Organisation(slug=slug, name=name)
    session.add(org)
    session.flush()
    return org.id


def add_people(session: Session, named: list[tuple[str, str]]) -> list[int]:
    """(public id, display name) rows inserted as they are, ids in the same order: bulk
    seeds for benchmarks."""
    out: list[int] = []
    for public, name in named:
        result: Any = session.execute(insert(Person).values(public_id=public, display_name=name))
        out.append(int(result.inserted_primary_key[0]))
    return out


def class_names_of(session: Session, org_id: int, person_ids: Collection[int]
                   ) -> list[tuple[int, str]]:
    """(person id, class label or title) for each active enrolment in the organisation's
    classes, read 500 people at a time."""
    ids = sorted(person_ids)
    out: list[tuple[int, str]] = []
    for i in range(0, len(ids), 500):
        out += [(pid, label or title) for pid, label, title in session.execute(
            select(ClassEnrolment.person_id, ClassGroup.label, ClassGroup.title)
            .join(ClassGroup, ClassGroup.id == ClassEnrolment.class_id)
            .where(ClassEnrolment.person_id.in_(ids[i:i + 500]),
                   ClassEnrolment.active.is_(True), ClassGroup.organisation_id == org_id))]
    return out
