"""The sandbox Moodle's data and switches: a school's courses, people, assignments, grades.

Seeded deterministically (same ids every run) so tests and the demo can name them. Faults
are plain attributes a test flips: ``fail_status`` (answer every call with that HTTP status),
``slow_seconds``, ``malformed``, ``maintenance``, ``locked``/``multiple`` activities and
``failing_students`` (their grade updates fail, as ``grade_update`` does for a bad grade),
``force_update_code`` (any GRADE_UPDATE_* code, e.g. 3 as Moodle 2.x answered).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

SITE_COURSE_ID = 1
TOKEN = "sandbox-moodle-token"
RESTRICTED_TOKEN = "sandbox-readonly-token"  # may not call core_grades_update_grades


@dataclass
class Course:
    id: int
    shortname: str
    fullname: str
    startdate: int
    categoryid: int = 2
    format: str = "topics"


@dataclass
class User:
    id: int
    username: str
    firstname: str
    lastname: str
    email: str
    middlename: str = ""


@dataclass
class Activity:
    """A course module with a grade item (``modname`` assign or quiz)."""

    cmid: int
    instance: int
    course: int
    name: str
    modname: str = "assign"
    duedate: int = 0
    grademax: float = 5.0
    grademin: float = 0.0
    itemid: int = 0


@dataclass
class Grade:
    value: float | None
    feedback: str = ""
    dategraded: int = 0


@dataclass
class MoodleState:
    sitename: str = "Moodle МБОУ «Средняя школа №37»"
    release: str = "4.3.3 (Build: 20240212)"
    tokens: dict[str, frozenset[str] | None] = field(default_factory=lambda: {
        TOKEN: None,
        RESTRICTED_TOKEN: frozenset({"core_webservice_get_site_info", "core_course_get_courses",
                                     "core_enrol_get_enrolled_users"}),
    })
    courses: dict[int, Course] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    roles: dict[tuple[int, int], str] = field(default_factory=dict)  # (course, user) → shortname
    suspended: set[tuple[int, int]] = field(default_factory=set)  # (course, user)
    activities: dict[int, Activity] = field(default_factory=dict)  # by cmid
    grades: dict[tuple[int, int], Grade] = field(default_factory=dict)  # (cmid, user)
    # switches
    max_input_vars: int = 1000
    fail_status: int | None = None
    slow_seconds: float = 0.0
    malformed: bool = False
    maintenance: bool = False
    locked: set[int] = field(default_factory=set)  # cmids
    multiple: set[int] = field(default_factory=set)  # cmids with two items per itemnumber
    failing_students: set[int] = field(default_factory=set)
    force_update_code: int | None = None  # answer core_grades_update_grades with this code
    # what arrived: (function, number of POST variables PHP kept, number sent)
    calls: list[tuple[str, int, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def course_users(self, course_id: int) -> list[User]:
        ids = sorted(u for (c, u) in self.roles if c == course_id)
        return [self.users[u] for u in ids]

    def course_activities(self, course_id: int) -> list[Activity]:
        return [a for a in self.activities.values() if a.course == course_id]


_FAMILY = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
           "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
           "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев"]
_MALE = ["Александр", "Максим", "Иван", "Артём", "Дмитрий", "Никита", "Михаил", "Егор"]
_FEMALE = ["Анна", "Мария", "Софья", "Виктория", "Полина", "Елизавета", "Дарья", "Ксения"]
_PATRONYMIC = ["Александров", "Сергеев", "Андреев", "Викторов", "Олегов", "Игорев"]


def _person(rng: random.Random, uid: int, prefix: str) -> User:
    male = rng.random() < 0.5
    family = rng.choice(_FAMILY) + ("" if male else "а")
    given = rng.choice(_MALE if male else _FEMALE)
    middle = rng.choice(_PATRONYMIC) + ("ич" if male else "на")
    return User(uid, f"{prefix}{uid}", given, family, f"{prefix}{uid}@school37.example",
                middle)


def _ts(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, 9, 0, tzinfo=UTC).timestamp())


def seeded(students_per_class: int = 28, year: int = 2026) -> MoodleState:
    """Two classes (10А, 11Б), four subject courses, teachers, assignments, some grades."""
    rng = random.Random(37)
    state = MoodleState()
    state.courses[SITE_COURSE_ID] = Course(SITE_COURSE_ID, "school37", state.sitename,
                                           0, 0, "site")
    subjects = [("Физика", "10А"), ("Алгебра", "10А"), ("Информатика", "11Б"),
                ("Литература", "11Б")]
    start = _ts(year, 9, 1)
    uid, cmid = 100, 500
    teachers: dict[str, User] = {}
    for name in ("Физика", "Алгебра", "Информатика", "Литература"):
        uid += 1
        teachers[name] = _person(rng, uid, "teacher")
        state.users[uid] = teachers[name]
    pupils: dict[str, list[User]] = {}
    for form in ("10А", "11Б"):
        pupils[form] = []
        for _ in range(students_per_class):
            uid += 1
            state.users[uid] = _person(rng, uid, "student")
            pupils[form].append(state.users[uid])
    for index, (subject, form) in enumerate(subjects, start=2):
        course = Course(index, f"{subject[:4].lower()}-{form}", f"{subject}, {form}", start)
        state.courses[course.id] = course
        state.roles[(course.id, teachers[subject].id)] = "editingteacher"
        for pupil in pupils[form]:
            state.roles[(course.id, pupil.id)] = "student"
        for number in range(1, 5):
            cmid += 1
            due = _ts(year, 9, 7 * number + 1)
            kind = "quiz" if number == 4 else "assign"
            title = f"Тест {number}" if kind == "quiz" else f"Домашнее задание {number}"
            activity = Activity(cmid, cmid - 400, course.id, title, kind,
                                duedate=due if kind == "assign" else 0,
                                grademax=5.0 if number != 3 else 100.0, itemid=cmid + 1000)
            state.activities[cmid] = activity
            for pupil in pupils[form]:
                if rng.random() < 0.8:
                    top = int(activity.grademax)
                    value = rng.randint(2, 5) if top == 5 else rng.randint(30, 100)
                    state.grades[(cmid, pupil.id)] = Grade(float(value), "", due + 86400)
    return state
