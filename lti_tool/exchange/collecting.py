"""What a month's packages hold, read from the hosts' journals (``lti_tool.journal.queries``).

One read serves many host → home pairs: the enrolments of the month, their people and
schools, and the hosts' marks and absences of those students come back in a handful of
queries (not a few per pair), then are shared out per pair and course in memory. A single
pair (the host's «Подготовить» button) goes through the same code with a narrower filter, so
both ways make the same package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from lti_tool.db import any_of
from lti_tool.exchange import rules
from lti_tool.exchange.models import CourseRequest, NetworkCourse
from lti_tool.exchange.rules import ROW_SEP as SEP
from lti_tool.exchange.snapshot import CourseInfo, Party, Snapshot
from lti_tool.journal import period as journal
from lti_tool.people import services as people
from lti_tool.people.queries import organisation_rows


@dataclass
class Collected:
    """One host → home pair's month: the organisations' ids and the package's snapshot."""

    host_id: int
    home_id: int
    snapshot: Snapshot

    @property
    def rows(self) -> dict[rules.RowKey, str]:
        return self.snapshot.rows


def teacher_origin(course_public_id: str) -> tuple[str, str]:
    """(source, namespace) where the network teacher's journal page writes a course's marks."""
    return ("exchange", f"journal:{course_public_id}")


def counts(course: NetworkCourse, mark: journal.PeriodMark) -> bool:
    """Is this host mark the course's? Its subject, and its class when the host named one
    (the teacher's own journal page has no class, so its marks count either way)."""
    return _counts(course.subject, course.host_class_id, teacher_origin(course.public_id),
                   mark.subject, mark.class_id, mark.origin)


def _counts(subject: str, host_class_id: int | None, own: tuple[str, str],
            mark_subject: str, class_id: int | None, origin: tuple[str, str]) -> bool:
    return mark_subject == subject and (
        host_class_id is None or class_id == host_class_id or origin == own)


def course_marks(session: Session, course: NetworkCourse, students: Sequence[int],
                 first: date, last: date) -> list[journal.PeriodMark]:
    """The course's marks at the host for these students (see :func:`counts`)."""
    return [m for m in journal.marks_between(session, course.host_org_id, students, first,
                                             last, [course.subject]) if counts(course, m)]


def network_students(session: Session, host_org_id: int, home_org_id: int | None = None
                     ) -> list[tuple[NetworkCourse, int, int]]:
    """(course, student id, home org id) of every enrolment in the host's courses."""
    query = select(NetworkCourse, CourseRequest.student_id, CourseRequest.home_org_id).join(
        CourseRequest, CourseRequest.course_id == NetworkCourse.id).where(
        NetworkCourse.host_org_id == host_org_id, CourseRequest.state == rules.ENROLLED)
    if home_org_id is not None:
        query = query.where(CourseRequest.home_org_id == home_org_id)
    return [(c, s, h) for c, s, h in session.execute(query.order_by(NetworkCourse.id))]


@dataclass
class MonthPlan:
    """Who takes what in the month: every pair's snapshot with its schools, courses and
    pupils (no cells yet), and, per host and pupil, the courses they take there — read once
    for a whole run; the journal is then read host batch by host batch (:func:`read_cells`)."""

    period: str
    start: date
    end: date
    enrolments: Select[int, int, int]  # (course, student, home): the journal's filter
    courses: dict[int, _Course]
    pairs: dict[tuple[int, int], Snapshot]
    # (host, student) → the courses they take there: each with its pair's snapshot and the
    # start of the student's row keys in it (rules.row_key, built without a call per cell)
    taking: dict[tuple[int, int], list[tuple[_Course, Snapshot, str]]]

    @property
    def hosts(self) -> list[int]:
        return sorted({host for host, _ in self.pairs})

    def release(self, hosts: Iterable[int]) -> None:
        """Forget these hosts' pairs (their packages are made)."""
        gone = set(hosts)
        for pair in [p for p in self.pairs if p[0] in gone]:
            del self.pairs[pair]
        for key in [k for k in self.taking if k[0] in gone]:
            del self.taking[key]


