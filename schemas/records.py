"""Canonical records every adapter produces and the sync engine consumes.

Each record is a frozen dataclass with a marshmallow schema in front of it
(:mod:`schemas.record_schemas`): adapters build a plain dict from the remote payload and
call :func:`schemas.record_schemas.load` (or its ``Batch.add``), which either returns the
record or raises :class:`RecordRejected` naming the source, the fields and the problems — a
malformed remote record is reported and skipped, never half-written.

Ids are the *source's* ids (strings): the sync engine maps them onto our rows through
identity links, so two sources never collide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from schemas.marks import ParsedMark
from schemas.messages import as_data

ROLES = ("student", "teacher", "parent", "admin")


@dataclass(frozen=True)
class OrganisationRecord:
    source_id: str
    name: str
    short_name: str = ""


@dataclass(frozen=True)
class TermRecord:
    """A term of the academic year: четверть, триместр or полугодие."""

    source_id: str
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class AcademicYearRecord:
    source_id: str
    name: str
    start: date
    end: date
    terms: tuple[TermRecord, ...] = ()


@dataclass(frozen=True)
class ClassRecord:
    """A class («10А») or a subject group («Физика, 11Б, профиль»)."""

    source_id: str
    name: str
    grade: int | None = None
    kind: str = "class"  # class | subject_group
    subject: str = ""


@dataclass(frozen=True)
class PersonRecord:
    """The least that works: a name and a role; a parent lists their children's source ids.

    An LMS's course roster (NRPS) may withhold names and list several roles at once: then
    ``full_name`` is the name as the LMS prints it (or empty), ``roles`` every role of ours
    it names and ``role`` the first of them ("" when none is ours)."""

    source_id: str
    role: str
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    login: str = ""
    email: str = ""
    children: tuple[str, ...] = ()
    full_name: str = ""
    roles: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.full_name or " ".join(
            p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def all_roles(self) -> tuple[str, ...]:
        return self.roles or ((self.role,) if self.role else ())


@dataclass(frozen=True)
class EnrolmentRecord:
    person_id: str
    class_id: str
    role: str = "student"  # student | teacher


@dataclass(frozen=True)
class AssignmentRecord:
    """A piece of work marks are given for («задание»): its type sets the weight."""

    source_id: str
    class_id: str
    subject: str
    title: str
    type_name: str
    weight: float
    due: date
    max_mark: int = 5


@dataclass(frozen=True)
class MarkRecord:
    """One cell of the journal: a mark, an absence code or a debt «точка» for one student."""

    assignment_id: str
    student_id: str
    mark: ParsedMark
    date: date
    comment: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.assignment_id, self.student_id)


@dataclass(frozen=True)
class AttendanceRecord:
    student_id: str
    class_id: str
    date: date
    lesson: int
    subject: str
    code: str  # one of ABSENCE_CODES

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.student_id, self.class_id, self.date.isoformat(), self.lesson)


@dataclass(frozen=True)
class FinalMarkRecord:
    """Итоговая отметка: for a term (``term_id``) or the year (``term_id == "year"``)."""

    student_id: str
    subject: str
    term_id: str
    mark: ParsedMark

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.student_id, self.subject, self.term_id)


@dataclass(frozen=True)
class Roster:
    organisation: OrganisationRecord
    classes: tuple[ClassRecord, ...] = ()
    people: tuple[PersonRecord, ...] = ()
    enrolments: tuple[EnrolmentRecord, ...] = ()


class RecordRejected(Exception):
    """A remote record that failed validation: reported with where it came from, then skipped."""

    def __init__(self, kind: str, source: str, errors: dict[str, Any], raw: Any = None) -> None:
        self.kind = kind
        self.source = source
        self.errors = errors
        self.raw = raw
        super().__init__(f"{kind} from {source}: {errors}")

    def reason_data(self) -> dict[str, Any]:
        """The reason as data (``{"code": "reject.invalid", ...}``) that a page renders in its
        reader's language; a run records rejections in a job, where there is no reader."""
        fields_ = []
        for name, problems in sorted(self.errors.items()):
            items = problems if isinstance(problems, list) else [problems]
            fields_.append([str(name), [as_data(p) for p in items]])
        return {"code": "reject.invalid", "params": {"fields": fields_}}

    def reason(self) -> str:
        parts = []
        for name, problems in sorted(self.errors.items()):
            text = "; ".join(str(p) for p in problems) if isinstance(problems, list) else problems
            parts.append(f"{name}: {text}")
        return ", ".join(parts)
