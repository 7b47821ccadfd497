"""What a month's packages hold, read from the hosts' journals (``lti_tool.journal.queries``).

One read serves many host → home pairs: the enrolments of the month, their people and
schools, and the hosts' marks and absences of those students come back in a handful of
queries (not a few per pair), then are shared out per pair and course in memory. A single
pair (the host's «Подготовить» button) goes through the same code with a narrower filter, so
both ways make the same package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.exchange import rules
from lti_tool.exchange.models import CourseRequest, NetworkCourse
from lti_tool.journal import queries as journal
from lti_tool.people import services as people
from lti_tool.people.services import Organisation


@dataclass(slots=True)
class Student:
    id: int
    public_id: str
    name: str


@dataclass(slots=True)
class Cell:
    course: NetworkCourse
    student: Student
    kind: str  # mark | absence
    day: date
    key: str
    text: str
    title: str = ""
    type_name: str = ""
    weight: float = 1.0


@dataclass
class Collected:
    host: Organisation
    home: Organisation
    period: str
    courses: list[NetworkCourse] = field(default_factory=list)
    students: dict[int, Student] = field(default_factory=dict)
    enrolled: dict[int, list[int]] = field(default_factory=dict)  # course id → students
    cells: list[Cell] = field(default_factory=list)

    def rows(self) -> dict[rules.RowKey, str]:
        return {(c.student.public_id, c.course.public_id, c.kind, c.day.isoformat(), c.key):
                c.text for c in self.cells}


def teacher_origin(course: NetworkCourse) -> tuple[str, str]:
    """Where the network teacher's journal page writes the course's marks."""
    return ("exchange", f"journal:{course.public_id}")


def counts(course: NetworkCourse, mark: journal.PeriodMark) -> bool:
    """Is this host mark the course's? Its subject, and its class when the host named one
    (the teacher's own journal page has no class, so its marks count either way)."""
    if mark.subject != course.subject:
        return False
    return (course.host_class_id is None or mark.class_id == course.host_class_id
            or mark.origin == teacher_origin(course))


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


def collect_month(session: Session, period: str, hosts: Iterable[int] | None = None,
                  home: int | None = None) -> list[Collected]:
    """Every host → home pair's content for the month (courses running in it), in a few
    queries for all the given hosts; pairs ordered by host, then home school id."""
    start, end = rules.month_bounds(period)
    query = select(CourseRequest.course_id, CourseRequest.student_id,
                   CourseRequest.home_org_id).join(
        NetworkCourse, CourseRequest.course_id == NetworkCourse.id).where(
        CourseRequest.state == rules.ENROLLED, NetworkCourse.starts_on <= end,
        NetworkCourse.ends_on >= start)
    if hosts is not None:
        query = query.where(NetworkCourse.host_org_id.in_(list(hosts)))
    if home is not None:
        query = query.where(CourseRequest.home_org_id == home)
    found = session.execute(query.order_by(CourseRequest.course_id, CourseRequest.id)).all()
    if not found:
        return []
    by_id = {c.id: c for c in session.scalars(select(NetworkCourse).where(
        NetworkCourse.id.in_({course_id for course_id, _, _ in found})))}
    enrolments = [(by_id[course_id], sid, home_id) for course_id, sid, home_id in found]
    org_ids = {c.host_org_id for c, _, _ in enrolments} | {h for _, _, h in enrolments}
    orgs = people.organisations_by_id(session, org_ids)
    student_ids = sorted({s for _, s, _ in enrolments})
    pupils = {pid: Student(pid, public, name)
              for pid, (public, name) in people.public_names(session, student_ids).items()}
    pairs: dict[tuple[int, int], Collected] = {}
    for course, sid, home_id in enrolments:
        pair = (course.host_org_id, home_id)
        data = pairs.get(pair)
        if data is None:
            data = pairs[pair] = Collected(orgs[pair[0]], orgs[home_id], period)
        if course.id not in data.enrolled:
            data.courses.append(course)
            data.enrolled[course.id] = []
        data.enrolled[course.id].append(sid)
        data.students[sid] = pupils[sid]
    host_ids = sorted({h for h, _ in pairs})
    subjects = sorted({c.subject for c, _, _ in enrolments})
    marks: dict[tuple[int, int], list[journal.PeriodMark]] = {}
    for m in journal.marks_between(session, host_ids, student_ids, start, end, subjects):
        marks.setdefault((m.organisation_id, m.student_id), []).append(m)
    absences: dict[tuple[int, int], list[journal.PeriodAbsence]] = {}
    for a in journal.absences_between(session, host_ids, student_ids, start, end, subjects):
        absences.setdefault((a.organisation_id, a.student_id), []).append(a)
    for (host_id, _), data in sorted(pairs.items()):
        for course in data.courses:
            first, last = max(start, course.starts_on), min(end, course.ends_on)
            for sid in data.enrolled[course.id]:
                student = data.students[sid]
                data.cells += [Cell(course, student, "mark", m.date, m.assignment_key, m.text,
                                    m.title, m.type_name, m.weight)
                               for m in marks.get((host_id, sid), ())
                               if first <= m.date <= last and counts(course, m)]
                data.cells += [Cell(course, student, "absence", a.date, f"lesson-{a.lesson}",
                                    a.code) for a in absences.get((host_id, sid), ())
                               if a.subject == course.subject and first <= a.date <= last]
        data.cells.sort(key=lambda c: (c.course.title, c.student.name, c.day, c.kind, c.key))
    return [pairs[k] for k in sorted(pairs)]


def collect(session: Session, host_org_id: int, home_org_id: int, period: str) -> Collected:
    """What the host's journal holds for the month about this home school's students."""
    found = collect_month(session, period, [host_org_id], home_org_id)
    if found:
        return found[0]
    orgs = people.organisations_by_id(session, (host_org_id, home_org_id))
    return Collected(orgs[host_org_id], orgs[home_org_id], period)
