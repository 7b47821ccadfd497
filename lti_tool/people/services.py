"""Use cases on people and classes: find-or-create from an outside identity, enrol."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.db import any_of
from lti_tool.people.models import (
    ClassEnrolment,
    ClassGroup,
    Guardianship,
    IdentityLink,
    Membership,
    Organisation,
    Person,
)
from lti_tool.people.sites import moodle_person_of_launch


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
    organisation_id: int | None = None,
) -> Person:
    """Find the person by this identity or create them; keep name/email fresh when given.

    A first LTI launch from a Moodle whose WS this school syncs finds the person that sync
    brought in (same site, same user id: see :mod:`lti_tool.people.sites`)."""
    person = person_by_identity(session, source, namespace, external_id)
    if person is None and source == "lti" and organisation_id is not None:
        synced = moodle_person_of_launch(session, namespace, external_id, organisation_id)
        person = session.get(Person, synced) if synced is not None else None
        if person is not None:
            session.add(IdentityLink(person_id=person.id, source=source, namespace=namespace,
                                     external_id=external_id))
            audit(session, None, organisation_id, "lti.link", "person", person.id,
                  source="moodle", key="lti")
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


@functools.cache
def _launch_identity_query(with_class: bool, with_roles: bool, with_enrolment: bool) -> Any:
    """Built once per shape, parameters bound at execution: building the expression
    costs more than running it, and a fixed statement hits SQLAlchemy's compiled cache."""
    link, person = IdentityLink.__table__, Person.__table__
    person_id = link.c.person_id
    cols: list[Any] = [person_id, person.c.display_name]
    query_from: Any = link.join(person, person.c.id == person_id)
    group = ClassGroup.__table__
    if with_class:
        query_from = query_from.outerjoin(group, (group.c.organisation_id == bindparam("org"))
                                          & (group.c.source == "lti")
                                          & (group.c.namespace == bindparam("ns"))
                                          & (group.c.external_id == bindparam("ctx")))
        cols += [group.c.id, group.c.title, group.c.label]
    if with_roles:
        cols.append(select(func.count()).where(
            Membership.person_id == person_id, Membership.organisation_id == bindparam("org"),
            Membership.role.in_(bindparam("roles", expanding=True))).scalar_subquery())
    if with_enrolment:
        cols.append(select(func.count()).where(
            ClassEnrolment.class_id == group.c.id, ClassEnrolment.person_id == person_id,
            ClassEnrolment.active.is_(True),
            ClassEnrolment.role.in_(bindparam("enrol", expanding=True))).scalar_subquery())
    return select(*cols).select_from(query_from).where(
        link.c.source == "lti", link.c.namespace == bindparam("ns"),
        link.c.external_id == bindparam("sub"))


def unchanged_launch_identity(
    session: Session, *, org_id: int, namespace: str, external_id: str, display_name: str,
    roles: Collection[str], context: tuple[str, str, str] | None, enrol_as: Collection[str],
) -> tuple[int, int | None] | None:
    """(person id, class id) when the database already holds everything this LTI identity's
    launch would write, else None (the caller then upserts as usual).

    One statement instead of four reads and their writes for a returning user; it checks
    the rows themselves rather than a stored fingerprint, so a name, a role or an enrolment
    changed or deactivated elsewhere (a roster pull, a sync) is still put right.
    """
    roles, enrol_as = sorted(set(roles)), sorted(set(enrol_as)) if context else []
    query = _launch_identity_query(context is not None, bool(roles), bool(enrol_as))
    row = session.execute(query, {
        "org": org_id, "ns": namespace, "sub": external_id, "roles": roles, "enrol": enrol_as,
        "ctx": context[0] if context else None}).first()
    if row is None or (display_name and row[1] != display_name):
        return None
    rest = list(row[2:])
    class_id = None
    if context is not None:
        class_id, title, label = rest[:3]
        rest = rest[3:]
        if class_id is None or (context[1] and title != context[1]) or (
                context[2] and label != context[2]):
            return None
    if roles and rest.pop(0) != len(roles):
        return None
    if enrol_as and rest.pop(0) != len(enrol_as):
        return None
    return int(row[0]), class_id


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


