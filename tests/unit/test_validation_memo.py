"""Validation must not depend on what was validated before (issue 7): the memos keyed
records by value, and True == 1 == 1.0 hash alike, so ``"max_mark": true`` was refused when
fresh but accepted after an equal-hashing valid record."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from adapters.netschool import mapping
from schemas.record_schemas import SCHEMAS, load
from schemas.records import (
    AssignmentRecord,
    AttendanceRecord,
    ClassRecord,
    PersonRecord,
    RecordRejected,
)

VALID: dict[str, Any] = {"source_id": "a1", "class_id": "10a", "subject": "Алгебра",
                         "title": "Контрольная", "type_name": "Ответ на уроке", "weight": 1,
                         "due": "2026-09-07", "max_mark": 1}


def _verdict(data: dict[str, Any]) -> str:
    try:
        load(AssignmentRecord, data, "test")
    except RecordRejected:
        return "rejected"
    return "accepted"


@pytest.mark.parametrize("field", ["max_mark", "weight"])
def test_a_boolean_gets_the_same_verdict_before_and_after_an_equal_valid_value(field):
    odd = {**VALID, "source_id": "odd-" + field, field: True}
    fresh = _verdict(odd)
    assert _verdict({**odd, field: 1}) == "accepted"  # equal-hashing valid record first
    assert _verdict(odd) == fresh == "rejected"


def test_the_netschool_assignment_memo_is_typed_too():
    fields = ("a9", "10a", "Алгебра", "Контрольная", "Ответ на уроке")
    assert mapping._valid_assignment(*fields, True, "2026-09-07") is None
    assert mapping._valid_assignment(*fields, 1, "2026-09-07") is not None
    assert mapping._valid_assignment(*fields, True, "2026-09-07") is None


def test_nul_bytes_are_dropped_in_nested_values_too():
    """PostgreSQL refuses NUL in text (issue 7); a year's term names and a parent's
    children are nested, and were passed through."""
    from schemas.records import AcademicYearRecord, PersonRecord

    parent = load(PersonRecord, {"source_id": "p1", "role": "parent", "last_name": "Ив\x00анова",
                                 "first_name": "Ольга", "children": ["s\x001"]}, "test")
    assert (parent.last_name, parent.children) == ("Иванова", ("s1",))
    year = load(AcademicYearRecord, {
        "source_id": "y", "name": "2026/27", "start": "2026-09-01", "end": "2027-05-31",
        "terms": [{"source_id": "q1", "name": "1 четв\x00ерть", "start": "2026-09-01",
                   "end": "2026-10-26"}]}, "test")
    assert year.terms[0].name == "1 четверть"


_ODD = st.one_of(st.sampled_from([True, False, 0, 1, 5, 1.0, 5.0, 0.5, -1, 101, "5", "", None,
                                  (True,), (1,), ("1",), ("",)]),
                 st.integers(-3, 120), st.floats(allow_nan=False, width=32))
_CASES = [(AssignmentRecord, VALID, ("weight", "max_mark")),
          (ClassRecord, {"source_id": "c", "name": "10А"}, ("grade",)),
          (PersonRecord, {"source_id": "p", "role": "parent", "last_name": "Иванова",
                          "first_name": "Ольга"}, ("children",)),
          (AttendanceRecord, {"student_id": "s", "class_id": "c", "date": "2026-09-07",
                              "subject": "", "code": "Н"}, ("lesson",))]


def _schema_verdict(record_type: type, data: dict[str, Any]) -> str:
    try:
        SCHEMAS[record_type].load(data)
    except ValidationError:
        return "rejected"
    return "accepted"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_CASES) - 1), st.integers(0, 1), _ODD),
                min_size=1, max_size=12))
def test_the_verdict_is_the_schemas_whatever_came_before(steps):
    """Any sequence of loads sharing the memo: each verdict is the schema's own, fresh."""
    for case, which, value in steps:
        record_type, base, names = _CASES[case]
        data = {**base, names[which % len(names)]: value}
        try:
            load(record_type, data, "test")
            verdict = "accepted"
        except RecordRejected:
            verdict = "rejected"
        assert verdict == _schema_verdict(record_type, data), data
