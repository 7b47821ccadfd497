"""The fast path for marks must accept nothing the schema refuses and build the same record."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from schemas.records import MarkSchema, _fast_mark

texts = st.one_of(st.text(max_size=12), st.sampled_from(["5", "1", "Н", "уп", ".", "h", "6"]),
                  st.integers(-2, 8), st.none(), st.floats(allow_nan=False))
days = st.one_of(st.dates().map(str), st.text(max_size=12), st.none(), st.integers())
ids = st.one_of(st.text(max_size=3), st.text(min_size=250, max_size=260), st.integers())


@settings(max_examples=600, deadline=None)
@given(st.fixed_dictionaries({"assignment_id": ids, "student_id": ids, "mark": texts,
                              "date": days},
                             optional={"comment": st.one_of(st.text(max_size=5),
                                                            st.text(min_size=1001,
                                                                    max_size=1002)),
                                       "extra": st.integers()}))
def test_fast_path_agrees_with_the_schema(data):
    fast = _fast_mark(data)
    try:
        slow = MarkSchema().load(data)
    except ValidationError:
        assert fast is None
        return
    assert fast is None or fast == slow
