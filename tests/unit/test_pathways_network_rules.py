"""A network course (a partner school's, issue 12) in a route's plan: its hours count into the
totals and the week caps, its ФГОС subject and level into the curriculum check, like a course
of the school's own. Pure rules, no database."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lti_tool.pathways.examples import worked_plan
from lti_tool.pathways.rules import (
    ADVANCED,
    BASIC,
    NETWORK,
    Item,
    Plan,
    check,
    grades_of,
    network_hours,
)

START = date(2025, 9, 1)


def codes(plan: Plan) -> list[str]:
    return [v.code for v in check(plan).violations]


def net(subject: str, level: str = ADVANCED, h10: float = 5, h11: float = 5,
        title: str = "Механика и олимпиадные задачи") -> Item:
    return Item(title, level, h10, h11, NETWORK, subject)


def without(plan: Plan, course: str) -> Plan:
    return dataclasses.replace(plan, items=tuple(i for i in plan.items if i.course != course))


def plus(plan: Plan, *items: Item) -> Plan:
    return dataclasses.replace(plan, items=plan.items + items)


def test_a_network_course_stands_for_the_subject_its_host_names() -> None:
    """Physics at the partner school instead of at home: the technological profile's second
    advanced subject and the mandatory physics are there although the title says neither."""
    home_only = without(worked_plan("technology"), "Физика")
    assert {"advanced_min", "mandatory"} <= set(codes(home_only))
    assert check(plus(home_only, net("Физика"))).ok


def test_its_level_counts_as_chosen() -> None:
    home_only = without(worked_plan("technology"), "Физика")
    verdict = check(plus(home_only, net("Физика", BASIC)))
    assert [v.code for v in verdict.violations] == ["advanced_min"]
    assert "выбран 1 (математика)" in verdict.violations[0].message
    assert "физику" in verdict.violations[0].message


def test_its_hours_count_into_the_totals_and_the_week_cap() -> None:
    """The worked plan has 34 h a week: 2 more in grade 10 at a partner break the 5-day
    cap in grade 10 only; at 6 days the plan passes with 68 more hours over two years."""
    plan = plus(worked_plan("technology", START, week_days=5),
                net("Физика", ADVANCED, 2, 0, "Физика: олимпиадные задачи"))
    violations = check(plan).violations
    assert [v.code for v in violations] == ["week_max"]
    assert violations[0].params == {"grade": 10, "week": 36, "max": 34}
    six = dataclasses.replace(plan, week_days=6)
    assert check(six).ok
    base = worked_plan("technology", START)
    total = lambda p: sum(i.hours10 + i.hours11 for i in p.items) * 34  # noqa: E731
    assert total(six) - total(base) == 68


def test_the_same_subject_at_two_levels_is_named() -> None:
    """Physics advanced at home and basic at the partner: the subject has one level, so the
    check names the mix (and physics no longer counts as advanced for the profile)."""
    plan = plus(worked_plan("technology"), net("Физика", BASIC, 1, 0))
    assert codes(plan) == ["mixed_level", "advanced_min"]


def test_a_course_outside_the_fgos_subjects_counts_hours_only() -> None:
    """«Робототехника» is no ФГОС subject: it adds hours (here too many) but no subject."""
    base = worked_plan("technology")
    plan = plus(base, net("Робототехника", BASIC, 4, 4, "Робототехника"))
    assert codes(plan) == ["hours_max", "week_max", "week_max"]
    small = plus(base, net("Робототехника", BASIC, 1, 1, "Робототехника"))
    assert check(small).ok


def test_without_the_hosts_subject_the_title_decides() -> None:
    home_only = without(worked_plan("technology"), "Физика")
    plan = plus(home_only, Item("Физика", ADVANCED, 5, 5, NETWORK, None))
    assert check(plan).ok


@pytest.mark.parametrize(("starts", "ends", "expected"), [
    (date(2025, 9, 1), date(2026, 5, 25), (2.0, 0.0)),   # the route's first year: grade 10
    (date(2026, 9, 1), date(2027, 5, 25), (0.0, 2.0)),   # its second year: grade 11
    (date(2025, 9, 1), date(2027, 5, 25), (1.0, 1.0)),   # both years: shared evenly
    (date(2026, 1, 10), date(2026, 12, 20), (1.0, 1.0)),  # a spring and an autumn term
    (date(2024, 9, 1), date(2025, 5, 25), None),         # before the route
    (date(2027, 9, 1), date(2028, 5, 25), None),         # after it
])
def test_network_hours_by_the_courses_dates(starts: date, ends: date,
                                            expected: tuple[float, float] | None) -> None:
    assert network_hours(68, starts, ends, START) == expected


@pytest.mark.parametrize(("grades", "starts", "ends", "expected"), [
    ("10-11", date(2025, 9, 1), date(2027, 5, 25), (1.0, 1.0)),
    ("10", date(2025, 9, 1), date(2027, 5, 25), (1.0, 1.0)),   # enrols in 10, goes on in 11
    ("11", date(2025, 9, 1), date(2027, 5, 25), None),         # in grade 10 when it begins
    ("11", date(2026, 9, 1), date(2027, 5, 25), (0.0, 2.0)),
    ("10", date(2026, 9, 1), date(2027, 5, 25), None),         # in grade 11 by then
    ("9 - 11", date(2025, 9, 1), date(2026, 5, 25), (2.0, 0.0)),
    ("", date(2026, 9, 1), date(2027, 5, 25), (0.0, 2.0)),
    ("старшие", date(2025, 9, 1), date(2026, 5, 25), (2.0, 0.0)),
    ("8-9", date(2025, 9, 1), date(2026, 5, 25), None),
])
def test_a_course_takes_the_grades_it_admits(grades: str, starts: date, ends: date,
                                             expected: tuple[float, float] | None) -> None:
    assert network_hours(68, starts, ends, START, grades) == expected


def test_grades_as_hosts_write_them() -> None:
    assert grades_of("10-11") == {10, 11} and grades_of("9–11") == {9, 10, 11}
    assert grades_of("10, 11") == {10, 11} and grades_of("11") == {11}
    assert grades_of("") is None and grades_of("для всех") is None


def test_network_hours_of_nothing_is_nothing() -> None:
    assert network_hours(0, START, date(2026, 5, 25), START) is None


def test_a_route_starting_on_29_february() -> None:
    assert network_hours(34, date(2024, 3, 1), date(2024, 12, 1), date(2024, 2, 29)) == (1.0,
                                                                                          0.0)


@given(total=st.integers(1, 400), first=st.booleans(), second=st.booleans())
def test_shared_hours_add_up_to_the_course(total: int, first: bool, second: bool) -> None:
    """Whatever the years, the plan counts the course's own hours (to rounding)."""
    if not (first or second):
        first = True
    starts = date(2025, 10, 1) if first else date(2026, 10, 1)
    ends = date(2027, 4, 1) if second else date(2026, 4, 1)
    hours = network_hours(total, starts, ends, START)
    assert hours is not None
    assert abs((hours[0] + hours[1]) * 34 - total) <= 0.35
    assert (hours[0] > 0) == first and (hours[1] > 0) == second
