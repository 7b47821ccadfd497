"""Validated OneRoster rows → canonical records. Pure; choices a school should know:

- a person's role is their primary role in ``roles.csv`` (parent/guardian/relative → parent,
  any administrator → admin, aide/proctor → teacher); without one, a teacher enrolment makes
  a teacher, anything else a student. A parent's ``agentSourcedIds`` are their children.
- ``homeroom`` classes are classes («10А»); ``scheduled`` ones are subject groups whose
  subject is their course's title.
- a result's mark: ``textScore`` first (where «Н», «УП», «Б», «НП», «ОП» and the debt «.»
  live, parsed by :func:`schemas.marks.parse_mark`), else ``score`` on the line item's
  ``resultValueMin..resultValueMax`` scale (1–5 is a mark as is; other scales are converted
  by :func:`schemas.scale.to_mark`), else ``scoreStatus = not submitted`` is the debt «.»;
  ``exempt`` and ungraded submissions carry no mark.
- our own extension columns (``metadata.marshrut.subject``/``maxMark`` on line items) carry
  what OneRoster has no column for, so an export imports back unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from adapters.oneroster.reader import Parsed, Row
from schemas.oneroster import RowRejected
from schemas.record_schemas import Batch, load
from schemas.records import (
    AcademicYearRecord,
    AssignmentRecord,
    ClassRecord,
    EnrolmentRecord,
    MarkRecord,
    OrganisationRecord,
    PersonRecord,
)
from schemas.scale import to_mark

ROLE_MAP = {"student": "student", "teacher": "teacher", "aide": "teacher",
            "proctor": "teacher", "parent": "parent", "guardian": "parent",
            "relative": "parent", "administrator": "admin", "districtAdministrator": "admin",
            "siteAdministrator": "admin", "systemAdministrator": "admin"}
SUBJECT = "metadata.marshrut.subject"
MAX_MARK = "metadata.marshrut.maxMark"


@dataclass(frozen=True)
class Deletions:
    """What a delta set marks ``tobedeleted``, as canonical keys where the row says enough."""

    people: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    enrolments: tuple[EnrolmentRecord, ...] = ()
    assignments: tuple[str, ...] = ()
    marks: tuple[tuple[str, str], ...] = ()  # (assignment id, student id)
    sourced_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file → ids

    def __bool__(self) -> bool:
        return any(self.sourced_ids.values())


def _where(file: str, row: Row) -> str:
    return f"{file}, строка {row.line}"


def _active(parsed: Parsed, file: str) -> list[Row]:
    return [r for r in parsed.get(file) if not r.deleted]


def school_id(parsed: Parsed) -> str:
    """The school's sourcedId: from orgs.csv, or, in a delta without it, from the rows that
    name their school (classes, enrollments, users, roles)."""
    orgs = _active(parsed, "orgs.csv")
    org = next((o for o in orgs if o["type"] == "school"), orgs[0] if orgs else None)
    if org is not None:
        return org.id
    for file, column in (("classes.csv", "schoolSourcedId"), ("enrollments.csv",
                         "schoolSourcedId"), ("users.csv", "primaryOrgSourcedId"),
                         ("roles.csv", "orgSourcedId"), ("courses.csv", "orgSourcedId")):
        for row in parsed.get(file):
            if row[column]:
                return str(row[column])
    return ""


def organisation(parsed: Parsed) -> OrganisationRecord:
    orgs = _active(parsed, "orgs.csv")
    org = next((o for o in orgs if o["type"] == "school"), orgs[0] if orgs else None)
    if org is None:
        return OrganisationRecord(school_id(parsed) or "oneroster",
                                  parsed.system or "OneRoster")
    return load(OrganisationRecord, {"source_id": org.id, "name": org["name"],
                                     "short_name": org["identifier"] or ""},
                _where("orgs.csv", org))


def year(parsed: Parsed, batch: Batch) -> AcademicYearRecord | None:
    """The latest ``schoolYear`` session with its terms (or semesters, or grading periods)."""
    sessions = _active(parsed, "academicSessions.csv")
    years = sorted((s for s in sessions if s["type"] == "schoolYear"),
                   key=lambda s: s["startDate"])
    if not years:
        return None
    chosen = years[-1]
    children = [s for s in sessions if s["parentSourcedId"] == chosen.id]
    for kind in ("term", "semester", "gradingPeriod"):
        terms = sorted((s for s in children if s["type"] == kind), key=lambda s: s["startDate"])
        if terms:
            break
    record: AcademicYearRecord | None = batch.add(AcademicYearRecord, {
        "source_id": chosen.id, "name": chosen["title"], "start": chosen["startDate"].isoformat(),
        "end": chosen["endDate"].isoformat(),
        "terms": [{"source_id": t.id, "name": t["title"], "start": t["startDate"].isoformat(),
                   "end": t["endDate"].isoformat()} for t in terms]},
        _where("academicSessions.csv", chosen))
    return record


def _grade(grades: tuple[str, ...]) -> int | None:
    for code in grades:
        if code.isdigit() and 1 <= int(code) <= 11:
            return int(code)
    return None


def classes(parsed: Parsed, batch: Batch) -> list[ClassRecord]:
    courses = {c.id: c for c in _active(parsed, "courses.csv")}
    out = []
    for row in _active(parsed, "classes.csv"):
        scheduled = row["classType"] == "scheduled"
        course = courses.get(row["courseSourcedId"])
        subject = ""
        if scheduled:
            subject = course["title"] if course else ", ".join(row["subjects"] or ())
        record = batch.add(ClassRecord, {
            "source_id": row.id, "name": row["title"], "grade": _grade(row["grades"] or ()),
            "kind": "subject_group" if scheduled else "class", "subject": subject},
            _where("classes.csv", row))
        if record is not None:
            out.append(record)
    return out


def people(parsed: Parsed, batch: Batch) -> list[PersonRecord]:
    primary = {r["userSourcedId"]: ROLE_MAP.get(r["role"], "") for r in
               _active(parsed, "roles.csv") if r["roleType"] == "primary"}
    teaching = {e["userSourcedId"] for e in _active(parsed, "enrollments.csv")
                if e["role"] == "teacher"}
    out = []
    for row in _active(parsed, "users.csv"):
        role = primary.get(row.id) or ("teacher" if row.id in teaching else "student")
        record = batch.add(PersonRecord, {
            "source_id": row.id, "role": role, "last_name": row["familyName"],
            "first_name": row["givenName"], "middle_name": row["middleName"] or "",
            "login": row["username"], "email": row["email"] or "",
            "children": list(row["agentSourcedIds"] or ()) if role == "parent" else []},
            _where("users.csv", row))
        if record is not None:
            out.append(record)
    return out


def enrolments(parsed: Parsed, batch: Batch, people: list[PersonRecord] | None = None,
               classes: list[ClassRecord] | None = None) -> list[EnrolmentRecord]:
    """Enrolments of the journal's roles. A row repeating an earlier one (same person, class
    and role under another sourcedId) is rejected, naming that line; so is, in a bulk set,
    a row whose person or class was itself rejected (``people``/``classes``: those kept) —
    nothing is dropped without a reason."""
    def whole(file: str) -> bool:  # a bulk file is the whole truth; a delta relies on before
        return parsed.modes.get(file) == "bulk"

    persons = {p.source_id for p in people} if people is not None and whole(
        "users.csv") else None
    groups = {c.source_id for c in classes} if classes is not None and whole(
        "classes.csv") else None
    out = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in _active(parsed, "enrollments.csv"):
        if row["role"] not in ("student", "teacher"):
            continue  # administrators and proctors of a class are not in its journal
        key = (str(row["userSourcedId"]), str(row["classSourcedId"]), str(row["role"]))
        errors = {}
        if key in seen:
            errors["userSourcedId"] = (f"«{key[0]}» уже записан в класс «{key[1]}» с ролью "
                                       f"{key[2]} в строке {seen[key]}")
        if persons is not None and key[0] not in persons:
            errors["userSourcedId"] = f"пользователь «{key[0]}» отклонён в users.csv"
        if groups is not None and key[1] not in groups:
            errors["classSourcedId"] = f"класс «{key[1]}» отклонён в classes.csv"
        if errors:
            batch.rejected.append(RowRejected("enrollments.csv", row.line, errors, row.values))
            continue
        seen[key] = row.line
        record = batch.add(EnrolmentRecord, {"person_id": row["userSourcedId"],
                                             "class_id": row["classSourcedId"],
                                             "role": row["role"]},
                           _where("enrollments.csv", row))
        if record is not None:
            out.append(record)
    return out


def assignments(parsed: Parsed, known: list[ClassRecord], batch: Batch
                ) -> tuple[list[AssignmentRecord], dict[str, Row]]:
    """Line items as assignments, and the rows by id (results need their scale)."""
    by_class = {c.source_id: c for c in known}
    categories = {c.id: c for c in _active(parsed, "categories.csv")}
    out, rows = [], {}
    for row in _active(parsed, "lineItems.csv"):
        rows[row.id] = row
        owner = by_class.get(row["classSourcedId"])
        category = categories.get(row["categorySourcedId"] or "")
        weight = category["weight"] if category and category["weight"] is not None else 1.0
        subject = row[SUBJECT] or (owner.subject or owner.name if owner else "") or "—"
        record = batch.add(AssignmentRecord, {
            "source_id": row.id, "class_id": row["classSourcedId"], "subject": subject,
            "title": row["title"], "type_name": category["title"] if category else "",
            "weight": weight, "due": row["dueDate"].isoformat(),
            "max_mark": row[MAX_MARK] or 5}, _where("lineItems.csv", row))
        if record is not None:
            out.append(record)
    return out, rows


def mark_value(result: Row, line_item: Row | None) -> Any:
    """What :func:`schemas.marks.parse_mark` gets for a result, or None for no mark."""
    if result["textScore"]:
        return result["textScore"]
    if result["score"] is not None:
        low = line_item["resultValueMin"] if line_item else None
        high = line_item["resultValueMax"] if line_item else None
        if low is None and high is None:
            return result["score"]
        return to_mark(result["score"], low if low is not None else 0,
                       high if high is not None else 5)
    if result["scoreStatus"] == "not submitted":
        return "."
    return None


def marks(parsed: Parsed, line_items: dict[str, Row], batch: Batch) -> list[MarkRecord]:
    out = []
    for row in _active(parsed, "results.csv"):
        value = mark_value(row, line_items.get(row["lineItemSourcedId"]))
        if value is None:
            continue
        record = batch.add(MarkRecord, {
            "assignment_id": row["lineItemSourcedId"], "student_id": row["studentSourcedId"],
            "mark": value, "date": row["scoreDate"].isoformat(),
            "comment": row["comment"] or ""}, _where("results.csv", row))
        if record is not None:
            out.append(record)
    return out


def deletions(parsed: Parsed) -> Deletions:
    gone: dict[str, list[Row]] = defaultdict(list)
    for file, rows in parsed.rows.items():
        for row in rows:
            if row.deleted:
                gone[file].append(row)
    enrolled = tuple(EnrolmentRecord(r["userSourcedId"], r["classSourcedId"], r["role"])
                     for r in gone["enrollments.csv"]
                     if r["userSourcedId"] and r["classSourcedId"]
                     and r["role"] in ("student", "teacher"))
    return Deletions(
        people=tuple(r.id for r in gone["users.csv"]),
        classes=tuple(r.id for r in gone["classes.csv"]),
        enrolments=enrolled,
        assignments=tuple(r.id for r in gone["lineItems.csv"]),
        marks=tuple((r["lineItemSourcedId"], r["studentSourcedId"]) for r in gone["results.csv"]
                    if r["lineItemSourcedId"] and r["studentSourcedId"]),
        sourced_ids={f: tuple(r.id for r in rows) for f, rows in gone.items() if rows})
