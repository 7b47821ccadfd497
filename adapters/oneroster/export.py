"""Writing canonical records as a OneRoster 1.2 CSV bulk set (a zip with its manifest).

What other tools read: the 1.2 columns in spec order, UTF-8 without BOM, RFC 4180 quoting,
``roles.csv`` for each user's role in the organisation (1.2 moved it out of users.csv),
one course per class, categories for assignment types with their weights. What OneRoster has
no column for rides in ``metadata.marshrut.*`` extension columns, which other consumers
ignore and :mod:`adapters.oneroster.mapping` reads back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from adapters.oneroster.mapping import MAX_MARK, SUBJECT
from schemas.oneroster import FILES, MANIFEST_FILES, VERSION
from schemas.records import AcademicYearRecord, AssignmentRecord, MarkRecord, Roster

ROLE_OUT = {"student": "student", "teacher": "teacher", "parent": "parent",
            "admin": "administrator"}


@dataclass(frozen=True)
class ExportSet:
    roster: Roster
    year: AcademicYearRecord | None = None
    assignments: Sequence[AssignmentRecord] = ()
    marks: Sequence[MarkRecord] = ()


def _id(prefix: str, *parts: object) -> str:
    """A stable sourcedId for rows canonical records have no id for (hashed: the parts'
    own ids may contain any separator)."""
    key = "\x00".join(str(p) for p in parts).encode()
    return f"{prefix}-{hashlib.sha256(key).hexdigest()[:16]}"


def _category_id(assignment: AssignmentRecord) -> str:
    return _id("category", assignment.type_name, repr(assignment.weight))


def _list(values: Iterable[str]) -> str:
    return ",".join(values)


def _csv(file: str, rows: Iterable[dict[str, Any]], extra: Sequence[str] = ()) -> str:
    """Rows in the spec's column order (a missing or None value is an empty field); a key
    that is not a column is a bug, refused as ``csv.DictWriter`` would."""
    header = [*FILES[file].header, *extra]
    columns = set(header)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        if not row.keys() <= columns:
            raise ValueError(f"{file}: not columns: {sorted(row.keys() - columns)}")
        writer.writerow([row.get(k) for k in header])
    return out.getvalue()


def tables(data: ExportSet, modified: datetime | None = None) -> dict[str, str]:
    """File name → CSV text for the whole set, manifest included."""
    stamp = (modified or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    roster, year = data.roster, data.year
    org = roster.organisation
    base = {"status": "active", "dateLastModified": stamp}
    year_id = year.source_id if year else "year"
    out: dict[str, str] = {}
    out["orgs.csv"] = _csv("orgs.csv", [{**base, "sourcedId": org.source_id, "name": org.name,
                                         "type": "school", "identifier": org.short_name}])
    sessions = []
    if year is not None:
        sessions.append({**base, "sourcedId": year.source_id, "title": year.name,
                         "type": "schoolYear", "startDate": year.start.isoformat(),
                         "endDate": year.end.isoformat(), "schoolYear": year.end.year})
        sessions += [{**base, "sourcedId": t.source_id, "title": t.name, "type": "term",
                      "startDate": t.start.isoformat(), "endDate": t.end.isoformat(),
                      "parentSourcedId": year.source_id, "schoolYear": year.end.year}
                     for t in year.terms]
    out["academicSessions.csv"] = _csv("academicSessions.csv", sessions)
    out["courses.csv"] = _csv("courses.csv", [
        {**base, "sourcedId": f"course-{c.source_id}", "title": c.subject or c.name,
         "schoolYearSourcedId": year.source_id if year else "", "orgSourcedId": org.source_id,
         "grades": f"{c.grade:02d}" if c.grade else "",
         "subjects": c.subject if "," not in c.subject else ""} for c in roster.classes])
    out["classes.csv"] = _csv("classes.csv", [
        {**base, "sourcedId": c.source_id, "title": c.name,
         "grades": f"{c.grade:02d}" if c.grade else "", "courseSourcedId": f"course-{c.source_id}",
         "classType": "scheduled" if c.kind == "subject_group" else "homeroom",
         "schoolSourcedId": org.source_id, "termSourcedIds": year_id,
         "subjects": c.subject if "," not in c.subject else ""} for c in roster.classes])
    parents: dict[str, list[str]] = {}
    for p in roster.people:
        for child in p.children:
            parents.setdefault(child, []).append(p.source_id)
    out["users.csv"] = _csv("users.csv", [
        {**base, "sourcedId": p.source_id, "enabledUser": "true",
         "username": p.login or p.source_id, "givenName": p.first_name,
         "familyName": p.last_name, "middleName": p.middle_name, "email": p.email,
         "agentSourcedIds": _list(p.children if p.role == "parent"
                                  else parents.get(p.source_id, [])),
         "primaryOrgSourcedId": org.source_id} for p in roster.people])
    out["roles.csv"] = _csv("roles.csv", [
        {**base, "sourcedId": f"role-{p.source_id}", "userSourcedId": p.source_id,
         "roleType": "primary", "role": ROLE_OUT[p.role], "orgSourcedId": org.source_id}
        for p in roster.people])
    out["enrollments.csv"] = _csv("enrollments.csv", [
        {**base, "sourcedId": _id("enrollment", e.class_id, e.person_id, e.role),
         "classSourcedId": e.class_id, "schoolSourcedId": org.source_id,
         "userSourcedId": e.person_id, "role": e.role, "primary": "false"}
        for e in roster.enrolments])
    categories = {_category_id(a): a for a in data.assignments}
    out["categories.csv"] = _csv("categories.csv", [
        {**base, "sourcedId": key, "title": a.type_name or "Без типа", "weight": repr(a.weight)}
        for key, a in categories.items()])
    out["lineItems.csv"] = _csv("lineItems.csv", [
        {**base, "sourcedId": a.source_id, "title": a.title or a.type_name or "Без названия",
         "assignDate": a.due.isoformat(), "dueDate": a.due.isoformat(),
         "classSourcedId": a.class_id, "categorySourcedId": _category_id(a),
         "gradingPeriodSourcedId": year_id, "resultValueMin": "1", "resultValueMax": "5",
         SUBJECT: a.subject, MAX_MARK: a.max_mark} for a in data.assignments],
        extra=(SUBJECT, MAX_MARK))
    out["results.csv"] = _csv("results.csv", [_result(m, base) for m in data.marks])
    out["manifest.csv"] = _manifest(set(out), org.name)
    return out


def _result(m: MarkRecord, base: dict[str, str]) -> dict[str, Any]:
    row = {**base, "sourcedId": _id("result", m.assignment_id, m.student_id),
           "lineItemSourcedId": m.assignment_id, "studentSourcedId": m.student_id,
           "scoreDate": m.date.isoformat(), "comment": m.comment}
    if m.mark.value is not None:
        return {**row, "scoreStatus": "fully graded", "score": m.mark.value}
    # Absences and the debt «.» are not scores: textScore carries the journal's code.
    return {**row, "scoreStatus": "not submitted", "textScore": m.mark.text()}


def _manifest(written: set[str], system: str) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["propertyName", "value"])
    writer.writerow(["manifest.version", "1.0"])
    writer.writerow(["oneroster.version", VERSION])
    for name in MANIFEST_FILES:
        writer.writerow([f"file.{name}", "bulk" if f"{name}.csv" in written else "absent"])
    writer.writerow(["source.systemName", "Маршрут"])
    writer.writerow(["source.systemCode", system])
    return out.getvalue()


def write_zip(data: ExportSet, target: str | Path | IO[bytes],
              modified: datetime | None = None, compresslevel: int | None = None) -> None:
    """Write the set as a zip (a path or a binary file object); ``compresslevel`` 1 trades
    a larger file for speed when many sets are written at once. ``modified`` dates the rows
    and the zip's entries alike, so the same set gives the same bytes."""
    stamp = (modified or datetime.now(UTC)).timetuple()[:6]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED,
                         compresslevel=compresslevel) as archive:
        for name, text in sorted(tables(data, modified).items()):
            entry = zipfile.ZipInfo(name, stamp)
            entry.external_attr = 0o600 << 16  # what writestr(name, …) gives
            archive.writestr(entry, text.encode("utf-8"), zipfile.ZIP_DEFLATED, compresslevel)


def export_bytes(data: ExportSet, modified: datetime | None = None,
                 compresslevel: int | None = None) -> bytes:
    buffer = io.BytesIO()
    write_zip(data, buffer, modified, compresslevel)
    return buffer.getvalue()
