"""Sync fixtures: a small Сетевой город sandbox over HTTP, a migrated database with a school
and a stored connection to the sandbox, and the remote's own data to compare against."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from adapters.netschool.adapter import NetSchoolSource
from adapters.netschool.sandbox import DEMO_PASSWORD, SandboxApp, State, World, create_app
from lti_tool.db import Database
from lti_tool.journal.models import Assignment, Attendance, Mark
from lti_tool.people.models import IdentityLink, Organisation
from lti_tool.sync import services
from lti_tool.sync.engine import RunResult, SyncOptions
from tests.servers import serve

SCHOOL = "МБОУ СОШ №37"
SINCE, TODAY = date(2026, 9, 1), date(2026, 9, 22)  # four school weeks and the next one
FAST = dict(backoff_initial=0.01, backoff_max=0.05)


@dataclass
class Remote:
    base: str
    app: SandboxApp

    @property
    def state(self) -> State:
        return self.app.state

    def source(self, password: str = DEMO_PASSWORD) -> NetSchoolSource:
        return NetSchoolSource(self.base, "zavuch1001", password, SCHOOL, timeout=(2, 5))

    def truth(self, start: date, end: date) -> tuple[set[tuple[str, str, str]],
                                                     set[tuple[str, str, int, str]]]:
        """Marks and absences exactly as the remote serves them now (no faults)."""
        marks: set[tuple[str, str, str]] = set()
        absences: set[tuple[str, str, int, str]] = set()
        with self.source() as src:
            roster = src.fetch_roster().roster
            for chunk in src.chunks(start, end, roster):
                batch = src.fetch_grades(chunk)
                marks |= {(m.assignment_id, m.student_id, m.mark.text()) for m in batch.marks}
                absences |= {(a.student_id, a.date.isoformat(), a.lesson, a.code)
                             for a in batch.attendance}
        return marks, absences


@pytest.fixture
def remote() -> Iterator[Remote]:
    """One school of 2 classes × 4 students (two more small schools on the same server)."""
    world = World(sizes=((1, 4), (1, 2), (1, 2)))
    with serve(lambda base: create_app(State(world))) as (base, app):
        yield Remote(base, app)


@dataclass
class Env:
    db: Database
    url: str
    org_id: int
    conn_id: int
    secret_key: str

    def sync(self, **options: Any) -> RunResult:
        opts = SyncOptions(**{"since": SINCE, "today": TODAY, **FAST, **options})
        return services.sync_now(self.db, self.conn_id, self.secret_key, opts,
                                 timeout=(2, 5))

    def held(self) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, int, str]]]:
        """Our journal in the remote's ids, to compare with :meth:`Remote.truth`."""
        with self.db.session() as s:
            ext = {pid: eid for pid, eid in s.execute(
                select(IdentityLink.person_id, IdentityLink.external_id)
                .where(IdentityLink.source == "netschool"))}
            marks = set()
            for r in s.execute(select(Assignment.external_id, Mark.student_id, Mark.value,
                                      Mark.code, Mark.debt)
                               .join(Assignment, Assignment.id == Mark.assignment_id)):
                text = str(r.value) if r.value is not None else (r.code or ".")
                marks.add((r.external_id, ext[r.student_id], text))
            absences = {(ext[a.student_id], a.date.isoformat(), a.lesson, a.code)
                        for a in s.scalars(select(Attendance))}
        return marks, absences


@pytest.fixture
def env(database_url: str, remote: Remote) -> Iterator[Env]:
    db = Database(database_url)
    key = "sync-test-" + secrets.token_hex(8)
    with db.session() as s:
        org = Organisation(slug="school", name=SCHOOL)
        s.add(org)
        s.flush()
        conn = services.create_connection(s, org.id, dict(
            kind="netschool", title="Сетевой город", base_url=remote.base, school=SCHOOL,
            login="zavuch1001", password=DEMO_PASSWORD, match_keys="email, name"), key, None)
        ids = org.id, conn.id
    yield Env(db, database_url, ids[0], ids[1], key)
    db.engine.dispose()
