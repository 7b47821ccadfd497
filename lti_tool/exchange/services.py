"""Course exchange use cases: the catalog, requests and both schools' decisions, network
groups and schedules. One transaction each (the caller commits); access is decided by the
view with :mod:`lti_tool.exchange.access` before these are called, and each step's own
preconditions (state, capacity, clashes) are checked here with :mod:`.rules`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.db import utcnow
from lti_tool.exchange import notices, rules
from lti_tool.exchange.clashes import clash_error, clashes_for
from lti_tool.exchange.models import CourseRequest, NetworkCourse, NetworkGroup
from lti_tool.exchange.partners import partner_ids
from lti_tool.exchange.route_marks import HostJournal
from lti_tool.exchange.route_marks import route_marks as _route_marks
from lti_tool.exchange.rules import RuleError
from lti_tool.people import queries as people
from lti_tool.people.services import organisation_names


@dataclass(frozen=True)
class Filters:
    q: str = ""
    subject: str = ""
    level: str = ""
    format: str = ""
    host: str = ""  # an organisation slug


@dataclass(frozen=True)
class CatalogEntry:
    course: NetworkCourse
    host_name: str
    enrolled: int

    @property
    def places_left(self) -> int:
        return max(0, self.course.capacity - self.enrolled)


def visible_host_ids(session: Session, org_id: int) -> list[int]:
    return sorted({org_id, *partner_ids(session, org_id)})


def catalog(session: Session, org_id: int, filters: Filters = Filters()) -> list[CatalogEntry]:
    """Courses a school's people may see: its own and its partners' published ones."""
    hosts = visible_host_ids(session, org_id)
    host = people.organisation_names_table()
    query = select(NetworkCourse, host.c.name).join(
        host, host.c.id == NetworkCourse.host_org_id).where(
        NetworkCourse.host_org_id.in_(hosts),
        or_(NetworkCourse.published.is_(True), NetworkCourse.host_org_id == org_id))
    if filters.subject:
        query = query.where(NetworkCourse.subject == filters.subject)
    if filters.level in rules.LEVELS:
        query = query.where(NetworkCourse.level == filters.level)
    if filters.format in rules.FORMATS:
        query = query.where(NetworkCourse.format == filters.format)
    if filters.host:
        query = query.where(host.c.slug == filters.host)
    rows = list(session.execute(query.order_by(NetworkCourse.subject, NetworkCourse.title)))
    # matched in Python: SQLite's lower() knows no Cyrillic, and a school's catalog is small
    needle = filters.q.strip().casefold()
    if needle:
        rows = [r for r in rows if needle in " ".join((
            r[0].title, r[0].subject, r[0].description, r[0].teacher_name, r[1])).casefold()]
    counts = enrolled_counts(session, [r[0].id for r in rows])
    return [CatalogEntry(course, name, counts.get(course.id, 0)) for course, name in rows]


def facets(session: Session, org_id: int) -> dict[str, list[tuple[str, str]]]:
    """Filter choices: subjects and host schools present in this school's catalog."""
    hosts = visible_host_ids(session, org_id)
    subjects = session.scalars(select(NetworkCourse.subject).distinct().where(
        NetworkCourse.host_org_id.in_(hosts)).order_by(NetworkCourse.subject))
    org = people.organisation_names_table()
    orgs = session.execute(select(org.c.slug, org.c.name).where(
        org.c.id.in_(select(NetworkCourse.host_org_id).where(
            NetworkCourse.host_org_id.in_(hosts)))).order_by(org.c.name))
    return {"subjects": [(s, s) for s in subjects], "hosts": [(s, n) for s, n in orgs]}


def enrolled_counts(session: Session, course_ids: Sequence[int]) -> dict[int, int]:
    if not course_ids:
        return {}
    rows = session.execute(select(CourseRequest.course_id, func.count()).where(
        CourseRequest.course_id.in_(course_ids), CourseRequest.state == rules.ENROLLED)
        .group_by(CourseRequest.course_id))
    return {course_id: count for course_id, count in rows}


