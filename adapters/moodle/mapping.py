"""Moodle payloads → canonical records. Pure: the adapter fetches, this decides what it means.

Moodle grades are points, not marks: :func:`schemas.scale.to_mark` turns them into one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
from lxml import etree

from schemas.marks import MarkError
from schemas.record_schemas import Batch
from schemas.records import (
    AssignmentRecord,
    ClassRecord,
    EnrolmentRecord,
    MarkRecord,
    PersonRecord,
    RecordRejected,
)
from schemas.scale import to_mark

TEACHER_ROLES = frozenset({"editingteacher", "teacher"})
STUDENT_ROLES = frozenset({"student"})
TYPE_NAMES = {"assign": "Задание", "quiz": "Тест", "manual": "Оценка"}
_GRADE = re.compile(r"(?<!\d)(1[01]|[1-9])\s*[А-ЯЁA-Z](?![а-яёa-z])")


def class_record(course: dict[str, Any], batch: Batch) -> ClassRecord | None:
    """A course is a subject group: «Физика, 10А» → subject «Физика», grade 10."""
    name = str(course.get("fullname") or course.get("shortname") or "").strip()
    subject = name.split(",")[0].strip()
    found = _GRADE.search(name) or _GRADE.search(str(course.get("shortname") or ""))
    data = {"source_id": str(course.get("id", "")), "name": name, "kind": "subject_group",
            "subject": subject, "grade": int(found.group(1)) if found else None}
    record: ClassRecord | None = batch.add(ClassRecord, data, f"course {course.get('id')}")
    return record


def user_roles(user: dict[str, Any]) -> set[str]:
    """Our enrolment roles (student / teacher) from a user's Moodle roles in one course."""
    shortnames = {str(r.get("shortname")) for r in user.get("roles") or [] if isinstance(r, dict)}
    return ({"teacher"} if shortnames & TEACHER_ROLES else set()) | (
        {"student"} if shortnames & STUDENT_ROLES else set())


def person_data(user: dict[str, Any], role: str) -> dict[str, Any]:
    return {"source_id": str(user.get("id", "")), "role": role,
            "last_name": str(user.get("lastname") or "").strip(),
            "first_name": str(user.get("firstname") or "").strip(),
            "middle_name": str(user.get("middlename") or "").strip(),
            "login": str(user.get("username") or ""), "email": str(user.get("email") or "")}


def people(users: dict[str, dict[str, Any]], roles: dict[str, set[str]], batch: Batch
           ) -> list[PersonRecord]:
    """One person per Moodle user: a teacher anywhere is a teacher, otherwise a student."""
    out = []
    for uid in sorted(users, key=_numeric):
        role = "teacher" if "teacher" in roles[uid] else "student"
        record = batch.add(PersonRecord, person_data(users[uid], role), f"user {uid}")
        if record is not None:
            out.append(record)
    return out


def enrolments(pairs: Iterable[tuple[str, str, str]], batch: Batch) -> list[EnrolmentRecord]:
    out = []
    for person, course, role in pairs:
        record = batch.add(EnrolmentRecord, {"person_id": person, "class_id": course,
                                             "role": role}, f"course {course} user {person}")
        if record is not None:
            out.append(record)
    return out


def day(ts: Any, tz: ZoneInfo) -> date | None:
    """A Moodle timestamp (seconds, 0 = not set) as the school's local date."""
    if not ts or isinstance(ts, bool):
        return None
    try:
        return datetime.fromtimestamp(int(ts), tz).date()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def assignment_id(item: dict[str, Any]) -> str:
    """Course modules by cmid (what grade pushes address); manual items by grade item id."""
    return str(item["cmid"]) if item.get("cmid") else f"item-{item.get('id')}"


def grade_records(course: ClassRecord, usergrades: list[dict[str, Any]], student: str,
                  dues: dict[str, date], start: date, end: date, tz: ZoneInfo,
                  thresholds: tuple[float, float, float], batch: Batch,
                  seen: set[str]) -> tuple[list[AssignmentRecord], list[MarkRecord], int]:
    """One student's assignments and marks in one course, for work due in ``start..end``.

    ``dues`` maps assignment ids to due dates; items without one are left out (reported
    by the caller). Returns assignments not yet in ``seen``, marks, and items looked at."""
    assignments: list[AssignmentRecord] = []
    marks: list[MarkRecord] = []
    fetched = 0
    for entry in usergrades:
        if str(entry.get("userid")) != student:
            continue
        for item in entry.get("gradeitems") or []:
            if not isinstance(item, dict) or item.get("itemtype") not in ("mod", "manual"):
                continue
            key = assignment_id(item)
            due = dues.get(key)
            if due is None or not start <= due <= end:
                continue
            fetched += 1
            if key not in seen:
                seen.add(key)
                record = batch.add(AssignmentRecord, {
                    "source_id": key, "class_id": course.source_id,
                    "subject": course.subject or course.name,
                    "title": str(item.get("itemname") or ""),
                    "type_name": TYPE_NAMES.get(str(item.get("itemmodule") or "manual"),
                                                str(item.get("itemmodule") or "")),
                    "due": due.isoformat()}, f"course {course.source_id} item {key}")
                if record is not None:
                    assignments.append(record)
            raw = item.get("graderaw")
            if raw is None or raw == "":
                continue
            where = f"course {course.source_id} item {key} user {student}"
            try:
                value: Any = to_mark(float(raw), float(item.get("grademin") or 0),
                                     float(item.get("grademax") or 0), thresholds)
            except MarkError as exc:  # points on a scale with no range: no mark to give
                batch.rejected.append(RecordRejected(
                    "MarkRecord", where, {"mark": [str(exc)]}, raw=dict(item)))
                continue
            except (TypeError, ValueError):
                value = raw  # not a number: the mark's own validation names the problem
            graded = day(item.get("gradedategraded"), tz) or due
            record = batch.add(MarkRecord, {
                "assignment_id": key, "student_id": student, "mark": value,
                "date": graded.isoformat(), "comment": _text(item.get("feedback"))[:1000]},
                where)
            if record is not None:
                marks.append(record)
    return assignments, marks, fetched


_BREAKS = frozenset(("br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4",
                     "blockquote", "pre", "ul", "ol", "table"))


def _text(html: Any) -> str:
    """Moodle feedback is HTML; the journal keeps plain text. Parsed by lxml (a regex left
    entities such as ``&nbsp;&amp;`` in the comment and could not tell markup from text)."""
    source = str(html or "")
    if not source.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(source.split())
    etree.strip_elements(root, "script", "style", with_tail=False)  # code, not comment
    for el in root.iter():
        if el is not root and el.tag in _BREAKS:  # a block or line break parts words
            el.text = " " + (el.text or "")  # on both sides: «a<p>b</p>» is «a b»
            el.tail = " " + (el.tail or "")
    text = root.text_content()
    return " ".join(text.replace("\xa0", " ").split())


def _numeric(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)
