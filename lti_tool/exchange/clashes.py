"""Timetable clashes of a network course with the student's week: their home timetable
(their classes' lessons and their own) and the network courses they asked for or attend.
Kept apart from :mod:`.services`, which asks it before a request is made or approved."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_tool.exchange import rules
from lti_tool.exchange.models import CourseRequest, NetworkCourse, TimetableSlot
from lti_tool.exchange.rules import RuleError, Slot
from lti_tool.people import queries as people


def course_slots(course: NetworkCourse) -> list[Slot]:
    return [Slot(int(s["weekday"]), rules.minutes(s["start"]), rules.minutes(s["end"]),
                 course.starts_on, course.ends_on, course.title) for s in course.schedule]


def home_slots(session: Session, org_id: int, student_id: int) -> list[Slot]:
    """The home timetable lessons this student sits: their classes' and their own."""
    classes = people.class_ids_of(student_id, role=None)
    rows = session.scalars(select(TimetableSlot).where(
        TimetableSlot.organisation_id == org_id,
        or_(TimetableSlot.student_id == student_id, TimetableSlot.class_id.in_(classes))))
    return [Slot(r.weekday, rules.minutes(r.start), rules.minutes(r.end),
                 label=r.subject) for r in rows]


def network_slots(session: Session, student_id: int, states: Iterable[str],
                  exclude_course: int | None = None) -> list[Slot]:
    courses = session.scalars(select(NetworkCourse).join(
        CourseRequest, CourseRequest.course_id == NetworkCourse.id).where(
        CourseRequest.student_id == student_id, CourseRequest.state.in_(list(states))))
    return [s for c in courses if c.id != exclude_course for s in course_slots(c)]


def clashes_for(session: Session, course: NetworkCourse, student_id: int,
                home_org_id: int) -> list[tuple[Slot, Slot]]:
    busy = home_slots(session, home_org_id, student_id) + network_slots(
        session, student_id, rules.OPEN_STATES + (rules.ENROLLED,), exclude_course=course.id)
    return rules.clashes(course_slots(course), busy)


def clash_error(found: list[tuple[Slot, Slot]]) -> RuleError:
    wanted, busy = found[0]
    return RuleError("clash", weekday=wanted.weekday, start=rules.hhmm(wanted.start),
                     end=rules.hhmm(wanted.end), other=busy.label)
