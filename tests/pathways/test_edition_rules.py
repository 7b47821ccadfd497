"""The pure part of regional editions, without a database: which edition a plan is checked
against, which figures are refused together, and a copy that changes only what it says."""

from __future__ import annotations

from datetime import date

from lti_tool.pathways.editions import BUILT_IN, FOP_2024, Source
from lti_tool.pathways.examples import worked_plan
from lti_tool.pathways.rules import check, choose, derive, param_errors, params_of

SOURCE = Source("Приказ министерства образования области № 1 от 01.06.2025", "", "act")


def regional(effective: date, **changes: object) -> object:
    return derive(FOP_2024, {**params_of(FOP_2024), **changes}, key=f"region-{effective}",
                  title="Региональная", effective=effective, source=SOURCE, region="Область")


def test_region_in_force_wins_else_national() -> None:
    early, late = regional(date(2025, 9, 1)), regional(date(2026, 9, 1))
    both = (early, late)
    assert choose(date(2025, 8, 31), BUILT_IN, both) is FOP_2024  # not yet: national
    assert choose(date(2025, 9, 1), BUILT_IN, both) is early
    assert choose(date(2027, 1, 10), BUILT_IN, both) is late  # the newer supersedes
    assert choose(date(2025, 9, 1), BUILT_IN, ()) is FOP_2024


def test_check_reads_the_regions_figures() -> None:
    plan = worked_plan("technology")
    assert check(plan).ok
    strict = regional(plan.start, min_hours=2600, max_hours=2700, max_week6=40)
    verdict = check(plan, BUILT_IN, (strict,))
    assert verdict.edition is strict
    assert [v.code for v in verdict.violations] == ["hours_min"]
    assert verdict.elsewhere[FOP_2024.key] is True  # the national edition would pass it


def test_copy_keeps_what_it_does_not_change() -> None:
    copy = regional(date(2025, 9, 1), min_subjects=12)
    assert copy.min_subjects.value == 12 and copy.min_subjects.source is SOURCE
    assert copy.mandatory == FOP_2024.mandatory and copy.based_on == FOP_2024.key
    assert params_of(copy) == {**params_of(FOP_2024), "min_subjects": 12}
    assert FOP_2024.min_subjects.value == 13  # the national edition is untouched


def test_figures_that_cannot_hold_together_are_named() -> None:
    good = params_of(FOP_2024)
    assert param_errors(good) == {}
    errors = param_errors({**good, "min_hours": 2600, "max_hours": 2500})
    assert list(errors) == ["min_hours"] and "больше максимума" in errors["min_hours"][0]
    assert "project_first" in param_errors({**good, "project_first": 2, "project_last": 1})
    assert "max_week5" in param_errors({**good, "max_week5": 38, "max_week6": 37})
    assert "недостижим" in param_errors({**good, "min_hours": 2600, "max_hours": 2700,
                                         "max_week6": 36})["min_hours"][0]
    assert "mandatory" in param_errors({**good, "mandatory": ["astronomy"]})
