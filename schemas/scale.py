"""Points → a five-point journal mark, for remotes that grade out of something else.

An item out of 5 is already a five-point mark, so its raw value is kept (and validated by
:func:`schemas.marks.parse_mark`, so 0 or 4.5 are rejected with the reason, not rounded).
Any other range is converted by percentage with the thresholds Russian schools commonly use
(85/70/50 % → 5/4/3, below → 2); a school can pass its own.

Kept in ``schemas`` beside :mod:`schemas.marks` (issue 8): what a mark is and how points become
one are the same canonical decision, used by every adapter. A scale with no range (an item
out of 0, or whose minimum is not below its maximum) gives no mark at all: it raises
:class:`schemas.marks.MarkError`, and the adapter reports the grade as rejected with that
reason (before: a string «7 (шкала 5–5)» went on to fail as an unparseable mark).
"""

from __future__ import annotations

from schemas.marks import MarkError

DEFAULT_THRESHOLDS = (85.0, 70.0, 50.0)


def to_mark(raw: float, low: float, high: float,
            thresholds: tuple[float, float, float] = DEFAULT_THRESHOLDS) -> float:
    if high == 5 and low in (0, 1):
        return raw
    if high <= low:
        raise MarkError(f"баллы {_num(raw)} по шкале {_num(low)}–{_num(high)}: "
                        "у шкалы нет диапазона, оценку не вычислить")
    percent = (raw - low) * 100.0 / (high - low)
    for mark, limit in zip((5, 4, 3), thresholds, strict=True):
        if percent >= limit:
            return mark
    return 2


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
