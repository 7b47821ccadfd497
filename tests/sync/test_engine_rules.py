"""The sync engine's own rules, against the in-memory fake source (no network): retry of
retryable errors, no retry of a refused login, the stop after failures in a row, and a
read-ahead that keeps fetching while a group is written but stays bounded."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.base import AuthFailed, RemoteUnavailable
from lti_tool.db import Database
from lti_tool.journal.models import Mark
from lti_tool.people.models import Organisation
from lti_tool.sync.engine import RunResult, SyncOptions, run_sync
from lti_tool.sync.models import SourceConnection, SyncCheckpoint, SyncRun
from tests.sync.fake_source import YEAR_START, FakeSource

FAST = dict(backoff_initial=0.001, backoff_max=0.002)


@pytest.fixture
def db(tmp_path: Path, sqlite_template: Path) -> Any:
    shutil.copy(sqlite_template, tmp_path / "engine.sqlite")
    database = Database(f"sqlite:///{tmp_path / 'engine.sqlite'}")
    yield database
    database.engine.dispose()


def _connection(db: Database) -> int:
    with db.session() as s:
        org = Organisation(slug="s", name="Школа")
        s.add(org)
        s.flush()
        conn = SourceConnection(organisation_id=org.id, kind="oneroster", title="fake")
        s.add(conn)
        s.flush()
        return conn.id


def _sync(db: Database, source: FakeSource, **options: Any) -> tuple[int, RunResult]:
    conn_id = _connection(db)
    # a run a year on: the whole (fake) year is in the window
    opts = SyncOptions(full=True, today=YEAR_START.replace(year=YEAR_START.year + 1),
                       **{**FAST, **options})
    return conn_id, run_sync(db, conn_id, source, opts, source.progress)


def _checkpointed(db: Database, conn_id: int) -> set[str]:
    with db.session() as s:
        return set(s.scalars(select(SyncCheckpoint.chunk_key).where(
            SyncCheckpoint.connection_id == conn_id))) - {"roster"}


def _code(db: Database, result: RunResult) -> str | None:
    with db.session() as s:
        run = s.get(SyncRun, result.run_id)
        assert run is not None
        return (run.message_data or {}).get("code")


def _marks(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Mark.id))) or 0)


def test_retryable_errors_are_retried_until_the_chunk_answers(db: Database) -> None:
    source = FakeSource(weeks=4, failures={"w1": [RemoteUnavailable("503"),
                                                  RemoteUnavailable("timeout")]})
    conn_id, result = _sync(db, source, attempts=5, concurrency=1)

    assert result.status == "done"
    assert source.attempts["w1"] == 3 and source.attempts["w0"] == 1
    assert _checkpointed(db, conn_id) == set(source.keys())
    assert _marks(db) == 4 * source.students


def test_a_chunk_down_for_every_attempt_fails_the_run_and_only_it(db: Database) -> None:
    source = FakeSource(weeks=5, down={"w2": RemoteUnavailable("503")})
    conn_id, result = _sync(db, source, attempts=3, concurrency=1)

    assert result.status == "failed" and _code(db, result) == "run.chunks_failed"
    assert source.attempts["w2"] == 3  # tried `attempts` times, no more
    assert result.counts["chunks.failed"] == 1
    assert _checkpointed(db, conn_id) == set(source.keys()) - {"w2"}  # retried next run
    assert _marks(db) == 4 * source.students


def test_a_refused_login_is_not_retried_and_writes_nothing_after_it(db: Database) -> None:
    source = FakeSource(weeks=8, down={"w3": AuthFailed("пароль", reason="wrong_credentials")})
    conn_id, result = _sync(db, source, attempts=5, concurrency=1, group_size=1)

    assert result.status == "failed"
    assert source.attempts["w3"] == 1
    assert _checkpointed(db, conn_id) == {"w0", "w1", "w2"}  # what came before is kept
    assert _marks(db) == 3 * source.students


def test_the_run_stops_after_failures_in_a_row(db: Database) -> None:
    down = RemoteUnavailable("503")
    source = FakeSource(weeks=30, down={"w2": down, "w3": down, "w4": down})
    conn_id, result = _sync(db, source, attempts=2, concurrency=1, group_size=1,
                            max_failed_in_row=3)

    assert result.status == "failed" and _code(db, result) == "run.source_down"
    assert _checkpointed(db, conn_id) == {"w0", "w1"}
    ahead = max(1 * 4, 1)  # the engine's read-ahead for concurrency 1, groups of 1
    fetched = {key for key, _ in source.calls}
    # queued chunks are cancelled: nothing fetched beyond the read-ahead of the third failure
    assert max(source.index(k) for k in fetched) <= source.index("w4") + ahead
    assert "w29" not in fetched and _marks(db) == 2 * source.students


def test_read_ahead_fetches_the_next_group_while_writing_but_stays_bounded(
        db: Database) -> None:
    group, concurrency = 4, 2
    source = FakeSource(weeks=40)
    conn_id, result = _sync(db, source, concurrency=concurrency, group_size=group,
                            flush_seconds=60)

    assert result.status == "done" and len(_checkpointed(db, conn_id)) == 40
    ahead = max(concurrency * 4, group)
    # the next group was fetched before the first one was written …
    assert any(source.index(k) >= group and written == 0 for k, written in source.calls)
    # … but never more than a group in hand plus the read-ahead past what was written
    assert all(source.index(k) < written + group + ahead for k, written in source.calls)
