"""Validation must not depend on what was validated before (issue 7): the memos keyed
records by value, and True == 1 == 1.0 hash alike, so ``"max_mark": true`` was refused when
fresh but accepted after an equal-hashing valid record."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.netschool import mapping
from schemas.records import AssignmentRecord, RecordRejected, load

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