def organisation_name(session: Session, org_id: int) -> str:
    return organisation_names(session, [org_id]).get(org_id, "")


def hosted_courses(session: Session, org_id: int) -> list[NetworkCourse]:
    return list(session.scalars(select(NetworkCourse).where(
        NetworkCourse.host_org_id == org_id).order_by(NetworkCourse.title)))


def home_school_of(session: Session, person_id: int, course: NetworkCourse) -> str | None:
    """The name of the school a network student comes from (None: not enrolled), by their
    enrolment in this course: the launch resolved the LMS account to a person through
    identity links, never by name."""
    home_id = session.scalars(select(CourseRequest.home_org_id).where(
        CourseRequest.course_id == course.id, CourseRequest.student_id == person_id,
        CourseRequest.state == rules.ENROLLED)).first()
    return organisation_names(session, [home_id]).get(home_id, "") if home_id is not None \
        else None


def course_by_public_id(session: Session, public_id: str) -> NetworkCourse | None:
    return session.scalars(select(NetworkCourse).where(
        NetworkCourse.public_id == public_id)).first()


def create_course(session: Session, host_org_id: int, data: dict[str, Any],
                  actor_id: int | None) -> NetworkCourse:
    """``data`` as loaded by :class:`lti_tool.exchange.schemas.CourseSchema`."""
    course = NetworkCourse(host_org_id=host_org_id, **data)
    session.add(course)
    session.flush()
    audit(session, actor_id, host_org_id, "exchange.course.create", "exchange_course",
          course.public_id, title=course.title)
    return course


def update_course(session: Session, course: NetworkCourse, data: dict[str, Any],
                  actor_id: int | None) -> None:
    for key, value in data.items():
        setattr(course, key, value)
    audit(session, actor_id, course.host_org_id, "exchange.course.update", "exchange_course",
          course.public_id, fields=sorted(data))


# --- requests -----------------------------------------------------------------------------


def request_course(session: Session, course: NetworkCourse, student_id: int,
                   home_org_id: int, note: str = "") -> CourseRequest:
    """A student asks for a course; refused on an open request already, a clash, or when
    the course is full (it may still be full later: the host's approval checks again)."""
    held = session.scalars(select(CourseRequest).where(
        CourseRequest.course_id == course.id, CourseRequest.student_id == student_id,
        CourseRequest.state.in_(rules.OPEN_STATES + (rules.ENROLLED,)))).first()
    if held is not None:
        raise RuleError("already_requested")
    if not rules.has_room(course.capacity, enrolled_counts(session, [course.id]).get(
            course.id, 0)):
        raise RuleError("full")
    found = clashes_for(session, course, student_id, home_org_id)
    if found:
        raise clash_error(found)
    req = CourseRequest(course_id=course.id, student_id=student_id, home_org_id=home_org_id,
                        note=note.strip()[:1000])
    session.add(req)
    session.flush()
    audit(session, student_id, home_org_id, "exchange.request", "exchange_request",
          req.public_id, course=course.public_id)
    return req


def request_by_public_id(session: Session, public_id: str) -> CourseRequest | None:
    return session.scalars(select(CourseRequest).where(
        CourseRequest.public_id == public_id)).first()


