"""SQLite write transactions queue on the process's write gate (``lti_tool.db``) and always
give it back: on commit, on rollback, on an error inside a unit of work."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from lti_tool.db import Database

meta = MetaData()
rows = Table("t", meta, Column("id", Integer, primary_key=True), Column("who", String(20)))


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'w.sqlite'}")
    meta.create_all(database.engine)
    return database


def _held(db: Database) -> bool:
    assert db.write_gate is not None
    return db.write_gate._lock.locked()


def test_gate_is_held_for_the_write_and_released_on_commit(db):
    with db.session() as s:
        s.execute(select(rows.c.id)).all()
        assert not _held(db)  # reads never queue
        s.execute(insert(rows).values(who="a"))
        assert _held(db)
    assert not _held(db)


def test_gate_is_released_on_rollback_and_on_error(db):
    with db.session() as s:
        s.execute(insert(rows).values(who="a"))
        s.rollback()
        assert not _held(db)
    with pytest.raises(RuntimeError), db.session() as s:
        s.execute(insert(rows).values(who="b"))
        raise RuntimeError("boom")
    assert not _held(db)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(rows)) == 0


def test_concurrent_writers_all_land_without_lock_errors(db):
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            start.wait(10)
            for i in range(20):
                with db.session() as s:
                    s.execute(select(func.count()).select_from(rows)).scalar()
                    s.execute(insert(rows).values(who=f"{n}-{i}"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with db.session() as s:
        assert s.scalar(select(func.count(func.distinct(rows.c.who)))) == 160
    assert not _held(db)
