"""A network course's marks and absences in the host's journal, for the student's route
(``lti_tool/pathways/progress.py`` asks through :func:`lti_tool.exchange.services.route_marks`).

The course is taught at the host, so its lesson marks and the lessons missed are the host's
journal, read as the monthly package reads them (:func:`.collecting.counts`: the course's
subject, and its class at the host when the host named one). Only while the student is
enrolled (request state «enrolled»), and only what is dated within the course's own dates.

Nothing is counted twice:

- the home school's part of the route's progress reads the home journal's lesson marks
  (``journal_mark``) and attendance of the *home* organisation; this reads the *host's*
  (another organisation id), so no journal row is in both reads;
- the term report cards («табели») put final marks into the home journal's final-mark table
  (``journal_final_mark``), which the progress never reads — the course's average is made
  of its lesson marks here, not of its final mark too; the monthly packages are files the
  home school downloads, never written into its journal;
- a course the home school hosts itself is skipped (its marks are already the home
  journal's), and a host row is taken once even when two enrolled courses of the same host
  and subject would both claim it.

Three queries for a whole class (enrolments, marks, absences), none when no plan holds a
network course.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.exchange import rules
from lti_tool.exchange.collecting import counts
from lti_tool.exchange.models import CourseRequest, NetworkCourse
from lti_tool.journal import period as journal
from schemas.marks import MarkError, parse_mark


@dataclass(frozen=True)
class HostMark:
    """A mark of a network course in the host's journal (a value 1–5 with its weight)."""

    student_id: int
    course: str  # the course's public id
    subject: str  # the host's subject, e.g. «Физика»
    date: date
    value: int
    weight: float


@dataclass(frozen=True)
class HostAbsence:
    """A lesson of a network course the student missed (a late arrival «ОП» is not one)."""

    student_id: int
    course: str
    subject: str
    date: date


@dataclass
class HostJournal:
    enrolled: list[tuple[int, str]]  # (student, course public id) counted, marks or none yet
    marks: list[HostMark]
    absences: list[HostAbsence]


def enrolled_courses(session: Session, home_org_id: int,
                     wanted: Mapping[int, Collection[str]]) -> list[tuple[int, NetworkCourse]]:
    """(student, course) for each course the student asked for in their plan (``wanted``:
    student → course public ids) and is enrolled in, hosted by another school."""
    ids = {pid for wanted_ids in wanted.values() for pid in wanted_ids}
    if not ids:
        return []
    rows = session.execute(select(CourseRequest.student_id, NetworkCourse).join(
        NetworkCourse, NetworkCourse.id == CourseRequest.course_id).where(
        CourseRequest.student_id.in_(list(wanted)), CourseRequest.home_org_id == home_org_id,
        CourseRequest.state == rules.ENROLLED, NetworkCourse.public_id.in_(sorted(ids)),
        NetworkCourse.host_org_id != home_org_id).order_by(NetworkCourse.id))
    seen: set[tuple[int, int]] = set()
    out = []
    for sid, course in rows:
        if course.public_id in wanted.get(sid, ()) and (sid, course.id) not in seen:
            seen.add((sid, course.id))
            out.append((sid, course))
    return out


def route_marks(session: Session, home_org_id: int, wanted: Mapping[int, Collection[str]],
                first: date, last: date) -> HostJournal:
    """The hosts' marks and absences of these students' enrolled network courses dated
    ``first``..``last`` and within each course's dates (see the module's note on counting
    once)."""
    enrolled = enrolled_courses(session, home_org_id, wanted)
    found = HostJournal([(sid, c.public_id) for sid, c in enrolled], [], [])
    if not enrolled:
        return found
    by_student: dict[tuple[int, int], list[NetworkCourse]] = {}
    for sid, course in enrolled:
        by_student.setdefault((course.host_org_id, sid), []).append(course)
    hosts = sorted({c.host_org_id for _, c in enrolled})
    students = sorted({s for s, _ in enrolled})
    subjects = sorted({c.subject for _, c in enrolled})
    start = max(first, min(c.starts_on for _, c in enrolled))
    end = min(last, max(c.ends_on for _, c in enrolled))
    if start > end:
        return found
    for m in journal.marks_between(session, hosts, students, start, end, subjects):
        owner = next((c for c in by_student.get((m.organisation_id, m.student_id), ())
                      if c.starts_on <= m.date <= c.ends_on and counts(c, m)), None)
        value = _value(m.text)
        if owner is not None and value is not None:
            found.marks.append(HostMark(m.student_id, owner.public_id, owner.subject, m.date,
                                        value, m.weight))
    for a in journal.absences_between(session, hosts, students, start, end, subjects):
        if a.code == journal.LATE:
            continue
        owner = next((c for c in by_student.get((a.organisation_id, a.student_id), ())
                      if c.subject == a.subject and c.starts_on <= a.date <= c.ends_on),
                     None)
        if owner is not None:
            found.absences.append(HostAbsence(a.student_id, owner.public_id, owner.subject,
                                              a.date))
    return found


def _value(text: str) -> int | None:
    """A mark's value (an absence code «Н» or a debt «.» in a mark cell has none)."""
    try:
        return parse_mark(text).value
    except MarkError:
        return None