def decide(session: Session, req: CourseRequest, course: NetworkCourse, side: str,
           action: str, actor_id: int, reason: str = "") -> CourseRequest:
    """A school's decision. The last approval enrols: capacity and clashes are checked again
    with the course row locked, so two approvals at once cannot overfill a group."""
    state = rules.transition(req.state, action, side, reason)
    if state == rules.ENROLLED:
        locked = session.scalars(select(NetworkCourse).where(
            NetworkCourse.id == course.id).with_for_update()).one()
        taken = enrolled_counts(session, [locked.id]).get(locked.id, 0)
        if not rules.has_room(locked.capacity, taken):
            raise RuleError("full")
        found = clashes_for(session, course, req.student_id, req.home_org_id)
        if found:
            raise clash_error(found)
        req.group_id = ensure_group(session, course).id
    if side == rules.HOME:
        req.home_decided_by = actor_id
    else:
        req.host_decided_by = actor_id
    if state == rules.REFUSED:
        req.reason, req.refused_by = reason.strip()[:1000], side
    req.state = state
    req.updated_at = utcnow()
    org = req.home_org_id if side == rules.HOME else course.host_org_id
    audit(session, actor_id, org, f"exchange.request.{action}", "exchange_request",
          req.public_id, side=side, state=state)
    notices.request_decided(session, req, course)
    return req


def withdraw(session: Session, req: CourseRequest, actor_id: int) -> CourseRequest:
    req.state = rules.transition(req.state, "withdraw", rules.STUDENT)
    req.updated_at = utcnow()
    audit(session, actor_id, req.home_org_id, "exchange.request.withdraw", "exchange_request",
          req.public_id)
    return req


def ensure_group(session: Session, course: NetworkCourse) -> NetworkGroup:
    """The course's network group (one per course: capacity is the group's size)."""
    group = session.scalars(select(NetworkGroup).where(
        NetworkGroup.course_id == course.id).order_by(NetworkGroup.id)).first()
    if group is None:
        group = NetworkGroup(course_id=course.id, title=f"{course.title} — сетевая группа")
        session.add(group)
        session.flush()
    return group


@dataclass(frozen=True)
class Pupil:  # what a list of requests shows of the student (people's row stays theirs)
    id: int
    public_id: str
    display_name: str


@dataclass(frozen=True)
class RequestRow:
    request: CourseRequest
    course: NetworkCourse
    student: Pupil
    home_name: str
    host_name: str


def _rows(session: Session, where: Any) -> list[RequestRow]:
    home, host = people.organisation_names_table(), people.organisation_names_table()
    pupil = people.person_names_table()
    rows = session.execute(
        select(CourseRequest, NetworkCourse, pupil.c.id, pupil.c.public_id,
               pupil.c.display_name, home.c.name, host.c.name)
        .join(NetworkCourse, NetworkCourse.id == CourseRequest.course_id)
        .join(pupil, pupil.c.id == CourseRequest.student_id)
        .join(home, home.c.id == CourseRequest.home_org_id)
        .join(host, host.c.id == NetworkCourse.host_org_id)
        .where(where).order_by(CourseRequest.created_at.desc(), CourseRequest.id.desc()))
    return [RequestRow(req, course, Pupil(pid, public, name), home_name, host_name)
            for req, course, pid, public, name, home_name, host_name in rows]


def student_requests(session: Session, student_id: int, home_org_id: int) -> list[RequestRow]:
    return _rows(session, (CourseRequest.student_id == student_id)
                 & (CourseRequest.home_org_id == home_org_id))


def school_requests(session: Session, org_id: int) -> list[RequestRow]:
    """Requests a coordinator sees: from their students (home) and for their courses (host)."""
    return _rows(session, or_(CourseRequest.home_org_id == org_id,
                              NetworkCourse.host_org_id == org_id))


def group_members(session: Session, course_id: int) -> list[RequestRow]:
    return _rows(session, (CourseRequest.course_id == course_id)
                 & (CourseRequest.state == rules.ENROLLED))


@dataclass(frozen=True)
class Lesson:
    weekday: int
    start: str
    end: str
    course: NetworkCourse
    host_name: str


def student_schedule(session: Session, student_id: int, home_org_id: int,
                     on: date | None = None) -> list[Lesson]:
    """The student's network lessons of the week, from their enrolled courses."""
    lessons = []
    for row in student_requests(session, student_id, home_org_id):
        if row.request.state != rules.ENROLLED:
            continue
        if on is not None and not (row.course.starts_on <= on <= row.course.ends_on):
            continue
        for s in row.course.schedule:
            lessons.append(Lesson(int(s["weekday"]), s["start"], s["end"], row.course,
                                  row.host_name))
    return sorted(lessons, key=lambda x: (x.weekday, x.start))


