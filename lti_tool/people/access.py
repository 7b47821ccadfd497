"""Access decisions, one per entity, asked by every page and API call (Indico's can_access).

A launch is one organisation: nobody sees across organisations. Inside it a teacher sees the
classes they teach, a student themself, an admin their whole organisation.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.viewer import Viewer
from lti_tool.people.models import ClassEnrolment, ClassGroup, Guardianship, Person


def teaches(session: Session, viewer: Viewer, class_id: int) -> bool:
    return session.scalars(select(ClassEnrolment.id).where(
        ClassEnrolment.class_id == class_id, ClassEnrolment.person_id == viewer.person_id,
        ClassEnrolment.role == "teacher", ClassEnrolment.active.is_(True))).first() is not None


def home_class(session: Session, viewer: Viewer) -> ClassGroup | None:
    """The class a teacher's or admin's launch lands on (its course), if they may see it."""
    if not viewer.class_id or not viewer.has("teacher", "admin"):
        return None
    group = session.get(ClassGroup, viewer.class_id)
    return group if group is not None and can_view_class(session, viewer, group) else None


def taught_classes(session: Session, viewer: Viewer) -> list[ClassGroup]:
    """The classes a teacher teaches in their organisation: the way to their class pages
    when no launch named a class (a sign-in without the LMS)."""
    if not viewer.has("teacher"):
        return []
    return list(session.scalars(select(ClassGroup).join(
        ClassEnrolment, ClassEnrolment.class_id == ClassGroup.id).where(
        ClassEnrolment.person_id == viewer.person_id, ClassEnrolment.role == "teacher",
        ClassEnrolment.active.is_(True), ClassGroup.organisation_id == viewer.organisation_id)
        .order_by(ClassGroup.label, ClassGroup.title).distinct()))


def can_view_class(session: Session, viewer: Viewer, group: ClassGroup) -> bool:
    if group.organisation_id != viewer.organisation_id:
        return False
    if viewer.has("admin"):
        return True
    return viewer.has("teacher") and teaches(session, viewer, group.id)


def can_grade_class(session: Session, viewer: Viewer, group: ClassGroup) -> bool:
    return (group.organisation_id == viewer.organisation_id and viewer.has("teacher")
            and teaches(session, viewer, group.id))


def can_view_person(session: Session, viewer: Viewer, person: Person) -> bool:
    """Self always; a teacher their own students; an admin people of their organisation."""
    if person.id == viewer.person_id:
        return True
    if viewer.has("admin"):
        from lti_tool.people.models import Membership

        return session.scalars(select(Membership.id).where(
            Membership.person_id == person.id,
            Membership.organisation_id == viewer.organisation_id)).first() is not None
    if viewer.has("teacher"):
        taught = select(ClassEnrolment.class_id).where(
            ClassEnrolment.person_id == viewer.person_id, ClassEnrolment.role == "teacher",
            ClassEnrolment.active.is_(True))
        return session.scalars(select(ClassEnrolment.id).join(
            ClassGroup, ClassGroup.id == ClassEnrolment.class_id).where(
            ClassEnrolment.person_id == person.id, ClassEnrolment.class_id.in_(taught),
            ClassGroup.organisation_id == viewer.organisation_id)).first() is not None
    return False


def children(session: Session, parent_id: int) -> list[Person]:
    """A parent's own children (from the school system's roster), nobody else's."""
    return list(session.scalars(select(Person).join(
        Guardianship, Guardianship.child_id == Person.id).where(
        Guardianship.parent_id == parent_id).order_by(Person.display_name)))
