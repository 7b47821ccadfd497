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

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    literal,
    or_,
    select,
)
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
    marks: int = 0  # of its rows (the rest are absences)

    @property
    def rows(self) -> dict[rules.RowKey, str]:
        return self.snapshot.rows


_TEACHER_SOURCE, _TEACHER_PAGE = "exchange", "journal:"


def teacher_origin(course_public_id: str) -> tuple[str, str]:
    """(source, namespace) where the network teacher's journal page writes a course's marks."""
    return (_TEACHER_SOURCE, f"{_TEACHER_PAGE}{course_public_id}")


def counts(course: NetworkCourse, mark: journal.PeriodMark) -> bool:
    """Is this host mark the course's? Its subject, and its class when the host named one
    (the teacher's own journal page has no class, so its marks count either way)."""
    return mark.subject == course.subject and (
        course.host_class_id is None or mark.class_id == course.host_class_id
        or mark.origin == teacher_origin(course.public_id))


def _counted(cells: Subquery) -> ColumnElement[bool]:
    """Is a journal row (of a subquery joined to the enrolments' courses) the course's: its
    host, subject and dates — the month run decides in the database whose each cell is."""
    return and_(
        # «+ 0»: else SQLite reads every work of a host (a year of them) for each course
        cells.c.organisation_id + 0 == NetworkCourse.host_org_id,
        cells.c.subject == NetworkCourse.subject,
        cells.c.day >= NetworkCourse.starts_on, cells.c.day <= NetworkCourse.ends_on)


def _courses_own(cells: Subquery) -> ColumnElement[bool]:
    """:func:`counts`'s class rule in SQL: the host's class the course names, or the network
    teacher's own page (``tests/exchange/test_month_run.py`` checks what each admits)."""
    return or_(NetworkCourse.host_class_id.is_(None),
               cells.c.class_id == NetworkCourse.host_class_id,
               and_(cells.c.source == _TEACHER_SOURCE,
                    cells.c.namespace == literal(_TEACHER_PAGE) + NetworkCourse.public_id))


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
    pupils (no cells yet), and each enrolment's seat in it — read once for a whole run; the
    journal is then read host batch by host batch (:func:`read_cells`)."""

    period: str
    pairs_at: dict[int, dict[int, Snapshot]]  # host → home school → the pair's snapshot
    seats_at: dict[int, dict[int, _Seat]]  # host → enrolment (course request) id → seat
    # the host batch's marks and absences, as (seat, …) rows: built once, run per batch
    # with the batch's hosts bound to HOSTS
    marks: Select[Any]
    absences: Select[Any]

    @property
    def hosts(self) -> list[int]:
        return sorted(self.seats_at)

    def release(self, hosts: Iterable[int]) -> None:
        """Forget these hosts' pairs (their packages are made)."""
        for host in hosts:
            self.pairs_at.pop(host, None)
            self.seats_at.pop(host, None)


