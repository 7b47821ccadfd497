"""OneRoster 1.2 CSV: the files, their columns, and row validation with Russian messages.

Plain declarative specs rather than marshmallow: a school admin reads these errors
(«users.csv, строка 17: поле givenName: обязательное поле»), so every message is written
here in Russian and names the column exactly as it appears in the file. Columns we do not
use are accepted and ignored, as the spec requires of consumers; ``metadata.*`` extension
columns are passed through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from schemas.records import RecordRejected

VERSION = "1.2"
MODES = ("bulk", "delta", "absent")
STATUSES = ("active", "tobedeleted")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "str"  # str | date | datetime | bool | float | int | list
    required: bool = False  # a value must be present in every row
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]
    must_have: tuple[str, ...]  # columns the header must contain, or the file is refused

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def _spec(name: str, *columns: Column) -> FileSpec:
    base = (Column("sourcedId", required=True), Column("status", choices=STATUSES),
            Column("dateLastModified", "datetime"))
    cols = base + columns
    return FileSpec(name, cols, tuple(c.name for c in cols if c.required))


ROLES = ("administrator", "aide", "guardian", "parent", "proctor", "relative", "student",
         "teacher", "districtAdministrator", "siteAdministrator", "systemAdministrator")

FILES: dict[str, FileSpec] = {s.name: s for s in (
    _spec("orgs.csv", Column("name", required=True),
          Column("type", required=True, choices=("department", "district", "local",
                                                 "national", "school", "state")),
          Column("identifier"), Column("parentSourcedId")),
    _spec("academicSessions.csv", Column("title", required=True),
          Column("type", required=True, choices=("gradingPeriod", "semester", "schoolYear",
                                                 "term")),
          Column("startDate", "date", True), Column("endDate", "date", True),
          Column("parentSourcedId"), Column("schoolYear", "int", True)),
    _spec("courses.csv", Column("schoolYearSourcedId"), Column("title", required=True),
          Column("courseCode"), Column("grades", "list"), Column("orgSourcedId", required=True),
          Column("subjects", "list"), Column("subjectCodes", "list")),
    _spec("classes.csv", Column("title", required=True), Column("grades", "list"),
          Column("courseSourcedId", required=True), Column("classCode"),
          Column("classType", required=True, choices=("homeroom", "scheduled")),
          Column("location"), Column("schoolSourcedId", required=True),
          Column("termSourcedIds", "list", True), Column("subjects", "list"),
          Column("subjectCodes", "list"), Column("periods", "list")),
    _spec("users.csv", Column("enabledUser", "bool", True), Column("username", required=True),
          Column("userIds", "list"), Column("givenName", required=True),
          Column("familyName", required=True), Column("middleName"), Column("identifier"),
          Column("email"), Column("sms"), Column("phone"), Column("agentSourcedIds", "list"),
          Column("grades", "list"), Column("password"), Column("userMasterIdentifier"),
          Column("resourceSourcedIds", "list"), Column("preferredGivenName"),
          Column("preferredMiddleName"), Column("preferredFamilyName"),
          Column("primaryOrgSourcedId"), Column("pronouns")),
    _spec("roles.csv", Column("userSourcedId", required=True),
          Column("roleType", required=True, choices=("primary", "secondary")),
          Column("role", required=True, choices=ROLES), Column("beginDate", "date"),
          Column("endDate", "date"), Column("orgSourcedId", required=True),
          Column("userProfileSourcedId")),
    _spec("enrollments.csv", Column("classSourcedId", required=True),
          Column("schoolSourcedId", required=True), Column("userSourcedId", required=True),
          Column("role", required=True, choices=("administrator", "proctor", "student",
                                                 "teacher")),
          Column("primary", "bool"), Column("beginDate", "date"), Column("endDate", "date")),
    _spec("categories.csv", Column("title", required=True), Column("weight", "float")),
    _spec("lineItems.csv", Column("title", required=True), Column("description"),
          Column("assignDate", "date"), Column("dueDate", "date", True),
          Column("classSourcedId", required=True), Column("categorySourcedId"),
          Column("gradingPeriodSourcedId"), Column("academicSessionSourcedId"),
          Column("resultValueMin", "float"), Column("resultValueMax", "float")),
    _spec("results.csv", Column("lineItemSourcedId", required=True),
          Column("studentSourcedId", required=True),
          Column("scoreStatus", required=True, choices=(
              "exempt", "fully graded", "not submitted", "partially graded", "submitted")),
          Column("score", "float"), Column("textScore"), Column("scoreDate", "date", True),
          Column("comment")),
)}

# Every file a 1.2 manifest lists (we read the ones in FILES; the rest must be absent or are
# ignored).
MANIFEST_FILES = ("academicSessions", "categories", "classes", "classResources", "courses",
                  "courseResources", "demographics", "enrollments",
                  "lineItemLearningObjectiveIds", "lineItems", "lineItemScoreScales", "orgs",
                  "resources", "resultLearningObjectiveIds", "results", "resultScoreScales",
                  "roles", "scoreScales", "userProfiles", "userResources", "users")

_BOOL = {"true": True, "false": False}


class RowRejected(RecordRejected):
    """A CSV row that failed validation: kind is the file, source the file and line."""

    def __init__(self, file: str, line: int, errors: dict[str, str], raw: Any = None) -> None:
        super().__init__(file, f"{file}, строка {line}", errors, raw)
        self.file, self.line = file, line

    def reason(self) -> str:
        return "; ".join(f"поле {name}: {problem}" for name, problem in self.errors.items())

    def __str__(self) -> str:
        return f"{self.source}: {self.reason()}"


def parse_value(column: Column, text: str) -> Any:
    """A cell as a Python value; raises ValueError with a Russian message."""
    if column.kind == "str":
        if column.choices and text not in column.choices:
            raise ValueError(f"недопустимое значение «{text}», допустимо: "
                             + ", ".join(column.choices))
        return text
    if column.kind == "list":
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if column.kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"неверная дата «{text}», нужен формат ГГГГ-ММ-ДД") from None
    if column.kind == "datetime":
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"неверные дата и время «{text}», нужен формат ISO 8601, "
                             "например 2026-09-01T00:00:00.000Z") from None
    if column.kind == "bool":
        if text.lower() not in _BOOL:
            raise ValueError(f"ожидается true или false, а не «{text}»")
        return _BOOL[text.lower()]
    if column.kind == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"ожидается число (с точкой), а не «{text}»") from None
    if column.kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"ожидается целое число, а не «{text}»") from None
    raise AssertionError(column.kind)


def validate_row(spec: FileSpec, row: dict[str, str], delta: bool
                 ) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean values of one row and its problems (column → message). A ``tobedeleted`` row
    only needs its sourcedId; in a delta file status and dateLastModified are required."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = (row.get("status") or "").strip()
    deleting = status == "tobedeleted"
    for column in spec.columns:
        text = (row.get(column.name) or "").strip()
        required = column.required and not (deleting and column.name != "sourcedId")
        if delta and column.name in ("status", "dateLastModified"):
            required = True
        if not text:
            if required:
                errors[column.name] = "обязательное поле"
            values[column.name] = () if column.kind == "list" else None
            continue
        try:
            values[column.name] = parse_value(column, text)
        except ValueError as exc:
            errors[column.name] = str(exc)
    if deleting and not delta and "status" not in errors:
        errors["status"] = "tobedeleted допустимо только в файле delta"
    for name, text in row.items():
        if name and name.startswith("metadata."):
            values[name] = (text or "").strip()
    return values, errors
