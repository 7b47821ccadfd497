"""Checking an individual curriculum (ИУП) against a rule set: pure, no I/O, fast.

A plan lists courses with a level and weekly hours in grade 10 and 11. Courses are folded into
ФГОС subjects (алгебра + геометрия + вероятность и статистика = математика) and every rule of
the edition in force on the plan's start date is checked; *all* violations come back at once,
each with a code, the figures and a Russian message that names the rule and a fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import Any

from lti_tool.pathways.editions import (
    BUILT_IN,
    COURSE_SUBJECT,
    PROFILES,
    SUBJECTS,
    Edition,
    Figure,
    ProfileRule,
    Source,
    in_force,
)
from lti_tool.pathways.messages import N_, Capital, Joined, Text

BASIC, ADVANCED = "basic", "advanced"
SUBJECT, ELECTIVE, PROJECT = "subject", "elective", "project"
#: a course of a partner school (lti_tool/exchange): counts like a course of its subject
NETWORK = "network"
LEVELS = {BASIC: "базовый", ADVANCED: "углублённый"}


@dataclass(frozen=True)
class Item:
    """One line of the plan: a course, its level and weekly hours in grades 10 and 11."""

    course: str
    level: str = BASIC
    hours10: float = 0
    hours11: float = 0
    kind: str = SUBJECT  # subject | elective (курс по выбору) | project | network
    #: a network course's subject as its host names it («Физика»): the ФГОС subject it
    #: counts for; None = the course's own name says it (a school's own course)
    subject: str | None = None


@dataclass(frozen=True)
class Plan:
    profile: str
    start: date
    items: tuple[Item, ...]
    week_days: int = 6


class Violation:
    """A rule the plan breaks: its code, its figures and a message naming the rule, the
    figures and a fix. The message (a ``messages.Text``) is made when first read: checking
    a plan against the other editions only needs to know whether it passes."""

    __slots__ = ("code", "params", "_message")

    def __init__(self, code: str, message: str | Callable[[], str],
                 params: dict[str, Any] | None = None) -> None:
        self.code, self.params = code, params or {}
        self._message = message

    @property
    def message(self) -> str:
        if callable(self._message):
            self._message = self._message()
        return self._message

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Violation) and (self.code, self.message, self.params) == (
            other.code, other.message, other.params)

    def __hash__(self) -> int:
        return hash((self.code, self.message))

    def __repr__(self) -> str:
        return f"Violation({self.code!r}, {self.message!r}, {self.params!r})"


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
        out: list[str] = []
        for key, passes in self.elsewhere.items():
            if passes != self.ok:
                out.append(Text(N_("По редакции «%(edition)s» этот план проходит проверку.")
                                if passes else
                                N_("По редакции «%(edition)s» этот план не проходит проверку."),
                                edition=key))
        return out


def subject_of(course: str) -> str | None:
    """The ФГОС subject a course belongs to, or None (an elective course of the school's own)."""
    name = " ".join(course.lower().replace("ё", "е").split())
    return COURSE_SUBJECT.get(name)


def _hours(value: float) -> str:
    return f"{value:g}"


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
        subject = (subject_of(item.subject or item.course) if item.kind in (SUBJECT, NETWORK)
                   else None)
        if subject is not None and (item.hours10 > 0 or item.hours11 > 0):
            levels.setdefault(subject, set()).add(item.level)
    return _Folded(levels, week10, week11, int(project10) + int(project11))


def grades_of(text: str) -> set[int] | None:
    """The grades a host writes for its course («10-11», «11», «10, 11», «9–11»); None when
    it names no grade (then any)."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) == 2 and re.search(r"\d\s*[-–—]\s*\d", text):
        return set(range(min(numbers), max(numbers) + 1))
    return set(numbers) or None


def network_hours(total: float, starts_on: date, ends_on: date, route_start: date,
                  grades: str = "", weeks_per_year: int = 34) -> tuple[float, float] | None:
    """A network course's hours as the plan counts them: weekly hours in grade 10 and 11.

    The course's total hours are shared out evenly over the route's school years (the first
    from ``route_start`` is grade 10, the second grade 11) that the course's dates fall in.
    ``grades`` are who may enrol: the grade the student is in when the course begins must be
    one. None when the course cannot be part of this route."""
    first_end, second_end = _years_on(route_start, 1), _years_on(route_start, 2)
    years = [starts_on < first_end and ends_on >= route_start,
             starts_on < second_end and ends_on >= first_end]
    grade_at_start = 10 if starts_on < first_end else 11
    if not any(years) or total <= 0 or grade_at_start not in (grades_of(grades) or {10, 11}):
        return None
    weekly = round(total / sum(years) / weeks_per_year, 2)
    return (weekly if years[0] else 0.0, weekly if years[1] else 0.0)


def _years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def choose(on: date, national: tuple[Edition, ...] = BUILT_IN,
           regional: tuple[Edition, ...] = ()) -> Edition | None:
    """The edition a school's plan is checked against on a date: its region's edition in force
    then (the latest to take effect), else the national one in force."""
    return in_force(on, regional) or in_force(on, national)


def check(plan: Plan, editions: tuple[Edition, ...] = BUILT_IN,
          regional: tuple[Edition, ...] = ()) -> Verdict:
    """Every violation of the edition in force on ``plan.start``, and how the others judge."""
    edition = choose(plan.start, editions, regional)
    if edition is None:
        return Verdict(None, (Violation(
            "no_edition", Text(N_("На дату %(date)s нет действующей редакции правил; укажите "
                                  "другую дату начала."), date=f"{plan.start:%d.%m.%Y}"),
            {"start": plan.start.isoformat()}),))
    folded = _fold(plan)
    violations = tuple(check_against(plan, edition, folded))
    elsewhere = {e.key: not check_against(plan, e, folded)
                 for e in (*editions, *regional) if e is not edition}
    return Verdict(edition, violations, elsewhere)


def check_against(plan: Plan, edition: Edition, folded: _Folded | None = None
                  ) -> list[Violation]:
    f = folded or _fold(plan)
    out: list[Violation] = []
    name = edition.subject_name
    if plan.profile not in PROFILES:
        out.append(Violation("profile", lambda: Text(
            N_("Профиль «%(profile)s» не предусмотрен; выберите один из: %(options)s."),
            profile=plan.profile, options=Joined([Text(p) for p in PROFILES.values()], "")),
            {}))
    total = round((f.week10 + f.week11) * edition.weeks_per_year, 2)
    low, high = edition.min_hours.value, edition.max_hours.value
    if total < low:
        out.append(Violation("hours_min", lambda: Text(
            N_("Всего за два года %(total)s ч, нужно не менее %(min)s ч. Добавьте %(add)s ч "
               "(курсы по выбору или углублённый уровень)."),
            total=_hours(total), min=low, add=_hours(low - total)), {"total": total, "min": low}))
    if total > high:
        out.append(Violation("hours_max", lambda: Text(
            N_("Всего за два года %(total)s ч, допустимо не более %(max)s ч. Уберите %(cut)s ч."),
            total=_hours(total), max=high, cut=_hours(total - high)),
            {"total": total, "max": high}))
    cap = edition.max_week.get(plan.week_days)
    for grade, week in ((10, f.week10), (11, f.week11)):
        if cap is not None and week > cap.value:
            out.append(Violation("week_max", partial(
                Text, N_("%(grade)s класс: %(week)s ч в неделю, при %(days)s-дневной неделе "
                         "допустимо не более %(max)s ч. Уберите %(cut)s ч."),
                grade=grade, week=_hours(week), days=plan.week_days, max=cap.value,
                cut=_hours(week - cap.value)), {"grade": grade, "week": week, "max": cap.value}))
    count = len([s for s in f.levels if s in SUBJECTS])
    if count < edition.min_subjects.value:
        out.append(Violation("subjects_min", lambda: Text(
            N_("Выбрано предметов: %(count)s, нужно не менее %(min)s."),
            count=count, min=edition.min_subjects.value),
            {"count": count, "min": edition.min_subjects.value}))
    missing = [s for s in edition.mandatory if s not in f.levels]
    if missing:
        out.append(Violation("mandatory", lambda: Text(
            N_("Нет обязательных предметов: %(missing)s. Добавьте их в план."),
            missing=Joined([Text(name(s)) for s in missing], "")), {"missing": missing}))
    mixed = sorted(s for s, lv in f.levels.items() if len(lv) > 1)
    for s in mixed:
        out.append(Violation("mixed_level", partial(
            Text, N_("%(subject)s: курсы предмета выбраны на разных уровнях; выберите один "
                     "уровень для всех его курсов."), subject=Capital(name(s))), {"subject": s}))
    rule = edition.profiles.get(plan.profile)
    if rule is not None and rule.min_advanced.value > 0:
        chosen = [s for s in rule.area if f.levels.get(s) == {"advanced"}]
        need = rule.min_advanced.value
        if len(chosen) < need:
            out.append(Violation("advanced_min", partial(
                _advanced_message, plan.profile, rule.area, chosen, need, name), {
                "count": len(chosen), "min": need,
                "options": [s for s in rule.area if s not in chosen]}))
    first, last = edition.project_years
    if not first <= f.project_years <= last:
        out.append(Violation("project", lambda: Text(
            N_("Нет индивидуального проекта: он обязателен (в течение %(first)s–%(last)s лет). "
               "Добавьте его в 10 или 11 классе."), first=first, last=last),
            {"years": f.project_years}))
    return out


def _advanced_message(profile: str, area: tuple[str, ...], chosen: list[str], need: int,
                      name: Callable[[str], str]) -> Text:
    options = Joined([Text(SUBJECTS[s][1]) for s in area if s not in chosen], N_("или"))
    figures = {"profile": Text(PROFILES[profile]), "need": need, "count": len(chosen),
               "options": options}
    if not chosen:
        return Text(N_("Профиль %(profile)s: нужно не менее %(need)s предметов на углублённом "
                       "уровне, выбран %(count)s. Добавьте %(options)s."), **figures)
    return Text(N_("Профиль %(profile)s: нужно не менее %(need)s предметов на углублённом "
                   "уровне, выбран %(count)s (%(chosen)s). Добавьте %(options)s."),
                chosen=Joined([Text(name(s)) for s in chosen], ""), **figures)


#: The figures a regional edition may change, with the bounds a sane figure stays within.
PARAM_BOUNDS: dict[str, tuple[int, int]] = {
    "min_hours": (1000, 3000), "max_hours": (1000, 3000), "max_week5": (20, 40),
    "max_week6": (20, 40), "min_subjects": (1, len(SUBJECTS)), "min_advanced": (0, 4),
    "project_first": (0, 2), "project_last": (1, 2)}


def params_of(edition: Edition) -> dict[str, Any]:
    """An edition's changeable figures: the starting values of a copy."""
    advanced = max((p.min_advanced.value for p in edition.profiles.values()), default=0)
    return {"min_hours": edition.min_hours.value, "max_hours": edition.max_hours.value,
            "max_week5": edition.max_week[5].value, "max_week6": edition.max_week[6].value,
            "min_subjects": edition.min_subjects.value, "min_advanced": advanced,
            "project_first": edition.project_years[0], "project_last": edition.project_years[1],
            "mandatory": list(edition.mandatory)}


def param_errors(params: dict[str, Any]) -> dict[str, list[str]]:
    """What makes a set of figures impossible together: field → Russian messages."""
    out: dict[str, list[str]] = {}
    if params["min_hours"] > params["max_hours"]:
        out["min_hours"] = [f"Минимум часов больше максимума ({params['min_hours']} > "
                            f"{params['max_hours']})."]
    if params["project_first"] > params["project_last"]:
        out["project_first"] = ["Проект: от больше, чем до."]
    if params["max_week5"] > params["max_week6"]:
        out["max_week5"] = ["При 5-дневной неделе не может быть больше часов, чем при 6-дневной."]
    most = params["max_week6"] * 34 * 2
    if params["min_hours"] > most:
        out.setdefault("min_hours", []).append(
            f"Минимум часов недостижим: при {params['max_week6']} ч в неделю за два года "
            f"не более {most} ч.")
    unknown = [s for s in params["mandatory"] if s not in SUBJECTS]
    if unknown:
        out["mandatory"] = [f"Неизвестные предметы: {', '.join(unknown)}."]
    return out


def derive(base: Edition, params: dict[str, Any], *, key: str, title: str, effective: date,
           source: Source, region: str) -> Edition:
    """A regional edition: ``base`` with the changed figures, each citing the region's act."""
    def fig(value: int) -> Figure:
        return Figure(int(value), source)
    profiles = {k: ProfileRule(fig(0 if k == "universal" else params["min_advanced"]), p.area)
                for k, p in base.profiles.items()}
    return replace(
        base, key=key, title=title, effective=effective, status="in_force",
        min_hours=fig(params["min_hours"]), max_hours=fig(params["max_hours"]),
        max_week={5: fig(params["max_week5"]), 6: fig(params["max_week6"])},
        min_subjects=fig(params["min_subjects"]),
        mandatory=tuple(params["mandatory"]), mandatory_source=source, profiles=profiles,
        project_years=(int(params["project_first"]), int(params["project_last"])),
        project_source=source, region=region, based_on=base.based_on or base.key)
