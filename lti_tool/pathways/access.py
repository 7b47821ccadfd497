"""Who may see and move a route, asked by every page and API call (one answer per route).

Relations, strongest first: the student themself, a parent of the student (Guardianship from
the school system), the student's tutor (assigned by the admin, directly or through a class),
the school admin (acts as a tutor in their school), a subject teacher of the student
(read-only). Another organisation's route does not exist for the viewer.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_tool.core.viewer import TUTOR_ROLES, Viewer, can_administer
from lti_tool.pathways.lifecycle import PARENT, STUDENT, TUTOR
from lti_tool.pathways.models import Route, TutorAssignment
from lti_tool.people import access as people_access
from lti_tool.people import queries as people

OWNER, GUARDIAN, TUTORING, ADMIN, TEACHER = "student", "parent", "tutor", "admin", "teacher"


def _student_classes(session: Session, student_id: int) -> list[int]:
    return list(session.scalars(people.class_ids_of(student_id)))


def tutors(session: Session, viewer: Viewer, student_id: int) -> bool:
    if not viewer.has(*TUTOR_ROLES):
        return False
    classes = _student_classes(session, student_id)
    return session.scalars(select(TutorAssignment.id).where(
        TutorAssignment.organisation_id == viewer.organisation_id,
        TutorAssignment.tutor_id == viewer.person_id,
        or_(TutorAssignment.student_id == student_id,
            TutorAssignment.class_id.in_(classes)))).first() is not None


def relation(session: Session, viewer: Viewer, route: Route) -> str | None:
    """How the viewer stands to the route's student, or None (no access at all)."""
    if route.organisation_id != viewer.organisation_id:
        return None
    if route.student_id == viewer.person_id and viewer.has("student"):
        return OWNER
    if viewer.has("parent") and people.guards(session, viewer.person_id, route.student_id):
        return GUARDIAN
    if tutors(session, viewer, route.student_id):
        return TUTORING
    if can_administer(viewer):
        return ADMIN
    if viewer.has("teacher"):
        taught = _student_classes(session, route.student_id)
        if any(people_access.teaches(session, viewer, c) for c in taught):
            return TEACHER
    return None


def can_view_route(session: Session, viewer: Viewer, route: Route) -> bool:
    return relation(session, viewer, route) is not None


def actor(session: Session, viewer: Viewer, route: Route) -> str | None:
    """The lifecycle actor the viewer may act as (None: read-only)."""
    return {OWNER: STUDENT, GUARDIAN: PARENT, TUTORING: TUTOR, ADMIN: TUTOR}.get(
        relation(session, viewer, route) or "")


def can_start_route(viewer: Viewer) -> bool:
    """A student starts their own route; nobody starts one for someone else."""
    return viewer.has("student")


def can_manage_offer(viewer: Viewer) -> bool:
    """The curriculum offer and tutor assignments: the school admin only."""
    return can_administer(viewer)


def tutored_students(session: Session, viewer: Viewer) -> list[int]:
    """Students the viewer tutors (directly or through a class); an admin: none by this."""
    if not viewer.has(*TUTOR_ROLES):
        return []
    rows = session.execute(select(TutorAssignment.student_id, TutorAssignment.class_id).where(
        TutorAssignment.organisation_id == viewer.organisation_id,
        TutorAssignment.tutor_id == viewer.person_id)).all()
    ids = {r.student_id for r in rows if r.student_id}
    classes = [r.class_id for r in rows if r.class_id]
    if classes:
        ids |= set(session.scalars(people.enrolled_ids(classes)))
    return sorted(ids)