def plan_month(session: Session, period: str, hosts: Iterable[int] | None = None,
               home: int | None = None) -> MonthPlan | None:
    """The month's enrolments in the given hosts' courses running in it (one query), their
    courses, schools and pupils' names (three more); None when nobody is enrolled."""
    start, end = rules.month_bounds(period)
    query = select(CourseRequest.course_id, CourseRequest.student_id,
                   CourseRequest.home_org_id).join(
        NetworkCourse, CourseRequest.course_id == NetworkCourse.id).where(
        CourseRequest.state == rules.ENROLLED, NetworkCourse.starts_on <= end,
        NetworkCourse.ends_on >= start)
    if hosts is not None:
        query = query.where(any_of(NetworkCourse.host_org_id, hosts))
    if home is not None:
        query = query.where(CourseRequest.home_org_id == home)
    # plain rows from the connection (no ORM per row); this session's changes flushed first
    session.flush()
    read = session.connection().execute
    found = read(query.order_by(CourseRequest.course_id, CourseRequest.id)).all()
    if not found:
        return None
    courses = {row.id: _Course(row, start, end) for row in read(select(
        NetworkCourse.id, NetworkCourse.public_id, NetworkCourse.host_org_id,
        NetworkCourse.title, NetworkCourse.subject, NetworkCourse.teacher_name,
        NetworkCourse.host_class_id, NetworkCourse.starts_on, NetworkCourse.ends_on).where(
        any_of(NetworkCourse.id, {course_id for course_id, _, _ in found})))}
    orgs = {r.id: Party(r.slug, r.name) for r in organisation_rows(
        session, {c.host for c in courses.values()} | {h for _, _, h in found})}
    pupils = people.public_names(session, sorted({s for _, s, _ in found}))
    plan = MonthPlan(period, start, end, query, courses, {}, {})
    for course_id, sid, home_id in found:
        course = courses[course_id]
        snap = plan.pairs.get((course.host, home_id))
        if snap is None:
            snap = plan.pairs[(course.host, home_id)] = Snapshot(
                orgs[course.host], orgs[home_id], period)
        if course.info.public_id not in snap.enrolled:
            snap.courses.append(course.info)
            snap.enrolled[course.info.public_id] = []
        public, name = pupils[sid]
        snap.enrolled[course.info.public_id].append(public)
        snap.students[public] = name
        plan.taking.setdefault((course.host, sid), []).append(
            (course, snap, f"{public}{SEP}{course.info.public_id}{SEP}"))
    return plan


def read_cells(session: Session, plan: MonthPlan, hosts: Sequence[int]) -> list[Collected]:
    """The given hosts' marks and absences of the plan's pupils, shared out to their pairs'
    snapshots; those pairs, ordered by host, then home school id."""
    wanted = set(hosts)
    students = plan.enrolments.where(any_of(NetworkCourse.host_org_id, wanted)
                                     ).with_only_columns(CourseRequest.student_id).distinct()
    subjects = sorted({c.info.subject for c in plan.courses.values() if c.host in wanted})
    taking = plan.taking
    cells = journal.period_cells(session, sorted(wanted), students, plan.start, plan.end,
                                 subjects)
    works = cells.works
    fits: dict[tuple[int, str], bool] = {}  # is a work the course's: decided once per pair
    for work_id, sid, day, text in cells.marks:
        w = works[work_id]
        for course, snap, prefix in taking.get((w.organisation_id, sid), ()):
            if not course.first <= day <= course.last:
                continue
            fit = fits.get((work_id, course.info.public_id))
            if fit is None:
                fit = fits[(work_id, course.info.public_id)] = _counts(
                    course.info.subject, course.host_class_id, course.own, w.subject,
                    w.class_id, w.origin)
            if fit:
                snap.rows[f"{prefix}mark{SEP}{day}{SEP}{w.key}"] = text
                item = (course.info.public_id, w.key)
                if item not in snap.items:
                    snap.items[item] = (w.title, w.type_name, w.weight)
    for a in journal.absences_between(session, sorted(wanted), students, plan.start,
                                      plan.end, subjects):
        day = a.date.isoformat()
        for course, snap, prefix in taking.get((a.organisation_id, a.student_id), ()):
            if a.subject == course.info.subject and course.first <= day <= course.last:
                snap.rows[f"{prefix}absence{SEP}{day}{SEP}lesson-{a.lesson}"] = a.code
    return [Collected(host, home_id, plan.pairs[(host, home_id)])
            for host, home_id in sorted(plan.pairs) if host in wanted]


def collect_month(session: Session, period: str, hosts: Iterable[int] | None = None,
                  home: int | None = None) -> list[Collected]:
    """Every host → home pair's content for the month (courses running in it), in a few
    queries for all the given hosts; pairs ordered by host, then home school id. Cells stay
    plain tuples and text (no objects per cell): a network's month is tens of thousands."""
    plan = plan_month(session, period, hosts, home)
    return [] if plan is None else read_cells(session, plan, plan.hosts)


class _Course:
    """A network course as the month's read needs it: who hosts it, what the package prints,
    and which host marks are its (ISO day bounds: the course's dates within the month)."""

    __slots__ = ("host", "info", "host_class_id", "own", "first", "last")

    def __init__(self, row: Any, start: date, end: date) -> None:
        self.host = row.host_org_id
        self.info = CourseInfo(row.public_id, row.title, row.subject, row.teacher_name)
        self.host_class_id = row.host_class_id
        self.own = teacher_origin(row.public_id)
        self.first = max(start, row.starts_on).isoformat()
        self.last = min(end, row.ends_on).isoformat()


def collect(session: Session, host_org_id: int, home_org_id: int, period: str) -> Collected:
    """What the host's journal holds for the month about this home school's students."""
    found = collect_month(session, period, [host_org_id], home_org_id)
    if found:
        return found[0]
    orgs = {r.id: Party(r.slug, r.name) for r in organisation_rows(
        session, (host_org_id, home_org_id))}
    return Collected(host_org_id, home_org_id,
                     Snapshot(orgs[host_org_id], orgs[home_org_id], period))
