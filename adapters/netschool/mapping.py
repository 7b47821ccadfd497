"""Сетевой город payloads → canonical records; pure functions, no I/O.

How the journal arrives: ``student/diary`` gives one student's week as days → lessons →
assignments, each assignment with that student's ``mark`` object or ``null``:
``{"mark": 5, "dutyMark": false}`` is a mark, ``{"mark": null, "dutyMark": true}`` the debt
«точка», and an absence code («Н», «Б», «УП», «НП», «ОП») arrives as the mark text of the
lesson's classwork assignment (how netschoolpy reads them, ``special_mark_code``). An
absence becomes both a :class:`MarkRecord` (the cell as the journal shows it) and an
:class:`AttendanceRecord` (for attendance reports).

Every record goes through :meth:`schemas.record_schemas.Batch.add`, so a malformed one is reported
with its source (``netschool:diary:2026-09-07:student 123``) and reasons, and skipped.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from schemas.record_schemas import Batch, load
from schemas.records import (
    AssignmentRecord,
    AttendanceRecord,
    ClassRecord,
    EnrolmentRecord,
    MarkRecord,
    PersonRecord,
    RecordRejected,
)


def day_of(raw: Any) -> str | None:
    """``2026-09-07T00:00:00`` → ``2026-09-07`` (None when absent: the schema says why)."""
    return raw.split("T")[0] if isinstance(raw, str) else None


def mark_text(mark: dict[str, Any]) -> Any:
    """The journal cell of a mark object: «.» for a debt, else its value as sent."""
    if mark.get("dutyMark"):
        return "."
    return mark.get("mark")


def diary_records(diary: Any, student_id: str, class_id: str, types: dict[int, str],
                  source: str) -> tuple[Batch, Batch, Batch, int]:
    """(assignments, marks, attendance, remote records seen) of one student's diary."""
    assignments, marks, attendance = Batch(), Batch(), Batch()
    seen = 0
    if not isinstance(diary, dict) or not isinstance(diary.get("weekDays", []), list):
        assignments.rejected.append(RecordRejected("Diary", source, {"weekDays": [
            "ожидался список дней"]}, raw=diary))
        return assignments, marks, attendance, 1
    for day in diary.get("weekDays") or []:
        for lesson in (day.get("lessons") or []) if isinstance(day, dict) else []:
            if not isinstance(lesson, dict):
                continue
            for item in lesson.get("assignments") or []:
                seen += 1
                _one(item, lesson, student_id, class_id, types, source,
                     assignments, marks, attendance)
    return assignments, marks, attendance, seen


def _one(item: Any, lesson: dict[str, Any], student_id: str, class_id: str,
         types: dict[int, str], source: str, assignments: Batch, marks: Batch,
         attendance: Batch) -> None:
    if not isinstance(item, dict):
        assignments.rejected.append(RecordRejected("AssignmentRecord", source, {
            "_": ["задание не объект JSON"]}, raw=item))
        return
    aid = item.get("id")
    subject = lesson.get("subjectName")
    due = day_of(item.get("dueDate")) or day_of(lesson.get("day"))
    fields = (None if aid is None else str(aid), class_id, subject,
              item.get("assignmentName") or "", types.get(item.get("typeId", -1), ""),
              item.get("weight", 1), due)
    try:
        record = _valid_assignment(*fields)
    except TypeError:  # unhashable junk: the schema below says what is wrong
        record = None
    if record is not None:
        assignments.records.append(record)
    else:
        record = assignments.add(AssignmentRecord, dict(zip(ASSIGNMENT_FIELDS, fields,
                                                            strict=True)),
                                 f"{source}: assignment {aid}")
    mark = item.get("mark")
    if record is None or mark is None:
        return  # no assignment, no cell to hang a mark on; or no mark for this student
    if not isinstance(mark, dict):
        marks.rejected.append(RecordRejected("MarkRecord", f"{source}: assignment {aid}",
                                             {"mark": ["ожидался объект mark"]}, raw=mark))
        return
    comment = item.get("markComment")
    parsed = marks.add(MarkRecord, {
        "assignment_id": record.source_id, "student_id": student_id,
        "mark": mark_text(mark), "date": due,
        "comment": comment.get("name", "") if isinstance(comment, dict) else ""},
        f"{source}: assignment {aid}")
    if parsed is not None and parsed.mark.is_absence:
        attendance.add(AttendanceRecord, {
            "student_id": student_id, "class_id": class_id, "date": due,
            "lesson": lesson.get("number"), "subject": subject or "",
            "code": parsed.mark.code}, f"{source}: lesson {lesson.get('number')}")


ASSIGNMENT_FIELDS = ("source_id", "class_id", "subject", "title", "type_name", "weight", "due")


@functools.lru_cache(maxsize=32768, typed=True)  # typed: True and 1 are not one key
def _valid_assignment(*fields: Any) -> AssignmentRecord | None:
    """A class's assignment comes once in every student's diary (≈ 430 000 items a year for
    a large school, 26 000 distinct): validated once here, by its fields as they arrive, and
    one shared record returned; None when invalid (the caller reports it with its source)."""
    try:
        return load(AssignmentRecord, dict(zip(ASSIGNMENT_FIELDS, fields, strict=True)), "")
    except RecordRejected:
        return None


def grade_of(class_name: str) -> int | None:
    match = re.match(r"\s*(\d{1,2})", class_name or "")
    return int(match.group(1)) if match and 1 <= int(match.group(1)) <= 11 else None


def class_key(student: dict[str, Any]) -> str:
    """The class source id: ``classId`` when the server sends it, else the class name."""
    if student.get("classId") is not None:
        return str(student["classId"])
    return f"name:{student.get('className') or ''}"


def roster_records(students: list[Any], source: str) -> tuple[Batch, Batch, Batch]:
    """(classes, students, enrolments) from ``student/diary/init``'s ``students`` list."""
    classes, people, enrolments = Batch(), Batch(), Batch()
    known: set[str] = set()
    for entry in students:
        if not isinstance(entry, dict):
            people.rejected.append(RecordRejected("PersonRecord", source, {
                "_": ["ученик не объект JSON"]}, raw=entry))
            continue
        sid = entry.get("studentId")
        parts = str(entry.get("nickName") or "").split()
        person = people.add(PersonRecord, {
            "source_id": None if sid is None else str(sid), "role": "student",
            "last_name": parts[0] if parts else "",
            "first_name": parts[1] if len(parts) > 1 else (parts[0] if parts else ""),
            "middle_name": " ".join(parts[2:])}, f"{source}: student {sid}")
        if person is None:
            continue
        key = class_key(entry)
        if key not in known:
            known.add(key)
            name = str(entry.get("className") or "")
            classes.add(ClassRecord, {"source_id": key, "name": name, "grade": grade_of(name)},
                        f"{source}: class {key}")
        enrolments.add(EnrolmentRecord, {"person_id": person.source_id, "class_id": key},
                       f"{source}: student {sid}")
    return classes, people, enrolments
