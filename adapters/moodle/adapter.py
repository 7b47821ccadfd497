"""Moodle as a roster source, a grade source and a grade sink.

Chunks are per *student* (``scope`` = the Moodle user id): the engine replaces everything
it holds for a chunk's scope and dates, so a chunk must speak for all of a student's courses
— a per-course chunk with an empty scope would erase the other courses' marks. Moodle serves
grades per course, so each course's report is fetched once, shared by its students' chunks
and dropped when the last of them is done: as many calls as courses, not students.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from adapters.base import (
    Chunk,
    GradePush,
    GradeSink,
    GradeSource,
    JournalBatch,
    PushOutcome,
    RosterBatch,
    RosterSource,
)
from adapters.moodle import mapping
from adapters.moodle.client import MoodleClient
from adapters.moodle.push import push_grades
from schemas.record_schemas import Batch, load
from schemas.records import ClassRecord, OrganisationRecord, Roster
from schemas.scale import DEFAULT_THRESHOLDS


class MoodleSource(RosterSource, GradeSource, GradeSink):
    kind = "moodle"

    def __init__(self, base_url: str, token: str, *, timeout: float | tuple[float, float] = (
            5.0, 30.0), page_size: int = 200, max_input_vars: int = 1000,
            timezone: str = "Europe/Moscow",
            thresholds: tuple[float, float, float] = DEFAULT_THRESHOLDS) -> None:
        self.client = MoodleClient(base_url, token, timeout=timeout, page_size=page_size,
                                   max_input_vars=max_input_vars)
        self.tz = ZoneInfo(timezone)
        self.thresholds = thresholds
        self._courses: dict[str, ClassRecord] = {}
        self._student_courses: dict[str, list[str]] = {}
        self._reports: dict[str, tuple[list[dict[str, Any]], dict[str, date]]] = {}
        self._waiting: dict[str, int] = {}
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()
        self._starts: dict[str, date | None] | None = None
        self._modules: dict[str, dict[str, Any]] = {}

    @property
    def namespace(self) -> str:
        return self.client.base_url

    def check(self) -> str:
        info = self.client.site_info()
        return (f"Moodle «{info.get('sitename', '')}» ({info.get('release', '')}), "
                f"вход как {info.get('fullname', info.get('username', ''))}")

    def close(self) -> None:
        self.client.close()

    # --- roster ---------------------------------------------------------------------------

    def fetch_roster(self) -> RosterBatch:
        info = self.client.site_info()
        batch = Batch()
        organisation = load(OrganisationRecord, {
            "source_id": str(info.get("siteurl") or self.namespace),
            "name": str(info.get("sitename") or self.namespace)}, "site info")
        classes: list[ClassRecord] = []
        users: dict[str, dict[str, Any]] = {}
        roles: dict[str, set[str]] = defaultdict(set)
        pairs: list[tuple[str, str, str]] = []
        for course in self.client.courses():
            if course.get("format") == "site" or course.get("id") == 1:
                continue
            record = mapping.class_record(course, batch)
            if record is None:
                continue
            classes.append(record)
            for user in self.client.enrolled_users(int(course["id"])):
                uid = str(user.get("id", ""))
                found = mapping.user_roles(user)
                if not found:
                    continue  # managers, guests: not in a class journal
                users[uid] = user
                roles[uid] |= found
                pairs += [(uid, record.source_id, role) for role in sorted(found)]
        people = mapping.people(users, roles, batch)
        known = {p.source_id for p in people}
        enrolments = mapping.enrolments([p for p in pairs if p[0] in known], batch)
        with self._guard:
            self._courses = {c.source_id: c for c in classes}
        return RosterBatch(roster=Roster(organisation, tuple(classes), tuple(people),
                                         tuple(enrolments)), rejected=batch.rejected)

    # --- grades ---------------------------------------------------------------------------

    def chunks(self, start: date, end: date, roster: Roster) -> list[Chunk]:
        """One chunk per student, ordered by their first course so reports free up early."""
        courses: dict[str, list[str]] = defaultdict(list)
        for e in roster.enrolments:
            if e.role == "student":
                courses[e.person_id].append(e.class_id)
        with self._guard:
            self._courses = {c.source_id: c for c in roster.classes} | self._courses
            self._student_courses = {s: sorted(set(c), key=mapping._numeric)
                                     for s, c in courses.items()}
            self._waiting = defaultdict(int)
            for course_ids in self._student_courses.values():
                for course_id in course_ids:
                    self._waiting[course_id] += 1
        order = sorted(self._student_courses, key=lambda s: (
            [mapping._numeric(c) for c in self._student_courses[s]], mapping._numeric(s)))
        return [Chunk(key=f"student-{s}", start=start, end=end, scope=s) for s in order]

    def fetch_grades(self, chunk: Chunk) -> JournalBatch:
        student = chunk.scope
        batch = Batch()
        result = JournalBatch(chunk=chunk)
        for course_id in self._student_courses.get(student, []):
            course = self._courses.get(course_id)
            if course is None:
                continue
            usergrades, dues = self._report(course)
            assignments, marks, fetched = mapping.grade_records(
                course, usergrades, student, dues, chunk.start, chunk.end, self.tz,
                self.thresholds, batch, set())
            result.assignments += assignments
            result.marks += marks
            result.fetched += fetched
        for course_id in self._student_courses.get(student, []):
            self._done_with(course_id)
        result.rejected = batch.rejected
        return result

    def _report(self, course: ClassRecord) -> tuple[list[dict[str, Any]], dict[str, date]]:
        """A course's grade report and due dates, fetched once for all its students."""
        with self._guard:
            lock = self._locks[course.source_id]
        with lock:
            cached = self._reports.get(course.source_id)
            if cached is not None:
                return cached
            course_id = int(course.source_id)
            usergrades = self.client.grade_items(course_id)
            dues: dict[str, date] = {}
            for entry in self.client.assignments([course_id]):
                for a in entry.get("assignments") or []:
                    due = mapping.day(a.get("duedate"), self.tz)
                    if due is not None and a.get("cmid"):
                        dues[str(a["cmid"])] = due
            start = self._course_start(course_id)
            for entry in usergrades:
                for item in entry.get("gradeitems") or []:
                    key = mapping.assignment_id(item) if isinstance(item, dict) else ""
                    # Quizzes and manual items have no due date here: the course start
                    # keeps them inside the school year and stable across runs.
                    if key and key not in dues and start is not None:
                        dues[key] = start
            self._reports[course.source_id] = (usergrades, dues)
            return usergrades, dues

    def _course_start(self, course_id: int) -> date | None:
        with self._guard:
            starts = self._starts
        if starts is None:
            starts = {str(c.get("id")): mapping.day(c.get("startdate"), self.tz)
                      for c in self.client.courses()}
            with self._guard:
                self._starts = starts
        return starts.get(str(course_id))

    def _done_with(self, course_id: str) -> None:
        with self._guard:
            self._waiting[course_id] -= 1
            if self._waiting[course_id] <= 0:
                self._reports.pop(course_id, None)

    # --- push -----------------------------------------------------------------------------

    def push_grades(self, pushes: list[GradePush]) -> list[PushOutcome]:
        return push_grades(self.client, pushes, self._modules)
