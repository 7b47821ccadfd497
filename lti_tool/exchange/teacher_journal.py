"""The network teacher's journal page: a month of the group's lessons (from the course's
weekly schedule) with a cell per pupil and lesson, saved into the host school's journal
through ``lti_tool.journal.services`` (source «exchange», one name space per course), so the
monthly transfer and the report cards read it like any synced mark.

A save speaks for the whole month it shows: a cell emptied is a mark deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from adapters.base import Chunk, JournalBatch
from lti_tool.core.audit import audit
from lti_tool.exchange import rules
from lti_tool.exchange.collecting import teacher_origin
from lti_tool.exchange.models import NetworkCourse
from lti_tool.exchange.services import group_members
from lti_tool.journal import period as journal
from lti_tool.journal.services import Origin, apply_batches
from schemas.marks import ABSENCE_CODES, MarkError, parse_mark
from schemas.records import AssignmentRecord, AttendanceRecord, MarkRecord


@dataclass(frozen=True)
class Grid:
    period: str
    days: list[date]
    students: list[tuple[int, str]]  # person id, name
    cells: dict[tuple[int, date], str]  # what this page wrote: editable
    synced: dict[tuple[int, date], str]  # the host's other sources: shown, not edited


def origin(course: NetworkCourse) -> Origin:
    return Origin(course.host_org_id, *teacher_origin(course.public_id))


def lesson_days(course: NetworkCourse, period: str) -> list[date]:
    first, last = rules.month_bounds(period)
    first, last = max(first, course.starts_on), min(last, course.ends_on)
    weekdays = {int(s["weekday"]) for s in course.schedule}
    out, day = [], first
    while day <= last:
        if day.isoweekday() in weekdays:
            out.append(day)
        day += timedelta(days=1)
    return out


def grid(session: Session, course: NetworkCourse, period: str) -> Grid:
    members = group_members(session, course.id)
    students = sorted(((m.student.id, m.student.display_name) for m in members),
                      key=lambda s: s[1])
    days = lesson_days(course, period)
    cells: dict[tuple[int, date], str] = {}
    synced: dict[tuple[int, date], str] = {}
    if days and students:
        ids = [s for s, _ in students]
        mine = origin(course)
        here = (mine.source, mine.namespace)
        own_works = {m.assignment_key for m in journal.marks_between(
            session, course.host_org_id, ids, days[0], days[-1], [course.subject],
            origin=here)}
        for m in journal.marks_between(session, course.host_org_id, ids, days[0], days[-1],
                                       [course.subject], course.host_class_id):
            into = cells if m.assignment_key in own_works else synced
            into[(m.student_id, m.date)] = (into.get((m.student_id, m.date), "") + " "
                                            + m.text).strip()
        own = {(a.student_id, a.date, a.lesson) for a in journal.absences_between(
            session, course.host_org_id, ids, days[0], days[-1], [course.subject], here)}
        for a in journal.absences_between(session, course.host_org_id, ids, days[0],
                                          days[-1], [course.subject]):
            into = cells if (a.student_id, a.date, a.lesson) in own else synced
            into[(a.student_id, a.date)] = (into.get((a.student_id, a.date), "") + " "
                                            + a.code).strip()
    return Grid(period, days, students, cells, synced)



def save(session: Session, course: NetworkCourse, period: str,
         values: dict[tuple[int, date], str], actor_id: int) -> dict[str, int]:
    """Write the month's cells; RuleError(«bad_mark») names the first cell that is neither a
    mark 1–5 nor an absence code. Cells of pupils outside the group are ignored."""
    shown = grid(session, course, period)
    allowed = {s for s, _ in shown.students}
    days = set(shown.days)
    assignments, marks, absences = [], [], []
    for day in shown.days:
        assignments.append(AssignmentRecord(
            source_id=f"{course.public_id}-{day.isoformat()}", class_id="",
            subject=course.subject, title="Работа на уроке", type_name="Ответ на уроке",
            weight=1.0, due=day))
    for (student, day), text in sorted(values.items()):
        text = text.strip().upper().replace("H", "Н")
        if not text or student not in allowed or day not in days:
            continue
        if text in ABSENCE_CODES:
            absences.append(AttendanceRecord(student_id=str(student), class_id="", date=day,
                                             lesson=1, subject=course.subject, code=text))
            continue
        try:
            mark = parse_mark(text)
        except MarkError as exc:
            raise rules.RuleError("bad_mark", value=text, day=day.strftime("%d.%m")) from exc
        marks.append(MarkRecord(assignment_id=f"{course.public_id}-{day.isoformat()}",
                                student_id=str(student), mark=mark, date=day))
    counts: Counter[str] = Counter()
    if shown.days:
        batch = JournalBatch(chunk=Chunk(key=f"journal-{course.public_id}-{period}",
                                         start=shown.days[0], end=shown.days[-1]),
                             assignments=assignments, marks=marks, attendance=absences,
                             includes_attendance=True)
        apply_batches(session, origin(course), [batch], {str(s): s for s in allowed}, {},
                      counts, lambda *_: None)
    audit(session, actor_id, course.host_org_id, "exchange.journal.save", "exchange_course",
          course.public_id, period=period, **{k: v for k, v in counts.items() if v})
    return dict(counts)
