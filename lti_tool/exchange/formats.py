"""The package's two files: a OneRoster 1.2 CSV set (the landed exporter) and an XLSX laid
out like a journal page (a sheet per course: pupils down, dates across), which a school can
load into its journal or print. A correction's XLSX gets a sheet «Изменения».

Both are rendered from the package's snapshot (:mod:`lti_tool.exchange.snapshot`) and dated
by the package, so rendering twice gives the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime

from adapters.oneroster.export import ExportSet, export_bytes
from lti_tool.exchange.rules import Changes, RowKey, row_parts
from lti_tool.exchange.snapshot import Cell, Snapshot
from lti_tool.exchange.xlsx import Value, workbook
from schemas.marks import parse_mark
from schemas.records import (
    AssignmentRecord,
    ClassRecord,
    EnrolmentRecord,
    MarkRecord,
    OrganisationRecord,
    PersonRecord,
    Roster,
)

ATTENDANCE = "Посещаемость"
COMPRESSION = 1  # hundreds of packages a month: speed over a few KiB each


def _names(display: str) -> tuple[str, str, str]:
    parts = display.split()
    last = parts[0] if parts else display
    first = parts[1] if len(parts) > 1 else ""
    return last, first, " ".join(parts[2:])


def oneroster_zip(snap: Snapshot, modified: datetime) -> bytes:
    """Courses as classes, network students as users, marks as results; an absence is a
    result with the journal's code (textScore) on the lesson day's «Посещаемость» item.
    ``modified`` (the package's making) dates the rows and the zip's entries."""
    people = []
    for public, name in snap.students.items():
        last, first, middle = _names(name)
        people.append(PersonRecord(source_id=public, role="student", last_name=last,
                                   first_name=first, middle_name=middle))
    roster = Roster(
        organisation=OrganisationRecord(source_id=snap.host.slug, name=snap.host.name),
        classes=tuple(ClassRecord(source_id=c.public_id, name=c.title, kind="subject_group",
                                  subject=c.subject) for c in snap.courses),
        people=tuple(people),
        enrolments=tuple(EnrolmentRecord(person_id=sid, class_id=c.public_id)
                         for c in snap.courses for sid in snap.enrolled.get(c.public_id, [])))
    assignments: dict[str, AssignmentRecord] = {}
    parsed = {text: parse_mark(text) for text in set(snap.rows.values())}
    marks = []
    for cell in snap.cells():
        course, day = cell.course, date.fromisoformat(cell.day)
        if cell.kind == "mark":
            key = f"{course.public_id}-{cell.key}"
            if key not in assignments:
                assignments[key] = AssignmentRecord(
                    source_id=key, class_id=course.public_id, subject=course.subject,
                    title=cell.title or cell.type_name, type_name=cell.type_name,
                    weight=cell.weight, due=day)
        else:
            key = f"{course.public_id}-att-{cell.day}-{cell.key}"
            if key not in assignments:
                assignments[key] = AssignmentRecord(
                    source_id=key, class_id=course.public_id, subject=course.subject,
                    title=f"{ATTENDANCE} {day:%d.%m}", type_name=ATTENDANCE,
                    weight=0.0, due=day)
        marks.append(MarkRecord(assignment_id=key, student_id=cell.student,
                                mark=parsed[cell.text], date=day))
    return export_bytes(ExportSet(roster=roster, assignments=tuple(assignments.values()),
                                  marks=tuple(marks)), modified=modified,
                        compresslevel=COMPRESSION)


def journal_xlsx(snap: Snapshot, modified: datetime, changes: Changes | None = None,
                 previous: Mapping[RowKey, str] | None = None) -> bytes:
    """A sheet per course: № | ученик | a column per day with marks and absence codes |
    средний балл | пропуски."""
    sheets: list[tuple[str, list[list[Value]]]] = []
    by_course: dict[str, dict[str, list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for cell in snap.cells():
        by_course[cell.course.public_id][cell.student].append(cell)
    for index, course in enumerate(snap.courses, start=1):
        cells = by_course.get(course.public_id, {})
        days = sorted({c.day for own in cells.values() for c in own})
        rows: list[list[Value]] = [
            [f"{course.title} ({course.subject})"],
            [f"Школа-партнёр: {snap.host.name}", "", f"Школа ученика: {snap.home.name}"],
            [f"Месяц: {snap.period}", "", f"Учитель: {course.teacher_name}"],
            ["№", "Ученик", *[f"{d[8:10]}.{d[5:7]}" for d in days], "Средний балл",
             "Пропуски"]]
        students = sorted(snap.enrolled.get(course.public_id, []),
                          key=lambda s: snap.students.get(s, s))
        for n, student in enumerate(students, start=1):
            own = cells.get(student, [])
            grid: dict[str, list[str]] = defaultdict(list)
            for c in own:
                grid[c.day].append(c.text)
            values = [int(c.text) for c in own if c.kind == "mark" and c.text.isdigit()]
            missed = sum(c.kind == "absence" for c in own)
            rows.append([n, snap.students.get(student, student),
                         *[" ".join(grid.get(d, ())) for d in days],
                         round(sum(values) / len(values), 2) if values else "", missed])
        sheets.append((f"{index}. {course.subject}", rows))
    if changes is not None and not changes.empty:
        rows = [["Что", "Ученик", "Курс", "Дата", "Было", "Стало"]]
        courses = {c.public_id: c.title for c in snap.courses}
        old = previous or {}
        for what, keys in (("добавлено", changes.added), ("изменено", changes.changed),
                           ("удалено", changes.removed)):
            for key in keys:
                student, course_id, _, day, _ = row_parts(key)
                rows.append([what, snap.students.get(student, student),
                             courses.get(course_id, course_id), day, old.get(key, ""),
                             snap.rows.get(key, "")])
        sheets.append(("Изменения", rows))
    if not snap.courses:
        sheets.append(("Пусто", [["Нет сетевых учеников за этот месяц"]]))
    return workbook(sheets, COMPRESSION, modified)
