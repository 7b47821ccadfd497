"""The council's rules (seed 004 §5.5, §5.9) as pure functions, checked by property tests.

- A meeting is competent only if MORE than half of the council's members are present.
- A decision passes when MORE than 50 % of those present vote for it.
- Removing a council member (systematic absence) needs at least two thirds of the WHOLE
  council voting for it (and a competent meeting).
Integer arithmetic only (``2 * present > members``): no float rounding at the boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

KINDS = ("general", "admit", "exit", "remove_member", "elect_chair", "elect_secretary")


@dataclass(frozen=True)
class Tally:
    members: int       # the whole council on the day
    present: int
    votes_for: int
    votes_against: int = 0
    abstained: int = 0


@dataclass(frozen=True)
class Problem:
    """Why a decision cannot be recorded as claimed: a code and the figures to show."""

    code: str
    figures: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    adopted: bool                 # what the figures say
    problems: tuple[Problem, ...]  # empty = may be recorded

    @property
    def allowed(self) -> bool:
        return not self.problems


def quorum(members: int) -> int:
    """The fewest present for a competent meeting: more than half."""
    return members // 2 + 1


def is_competent(members: int, present: int) -> bool:
    return members > 0 and 2 * present > members


def majority(present: int) -> int:
    """The fewest votes for that pass an ordinary decision: more than 50 % of those present."""
    return present // 2 + 1


def passes(present: int, votes_for: int) -> bool:
    return present > 0 and 2 * votes_for > present


def removal_threshold(members: int) -> int:
    """At least two thirds of the whole council (rounded up)."""
    return -(-2 * members // 3)


def removal_passes(members: int, votes_for: int) -> bool:
    return members > 0 and 3 * votes_for >= 2 * members


def outcome(kind: str, t: Tally) -> bool:
    """Whether the figures adopt a decision of this kind (assuming a competent meeting)."""
    if kind == "remove_member":
        return is_competent(t.members, t.present) and removal_passes(t.members, t.votes_for)
    return is_competent(t.members, t.present) and passes(t.present, t.votes_for)


def check(kind: str, t: Tally, claimed_adopted: bool) -> Verdict:
    """May this vote be recorded with the claimed outcome? Every problem, with its figures."""
    problems: list[Problem] = []
    if kind not in KINDS:
        problems.append(Problem("unknown_kind"))
    if min(t.members, t.present, t.votes_for, t.votes_against, t.abstained) < 0:
        problems.append(Problem("negative"))
        return Verdict(False, tuple(problems))
    if t.present > t.members:
        problems.append(Problem("present_exceeds_members",
                                {"present": t.present, "members": t.members}))
    cast = t.votes_for + t.votes_against + t.abstained
    if cast > t.present:
        problems.append(Problem("votes_exceed_present", {"cast": cast, "present": t.present}))
    if not is_competent(t.members, t.present):
        problems.append(Problem("not_competent", {"present": t.present, "members": t.members,
                                                  "needed": quorum(t.members)}))
    adopted = outcome(kind, t) and not problems
    if problems:
        return Verdict(False, tuple(problems))
    if claimed_adopted and not adopted:
        if kind == "remove_member":
            problems.append(Problem("removal_short", {
                "votes_for": t.votes_for, "members": t.members,
                "needed": removal_threshold(t.members)}))
        else:
            problems.append(Problem("majority_short", {
                "votes_for": t.votes_for, "present": t.present,
                "percent": 100 * t.votes_for // t.present, "needed": majority(t.present)}))
    elif adopted and not claimed_adopted:
        problems.append(Problem("adopted_by_figures", {
            "votes_for": t.votes_for, "present": t.present, "members": t.members}))
    return Verdict(adopted, tuple(problems))


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_without_meeting(meeting_days: list[date], since: date, today: date
                             ) -> list[tuple[int, int]]:
    """Quarters from ``since`` to ``today`` (the current one included) with no meeting held or
    planned: seed 004 §5.5 asks for one at least every quarter."""
    held = {quarter_of(d) for d in meeting_days}
    year, q = quarter_of(since)
    end = quarter_of(today)
    out = []
    while (year, q) <= end:
        if (year, q) not in held:
            out.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def missed_in_a_row(presence: list[bool]) -> int:
    """Meetings missed since the member was last present (newest last): a hint for «систематическое
    уклонение», which the council itself judges."""
    count = 0
    for was_there in reversed(presence):
        if was_there:
            break
        count += 1
    return count