# --- for the student's route (lti_tool/pathways asks these, never the tables) --------------


@dataclass(frozen=True)
class RouteCourse:
    """A network course a student may put in their route, with their latest request."""

    public_id: str
    title: str
    subject: str
    level: str
    hours: int
    grades: str
    starts_on: date
    ends_on: date
    host_name: str
    places_left: int
    state: str = ""  # the student's latest request's state; "" = not asked for
    reason: str = ""  # a refusal's reason, shown to the student and the tutor
    request: str = ""  # that request's public id (the builder's «Отозвать заявку»)


def route_courses(session: Session, student_id: int, home_org_id: int) -> list[RouteCourse]:
    """Courses of the student's networks: the partners' published catalog, and those the
    student has asked for while the host is still a partner (an unpublished course they are
    enrolled in stays). The home school's own courses are its regular classes, not these."""
    partners = partner_ids(session, home_org_id)
    entries = {e.course.id: e for e in catalog(session, home_org_id)
               if e.course.host_org_id in partners}
    latest: dict[int, RequestRow] = {}
    for held in student_requests(session, student_id, home_org_id):  # newest first
        if held.course.host_org_id in partners:
            latest.setdefault(held.course.id, held)
    counts = enrolled_counts(session, [i for i in latest if i not in entries])
    out = []
    for course_id in entries.keys() | latest.keys():
        entry, row = entries.get(course_id), latest.get(course_id)
        if entry is not None:
            course, host, left = entry.course, entry.host_name, entry.places_left
        else:
            assert row is not None
            course, host = row.course, row.host_name
            left = max(0, course.capacity - counts.get(course_id, 0))
        out.append(RouteCourse(
            course.public_id, course.title, course.subject, course.level, course.hours,
            course.grades, course.starts_on, course.ends_on, host, left,
            row.request.state if row else "", row.request.reason if row else "",
            row.request.public_id if row else ""))
    return sorted(out, key=lambda c: (c.subject, c.title, c.public_id))


def request_states(session: Session, student_ids: Sequence[int], home_org_id: int
                   ) -> dict[tuple[int, str], str]:
    """(student, course public id) → the latest request's state, for a class at once."""
    if not student_ids:
        return {}
    rows = session.execute(select(CourseRequest.student_id, NetworkCourse.public_id,
                                  CourseRequest.state).join(
        NetworkCourse, NetworkCourse.id == CourseRequest.course_id).where(
        CourseRequest.student_id.in_(list(student_ids)),
        CourseRequest.home_org_id == home_org_id).order_by(CourseRequest.id))
    return {(sid, pid): state for sid, pid, state in rows}


def request_for_route(session: Session, public_id: str, student_id: int,
                      home_org_id: int) -> CourseRequest:
    """A request made from the route builder: only for a published course of the student's
    networks (RuleError «not_offered» otherwise, nothing written), then as on the course page."""
    course = course_by_public_id(session, public_id)
    offered = {c.public_id for c in route_courses(session, student_id, home_org_id)}
    if course is None or not course.published or public_id not in offered:
        raise RuleError("not_offered")
    return request_course(session, course, student_id, home_org_id)


def route_marks(session: Session, home_org_id: int, wanted: Mapping[int, Collection[str]],
                first: date, last: date) -> HostJournal:
    """The hosts' journal for the network courses in students' plans (``wanted``: student →
    course public ids), enrolled only: see :mod:`lti_tool.exchange.route_marks`."""
    return _route_marks(session, home_org_id, wanted, first, last)


def refusal(exc: RuleError) -> str:
    """A refused step in the reader's words (for pages outside the exchange)."""
    from lti_tool.exchange.messages import rule_message

    return rule_message(exc)
