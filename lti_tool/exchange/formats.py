"""The package's two files: a OneRoster 1.2 CSV set (the landed exporter) and an XLSX laid
out like a journal page (a sheet per course: pupils down, dates across), which a school can
load into its journal or print. A correction's XLSX gets a sheet «Изменения».
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from adapters.oneroster.export import ExportSet, export_bytes
from lti_tool.exchange.collecting import Cell, Collected
from lti_tool.exchange.rules import Changes, RowKey
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


def oneroster_zip(data: Collected) -> bytes:
    """Courses as classes, network students as users, marks as results; an absence is a
    result with the journal's code (textScore) on the lesson day's «Посещаемость» item."""
    people = []
    for s in data.students.values():
        last, first, middle = _names(s.name)
        people.append(PersonRecord(source_id=s.public_id, role="student", last_name=last,
                                   first_name=first, middle_name=middle))
    roster = Roster(
        organisation=OrganisationRecord(source_id=data.host.slug, name=data.host.name),
        classes=tuple(ClassRecord(source_id=c.public_id, name=c.title, kind="subject_group",
                                  subject=c.subject) for c in data.courses),
        people=tuple(people),
        enrolments=tuple(EnrolmentRecord(person_id=data.students[sid].public_id,
                                         class_id=c.public_id)
                         for c in data.courses for sid in data.enrolled.get(c.id, [])))
    assignments: dict[str, AssignmentRecord] = {}
    parsed = {text: parse_mark(text) for text in {cell.text for cell in data.cells}}
    marks = []
    for cell in data.cells:
        course = cell.course
        if cell.kind == "mark":
            key = f"{course.public_id}-{cell.key}"
            if key not in assignments:
                assignments[key] = AssignmentRecord(
                    source_id=key, class_id=course.public_id, subject=course.subject,
                    title=cell.title or cell.type_name, type_name=cell.type_name,
                    weight=cell.weight, due=cell.day)
        else:
            key = f"{course.public_id}-att-{cell.day.isoformat()}-{cell.key}"
            if key not in assignments:
                assignments[key] = AssignmentRecord(
                    source_id=key, class_id=course.public_id, subject=course.subject,
                    title=f"{ATTENDANCE} {cell.day:%d.%m}", type_name=ATTENDANCE,
                    weight=0.0, due=cell.day)
        marks.append(MarkRecord(assignment_id=key, student_id=cell.student.public_id,
                                mark=parsed[cell.text], date=cell.day))
    return export_bytes(ExportSet(roster=roster, assignments=tuple(assignments.values()),
                                  marks=tuple(marks)), compresslevel=COMPRESSION)


def journal_xlsx(data: Collected, changes: Changes | None = None,
                 previous: dict[RowKey, str] | None = None) -> bytes:
    """A sheet per course: № | ученик | a column per day with marks and absence codes |
    средний балл | пропуски."""
    sheets: list[tuple[str, list[list[Value]]]] = []
    by_course: dict[int, dict[int, list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for cell in data.cells:
        by_course[cell.course.id][cell.student.id].append(cell)
    for index, course in enumerate(data.courses, start=1):
        cells = by_course.get(course.id, {})
        days = sorted({c.day for own in cells.values() for c in own})
        rows: list[list[Value]] = [
            [f"{course.title} ({course.subject})"],
            [f"Школа-партнёр: {data.host.name}", "", f"Школа ученика: {data.home.name}"],
            [f"Месяц: {data.period}", "", f"Учитель: {course.teacher_name}"],
            ["№", "Ученик", *[f"{d:%d.%m}" for d in days], "Средний балл", "Пропуски"]]
        students = sorted((data.students[s] for s in data.enrolled.get(course.id, [])),
                          key=lambda s: s.name)
        for n, student in enumerate(students, start=1):
            own = cells.get(student.id, [])
            grid: dict[date, list[str]] = defaultdict(list)
            for c in own:
                grid[c.day].append(c.text)
            values = [int(c.text) for c in own if c.kind == "mark" and c.text.isdigit()]
            missed = sum(c.kind == "absence" for c in own)
            rows.append([n, student.name, *[" ".join(grid.get(d, ())) for d in days],
                         round(sum(values) / len(values), 2) if values else "", missed])
        sheets.append((f"{index}. {course.subject}", rows))
    if changes is not None and not changes.empty:
        rows = [["Что", "Ученик", "Курс", "Дата", "Было", "Стало"]]
        names = {s.public_id: s.name for s in data.students.values()}
        courses = {c.public_id: c.title for c in data.courses}
        old = previous or {}
        new = data.rows()
        for what, keys in (("добавлено", changes.added), ("изменено", changes.changed),
                           ("удалено", changes.removed)):
            rows += [[what, names.get(key[0], key[0]), courses.get(key[1], key[1]), key[3],
                      old.get(key, ""), new.get(key, "")] for key in keys]
        sheets.append(("Изменения", rows))
    if not data.courses:
        sheets.append(("Пусто", [["Нет сетевых учеников за этот месяц"]]))
    return workbook(sheets, COMPRESSION)
