"""The marshmallow schemas in front of the canonical records (:mod:`schemas.records`) and
:func:`load`, with the fast paths and the memo that keep a year's sync of marks cheap.

Kept apart from the records themselves: every adapter and the sync engine use the records,
only loading needs the schemas.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from schemas.marks import ABSENCE_CODES, MarkError, ParsedMark, parse_mark
from schemas.records import (
    ROLES,
    AcademicYearRecord,
    AssignmentRecord,
    AttendanceRecord,
    ClassRecord,
    EnrolmentRecord,
    FinalMarkRecord,
    MarkRecord,
    OrganisationRecord,
    PersonRecord,
    RecordRejected,
    TermRecord,
)


class _Record(Schema):
    class Meta:
        unknown = EXCLUDE

    record: type[Any] = object

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Any:
        return self.record(**data)


_id: dict[str, Any] = dict(required=True, validate=validate.Length(min=1, max=255))
_name: dict[str, Any] = dict(required=True, validate=validate.Length(min=1, max=300))


class MarkField(fields.Field):
    """A mark, absence code or «точка» parsed by :func:`schemas.marks.parse_mark`."""

    default_error_messages = {"invalid": "{problem}"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> ParsedMark:
        if isinstance(value, ParsedMark):
            return value
        try:
            return parse_mark(value)
        except MarkError as exc:
            raise self.make_error("invalid", problem=str(exc)) from exc

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.text()


class OrganisationSchema(_Record):
    record: type[Any] = OrganisationRecord
    source_id = fields.String(**_id)
    name = fields.String(**_name)
    short_name = fields.String(load_default="")


class TermSchema(_Record):
    record: type[Any] = TermRecord
    source_id = fields.String(**_id)
    name = fields.String(**_name)
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data["end"] < data["start"]:
            raise ValidationError("end is before start", "end")


class AcademicYearSchema(TermSchema):
    record: type[Any] = AcademicYearRecord
    terms = fields.List(fields.Nested(TermSchema), load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Any:
        data["terms"] = tuple(data.get("terms", ()))
        return AcademicYearRecord(**data)


class ClassSchema(_Record):
    record: type[Any] = ClassRecord
    source_id = fields.String(**_id)
    name = fields.String(**_name)
    grade = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 11))
    kind = fields.String(load_default="class", validate=validate.OneOf(["class", "subject_group"]))
    subject = fields.String(load_default="")


class PersonSchema(_Record):
    record: type[Any] = PersonRecord
    source_id = fields.String(**_id)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    middle_name = fields.String(load_default="", validate=validate.Length(max=100))
    login = fields.String(load_default="", validate=validate.Length(max=100))
    email = fields.String(load_default="", validate=validate.Length(max=254))
    children = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Any:
        data["children"] = tuple(data.get("children", ()))
        return PersonRecord(**data)


class EnrolmentSchema(_Record):
    record: type[Any] = EnrolmentRecord
    person_id = fields.String(**_id)
    class_id = fields.String(**_id)
    role = fields.String(load_default="student", validate=validate.OneOf(["student", "teacher"]))


class AssignmentSchema(_Record):
    record: type[Any] = AssignmentRecord
    source_id = fields.String(**_id)
    class_id = fields.String(**_id)
    subject = fields.String(**_name)
    title = fields.String(load_default="", validate=validate.Length(max=1000))
    type_name = fields.String(load_default="", validate=validate.Length(max=200))
    weight = fields.Float(load_default=1.0, validate=validate.Range(min=0, max=100))
    due = fields.Date(required=True)
    max_mark = fields.Integer(load_default=5, validate=validate.Range(1, 100))


class MarkSchema(_Record):
    record: type[Any] = MarkRecord
    assignment_id = fields.String(**_id)
    student_id = fields.String(**_id)
    mark = MarkField(required=True)
    date = fields.Date(required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


class AttendanceSchema(_Record):
    record: type[Any] = AttendanceRecord
    student_id = fields.String(**_id)
    class_id = fields.String(**_id)
    date = fields.Date(required=True)
    lesson = fields.Integer(required=True, validate=validate.Range(0, 20))
    subject = fields.String(load_default="")
    code = fields.String(required=True, validate=validate.OneOf(list(ABSENCE_CODES)))


class FinalMarkSchema(_Record):
    record: type[Any] = FinalMarkRecord
    student_id = fields.String(**_id)
    subject = fields.String(**_name)
    term_id = fields.String(**_id)
    mark = MarkField(required=True)


SCHEMAS: dict[type, Schema] = {
    OrganisationRecord: OrganisationSchema(),
    TermRecord: TermSchema(),
    AcademicYearRecord: AcademicYearSchema(),
    ClassRecord: ClassSchema(),
    PersonRecord: PersonSchema(),
    EnrolmentRecord: EnrolmentSchema(),
    AssignmentRecord: AssignmentSchema(),
    MarkRecord: MarkSchema(),
    AttendanceRecord: AttendanceSchema(),
    FinalMarkRecord: FinalMarkSchema(),
}

R = TypeVar("R")


def load(record_type: type[R], data: dict[str, Any], source: str) -> R:
    """Validate ``data`` into ``record_type`` or raise :class:`RecordRejected` naming ``source``.

    Valid results of hashable input are memoised: a diary repeats the same assignment for
    every student of a class, and records are frozen, so one validation serves them all.
    """
    if any(("\x00" in v) if type(v) is str else (type(v) in (list, tuple, dict) and _nul(v))
           for v in data.values()):
        # PostgreSQL cannot store NUL in text (one such name aborted a whole sync), and it
        # never means anything in a name or a comment: drop it, keep the record. Also in
        # nested values (a parent's children, a year's terms).
        data = _without_nul(data)
    own = _OWN.get(record_type)  # a student's own record never repeats: no memo
    if own is not None:
        record = own(data)
        if record is not None:
            return record  # type: ignore[no-any-return]
    try:
        # In the caller's key order, not sorted: each adapter builds a record's dict the same
        # way every time, so the memo hits as often, without a sort per record.
        items = tuple(data.items())
        hash(items)
    except TypeError:
        items = None
    try:
        if items is not None:
            # The values' types are part of the key: True == 1 == 1.0 hash alike, and a
            # verdict must not depend on which of them was seen first. (A tuple value hides
            # its items' types, but only List(String) fields take one, and a str equals
            # only a str: the property test in tests/unit/test_validation_memo.py.)
            types = tuple(map(type, data.values()))
            return _load_memo(record_type, items, types)  # type: ignore[no-any-return, arg-type]
        return _load(record_type, data)  # type: ignore[no-any-return]
    except ValidationError as exc:
        errors = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        raise RecordRejected(record_type.__name__, source, errors, raw=data) from exc


@dataclass
class Batch:
    """What one fetch produced: valid records, and the rejected ones with their reasons.

    Here beside :func:`load`, not with the records: ``add`` runs once per record on the
    sync's hot path, and the schemas are built on the records, so a ``Batch`` in
    ``records`` could only reach ``load`` by an import inside the method."""

    records: list[Any] = field(default_factory=list)
    rejected: list[RecordRejected] = field(default_factory=list)

    def add(self, record_type: type, data: dict[str, Any], source: str) -> Any | None:
        record: Any
        try:
            record = load(record_type, data, source)
        except RecordRejected as exc:
            self.rejected.append(exc)
            return None
        self.records.append(record)
        return record


def _nul(value: Any) -> bool:
    if type(value) is str:
        return "\x00" in value
    if type(value) in (list, tuple):
        return any(_nul(v) for v in value)
    if type(value) is dict:
        return any(_nul(v) for v in value.values())
    return False


def _without_nul(value: Any) -> Any:
    if type(value) is str:
        return value.replace("\x00", "")
    if type(value) in (list, tuple):
        return type(value)(_without_nul(v) for v in value)
    if type(value) is dict:
        return {k: _without_nul(v) for k, v in value.items()}
    return value


def _fast_mark(data: dict[str, Any]) -> MarkRecord | None:
    """The common, well-formed mark without marshmallow's per-field machinery.

    A year of diaries is ~10⁵ marks and the schema costs ~40 µs each; this path accepts
    only input the schema would accept unchanged and returns None for anything else, so
    every error still comes from :class:`MarkSchema` with its messages.
    """
    if data.keys() - {"assignment_id", "student_id", "mark", "date", "comment"}:
        return None
    aid, sid, day = data.get("assignment_id"), data.get("student_id"), data.get("date")
    comment = data.get("comment", "")
    if not (isinstance(aid, str) and isinstance(sid, str) and isinstance(comment, str)
            and 0 < len(aid) <= 255 and 0 < len(sid) <= 255 and len(comment) <= 1000
            and _plain_day(day)):
        return None
    try:
        return MarkRecord(aid, sid, parse_mark(data.get("mark")), date.fromisoformat(str(day)),
                          comment)
    except (MarkError, ValueError):
        return None


def _fast_assignment(data: dict[str, Any]) -> AssignmentRecord | None:
    """The common, well-formed assignment; the same contract as :func:`_fast_mark`."""
    if data.keys() - _ASSIGNMENT_KEYS:
        return None
    aid, cid, subject = data.get("source_id"), data.get("class_id"), data.get("subject")
    title, type_name = data.get("title", ""), data.get("type_name", "")
    weight, due, top = data.get("weight", 1.0), data.get("due"), data.get("max_mark", 5)
    if not (isinstance(aid, str) and isinstance(cid, str) and isinstance(subject, str)
            and isinstance(title, str) and isinstance(type_name, str)
            and 0 < len(aid) <= 255 and 0 < len(cid) <= 255 and 0 < len(subject) <= 300
            and len(title) <= 1000 and len(type_name) <= 200
            and type(weight) in (int, float) and 0 <= weight <= 100
            and type(top) is int and 1 <= top <= 100 and _plain_day(due)):
        return None
    try:
        return AssignmentRecord(aid, cid, subject, title, type_name, float(weight),
                                date.fromisoformat(str(due)), top)
    except ValueError:
        return None


def _fast_attendance(data: dict[str, Any]) -> AttendanceRecord | None:
    """The common, well-formed absence; the same contract as :func:`_fast_mark`."""
    if data.keys() - _ATTENDANCE_KEYS:
        return None
    sid, cid, day = data.get("student_id"), data.get("class_id"), data.get("date")
    lesson, subject, code = data.get("lesson"), data.get("subject", ""), data.get("code")
    if not (isinstance(sid, str) and isinstance(cid, str) and isinstance(subject, str)
            and 0 < len(sid) <= 255 and 0 < len(cid) <= 255
            and type(lesson) is int and 0 <= lesson <= 20
            and isinstance(code, str) and code in ABSENCE_CODES and _plain_day(day)):
        return None
    try:
        return AttendanceRecord(sid, cid, date.fromisoformat(str(day)), lesson, subject, code)
    except ValueError:
        return None


_ATTENDANCE_KEYS = frozenset(("student_id", "class_id", "date", "lesson", "subject", "code"))
_OWN: dict[type, Callable[[dict[str, Any]], Any]] = {
    MarkRecord: _fast_mark, AttendanceRecord: _fast_attendance}
_ASSIGNMENT_KEYS = frozenset(
    ("source_id", "class_id", "subject", "title", "type_name", "weight", "due", "max_mark"))
_FAST: dict[type, Callable[[dict[str, Any]], Any]] = {AssignmentRecord: _fast_assignment}
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _plain_day(value: Any) -> bool:
    """``YYYY-MM-DD`` only: Python's ``fromisoformat`` takes more forms than the schema."""
    return isinstance(value, str) and _DAY.fullmatch(value) is not None


@functools.lru_cache(maxsize=65536)
def _load_memo(record_type: type, items: tuple[tuple[str, Any], ...],
               _types: tuple[type, ...]) -> Any:
    # One shared object per distinct record also lets sync digests memoise its repr.
    return _load(record_type, dict(items))  # errors are raised, never cached


def _load(record_type: type, data: dict[str, Any]) -> Any:
    fast = _FAST.get(record_type)
    record = fast(data) if fast is not None else None
    return record if record is not None else SCHEMAS[record_type].load(data)


def dump(record: Any) -> dict[str, Any]:
    """The record as JSON-ready primitives (dates as ISO strings, marks as journal text)."""
    return SCHEMAS[type(record)].dump(record)  # type: ignore[no-any-return]
