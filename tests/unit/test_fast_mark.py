"""The fast paths for marks, assignments and absences must accept nothing the schema
refuses and build the same record."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from schemas.record_schemas import (
    AssignmentSchema,
    AttendanceSchema,
    MarkSchema,
    _fast_assignment,
    _fast_attendance,
    _fast_mark,
)

texts = st.one_of(st.text(max_size=12), st.sampled_from(["5", "1", "Н", "уп", ".", "h", "6"]),
                  st.integers(-2, 8), st.none(), st.floats(allow_nan=False))
days = st.one_of(st.dates().map(str), st.text(max_size=12), st.none(), st.integers())
ids = st.one_of(st.text(max_size=3), st.text(min_size=250, max_size=260), st.integers())


def _agrees(fast, schema, data):
    """What the fast path builds, the schema builds too; what the schema refuses, it refuses."""
    record = fast(data)
    try:
        slow = schema.load(data)
    except ValidationError:
        assert record is None
        return
    assert record is None or record == slow


@settings(max_examples=600, deadline=None)
@given(st.fixed_dictionaries({"assignment_id": ids, "student_id": ids, "mark": texts,
                              "date": days},
                             optional={"comment": st.one_of(st.text(max_size=5),
                                                            st.text(min_size=1001,
                                                                    max_size=1002)),
                                       "extra": st.integers()}))
def test_fast_path_agrees_with_the_schema(data):
    _agrees(_fast_mark, MarkSchema(), data)


weights = st.one_of(st.integers(-5, 120), st.floats(), st.booleans(), st.none(),
                    st.sampled_from(["2", "1.5", "x"]))
names = st.one_of(st.text(max_size=4), st.text(min_size=299, max_size=302), st.integers(),
                  st.none())


@settings(max_examples=600, deadline=None)
@given(st.fixed_dictionaries(
    {"source_id": ids, "class_id": ids, "subject": names, "due": days},
    optional={"title": st.one_of(st.text(max_size=5), st.text(min_size=1000, max_size=1002)),
              "type_name": st.one_of(st.text(max_size=5), st.text(min_size=200, max_size=202)),
              "weight": weights, "max_mark": st.one_of(st.integers(-1, 102), st.booleans(),
                                                       st.floats(0, 10)),
              "extra": st.integers()}))
def test_fast_assignment_agrees_with_the_schema(data):
    _agrees(_fast_assignment, AssignmentSchema(), data)


def test_fast_paths_take_the_common_records_and_refuse_odd_days():
    assignment = {"source_id": "1", "class_id": "c", "subject": "Алгебра", "title": "",
                  "type_name": "Ответ на уроке", "weight": 1, "due": "2026-09-07"}
    assert _fast_assignment(assignment) == AssignmentSchema().load(assignment)
    mark = {"assignment_id": "1", "student_id": "s", "mark": 5, "date": "2026-09-07"}
    assert _fast_mark(mark) == MarkSchema().load(mark)
    for odd in ("2026-W36-1", "20260907", "2026-09-07T00:00:00", "２０２６-09-07"):
        assert _fast_mark({**mark, "date": odd}) is None
        assert _fast_assignment({**assignment, "due": odd}) is None


@settings(max_examples=600, deadline=None)
@given(st.fixed_dictionaries(
    {"student_id": ids, "class_id": ids, "date": days,
     "lesson": st.one_of(st.integers(-2, 22), st.booleans(), st.floats(0, 5), st.none(),
                         st.sampled_from(["3"])),
     "code": st.one_of(st.sampled_from(["Н", "УП", "Б", "НП", "ОП", "н", "H", ""]),
                       st.integers(), st.none())},
    optional={"subject": st.one_of(st.text(max_size=5), st.integers()),
              "extra": st.integers()}))
def test_fast_attendance_agrees_with_the_schema(data):
    _agrees(_fast_attendance, AttendanceSchema(), data)
