"""Who may do what in the course exchange: one can_* per entity, asked by every view.

Three relations decide: the *host* school (teaches the course), the *home* school (where the
student is enrolled) and *others* (outside: see nothing). Coordinators are the schools'
admins; the network teacher is the course's teacher at the host; a student sees only their
own requests; a parent their own children's.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lti_tool.core.viewer import Viewer
from lti_tool.exchange.models import CourseRequest, NetworkCourse, ReportCard, TransferPackage
from lti_tool.exchange.partners import partner_ids
from lti_tool.people import queries as people


def is_host(viewer: Viewer, course: NetworkCourse) -> bool:
    return viewer.organisation_id == course.host_org_id


def can_view_course(session: Session, viewer: Viewer, course: NetworkCourse) -> bool:
    """The host always; a partner school's people when the course is published."""
    if is_host(viewer, course):
        return True
    return course.published and viewer.organisation_id in partner_ids(
        session, course.host_org_id)


def can_manage_course(viewer: Viewer, course: NetworkCourse | None = None,
                      org_id: int | None = None) -> bool:
    """Publish and edit: the host's coordinator (admin)."""
    host = course.host_org_id if course is not None else org_id
    return viewer.has("admin") and viewer.organisation_id == host


def can_teach(viewer: Viewer, course: NetworkCourse) -> bool:
    """The network teacher or the host's coordinator: the group's list and journal."""
    return is_host(viewer, course) and (
        viewer.has("admin") or (viewer.has("teacher") and course.teacher_id == viewer.person_id))


def can_request(session: Session, viewer: Viewer, course: NetworkCourse) -> bool:
    """A student of a partner school (not the host's own: theirs is a regular class)."""
    return (viewer.has("student") and not is_host(viewer, course)
            and can_view_course(session, viewer, course))


def _is_parent_of(session: Session, viewer: Viewer, child_id: int) -> bool:
    return viewer.has("parent") and people.guards(session, viewer.person_id, child_id)


def can_view_request(session: Session, viewer: Viewer, req: CourseRequest,
                     course: NetworkCourse) -> bool:
    if viewer.organisation_id == req.home_org_id:
        if req.student_id == viewer.person_id or viewer.has("admin"):
            return True
        return _is_parent_of(session, viewer, req.student_id)
    return can_teach(viewer, course)


def decision_side(viewer: Viewer, req: CourseRequest, course: NetworkCourse) -> str | None:
    """«home» or «host» when this viewer decides for that school, else None."""
    if not viewer.has("admin"):
        return None
    if viewer.organisation_id == req.home_org_id:
        return "home"
    if viewer.organisation_id == course.host_org_id:
        return "host"
    return None


def can_withdraw(viewer: Viewer, req: CourseRequest) -> bool:
    return (viewer.has("student") and req.student_id == viewer.person_id
            and viewer.organisation_id == req.home_org_id)


def can_view_package(viewer: Viewer, package: TransferPackage) -> bool:
    """The sending host's and the receiving home school's coordinators only."""
    return viewer.has("admin") and viewer.organisation_id in (
        package.host_org_id, package.home_org_id)


def can_send_package(viewer: Viewer, package: TransferPackage) -> bool:
    return viewer.has("admin") and viewer.organisation_id == package.host_org_id


def can_confirm_package(viewer: Viewer, package: TransferPackage) -> bool:
    return viewer.has("admin") and viewer.organisation_id == package.home_org_id


def can_view_card(viewer: Viewer, card: ReportCard, course: NetworkCourse) -> bool:
    if viewer.organisation_id == card.home_org_id:
        return viewer.has("admin") or card.student_id == viewer.person_id
    return can_teach(viewer, course)


def can_sign_card(viewer: Viewer, course: NetworkCourse) -> bool:
    return can_manage_course(viewer, course)


def can_record_card(viewer: Viewer, card: ReportCard) -> bool:
    return viewer.has("admin") and viewer.organisation_id == card.home_org_id


def can_correct_card(viewer: Viewer, course: NetworkCourse) -> bool:
    """Only the host records final marks: the course's network teacher or coordinator."""
    return can_teach(viewer, course)


def can_link_gradebook(session: Session, viewer: Viewer, course: NetworkCourse) -> bool:
    """A partner (home) school's coordinator names where its LMS keeps the course's marks."""
    return (viewer.has("admin") and not is_host(viewer, course)
            and can_view_course(session, viewer, course))
