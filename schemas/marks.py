"""Marks as Russian school systems write them: «5», «4», absence codes, the debt «точка».

Pure functions, no I/O: every adapter turns the remote's text into a :class:`ParsedMark`
here, so «Н» from Сетевой город, «н» typed into a OneRoster CSV and a Latin "H" pasted from
Excel mean the same thing everywhere.

Codes (journal conventions of Russian schools):

- ``Н``  — не был (absent, reason not given yet)
- ``УП`` — отсутствовал по уважительной причине (excused)
- ``Б``  — болел (ill)
- ``НП`` — отсутствовал по неуважительной причине (unexcused)
- ``ОП`` — опоздал (late)
- «точка» (``.`` or ``•``) — задание не сдано, долг (a debt mark, not a grade)
"""

from __future__ import annotations

from dataclasses import dataclass

ABSENCE_CODES: dict[str, str] = {
    "Н": "absent",
    "УП": "absent_excused",
    "Б": "ill",
    "НП": "absent_unexcused",
    "ОП": "late",
}
DEBT_SYMBOLS = frozenset({".", "•", "·", "точка"})
MIN_MARK, MAX_MARK = 1, 5

# Latin letters that look like Cyrillic ones, as they arrive from spreadsheets and keyboards.
_LOOKALIKES = str.maketrans({"H": "Н", "B": "Б", "O": "О", "P": "Р", "Y": "У"})


class MarkError(ValueError):
    """The text is neither a mark 1–5, nor a known absence code, nor a debt «точка»."""


@dataclass(frozen=True)
class ParsedMark:
    value: int | None = None  # 1..5
    code: str | None = None  # one of ABSENCE_CODES
    debt: bool = False

    def __post_init__(self) -> None:
        kinds = (self.value is not None) + (self.code is not None) + self.debt
        if kinds != 1:
            raise MarkError("a mark is exactly one of: value, code, debt")
        if self.value is not None and not MIN_MARK <= self.value <= MAX_MARK:
            raise MarkError(f"mark {self.value} is outside {MIN_MARK}–{MAX_MARK}")
        if self.code is not None and self.code not in ABSENCE_CODES:
            raise MarkError(f"unknown absence code {self.code!r}")

    def text(self) -> str:
        """The canonical journal spelling; ``parse_mark(m.text()) == m`` for every mark."""
        if self.value is not None:
            return str(self.value)
        if self.code is not None:
            return self.code
        return "."

    @property
    def is_absence(self) -> bool:
        return self.code is not None


def parse_mark(text: object) -> ParsedMark:
    """Parse one journal cell. Raises :class:`MarkError` with the offending text."""
    if isinstance(text, bool):
        raise MarkError(f"not a mark: {text!r}")
    if isinstance(text, int):
        return ParsedMark(value=_in_range(text, text))
    if isinstance(text, float):
        if text.is_integer():
            return ParsedMark(value=_in_range(int(text), text))
        raise MarkError(f"not a whole mark: {text!r}")
    if not isinstance(text, str):
        raise MarkError(f"not a mark: {text!r}")
    cleaned = text.strip()
    if not cleaned:
        raise MarkError("empty mark")
    if cleaned.lower() in DEBT_SYMBOLS:
        return ParsedMark(debt=True)
    if cleaned.isascii() and cleaned.isdigit():  # "²" and "٣" are digits to str, not marks
        if len(cleaned.lstrip("0")) > 3:  # int() of 4300+ digits raises ValueError
            raise MarkError(f"mark {_show(text)} is outside {MIN_MARK}–{MAX_MARK}")
        return ParsedMark(value=_in_range(int(cleaned), text))
    code = cleaned.upper().translate(_LOOKALIKES)
    if code in ABSENCE_CODES:
        return ParsedMark(code=code)
    raise MarkError(f"not a mark, absence code or «точка»: {_show(text)}")


def _in_range(value: int, original: object) -> int:
    if not MIN_MARK <= value <= MAX_MARK:
        raise MarkError(f"mark {_show(original)} is outside {MIN_MARK}–{MAX_MARK}")
    return value


def _show(value: object) -> str:
    """A short repr for messages: repr() of a huge int raises, a huge text floods a report."""
    try:
        text = repr(value)
    except ValueError:
        return "<a number of thousands of digits>"
    return text if len(text) <= 40 else text[:37] + "..."


def weighted_average(marks: list[tuple[int, float]]) -> float | None:
    """Сетевой город's weighted average: sum(mark·weight) / sum(weight), None when empty."""
    total = sum(weight for _, weight in marks)
    if not marks or total <= 0:
        return None
    return sum(value * weight for value, weight in marks) / total
