"""The periods a school follows a route by: полугодия (what senior grades usually have) or
четверти, over the route's two years (10th and 11th grade). Pure, no I/O.

Periods cover the whole school year without gaps (holidays belong to the period before them),
so every journal entry dated in the route's two years falls into exactly one period — the
same month boundaries the network's monitoring counts terms by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lti_tool.pathways.messages import N_, Text

HALVES, QUARTERS = "halves", "quarters"
SCHEMES = {HALVES: "полугодия", QUARTERS: "четверти"}
#: (first month, first day, last month, last day, year offset of the first and last day)
_BOUNDS = {
    HALVES: [(9, 1, 12, 31, 0, 0), (1, 1, 8, 31, 1, 1)],
    QUARTERS: [(9, 1, 10, 31, 0, 0), (11, 1, 12, 31, 0, 0), (1, 1, 3, 31, 1, 1),
               (4, 1, 8, 31, 1, 1)],
}


@dataclass(frozen=True)
class Period:
    key: str  # "10-1": grade and number, stable across schemes' names
    grade: int
    number: int
    scheme: str
    start: date
    end: date

    @property
    def name(self) -> str:
        """Russian, for the XLSX a school files (pages translate from the parts)."""
        kind = "полугодие" if self.scheme == HALVES else "четверть"
        return f"{self.number} {kind}, {self.grade} кл."

    def title(self) -> Text:
        """The name as a message: a page shows it in its reader's language."""
        return Text(N_("%(n)s полугодие, %(g)s кл.") if self.scheme == HALVES else
                    N_("%(n)s четверть, %(g)s кл."), n=self.number, g=self.grade)

    def span(self) -> tuple[str, date, date]:
        """As the journal's period queries take it."""
        return (self.key, self.start, self.end)


def school_year(day: date) -> int:
    """The year the school year containing ``day`` began in (August starts a new one)."""
    return day.year if day.month >= 8 else day.year - 1


def periods(route_start: date, scheme: str) -> list[Period]:
    """Every period of the route's two school years, in order."""
    first = school_year(route_start)
    out = []
    for grade, year in ((10, first), (11, first + 1)):
        for n, (m1, d1, m2, d2, y1, y2) in enumerate(_BOUNDS.get(scheme, _BOUNDS[HALVES]), 1):
            out.append(Period(f"{grade}-{n}", grade, n, scheme if scheme in SCHEMES else HALVES,
                              date(year + y1, m1, d1), date(year + y2, m2, d2)))
    return out


def started(all_periods: list[Period], today: date) -> list[Period]:
    """The periods that have begun by ``today`` (a later one has nothing to show yet)."""
    return [p for p in all_periods if p.start <= today]


def current(all_periods: list[Period], today: date) -> Period | None:
    return next((p for p in all_periods if p.start <= today <= p.end), None)
