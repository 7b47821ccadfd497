"""The PHP-array form encoder: exact pairs for known shapes, and a parse_str round trip."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.moodle.phpform import as_list, decode, encode, scalar


def test_nested_lists_and_dicts_flatten_in_order() -> None:
    assert encode({"courseid": 2, "grades": [{"studentid": 7, "grade": 4.5},
                                             {"studentid": 8, "str_feedback": "ок"}],
                   "options": {"a": True, "b": None}}) == [
        ("courseid", "2"), ("grades[0][studentid]", "7"), ("grades[0][grade]", "4.5"),
        ("grades[1][studentid]", "8"), ("grades[1][str_feedback]", "ок"),
        ("options[a]", "1")]


def test_scalars() -> None:
    assert [scalar(v) for v in (5.0, 0.1, False, -3, "x")] == ["5", "0.1", "0", "-3", "x"]
    with pytest.raises(ValueError):
        scalar(float("nan"))
    with pytest.raises(TypeError):
        scalar(object())


def test_decode_like_parse_str() -> None:
    assert decode([("a[0][b]", "1"), ("a[1][b]", "2"), ("c", "3"), ("a[0][b]", "9")]) == {
        "a": {"0": {"b": "9"}, "1": {"b": "2"}}, "c": "3"}
    assert as_list({"1": "y", "0": "x"}) == ["x", "y"]


keys = st.text(st.characters(blacklist_characters="[]", codec="utf-8"),
               min_size=1, max_size=8)
leaves = st.one_of(st.integers(-10**9, 10**9), st.text(max_size=20),
                   st.floats(allow_nan=False, allow_infinity=False), st.booleans())
trees = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, min_size=1, max_size=4),
    st.dictionaries(keys, inner, min_size=1, max_size=4)), max_leaves=20)


def _php(value: Any) -> Any:
    """What PHP holds after parse_str: arrays as string-keyed maps, scalars as strings."""
    if isinstance(value, list):
        return {str(i): _php(v) for i, v in enumerate(value)}
    if isinstance(value, dict):
        return {k: _php(v) for k, v in value.items()}
    return scalar(value)


@given(st.dictionaries(keys, trees, max_size=5))
def test_encode_then_parse_str_gives_back_the_structure(params: dict[str, Any]) -> None:
    pairs = encode(params)
    assert decode(pairs) == _php(params)
    assert len(pairs) == len(set(k for k, _ in pairs))  # one variable per leaf


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_survive_as_php_reads_them(value: float) -> None:
    assert float(scalar(value)) == value
