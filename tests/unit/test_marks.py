"""Property tests of :func:`schemas.marks.parse_mark`: every adapter's journal cells go
through it, so it must round-trip its own spelling and fail only with MarkError."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from schemas.marks import ABSENCE_CODES, DEBT_SYMBOLS, MarkError, ParsedMark, parse_mark

marks = st.one_of(
    st.integers(1, 5).map(lambda v: ParsedMark(value=v)),
    st.sampled_from(sorted(ABSENCE_CODES)).map(lambda c: ParsedMark(code=c)),
    st.just(ParsedMark(debt=True)),
)
LATIN = str.maketrans({"Н": "H", "Б": "B", "О": "O", "Р": "P", "У": "Y"})


def is_valid_text(text: str) -> bool:
    """An oracle written apart from the parser: what a journal cell may say."""
    cleaned = text.strip()
    if cleaned.lower() in DEBT_SYMBOLS:
        return True
    if cleaned.isascii() and cleaned.isdigit():
        return cleaned.lstrip("0") in {"1", "2", "3", "4", "5"}
    return cleaned.upper() in ABSENCE_CODES or cleaned.upper().translate(
        str.maketrans({"H": "Н", "B": "Б", "O": "О", "P": "Р", "Y": "У"})) in ABSENCE_CODES


@given(marks)
def test_text_round_trips(mark: ParsedMark) -> None:
    assert parse_mark(mark.text()) == mark


@given(marks, st.sampled_from(["", " ", "\t", "\n "]), st.booleans(), st.booleans())
def test_spelling_variants_mean_the_same_mark(mark: ParsedMark, pad: str, lower: bool,
                                              latin: bool) -> None:
    text = mark.text()
    text = text.lower() if lower else text
    text = text.upper().translate(LATIN) if latin else text
    assert parse_mark(pad + text + pad) == mark


@given(st.one_of(st.text(), st.text(alphabet="0123456789 .НнУПБОHBOPY•·²٣", max_size=6),
                 st.from_regex(r"\s*[0-9]{1,5000}\s*", fullmatch=True)))
@example("²")
@example("٣")
@example("9" * 5000)
@example("0")
@example("6")
@example("ОТ")
def test_any_text_is_a_mark_or_a_mark_error(text: str) -> None:
    if is_valid_text(text):
        assert isinstance(parse_mark(text), ParsedMark)
    else:
        with pytest.raises(MarkError):
            parse_mark(text)


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                 st.binary(), st.lists(st.integers(1, 5), max_size=2),
                 st.dictionaries(st.text(max_size=2), st.integers(), max_size=1)))
@example(float("inf"))
@example(10**5000)
def test_non_text_never_raises_anything_but_mark_error(value: object) -> None:
    try:
        parsed = parse_mark(value)
    except MarkError:
        return
    assert isinstance(value, int | float) and not isinstance(value, bool)
    assert parsed.value == value
