"""Agreement status and membership dates: pure rules, no database."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lti_tool.network.rules import AgreementStatus, agreement_status, member_on, period_error

D = date(2026, 12, 5)


def test_statuses_around_the_edges() -> None:
    assert agreement_status(D + timedelta(1), None, D) is AgreementStatus.PENDING
    assert agreement_status(D, None, D) is AgreementStatus.IN_FORCE
    assert agreement_status(D - timedelta(400), D + timedelta(61), D) is AgreementStatus.IN_FORCE
    assert agreement_status(D - timedelta(400), D + timedelta(60), D) is AgreementStatus.EXPIRING
    assert agreement_status(D - timedelta(400), D, D) is AgreementStatus.EXPIRING  # last day
    assert agreement_status(D - timedelta(400), D - timedelta(1), D) is AgreementStatus.EXPIRED


dates = st.dates(date(2020, 1, 1), date(2035, 1, 1))


@given(dates, st.none() | dates, dates)
def test_an_open_ended_agreement_never_expires_and_a_past_end_always_has(
        start: date, end: date | None, today: date) -> None:
    status = agreement_status(start, end, today)
    if end is None:
        assert status in (AgreementStatus.PENDING, AgreementStatus.IN_FORCE)
    elif today > end and today >= start:
        assert status is AgreementStatus.EXPIRED
    if today < start:
        assert status is AgreementStatus.PENDING


@given(dates, st.none() | dates, dates)
def test_membership_is_half_open(joined: date, left: date | None, day: date) -> None:
    assert member_on(joined, left, day) == (joined <= day and (left is None or day < left))
    if left is not None:
        assert not member_on(joined, left, left)


def test_period_that_ends_before_it_starts() -> None:
    assert period_error(D, D - timedelta(1)) == "ends_before_start"
    assert period_error(D, D) is None and period_error(D, None) is None


def test_the_network_is_a_deep_linking_target() -> None:
    import lti_tool.network.views  # noqa: F401  (registers its target)
    from lti_tool.lti import targets

    target = targets.get("network")
    assert target is not None and target.endpoint == "network.index"
    assert target.score_maximum is None  # no gradebook column for a page
