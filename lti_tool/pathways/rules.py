"""Checking an individual curriculum (ИУП) against a rule set: pure, no I/O, fast.

A plan lists courses with a level and weekly hours in grade 10 and 11. Courses are folded into
ФГОС subjects (алгебра + геометрия + вероятность и статистика = математика) and every rule of
the edition in force on the plan's start date is checked; *all* violations come back at once,
each with a code, the figures and a Russian message that names the rule and a fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lti_tool.pathways.editions import (
    BUILT_IN,
    COURSE_SUBJECT,
    PROFILES,
    SUBJECTS,
    Edition,
    in_force,
)

BASIC, ADVANCED = "basic", "advanced"
SUBJECT, ELECTIVE, PROJECT = "subject", "elective", "project"
LEVELS = {BASIC: "базовый", ADVANCED: "углублённый"}


@dataclass(frozen=True)
class Item:
    """One line of the plan: a course, its level and weekly hours in grades 10 and 11."""

    course: str
    level: str = BASIC
    hours10: float = 0
    hours11: float = 0
    kind: str = SUBJECT  # subject | elective (курс по выбору) | project (индивидуальный проект)


@dataclass(frozen=True)
class Plan:
    profile: str
    start: date
    items: tuple[Item, ...]
    week_days: int = 6


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    edition: Edition | None
    violations: tuple[Violation, ...]
    #: other editions' outcome for the same plan: key → passes (the plan is kept for years)
    elsewhere: dict[str, bool] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.edition is not None and not self.violations

    def notes(self) -> list[str]:
        """«passes one edition and fails another», in words."""
        if self.edition is None:
            return []
        out = []
        for key, passes in self.elsewhere.items():
            if passes != self.ok:
                verb = "проходит" if passes else "не проходит"
                out.append(f"По редакции «{key}» этот план {verb} проверку.")
        return out


def subject_of(course: str) -> str | None:
    """The ФГОС subject a course belongs to, or None (an elective course of the school's own)."""
    name = " ".join(course.lower().replace("ё", "е").split())
    return COURSE_SUBJECT.get(name)


def _hours(value: float) -> str:
    return f"{value:g}"


def _join(names: Iterable[str], last: str = "и") -> str:
    items = list(names)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


@dataclass
class _Folded:
    levels: dict[str, set[str]]  # subject → levels of its courses
    week10: float
    week11: float
    project_years: int


def _fold(plan: Plan) -> _Folded:
    levels: dict[str, set[str]] = {}
    week10 = week11 = 0.0
    project10 = project11 = False
    for item in plan.items:
        week10 += item.hours10
        week11 += item.hours11
        if item.kind == PROJECT:
            project10 |= item.hours10 > 0
            project11 |= item.hours11 > 0
            continue
        subject = subject_of(item.course) if item.kind == SUBJECT else None
        if subject is not None and (item.hours10 > 0 or item.hours11 > 0):
            levels.setdefault(subject, set()).add(item.level)
    return _Folded(levels, week10, week11, int(project10) + int(project11))


def check(plan: Plan, editions: tuple[Edition, ...] = BUILT_IN) -> Verdict:
    """Every violation of the edition in force on ``plan.start``, and how the others judge."""
    edition = in_force(plan.start, editions)
    if edition is None:
        return Verdict(None, (Violation(
            "no_edition", f"На дату {plan.start:%d.%m.%Y} нет действующей редакции правил; "
            "укажите другую дату начала.", {"start": plan.start.isoformat()}),))
    folded = _fold(plan)
    violations = tuple(check_against(plan, edition, folded))
    elsewhere = {e.key: not check_against(plan, e, folded) for e in editions if e is not edition}
    return Verdict(edition, violations, elsewhere)


def check_against(plan: Plan, edition: Edition, folded: _Folded | None = None
                  ) -> list[Violation]:
    f = folded or _fold(plan)
    out: list[Violation] = []
    name = edition.subject_name
    if plan.profile not in PROFILES:
        out.append(Violation("profile", f"Профиль «{plan.profile}» не предусмотрен; выберите "
                             f"один из: {', '.join(PROFILES.values())}.", {}))
    total = round((f.week10 + f.week11) * edition.weeks_per_year, 2)
    low, high = edition.min_hours.value, edition.max_hours.value
    if total < low:
        out.append(Violation("hours_min", f"Всего за два года {_hours(total)} ч, нужно не менее "
                             f"{low} ч. Добавьте {_hours(low - total)} ч (курсы по выбору или "
                             "углублённый уровень).", {"total": total, "min": low}))
    if total > high:
        out.append(Violation("hours_max", f"Всего за два года {_hours(total)} ч, допустимо не "
                             f"более {high} ч. Уберите {_hours(total - high)} ч.",
                             {"total": total, "max": high}))
    cap = edition.max_week.get(plan.week_days)
    for grade, week in ((10, f.week10), (11, f.week11)):
        if cap is not None and week > cap.value:
            out.append(Violation(
                "week_max", f"{grade} класс: {_hours(week)} ч в неделю, при {plan.week_days}-"
                f"дневной неделе допустимо не более {cap.value} ч. Уберите "
                f"{_hours(week - cap.value)} ч.", {"grade": grade, "week": week, "max": cap.value}))
    count = len([s for s in f.levels if s in SUBJECTS])
    if count < edition.min_subjects.value:
        out.append(Violation("subjects_min", f"Выбрано предметов: {count}, нужно не менее "
                             f"{edition.min_subjects.value}.",
                             {"count": count, "min": edition.min_subjects.value}))
    missing = [s for s in edition.mandatory if s not in f.levels]
    if missing:
        out.append(Violation("mandatory", "Нет обязательных предметов: "
                             f"{', '.join(name(s) for s in missing)}. Добавьте их в план.",
                             {"missing": missing}))
    mixed = sorted(s for s, lv in f.levels.items() if len(lv) > 1)
    for s in mixed:
        out.append(Violation("mixed_level", f"{name(s).capitalize()}: курсы предмета выбраны на "
                             "разных уровнях; выберите один уровень для всех его курсов.",
                             {"subject": s}))
    rule = edition.profiles.get(plan.profile)
    if rule is not None and rule.min_advanced.value > 0:
        chosen = [s for s in rule.area if f.levels.get(s) == {"advanced"}]
        need = rule.min_advanced.value
        if len(chosen) < need:
            options = [SUBJECTS[s][1] for s in rule.area if s not in chosen]
            picked = f" ({', '.join(name(s) for s in chosen)})" if chosen else ""
            out.append(Violation(
                "advanced_min", f"Профиль {PROFILES[plan.profile]}: нужно не менее {need} "
                f"предметов на углублённом уровне, выбран {len(chosen)}{picked}. Добавьте "
                f"{_join(options, 'или')}.", {"count": len(chosen), "min": need,
                                               "options": [s for s in rule.area
                                                           if s not in chosen]}))
    first, last = edition.project_years
    if not first <= f.project_years <= last:
        out.append(Violation("project", "Нет индивидуального проекта: он обязателен (в течение "
                             f"{first}–{last} лет). Добавьте его в 10 или 11 классе.",
                             {"years": f.project_years}))
    return out
