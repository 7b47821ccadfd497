"""Council rules as properties over member counts and votes, and the exact boundaries:
exactly half present, exactly 50 % for, exactly two thirds of the council."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from lti_tool.network.council import rules
from lti_tool.network.council.rules import Tally, check

sizes = st.integers(1, 60)


@st.composite
def tallies(draw: st.DrawFn) -> Tally:
    members = draw(sizes)
    present = draw(st.integers(0, members))
    votes_for = draw(st.integers(0, present))
    against = draw(st.integers(0, present - votes_for))
    abstained = draw(st.integers(0, present - votes_for - against))
    return Tally(members, present, votes_for, against, abstained)


@given(sizes, st.data())
def test_competent_iff_more_than_half(members: int, data: st.DataObject) -> None:
    present = data.draw(st.integers(0, members))
    assert rules.is_competent(members, present) == (Fraction(present, members) > Fraction(1, 2))
    assert rules.is_competent(members, rules.quorum(members))
    assert not rules.is_competent(members, rules.quorum(members) - 1)


@given(tallies())
def test_an_ordinary_decision_passes_iff_more_than_half_of_those_present(t: Tally) -> None:
    verdict = check("general", t, claimed_adopted=True)
    competent = Fraction(t.present, t.members) > Fraction(1, 2)
    majority = t.present > 0 and Fraction(t.votes_for, t.present) > Fraction(1, 2)
    assert verdict.allowed == (competent and majority)
    assert verdict.adopted == (competent and majority)
    # Whatever the claim, never recorded as adopted against the rules.
    assert not (check("general", t, True).allowed and not (competent and majority))


@given(tallies())
def test_removal_needs_two_thirds_of_the_whole_council(t: Tally) -> None:
    verdict = check("remove_member", t, claimed_adopted=True)
    competent = 2 * t.present > t.members
    two_thirds = Fraction(t.votes_for, t.members) >= Fraction(2, 3)
    assert verdict.allowed == (competent and two_thirds)
    if verdict.allowed:  # two thirds of the whole council is also a majority of those present
        assert rules.passes(t.present, t.votes_for)


@given(tallies())
def test_the_claim_must_match_the_figures(t: Tally) -> None:
    assume(rules.is_competent(t.members, t.present))
    adopted = rules.outcome("general", t)
    assert check("general", t, adopted).allowed
    assert not check("general", t, not adopted).allowed


@given(sizes, st.integers(0, 70), st.integers(0, 70))
def test_impossible_figures_are_refused(members: int, present: int, cast: int) -> None:
    assume(present > members or cast > present)
    t = Tally(members, present, min(cast, 70), 0, 0)
    assert not check("general", t, True).allowed and not check("general", t, False).allowed


def test_boundaries_with_figures() -> None:
    half = check("general", Tally(10, 5, 5), True)  # exactly half present
    assert [p.code for p in half.problems] == ["not_competent"]
    assert half.problems[0].figures == {"present": 5, "members": 10, "needed": 6}
    fifty = check("general", Tally(10, 6, 3, 3), True)  # exactly 50 % for
    assert [p.code for p in fifty.problems] == ["majority_short"]
    assert fifty.problems[0].figures == {"votes_for": 3, "present": 6, "percent": 50,
                                         "needed": 4}
    assert check("general", Tally(10, 6, 4, 2), True).allowed
    assert check("remove_member", Tally(9, 9, 6, 3), True).allowed  # exactly two thirds
    short = check("remove_member", Tally(9, 9, 5, 4), True)
    assert short.problems[0].code == "removal_short"
    assert short.problems[0].figures == {"votes_for": 5, "members": 9, "needed": 6}
    assert rules.removal_threshold(10) == 7 and rules.removal_threshold(3) == 2
    # A removal by most of those present but not two thirds of the council: refused.
    assert not check("remove_member", Tally(12, 7, 7), True).allowed


def test_quarters_without_a_meeting() -> None:
    days = [date(2025, 9, 10), date(2026, 2, 1)]
    assert rules.quarters_without_meeting(days, date(2025, 9, 1), date(2026, 6, 1)) == [
        (2025, 4), (2026, 2)]
    assert rules.missed_in_a_row([True, False, False]) == 2
    assert rules.missed_in_a_row([]) == 0
