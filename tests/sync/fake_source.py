"""An in-memory source implementing the ports of ``adapters/base.py``, for unit tests of
the sync engine's own rules (stop, retry, read-ahead) without a network or a sandbox.

A school year of weeks, one chunk per week (scope: everyone), one assignment per week and a
mark for each student. ``failures`` scripts what a chunk's fetches raise, in order, before
it answers; ``down`` what a chunk raises every time. ``calls`` records every fetch in the
order it started, with how many chunks the engine had written by then (``written``, kept up
to date by :meth:`progress`).
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from adapters.base import Chunk, GradeSource, JournalBatch, RosterBatch, RosterSource
from schemas.marks import ParsedMark
from schemas.records import (
    AcademicYearRecord,
    AssignmentRecord,
    ClassRecord,
    EnrolmentRecord,
    MarkRecord,
    OrganisationRecord,
    PersonRecord,
    Roster,
)

YEAR_START = date(2026, 9, 7)  # a Monday


@dataclass
class FakeSource(RosterSource, GradeSource):
    weeks: int = 10
    students: int = 3
    failures: dict[str, list[Exception]] = field(default_factory=dict)  # raised once each
    down: dict[str, Exception] = field(default_factory=dict)  # raised on every fetch
    kind: str = "fake"
    calls: list[tuple[str, int]] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    written: int = 0
    _id: str = field(default_factory=lambda: secrets.token_hex(4))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def namespace(self) -> str:
        return f"fake:{self._id}"  # also the politeness key: each fake its own server

    def check(self) -> str:
        return "fake"

    def keys(self) -> list[str]:
        return [f"w{n}" for n in range(self.weeks)]

    def progress(self, done: int, total: int) -> None:
        """The engine's progress callback: chunks written (or unchanged) so far."""
        self.written = done

    def fetch_roster(self) -> RosterBatch:
        people = tuple(PersonRecord(f"st-{n}", "student", "Ученик", str(n))
                       for n in range(self.students))
        roster = Roster(OrganisationRecord("org", "Школа"), (ClassRecord("c-10a", "10 А", 10),),
                        people, tuple(EnrolmentRecord(p.source_id, "c-10a") for p in people))
        year = AcademicYearRecord("y", "2026/27", YEAR_START,
                                  YEAR_START + timedelta(weeks=self.weeks, days=-1))
        return RosterBatch(roster, year)

    def chunks(self, start: date, end: date, roster: Roster) -> list[Chunk]:
        out = []
        for n, key in enumerate(self.keys()):
            monday = YEAR_START + timedelta(weeks=n)
            if start <= monday + timedelta(days=6) and monday <= end:
                out.append(Chunk(key, monday, monday + timedelta(days=6)))
        return out

    def fetch_grades(self, chunk: Chunk) -> JournalBatch:
        with self._lock:
            self.calls.append((chunk.key, self.written))
            self.attempts[chunk.key] += 1
            script = self.failures.get(chunk.key)
            error = script.pop(0) if script else self.down.get(chunk.key)
        if error is not None:
            raise error
        task = AssignmentRecord(f"a-{chunk.key}", "c-10a", "Алгебра", f"Работа {chunk.key}",
                                "Ответ на уроке", 1.0, chunk.start)
        marks = [MarkRecord(task.source_id, f"st-{n}", ParsedMark(value=5), chunk.start)
                 for n in range(self.students)]
        return JournalBatch(chunk, assignments=[task], marks=marks, includes_attendance=True,
                            fetched=1 + len(marks))

    def index(self, key: str) -> int:
        return self.keys().index(key)
