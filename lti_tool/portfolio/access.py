"""Who may see and change a portfolio: one function per question, asked by every page.

A portfolio is private by default. It is seen by its owner, their parents, the tutor /
class teacher (curator) of a class they are in, the teachers who teach them and the school
admin — all inside the viewer's own organisation. Moderation is for the curator and the
admin; consent to publish a pupil's item for their parent.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.viewer import Viewer
from lti_tool.people import access as people_access
from lti_tool.people import queries as people_q
from lti_tool.people.services import Person, roles_in
from lti_tool.portfolio.models import Achievement, Curator


def member_roles(session: Session, person_id: int, org_id: int) -> set[str]:
    return roles_in(session, person_id, org_id)


def in_school(session: Session, viewer: Viewer, person: Person) -> bool:
    return bool(member_roles(session, person.id, viewer.organisation_id))


def is_parent_of(session: Session, viewer: Viewer, person: Person) -> bool:
    return viewer.has("parent") and people_q.guards(session, viewer.person_id, person.id)


def curates(session: Session, viewer: Viewer, person: Person) -> bool:
    """The viewer is the curator of an (active) class the person is a pupil of."""
    classes = people_q.class_ids_of(person.id, "student")
    return session.scalars(select(Curator.id).where(
        Curator.tutor_id == viewer.person_id, Curator.organisation_id == viewer.organisation_id,
        Curator.class_id.in_(classes))).first() is not None


def can_view_portfolio(session: Session, viewer: Viewer, person: Person) -> bool:
    if person.id == viewer.person_id:
        return True
    if not in_school(session, viewer, person):
        return False  # another school's pupil does not exist for this viewer
    if viewer.has("admin") or is_parent_of(session, viewer, person):
        return True
    if curates(session, viewer, person):
        return True
    # A teacher sees the pupils they teach (the class rosters), not their colleagues.
    return viewer.has("teacher") and "student" in member_roles(
        session, person.id, viewer.organisation_id) and people_access.can_view_person(
        session, viewer, person)


def can_add(viewer: Viewer, person: Person) -> bool:
    """Only the owner adds to their own portfolio."""
    return person.id == viewer.person_id and viewer.has("student", "teacher", "admin")


def can_moderate(session: Session, viewer: Viewer, owner: Person) -> bool:
    """The curator of the pupil's class or the school admin; nobody moderates themself."""
    if owner.id == viewer.person_id or not in_school(session, viewer, owner):
        return False
    return viewer.has("admin") or curates(session, viewer, owner)


def can_edit_own(viewer: Viewer, item: Achievement) -> bool:
    return item.owner_id == viewer.person_id and item.status != "confirmed"


def can_consent(session: Session, viewer: Viewer, owner: Person) -> bool:
    """A parent, for their own child in this school."""
    return in_school(session, viewer, owner) and is_parent_of(session, viewer, owner)


def can_view_class(session: Session, viewer: Viewer, class_id: int) -> bool:
    """The class page: its curator, its teachers and the admin, and its pupils and their
    parents (it shows published items only)."""
    group = people_q.class_group(session, class_id)
    if group is None or group.organisation_id != viewer.organisation_id:
        return False
    if people_access.can_view_class(session, viewer, group):
        return True
    if session.scalars(select(Curator.id).where(Curator.tutor_id == viewer.person_id,
                                                Curator.class_id == class_id)).first():
        return True
    if people_q.is_enrolled(session, class_id, viewer.person_id):
        return True
    return viewer.has("parent") and people_q.guards(
        session, viewer.person_id, people_q.enrolled_ids(class_id, "student"))


def region_schools(session: Session, viewer: Viewer) -> set[int]:
    """The schools a regional admin reads (aggregated figures, mentors): today's members,
    through the cascade, of every *regional* network their organisation coordinates
    (seed 002's network of networks); the authority itself is not a school. Empty for
    anyone else — a school admin reads only their own school's figures."""
    if not viewer.has("admin"):
        return set()
    from lti_tool.network import services as network

    out: set[int] = set()
    for net in network.networks_of(session, viewer.organisation_id):
        if net.coordinator_id == viewer.organisation_id and net.level == "regional":
            out |= network.member_org_ids(session, net.id, cascade=True)
    out.discard(viewer.organisation_id)
    return out


def can_mark_adult(session: Session, viewer: Viewer, person: Person) -> bool:
    """The school admin, for a pupil of their own school."""
    return viewer.has("admin") and person.id != viewer.person_id and "student" in member_roles(
        session, person.id, viewer.organisation_id)