def lms_subs(session: Session, person_ids: Collection[int], namespace: str | None = None
             ) -> dict[int, str]:
    """Each person's LMS user id (``sub``), of one platform when ``namespace`` is given: what
    the score outbox and the LMS know them by."""
    query = select(IdentityLink.person_id, IdentityLink.external_id).where(
        IdentityLink.person_id.in_(list(person_ids)), IdentityLink.source == "lti")
    if namespace is not None:
        query = query.where(IdentityLink.namespace == namespace)
    return {person_id: sub for person_id, sub in session.execute(query)}


def every_lms_sub(session: Session, person_ids: Collection[int]) -> list[str]:
    """Every LMS user id of these people (one person may be known to several platforms)."""
    return list(session.scalars(select(IdentityLink.external_id).where(
        IdentityLink.person_id.in_(list(person_ids)), IdentityLink.source == "lti")))


def person_id_by_public_id(session: Session, public_id: str) -> int | None:
    return session.scalar(select(Person.id).where(Person.public_id == public_id))


def holding_organisation(session: Session, slug: str, name: str) -> int:
    """The organisation that holds what waits for an owner (e.g. an LMS registered by URL
    before an administrator approves it): found by slug, made once."""
    org = organisation_by_slug(session, slug)
    if org is None:
        org = Organisation(slug=slug, name=name, kind="holding")
        session.add(org)
        session.flush()
    return org.id


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(Organisation.slug == slug)).first()


def class_roster(session: Session, class_id: int, role: str = "student") -> list[Person]:
    return list(session.scalars(
        select(Person).join(ClassEnrolment, ClassEnrolment.person_id == Person.id)
        .where(ClassEnrolment.class_id == class_id, ClassEnrolment.role == role,
               ClassEnrolment.active.is_(True))
        .order_by(Person.display_name)))


@dataclass(frozen=True)
class PublicIds:
    people: dict[int, str]  # person id → public id, members of the organisation
    classes: dict[int, str]  # class id → public id, the organisation's classes


def public_ids(session: Session, org_id: int) -> PublicIds:
    """How an export names the organisation's people and classes (see export.roster_records)."""
    members = select(Membership.person_id).where(Membership.organisation_id == org_id)
    return PublicIds(
        dict(session.execute(select(Person.id, Person.public_id).where(  # type: ignore[arg-type]
            Person.id.in_(members))).all()),
        dict(session.execute(select(ClassGroup.id, ClassGroup.public_id).where(  # type: ignore[arg-type]
            ClassGroup.organisation_id == org_id)).all()))


def roles_in(session: Session, person_id: int, org_id: int) -> set[str]:
    """The person's roles in one organisation (what a sign-in session's viewer carries)."""
    return set(session.scalars(select(Membership.role).where(
        Membership.person_id == person_id, Membership.organisation_id == org_id)))


def people_by_identities(session: Session, source: str, namespace: str,
                         external_ids: Collection[str]) -> dict[str, int]:
    """External id → person id for the ids linked under (source, namespace)."""
    if not external_ids:
        return {}
    rows = session.execute(select(IdentityLink.external_id, IdentityLink.person_id).where(
        IdentityLink.source == source, IdentityLink.namespace == namespace,
        IdentityLink.external_id.in_(list(external_ids))))
    return {external_id: person_id for external_id, person_id in rows}


def add_guardian(session: Session, org_id: int, *, source: str, namespace: str,
                 external_id: str, display_name: str, child_ids: Collection[int]) -> Person:
    """A parent as the school's own server named them, with the children it lists for them.

    Used when a parent signs in with their school account before any sync brought them in:
    the server has just said, for this login, which pupils are theirs. Existing guardianships
    are kept; nobody is removed here (the sync owns removals)."""
    person = person_by_identity(session, source, namespace, external_id)
    if person is None:
        person = Person(display_name=display_name)
        session.add(person)
        session.flush()
        session.add(IdentityLink(person_id=person.id, source=source, namespace=namespace,
                                 external_id=external_id))
    ensure_roles(session, person, org_id, ["parent"])
    have = set(session.scalars(select(Guardianship.child_id).where(
        Guardianship.parent_id == person.id)))
    for child in set(child_ids) - have:
        session.add(Guardianship(parent_id=person.id, child_id=child))
    session.flush()
    return person


