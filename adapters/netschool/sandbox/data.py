"""Deterministic demo world of the Сетевой город sandbox: schools, people, a school year.

Written by hand because no library generates a Russian school's journal. Everything comes
from one seed: the same seed gives the same ids, names and marks on every machine, so tests
and benchmarks can name a student or a mark. Weeks are generated lazily per (class, week)
and cached, so a sync of 300+ students over a whole year only pays for the weeks it reads.

Ids are encoded so that an assignment id tells its class and week (``class·10⁶ + week·10⁴ +
weekday·10³ + lesson·10 + kind``): the control API can change a mark without an index.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

DEMO_PASSWORD = "Маршрут2026"  # every demo account; Cyrillic, so cp1251 hashing is exercised

SUBJECTS: tuple[tuple[str, int], ...] = (  # name, lessons a week (30 in all)
    ("Русский язык", 3), ("Литература", 3), ("Алгебра", 3), ("Геометрия", 2), ("Физика", 2),
    ("Химия", 1), ("Биология", 1), ("История", 2), ("Обществознание", 2), ("География", 1),
    ("Английский язык", 3), ("Информатика", 2), ("Физическая культура", 3), ("ОБЗР", 1),
    ("Вероятность и статистика", 1),
)
# id, name, abbreviation, weight given to assignments of this type (whole numbers, as the
# servers send them: netschoolpy rejects 1.5)
ASSIGNMENT_TYPES: tuple[tuple[int, str, str, int], ...] = (
    (1, "Контрольная работа", "КР", 3),
    (2, "Самостоятельная работа", "СР", 2),
    (3, "Домашнее задание", "ДЗ", 1),
    (4, "Ответ на уроке", "О", 1),
    (5, "Лабораторная работа", "ЛР", 2),
    (6, "Проверочная работа", "ПрР", 2),
    (7, "Сочинение", "Соч", 3),
    (8, "Зачёт", "З", 3),
    (9, "Тест", "Т", 1),
    (10, "Проект", "П", 2),
)
TYPE_BY_ID = {t[0]: t for t in ASSIGNMENT_TYPES}
KIND_HOMEWORK, KIND_ANSWER, KIND_TEST = 1, 2, 3
LESSON_TIMES = ("08:30", "09:25", "10:30", "11:35", "12:40", "13:35", "14:30")
ABSENCE = ("Н", "Б", "УП", "НП")

_MALE_LAST = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
              "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
              "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
              "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов")
_MALE_FIRST = ("Александр", "Дмитрий", "Максим", "Иван", "Артём", "Никита", "Михаил",
               "Егор", "Кирилл", "Матвей", "Андрей", "Илья", "Алексей", "Роман", "Сергей")
_FEMALE_FIRST = ("Анастасия", "Мария", "Дарья", "Анна", "Елизавета", "Полина", "Виктория",
                 "Екатерина", "Софья", "Александра", "Варвара", "Ксения", "Алиса", "Вера")
_FATHERS = ("Александров", "Сергеев", "Андреев", "Дмитриев", "Алексеев", "Николаев",
            "Владимиров", "Михайлов", "Игорев", "Олегов", "Викторов", "Петров")


@dataclass
class Person:
    id: int
    last: str
    first: str
    middle: str
    login: str
    school_id: int
    role: str  # student | parent | teacher | admin

    @property
    def name(self) -> str:
        return f"{self.last} {self.first} {self.middle}"

    @property
    def nick(self) -> str:
        return f"{self.last} {self.first}"


@dataclass
class SchoolClass:
    id: int
    name: str
    grade: int
    school_id: int
    students: list[int] = field(default_factory=list)
    slots: list[list[str]] = field(default_factory=list)  # weekday -> subjects by lesson


@dataclass
class School:
    id: int
    short_name: str
    full_name: str
    city: str
    province_id: int
    city_id: int
    address: str
    director: str
    classes: list[int] = field(default_factory=list)
    admin_login: str = ""


@dataclass
class Lesson:
    day: date
    number: int
    subject: str
    meeting_id: int
    assignments: list[tuple[int, int, str, int]]  # id, type id, name, weight


@dataclass
class Week:
    lessons: list[Lesson]
    marks: dict[tuple[int, int], tuple[Any, bool]]  # (assignment, student) -> (mark, debt)


def school_year(start_year: int) -> tuple[date, date]:
    return date(start_year, 9, 1), date(start_year + 1, 5, 31)


def terms(start_year: int) -> list[tuple[int, str, date, date]]:
    y = start_year
    return [(start_year * 10 + 1, "1 четверть", date(y, 9, 1), date(y, 10, 25)),
            (start_year * 10 + 2, "2 четверть", date(y, 11, 5), date(y, 12, 28)),
            (start_year * 10 + 3, "3 четверть", date(y + 1, 1, 12), date(y + 1, 3, 22)),
            (start_year * 10 + 4, "4 четверть", date(y + 1, 4, 1), date(y + 1, 5, 31))]


def _person(rng: random.Random, pid: int, school_id: int, role: str, prefix: str,
            female: bool | None = None, last: str | None = None) -> Person:
    female = rng.random() < 0.5 if female is None else female
    base_last = last or rng.choice(_MALE_LAST)
    father = rng.choice(_FATHERS)
    if female:
        return Person(pid, base_last + "а", rng.choice(_FEMALE_FIRST), father + "на",
                      f"{prefix}{pid}", school_id, role)
    return Person(pid, base_last, rng.choice(_MALE_FIRST), father + "ич", f"{prefix}{pid}",
                  school_id, role)


class World:
    """All demo data of one sandbox; weeks are built on first read and cached."""

    def __init__(self, seed: int = 37, start_year: int = 2026,
                 sizes: tuple[tuple[int, int], ...] = ((6, 26), (2, 20), (1, 12))) -> None:
        self.seed, self.start_year = seed, start_year
        self.year_start, self.year_end = school_year(start_year)
        self.year_id = start_year * 10
        self.terms = terms(start_year)
        self.schools: dict[int, School] = {}
        self.classes: dict[int, SchoolClass] = {}
        self.people: dict[int, Person] = {}
        self.parents_of: dict[int, list[int]] = {}  # student -> parents
        self.children_of: dict[int, list[int]] = {}  # parent -> students
        self.teachers: dict[tuple[int, str], int] = {}  # (school, subject) -> teacher
        self.ability: dict[int, float] = {}
        self.class_id_of: dict[int, int] = {}  # student -> class
        self._weeks: dict[tuple[int, int], Week] = {}
        self._lock = threading.Lock()
        self._build(sizes)

    # --- the roster ---------------------------------------------------------------------

    def _build(self, sizes: tuple[tuple[int, int], ...]) -> None:
        rng = random.Random(self.seed)
        specs = (("МБОУ СОШ №37", "Кострома", "г. Кострома, ул. Советская, д. 37"),
                 ("МБОУ Лицей №1", "Кострома", "г. Кострома, пр. Мира, д. 1"),
                 ("МКОУ Ивановская СОШ", "с. Ивановское", "Костромская обл., с. Ивановское"))
        next_id = 10000
        for n, ((short, city, address), (per_grade, size)) in enumerate(
                zip(specs, sizes, strict=False)):
            sid = 1001 + n
            director = _person(rng, 0, sid, "admin", "")
            school = School(sid, short, f"Муниципальное образовательное учреждение «{short}»",
                            city, 44, 440 + n, address, director.name,
                            admin_login=f"zavuch{sid}")
            self.schools[sid] = school
            next_id += 1
            admin = Person(next_id, "Завучева", "Ольга", "Петровна", school.admin_login, sid,
                           "admin")
            self.people[admin.id] = admin
            for subject, _ in SUBJECTS:
                next_id += 1
                teacher = _person(rng, next_id, sid, "teacher", "t")
                self.people[teacher.id] = teacher
                self.teachers[(sid, subject)] = teacher.id
            families: list[int] = []
            for grade in (10, 11):
                for letter in "АБВГДЕ"[:per_grade]:
                    cid = 200 + len(self.classes) + 1
                    klass = SchoolClass(cid, f"{grade}{letter}", grade, sid)
                    klass.slots = self._timetable(rng)
                    self.classes[cid] = klass
                    school.classes.append(cid)
                    for _ in range(size):
                        next_id += 1
                        student = _person(rng, next_id, sid, "student", "s")
                        self.people[student.id] = student
                        klass.students.append(student.id)
                        self.class_id_of[student.id] = cid
                        self.ability[student.id] = rng.uniform(3.0, 4.8)
                        if families and rng.random() < 0.12:  # a sibling of an earlier student
                            parent_id = rng.choice(families[-40:])
                            if len(self.children_of[parent_id]) >= 3:
                                parent_id = 0
                        else:
                            parent_id = 0
                        if not parent_id:
                            next_id += 1
                            parent = _person(rng, next_id, sid, "parent", "p", female=True,
                                             last=student.last.removesuffix("а"))
                            self.people[parent.id] = parent
                            self.children_of[parent.id] = []
                            families.append(parent.id)
                            parent_id = parent.id
                        self.children_of[parent_id].append(student.id)
                        self.parents_of[student.id] = [parent_id]

    @staticmethod
    def _timetable(rng: random.Random) -> list[list[str]]:
        lessons = [name for name, hours in SUBJECTS for _ in range(hours)]
        rng.shuffle(lessons)
        return [lessons[d * 6:(d + 1) * 6] for d in range(5)]

    def students_of(self, school_id: int) -> list[int]:
        return [s for c in self.schools[school_id].classes for s in self.classes[c].students]

    def class_of(self, student_id: int) -> SchoolClass:
        return self.classes[self.class_id_of[student_id]]

    def holiday(self, day: date) -> bool:
        y = self.start_year
        breaks = ((date(y, 10, 26), date(y, 11, 4)), (date(y, 12, 29), date(y + 1, 1, 11)),
                  (date(y + 1, 3, 23), date(y + 1, 3, 31)))
        return day.weekday() >= 5 or any(a <= day <= b for a, b in breaks)

    # --- weeks ------------------------------------------------------------------------------

    def week_index(self, day: date) -> int:
        first_monday = self.year_start - timedelta(days=self.year_start.weekday())
        return (day - first_monday).days // 7

    def monday(self, index: int) -> date:
        first_monday = self.year_start - timedelta(days=self.year_start.weekday())
        return first_monday + timedelta(weeks=index)

    def week(self, class_id: int, index: int) -> Week:
        key = (class_id, index)
        cached = self._weeks.get(key)
        if cached is None:
            built = self._build_week(class_id, index)
            with self._lock:
                cached = self._weeks.setdefault(key, built)
        return cached

    def _build_week(self, class_id: int, index: int) -> Week:
        klass = self.classes[class_id]
        rng = random.Random(f"{self.seed}:{class_id}:{index}")
        lessons: list[Lesson] = []
        marks: dict[tuple[int, int], tuple[Any, bool]] = {}
        monday = self.monday(index)
        seen: dict[str, int] = {}
        for wd in range(5):
            day = monday + timedelta(days=wd)
            if day < self.year_start or day > self.year_end or self.holiday(day):
                continue
            absent = {s: rng.choice(ABSENCE) for s in klass.students if rng.random() < 0.03}
            for n, subject in enumerate(klass.slots[wd], start=1):
                base = class_id * 10**6 + index * 10**4 + wd * 10**3 + n * 10
                seen[subject] = seen.get(subject, 0) + 1
                items = [(base + KIND_HOMEWORK, 3, f"{subject}: § {index + 1}.{n}, упр. "
                          f"{rng.randint(1, 300)}", 1),
                         (base + KIND_ANSWER, 4, f"Ответ на уроке ({subject})", 1)]
                if seen[subject] == 1 and (index + len(subject)) % 3 == 0:
                    tid = rng.choice((1, 2, 5, 6, 7, 8, 9, 10))
                    items.append((base + KIND_TEST, tid, f"{TYPE_BY_ID[tid][1]}: {subject}",
                                  TYPE_BY_ID[tid][3]))
                lessons.append(Lesson(day, n, subject, base // 10, items))
                for sid in klass.students:
                    self._marks_for(rng, marks, items, sid, absent.get(sid))
        return Week(lessons, marks)

    def _marks_for(self, rng: random.Random, marks: dict[tuple[int, int], tuple[Any, bool]],
                   items: list[tuple[int, int, str, int]], sid: int, absent: str | None) -> None:
        answer = items[1][0]
        if absent or rng.random() < 0.01:
            marks[(answer, sid)] = (absent or "ОП", False)
            if absent:
                return
        elif rng.random() < 0.15:
            marks[(answer, sid)] = (self._grade(rng, sid), False)
        if rng.random() < 0.05:
            marks[(items[0][0], sid)] = (self._grade(rng, sid), False)
        if len(items) > 2:
            roll = rng.random()
            if roll < 0.05:
                marks[(items[2][0], sid)] = (None, True)
            elif roll < 0.95:
                marks[(items[2][0], sid)] = (self._grade(rng, sid), False)

    def _grade(self, rng: random.Random, sid: int) -> int:
        return max(1, min(5, round(rng.gauss(self.ability[sid], 0.8))))

    @staticmethod
    def locate(assignment_id: int) -> tuple[int, int]:
        """(class id, week index) of an assignment id."""
        return assignment_id // 10**6, (assignment_id // 10**4) % 100
