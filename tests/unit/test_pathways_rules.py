"""Curriculum rules: a worked valid plan per profile, an invalid variant per rule, editions
by date, and properties that hold for any plan (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lti_tool.pathways import editions
from lti_tool.pathways.editions import BUILT_IN, PROFILES, in_force
from lti_tool.pathways.examples import PROFILE_CHOICES, worked_plan
from lti_tool.pathways.rules import (
    ADVANCED,
    BASIC,
    ELECTIVE,
    PROJECT,
    SUBJECT,
    Item,
    Plan,
    check,
    subject_of,
)


def codes(plan: Plan) -> list[str]:
    return [v.code for v in check(plan).violations]


def without(plan: Plan, *courses: str) -> Plan:
    return dataclasses.replace(plan, items=tuple(i for i in plan.items if i.course not in courses))


def changed(plan: Plan, course: str, **kw: object) -> Plan:
    return dataclasses.replace(plan, items=tuple(
        dataclasses.replace(i, **kw) if i.course == course else i for i in plan.items))


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("start", [date(2023, 9, 1), date(2025, 9, 1), date(2027, 9, 1)])
@pytest.mark.parametrize("week_days", [5, 6])
def test_worked_plan_per_profile_passes(profile: str, start: date, week_days: int) -> None:
    verdict = check(worked_plan(profile, start, week_days))
    assert verdict.ok, [v.message for v in verdict.violations]
    assert all(verdict.elsewhere.values())


def test_every_profile_has_a_worked_plan() -> None:
    assert set(PROFILE_CHOICES) == set(PROFILES) and len(PROFILES) == 6


def test_editions_apply_by_start_date() -> None:
    assert in_force(date(2023, 8, 31)) is None
    assert in_force(date(2023, 9, 1)).key == "fgos-732"  # type: ignore[union-attr]
    assert in_force(date(2024, 8, 31)).key == "fgos-732"  # type: ignore[union-attr]
    assert in_force(date(2024, 9, 1)).key == "fop-371"  # type: ignore[union-attr]
    assert in_force(date(2027, 9, 1)).key == "draft-2027"  # type: ignore[union-attr]
    verdict = check(worked_plan("technology", date(2020, 9, 1)))
    assert not verdict.ok and verdict.violations[0].code == "no_edition"
    assert "01.09.2020" in verdict.violations[0].message


def test_every_figure_has_a_source_and_certainty() -> None:
    for edition in BUILT_IN:
        figures = [edition.min_hours, edition.max_hours, edition.min_subjects,
                   *edition.max_week.values(), *(p.min_advanced for p in edition.profiles.values())]
        for figure in figures:
            assert figure.source.act and figure.source.certainty in {
                "act", "secondary", "recalled", "assumed"}
        assert edition.max_hours.value == 2516
        assert edition.max_week[6].value == 37 and edition.max_week[5].value == 34
        assert edition.min_subjects.value == 13
        assert set(edition.profiles) == set(PROFILES)
    assert editions.FGOS_2022.min_hours.value != editions.FOP_2024.min_hours.value


def test_courses_fold_into_subjects() -> None:
    assert {subject_of(c) for c in ("Алгебра", "геометрия", "Вероятность  и статистика",
                                    "Математика")} == {"math"}
    assert subject_of("ОБЖ") == subject_of("ОБЗР") == "safety"
    assert subject_of("Черчение") is None


# --- one invalid variant per rule -------------------------------------------------------------

def test_too_few_hours() -> None:
    plan = without(worked_plan("universal"), "Психология", "Черчение", "Финансовая грамотность")
    verdict = check(plan)
    assert [v.code for v in verdict.violations] == ["hours_min"]
    assert "нужно не менее 2312 ч" in verdict.violations[0].message


def test_too_many_hours_and_week() -> None:
    plan = worked_plan("technology")
    plan = dataclasses.replace(plan, items=plan.items + (Item("Астрономия", BASIC, 4, 4,
                                                              ELECTIVE),))
    assert sorted(codes(plan)) == ["hours_max", "week_max", "week_max"]
    five = dataclasses.replace(worked_plan("technology"), week_days=5)
    five = dataclasses.replace(five, items=five.items + (Item("Астрономия", BASIC, 1, 0,
                                                              ELECTIVE),))
    verdict = check(five)
    assert [v.code for v in verdict.violations] == ["week_max"]
    assert "5-дневной неделе допустимо не более 34 ч" in verdict.violations[0].message


def test_missing_mandatory_subject_and_count() -> None:
    plan = without(worked_plan("science"), "География")
    verdict = check(plan)
    assert {v.code for v in verdict.violations} >= {"mandatory", "subjects_min"}
    message = next(v.message for v in verdict.violations if v.code == "mandatory")
    assert "география" in message


def test_obzh_is_named_by_edition() -> None:
    old = check(without(worked_plan("science", date(2023, 9, 1)),
                        "Основы безопасности и защиты Родины"))
    new = check(without(worked_plan("science", date(2025, 9, 1)),
                        "Основы безопасности и защиты Родины"))
    assert any("основы безопасности жизнедеятельности" in v.message for v in old.violations)
    assert any("защиты Родины" in v.message for v in new.violations)


def test_advanced_minimum_names_the_fix_and_the_draft_drops_it() -> None:
    plan = changed(worked_plan("technology"), "Физика", level=BASIC, hours10=2, hours11=2)
    plan = dataclasses.replace(plan, items=plan.items + (Item("Робототехника", BASIC, 3, 3,
                                                              ELECTIVE),))
    verdict = check(plan)
    assert [v.message for v in verdict.violations] == [
        "Профиль технологический: нужно не менее 2 предметов на углублённом уровне, выбран 1 "
        "(математика). Добавьте физику или информатику."]
    assert verdict.elsewhere == {"fgos-732": False, "draft-2027": True}
    assert "По редакции «draft-2027» этот план проходит проверку." in verdict.notes()
    assert check(dataclasses.replace(plan, start=date(2027, 9, 1))).ok


def test_universal_profile_needs_no_advanced() -> None:
    plan = changed(worked_plan("universal"), "Иностранный язык", level=BASIC, hours10=3,
                   hours11=3)
    plan = dataclasses.replace(plan, items=plan.items + (Item("Дебаты", BASIC, 3, 3,
                                                              ELECTIVE),))
    assert check(plan).ok


def test_mixed_levels_within_a_subject() -> None:
    plan = changed(worked_plan("technology"), "Геометрия", level=BASIC, hours10=3, hours11=3)
    assert "mixed_level" in codes(plan)


def test_individual_project_is_mandatory() -> None:
    plan = changed(worked_plan("agro"), "Индивидуальный проект", hours10=0, hours11=0)
    plan = dataclasses.replace(plan, items=plan.items + (Item("Экология", BASIC, 1, 1,
                                                              ELECTIVE),))
    verdict = check(plan)
    assert [v.code for v in verdict.violations] == ["project"]
    one_year = changed(worked_plan("agro"), "Индивидуальный проект", hours10=2, hours11=0)
    assert check(one_year).ok


def test_unknown_profile() -> None:
    assert "profile" in codes(dataclasses.replace(worked_plan("agro"), profile="космический"))


# --- properties -------------------------------------------------------------------------------

COURSES = sorted(editions.COURSE_SUBJECT) + ["Черчение", "Риторика"]
items = st.builds(Item, st.sampled_from(COURSES), st.sampled_from([BASIC, ADVANCED]),
                  st.integers(0, 8), st.integers(0, 8),
                  st.sampled_from([SUBJECT, SUBJECT, ELECTIVE, PROJECT]))
plans = st.builds(Plan, st.sampled_from(sorted(PROFILES) + ["x"]),
                  st.dates(date(2022, 1, 1), date(2030, 1, 1)),
                  st.lists(items, max_size=25).map(tuple), st.sampled_from([5, 6]))


@settings(max_examples=300, deadline=None)
@given(plans)
def test_any_plan_gets_russian_messages(plan: Plan) -> None:
    verdict = check(plan)
    assert verdict.ok == (verdict.edition is not None and not verdict.violations)
    for v in verdict.violations:
        assert v.message and any("а" <= ch <= "я" for ch in v.message.lower())


@settings(max_examples=200, deadline=None)
@given(plans, st.randoms())
def test_order_of_lines_does_not_matter(plan: Plan, rnd: object) -> None:
    shuffled = list(plan.items)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert check(plan).violations == check(dataclasses.replace(plan, items=tuple(shuffled))
                                           ).violations


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(PROFILES)), st.dates(date(2023, 9, 1), date(2031, 1, 1)),
       st.integers(0, 14))
def test_splitting_a_line_changes_nothing(profile: str, start: date, index: int) -> None:
    plan = worked_plan(profile, start)
    target = plan.items[index]
    split = (dataclasses.replace(target, hours10=1, hours11=1),
             dataclasses.replace(target, hours10=target.hours10 - 1,
                                 hours11=target.hours11 - 1))
    rest = plan.items[:index] + plan.items[index + 1:]
    assert check(dataclasses.replace(plan, items=split + rest)).ok


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(PROFILES)), st.dates(date(2023, 9, 1), date(2031, 1, 1)),
       st.sampled_from(editions.FOP_2024.mandatory))
def test_dropping_a_mandatory_subject_is_always_named(profile: str, start: date,
                                                      subject: str) -> None:
    plan = worked_plan(profile, start)
    plan = dataclasses.replace(plan, items=tuple(
        i for i in plan.items if subject_of(i.course) != subject))
    verdict = check(plan)
    mandatory = [v for v in verdict.violations if v.code == "mandatory"]
    assert mandatory and subject in mandatory[0].params["missing"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(PROFILES)), st.dates(date(2023, 9, 1), date(2031, 1, 1)),
       st.integers(1, 10), st.sampled_from([5, 6]))
def test_extra_weekly_hours_over_the_cap_are_refused(profile: str, start: date, extra: int,
                                                     week_days: int) -> None:
    plan = worked_plan(profile, start, week_days)
    cap = 37 if week_days == 6 else 34
    plan = dataclasses.replace(plan, items=plan.items + (
        Item("Черчение", BASIC, cap - 34 + extra, 0, ELECTIVE),))
    assert "week_max" in codes(plan)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(PROFILES)), st.integers(0, 2000))
def test_verdict_depends_only_on_the_edition_in_force(profile: str, days: int) -> None:
    start = date(2023, 9, 1) + timedelta(days=days)
    edition = in_force(start)
    assert edition is not None
    assert check(worked_plan(profile, start)).edition is edition
