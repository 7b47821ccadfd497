"""Worked plans: one valid individual curriculum per profile (34 h a week in each grade, so it
passes a 5-day and a 6-day week under every built-in edition). Used by the tests, the demo and
the benchmark, so all three check the same realistic plans."""

from __future__ import annotations

from datetime import date

from lti_tool.pathways.rules import ADVANCED, BASIC, ELECTIVE, PROJECT, Item, Plan

#: course → (hours a week at the basic level, at the advanced level)
_HOURS: dict[str, tuple[int, int]] = {
    "Русский язык": (2, 3), "Литература": (3, 5), "Иностранный язык": (3, 6),
    "Алгебра и начала математического анализа": (2, 4), "Геометрия": (2, 3),
    "Вероятность и статистика": (1, 1), "Информатика": (1, 4), "История": (2, 4),
    "Обществознание": (2, 4), "География": (1, 3), "Физика": (2, 5), "Химия": (1, 3),
    "Биология": (1, 3), "Физическая культура": (2, 2),
    "Основы безопасности и защиты Родины": (1, 1),
}
_MATH = ("Алгебра и начала математического анализа", "Геометрия", "Вероятность и статистика")

#: profile → (advanced courses, electives with hours a week)
PROFILE_CHOICES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, int], ...]]] = {
    "technology": (_MATH + ("Физика",), (("Черчение", 1),)),
    "science": (("Химия", "Биология"), (("Решение задач по химии", 1),
                                        ("Медицинская биология", 2))),
    "humanities": (("Литература", "История"), (("Риторика", 1),
                                                ("Мировая художественная культура", 2))),
    "socioeconomic": (_MATH + ("Обществознание",), (("Финансовая грамотность", 2),)),
    "agro": (("Биология", "Химия"), (("Основы агрономии", 3),)),
    "universal": (("Иностранный язык",), (("Финансовая грамотность", 1), ("Психология", 1),
                                          ("Черчение", 2))),
}


def worked_plan(profile: str, start: date = date(2025, 9, 1), week_days: int = 6) -> Plan:
    advanced, electives = PROFILE_CHOICES[profile]
    items = [Item(course, ADVANCED if course in advanced else BASIC,
                  *(2 * (hours[1 if course in advanced else 0],)))
             for course, hours in _HOURS.items()]
    items += [Item(name, BASIC, h, h, ELECTIVE) for name, h in electives]
    items.append(Item("Индивидуальный проект", BASIC, 1, 1, PROJECT))
    return Plan(profile, start, tuple(items), week_days)
