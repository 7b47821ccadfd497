"""What a transfer package holds: the month's journal cells of one home school's students at
one host (``rows``) and what the files need to print them (``content``: the schools, the
courses, the pupils' names, the assignments' titles), frozen when the package is made.

The package's two files (:mod:`lti_tool.exchange.formats`) are rendered from this snapshot
only, never from the live journal or roster: a file downloaded before sending, the one the
delivery stores, and one rendered again a year later are the same bytes (their dates are the
package's own). That is why the month run stores the snapshot and no files: it writes rows,
and each file is built once, by the delivery job that sends it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lti_tool.exchange.rules import ROW_SEP, RowKey, row_parts

VERSION = 1


@dataclass(frozen=True, slots=True)
class Party:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class CourseInfo:
    public_id: str
    title: str
    subject: str
    teacher_name: str


@dataclass(frozen=True, slots=True)
class Cell:
    """One row of the package, with the names the files print."""

    course: CourseInfo
    student: str  # public id
    name: str
    kind: str  # mark | absence
    day: str  # ISO date
    key: str
    text: str
    title: str = ""
    type_name: str = ""
    weight: float = 1.0


@dataclass
class Snapshot:
    host: Party
    home: Party
    period: str
    courses: list[CourseInfo] = field(default_factory=list)
    students: dict[str, str] = field(default_factory=dict)  # public id → name
    enrolled: dict[str, list[str]] = field(default_factory=dict)  # course → pupils' ids
    # (course public id, assignment key) → (title, type, weight): marks only
    items: dict[tuple[str, str], tuple[str, str, float]] = field(default_factory=dict)
    rows: dict[RowKey, str] = field(default_factory=dict)

    def content(self) -> dict[str, Any]:
        """Everything but the rows, as stored JSON."""
        return {"v": VERSION, "host": [self.host.slug, self.host.name],
                "home": [self.home.slug, self.home.name],
                "courses": [[c.public_id, c.title, c.subject, c.teacher_name]
                            for c in self.courses],
                "students": self.students, "enrolled": self.enrolled,
                "items": {f"{course}{ROW_SEP}{key}": list(item)
                          for (course, key), item in self.items.items()}}

    @classmethod
    def stored(cls, period: str, content: Mapping[str, Any],
               rows: Mapping[str, str]) -> Snapshot:
        items: dict[tuple[str, str], tuple[str, str, float]] = {}
        for joined, (title, type_name, weight) in content["items"].items():
            course, key = joined.split(ROW_SEP)
            items[(course, key)] = (title, type_name, float(weight))
        return cls(Party(*content["host"]), Party(*content["home"]), period,
                   [CourseInfo(*c) for c in content["courses"]], dict(content["students"]),
                   {k: list(v) for k, v in content["enrolled"].items()}, items, dict(rows))

    def cells(self) -> Iterator[Cell]:
        """The rows as cells, by course title, pupil's name, day, kind and key (the order a
        journal page reads)."""
        courses = {c.public_id: c for c in self.courses}
        cells = []
        for row, text in self.rows.items():
            student, course_id, kind, day, key = row_parts(row)
            course, name = courses[course_id], self.students.get(student, student)
            title, type_name, weight = self.items.get((course_id, key), ("", "", 1.0))
            cells.append(Cell(course, student, name, kind, day, key, text, title, type_name,
                              weight))
        cells.sort(key=lambda c: (c.course.title, c.name, c.day, c.kind, c.key))
        return iter(cells)