def guardians_of(session: Session, child_id: int) -> list[int]:
    """The parents («законные представители») of a child, as the school systems know them."""
    return list(session.scalars(select(Guardianship.parent_id).where(
        Guardianship.child_id == child_id)))


def contacts(session: Session, person_ids: Collection[int]) -> dict[int, tuple[str, str | None]]:
    """person id → (display name, e-mail or None)."""
    if not person_ids:
        return {}
    rows = session.execute(select(Person.id, Person.display_name, Person.email).where(
        Person.id.in_(list(person_ids))))
    return {pid: (name, email) for pid, name, email in rows}


def organisations_by_id(session: Session, ids: Collection[int]) -> dict[int, Organisation]:
    return {o.id: o for o in session.scalars(
        select(Organisation).where(Organisation.id.in_(list(ids))))} if ids else {}


def public_names(session: Session, person_ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """person id → (public id, display name): what a document about pupils prints (the
    table's columns, not the mapped class's: a network's month names thousands of pupils and
    ORM rows cost more than the reading)."""
    if not person_ids:
        return {}
    person = Person.__table__.c
    return {pid: (public, name) for pid, public, name in session.execute(
        select(person.id, person.public_id, person.display_name).where(
            any_of(person.id, person_ids)))}


def organisation_names(session: Session, org_ids: Collection[int]) -> dict[int, str]:
    """organisation id → name, for the ids given (names are public: lists of partners)."""
    if not org_ids:
        return {}
    return dict(session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_(list(org_ids)))).all())


def organisation_slugs(session: Session, org_ids: Collection[int]) -> dict[int, str]:
    """organisation id → slug (a school's signing key is derived from it)."""
    if not org_ids:
        return {}
    return dict(session.execute(select(Organisation.id, Organisation.slug).where(
        Organisation.id.in_(list(org_ids)))).all())


def organisations(session: Session) -> list[Organisation]:
    """Every organisation the tool knows, by name (names are public: pickers of partners)."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def person_by_public_id(session: Session, public_id: str) -> Person | None:
    return session.scalars(select(Person).where(Person.public_id == public_id)).first()


def person(session: Session, person_id: int) -> Person | None:
    return session.get(Person, person_id)


def students_of(session: Session, org_id: int) -> list[Person]:
    """The organisation's students (a membership with the student role), by name."""
    return list(session.scalars(select(Person).join(
        Membership, Membership.person_id == Person.id).where(
        Membership.organisation_id == org_id, Membership.role == "student")
        .order_by(Person.display_name, Person.id).distinct()))


def classes_of(session: Session, org_id: int) -> list[ClassGroup]:
    return list(session.scalars(select(ClassGroup).where(
        ClassGroup.organisation_id == org_id).order_by(ClassGroup.title, ClassGroup.id)))


def class_by_public_id(session: Session, org_id: int, public_id: str) -> ClassGroup | None:
    """A class of this organisation only (another school's id finds nothing)."""
    return session.scalars(select(ClassGroup).where(
        ClassGroup.organisation_id == org_id, ClassGroup.public_id == public_id)).first()


def staff_of(session: Session, org_ids: Collection[int], roles: Collection[str]
             ) -> list[tuple[Person, int]]:
    """(person, organisation id) for everyone holding one of ``roles`` there, by name."""
    if not org_ids:
        return []
    return [(p, org) for p, org in session.execute(select(Person, Membership.organisation_id)
            .join(Membership, Membership.person_id == Person.id).where(
            Membership.organisation_id.in_(list(org_ids)), Membership.role.in_(list(roles)))
            .order_by(Person.display_name).distinct())]


def admins_of(session: Session, org_id: int) -> list[int]:
    """The organisation's administrators (coordinators): whom a school-level notice reaches."""
    return list(session.scalars(select(Membership.person_id).where(
        Membership.organisation_id == org_id, Membership.role == "admin")
        .order_by(Membership.person_id)))
