"""Both adapters driven by the real sync engine on SQLite: a first run stores the roster and
journal, a repeat writes nothing, a broken OneRoster set fails the run with its reasons."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.moodle.sandbox import TOKEN, create_app, seeded
from adapters.oneroster.export import write_zip
from lti_tool.db import Database
from lti_tool.journal.models import Mark
from lti_tool.people.models import Organisation
from lti_tool.sync.engine import SyncOptions
from lti_tool.sync.services import create_connection, sync_now
from tests.adapters.oneroster.sets import BULK, write_folder
from tests.servers import serve

SECRET = "test-secret-key-for-adapters"
TODAY = date(2026, 11, 20)


@pytest.fixture
def db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "marshrut.sqlite"
    shutil.copy(sqlite_template, target)
    database = Database(f"sqlite:///{target}")
    yield database
    database.engine.dispose()


def _connect(db: Database, form: dict[str, Any]) -> int:
    with db.session() as s:
        org = Organisation(slug="s37", name="Школа №37")
        s.add(org)
        s.flush()
        return create_connection(s, org.id, {"title": form["kind"], **form}, SECRET, None).id


def _marks(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Mark)) or 0)


def _options() -> SyncOptions:
    return SyncOptions(today=TODAY, full=True, backoff_initial=0.01, backoff_max=0.02,
                       attempts=2)


def test_moodle_sync_is_complete_and_idempotent(db: Database) -> None:
    state = seeded()
    expected = sum(1 for g in state.grades.values() if g.value is not None)
    with serve(lambda base: create_app(state)) as (base, _):
        conn = _connect(db, {"kind": "moodle", "base_url": base, "token": TOKEN})
        first = sync_now(db, conn, SECRET, _options())
        assert first.status == "done", first.message
        assert first.counts["marks.created"] == expected == _marks(db)
        assert first.counts["people.created"] == 60
        second = sync_now(db, conn, SECRET, _options())
    assert second.status == "done"
    assert second.counts.get("marks.created", 0) == second.counts.get("marks.updated", 0) == 0
    assert second.counts.get("marks.deleted", 0) == 0
    assert _marks(db) == expected


def test_moodle_wrong_token_fails_the_run_with_the_reason(db: Database) -> None:
    with serve(lambda base: create_app(seeded())) as (base, _):
        conn = _connect(db, {"kind": "moodle", "base_url": base, "token": "nope"})
        result = sync_now(db, conn, SECRET, _options())
    assert result.status == "failed" and "токен" in result.message


def test_oneroster_import_and_repeat(db: Database, tmp_path: Path) -> None:
    path = write_folder(tmp_path / "set", BULK)
    conn = _connect(db, {"kind": "oneroster", "path": str(path)})
    first = sync_now(db, conn, SECRET, _options())
    assert first.status == "done", first.message
    assert _marks(db) == 4
    second = sync_now(db, conn, SECRET, _options())
    assert second.status == "done" and second.counts.get("marks.created", 0) == 0
    assert _marks(db) == 4


def test_oneroster_export_imports_through_the_engine(db: Database, tmp_path: Path) -> None:
    """A set we export is a set we can sync from (people, classes and marks arrive)."""
    from adapters.oneroster.adapter import OneRosterSource
    from adapters.oneroster.export import ExportSet

    source = OneRosterSource(write_folder(tmp_path / "in", BULK))
    batch = source.fetch_roster()
    marks = [m for c in source.chunks(date(2026, 9, 1), date(2027, 5, 31), batch.roster)
             for m in source.fetch_grades(c).marks]
    exported = tmp_path / "out.zip"
    write_zip(ExportSet(batch.roster, batch.year, source.journal().assignments, marks),
              exported)
    conn = _connect(db, {"kind": "oneroster", "path": str(exported)})
    result = sync_now(db, conn, SECRET, _options())
    assert result.status == "done", result.message
    assert _marks(db) == len(marks) == 4


def test_broken_oneroster_set_fails_the_run_with_its_problems(db: Database,
                                                               tmp_path: Path) -> None:
    users = BULK["users.csv"].replace(",givenName,", ",firstName,", 1)
    path = write_folder(tmp_path / "set", {**BULK, "users.csv": users})
    conn = _connect(db, {"kind": "oneroster", "path": str(path)})
    result = sync_now(db, conn, SECRET, _options())
    assert result.status == "failed"
    assert "users.csv: нет обязательных столбцов: givenName" in result.message
    assert _marks(db) == 0


def test_oneroster_delta_after_bulk_changes_only_what_it_lists(db: Database,
                                                               tmp_path: Path) -> None:
    from lti_tool.people.models import ClassEnrolment
    from lti_tool.sync.models import SourceConnection
    from tests.adapters.oneroster.sets import load

    conn = _connect(db, {"kind": "oneroster", "path": str(write_folder(tmp_path / "b", BULK))})
    assert sync_now(db, conn, SECRET, _options()).status == "done"
    with db.session() as s:
        stored = s.get(SourceConnection, conn)
        assert stored is not None
        stored.settings = {**stored.settings, "path": str(write_folder(tmp_path / "d",
                                                                       load("delta")))}
    result = sync_now(db, conn, SECRET, _options())
    assert result.status == "done", result.message
    with db.session() as s:
        active = s.scalar(select(func.count()).select_from(ClassEnrolment)
                          .where(ClassEnrolment.active))
    # bulk had 5; the delta adds s3 to 10А and removes s2 from it
    assert active == 5
    assert _marks(db) == 4  # res6 added, res2 deleted


def test_a_nul_byte_in_a_name_does_not_abort_the_sync(database_url: str, tmp_path: Path
                                                      ) -> None:
    """PostgreSQL refuses NUL in text: it is dropped at the schema boundary (issue 7)."""
    from lti_tool.people.models import Person

    header, first, *rest = BULK["users.csv"].splitlines()
    cells = first.split(",")
    given = header.split(",").index("givenName")
    cells[given] = cells[given][:2] + "\x00" + cells[given][2:]
    users = "\n".join([header, ",".join(cells), *rest]) + "\n"
    db = Database(database_url)
    path = write_folder(tmp_path / "set", {**BULK, "users.csv": users})
    conn = _connect(db, {"kind": "oneroster", "path": str(path)})
    result = sync_now(db, conn, SECRET, _options())
    assert result.status == "done", result.message
    assert _marks(db) == 4
    with db.session() as s:
        names = [p.display_name for p in s.scalars(select(Person))]
    assert names and not any("\x00" in n for n in names)
    db.engine.dispose()


def test_moodle_incremental_sync_finds_grades_due_in_its_window(db: Database) -> None:
    """An incremental run fetches only the weeks since the last run; with due dates fallen
    back to the course start (no includenotenrolledcourses, issue 7) it found nothing."""
    state = seeded()
    cmids = {a.cmid for a in state.activities.values()
             if a.modname == "assign" and date(2026, 9, 10) <= date.fromtimestamp(a.duedate)
             <= date(2026, 9, 20)}
    expected = sum(1 for (cmid, _), g in state.grades.items()
                   if cmid in cmids and g.value is not None)
    with serve(lambda base: create_app(state)) as (base, _):
        conn = _connect(db, {"kind": "moodle", "base_url": base, "token": TOKEN})
        result = sync_now(db, conn, SECRET, SyncOptions(
            since=date(2026, 9, 10), today=date(2026, 9, 13), backoff_initial=0.01,
            backoff_max=0.02, attempts=2))
    assert result.status == "done", result.message
    assert expected > 0 and result.counts["marks.created"] == expected == _marks(db)
