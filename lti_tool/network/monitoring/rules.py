"""Seed 001's indicators: teachers in network communities and at network events, video-
conference lessons, and lessons with electronic resources — target at least 50 %."""

from __future__ import annotations

from dataclasses import dataclass

EOR_TARGET_PERCENT = 50
FIELDS = ("teachers_total", "teachers_in_communities", "teachers_at_events", "vcs_lessons",
          "lessons_total", "lessons_with_eor")
#: Column headers of the XLSX export and import, in order (after «Организация»).
HEADERS = ("Педагогов всего", "Участников сетевых сообществ", "Участников сетевых мероприятий",
           "Уроков с ВКС", "Уроков всего", "Уроков с ЭОР")


def percent(part: int, whole: int) -> float | None:
    return None if whole <= 0 else round(100 * part / whole, 1)


def eor_target_met(with_eor: int, total: int) -> bool | None:
    """At least half of the lessons with electronic resources (integer arithmetic)."""
    return None if total <= 0 else 2 * with_eor >= total


def problems(values: dict[str, int]) -> dict[str, str]:
    """Field → code: a part larger than its whole is a typo, never a figure."""
    out: dict[str, str] = {}
    for name in FIELDS:
        if values.get(name, 0) < 0:
            out[name] = "negative"
    for part in ("teachers_in_communities", "teachers_at_events"):
        if values.get(part, 0) > values.get("teachers_total", 0):
            out[part] = "exceeds_teachers"
    for part in ("lessons_with_eor", "vcs_lessons"):
        if values.get(part, 0) > values.get("lessons_total", 0):
            out[part] = "exceeds_lessons"
    return out


@dataclass(frozen=True)
class Totals:
    teachers_total: int
    teachers_in_communities: int
    teachers_at_events: int
    vcs_lessons: int
    lessons_total: int
    lessons_with_eor: int


def totals(rows: list[dict[str, int]]) -> Totals:
    return Totals(*(sum(r.get(f, 0) for r in rows) for f in FIELDS))