def plan_month(session: Session, period: str, hosts: Iterable[int] | None = None,
               home: int | None = None) -> MonthPlan | None:
    """The month's enrolments in the given hosts' courses running in it (one query), their
    courses, schools and pupils' names (three more); None when nobody is enrolled."""
    start, end = rules.month_bounds(period)
    query = select(CourseRequest.id, CourseRequest.course_id, CourseRequest.student_id,
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
    courses = {row.id: _Course(row) for row in read(select(
        NetworkCourse.id, NetworkCourse.public_id, NetworkCourse.host_org_id,
        NetworkCourse.title, NetworkCourse.subject, NetworkCourse.teacher_name).where(
        any_of(NetworkCourse.id, {course_id for _, course_id, _, _ in found})))}
    orgs = {r.id: Party(r.slug, r.name) for r in organisation_rows(
        session, {c.host for c in courses.values()} | {h for _, _, _, h in found})}
    pupils = people.public_names(session, sorted({s for _, _, s, _ in found}))
    plan = MonthPlan(period, {}, {}, *_batch_reads(query, start, end))
    for seat_id, course_id, sid, home_id in found:
        course = courses[course_id]
        homes = plan.pairs_at.setdefault(course.host, {})
        snap = homes.get(home_id)
        if snap is None:
            snap = homes[home_id] = Snapshot(orgs[course.host], orgs[home_id], period)
        if course.info.public_id not in snap.enrolled:
            snap.courses.append(course.info)
            snap.enrolled[course.info.public_id] = []
        public, name = pupils[sid]
        snap.enrolled[course.info.public_id].append(public)
        snap.students[public] = name
        plan.seats_at.setdefault(course.host, {})[seat_id] = _Seat(course, snap, public)
    return plan


HOSTS = "hosts"


def _batch_reads(enrolments: Select[int, int, int, int], start: date, end: date
                 ) -> tuple[Select[Any], Select[Any]]:
    """The statements :func:`read_cells` runs per host batch: the hosts' journal joined to
    the month's enrolments, each row naming the seat it is for (its course's subject,
    class or teacher's page, and dates: :func:`_counted`)."""
    hosts: BindParameter[Any] = bindparam(HOSTS, expanding=True)
    enrolled = enrolments.order_by(None).where(NetworkCourse.host_org_id.in_(hosts))
    cells = journal.cells_to_join(hosts, start, end)
    absent = journal.absences_to_join(hosts, start, end)
    return (enrolled.with_only_columns(
                CourseRequest.id, cells.c.work_id, cells.c.day, cells.c.text).join(
                cells, cells.c.student_id == CourseRequest.student_id).where(
                _counted(cells), _courses_own(cells)),
            enrolled.with_only_columns(
                CourseRequest.id, absent.c.day, absent.c.lesson, absent.c.code).join(
                absent, absent.c.student_id == CourseRequest.student_id).where(
                _counted(absent)))


def read_cells(session: Session, plan: MonthPlan, hosts: Sequence[int]) -> list[Collected]:
    """The given hosts' marks and absences of the plan's pupils, in their pairs' snapshots;
    those pairs, ordered by host, then home school id.

    The database joins the hosts' journal to the enrolments and says which seat each cell
    is for (the course's subject, class or teacher's page, and dates: :func:`_counted`), so
    a cell of a network's month (tens of thousands) costs one lookup and one key here."""
    wanted = sorted(set(hosts))
    read = session.connection().execute
    seats: dict[int, _Seat] = {}
    for host in wanted:
        seats.update(plan.seats_at.get(host, {}))
    found = journal.iso_days(read(plan.marks, {HOSTS: wanted}).all(), 2)
    works = journal.period_works(session, {work_id for _, work_id, _, _ in found})
    tails = {work_id: f"{SEP}{w.key}" for work_id, w in works.items()}
    for seat_id, work_id, day, text in found:
        seat = seats[seat_id]
        seat.rows[seat.marks + day + tails[work_id]] = text
        seat.works.add(work_id)
    pairs = [Collected(host, home_id, snap, len(snap.rows)) for host in wanted  # marks so far
             for home_id, snap in sorted(plan.pairs_at.get(host, {}).items())]
    for seat_id, day, lesson, code in journal.iso_days(
            read(plan.absences, {HOSTS: wanted}).all(), 1):
        seat = seats[seat_id]
        seat.rows[f"{seat.absences}{day}{SEP}lesson-{lesson}"] = code
    for seat in seats.values():  # the titles the files print, of the works it has marks of
        for work_id in sorted(seat.works):
            w = works[work_id]
            seat.snap.items.setdefault((seat.course.info.public_id, w.key),
                                       (w.title, w.type_name, w.weight))
    return pairs


def collect_month(session: Session, period: str, hosts: Iterable[int] | None = None,
                  home: int | None = None) -> list[Collected]:
    """Every host → home pair's content for the month (courses running in it), in a few
    queries for all the given hosts; pairs ordered by host, then home school id. Cells stay
    plain tuples and text (no objects per cell): a network's month is tens of thousands."""
    plan = plan_month(session, period, hosts, home)
    return [] if plan is None else read_cells(session, plan, plan.hosts)


class _Seat:
    """A pupil in a course of the month: the pair's snapshot their cells go to and the start
    of their row keys there (:func:`rules.row_key`, built without a call per cell)."""

    __slots__ = ("course", "snap", "rows", "marks", "absences", "works")

    def __init__(self, course: _Course, snap: Snapshot, public: str) -> None:
        self.course, self.snap, self.rows = course, snap, snap.rows
        start = f"{public}{SEP}{course.info.public_id}{SEP}"
        self.marks, self.absences = f"{start}mark{SEP}", f"{start}absence{SEP}"
        self.works: set[int] = set()  # the works it has marks of


class _Course:
    """A network course as the month's read needs it: who hosts it and what the package
    prints."""

    __slots__ = ("host", "info")

    def __init__(self, row: Any) -> None:
        self.host = row.host_org_id
        self.info = CourseInfo(row.public_id, row.title, row.subject, row.teacher_name)


def collect(session: Session, host_org_id: int, home_org_id: int, period: str) -> Collected:
    """What the host's journal holds for the month about this home school's students."""
    found = collect_month(session, period, [host_org_id], home_org_id)
    if found:
        return found[0]
    orgs = {r.id: Party(r.slug, r.name) for r in organisation_rows(
        session, (host_org_id, home_org_id))}
    return Collected(host_org_id, home_org_id,
                     Snapshot(orgs[host_org_id], orgs[home_org_id], period))
