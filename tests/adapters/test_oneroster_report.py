"""OneRoster runs report every row (issue 7): an enrolment naming an unknown person or
class is rejected with its reason, a duplicate row is reported, and the summary adds up —
every record fetched is created, updated, unchanged or rejected, on a first run and a
repeat alike."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lti_tool.db import Database
from lti_tool.people.models import ClassEnrolment
from lti_tool.sync.engine import RunResult
from lti_tool.sync.models import SourceConnection, SyncRejection
from lti_tool.sync.services import sync_now
from tests.adapters.oneroster.sets import BULK, T, manifest, write_folder
from tests.adapters.test_sync_engine import SECRET, _connect, _options


@pytest.fixture
def db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "marshrut.sqlite"
    shutil.copy(sqlite_template, target)
    database = Database(f"sqlite:///{target}")
    yield database
    database.engine.dispose()


def _adds_up(result: RunResult) -> None:
    s = {k.removeprefix("summary."): v for k, v in result.counts.items()
         if k.startswith("summary.")}
    assert s["fetched"] == s["created"] + s["updated"] + s["unchanged"] + s["rejected"], s


def _reasons(db: Database) -> list[str]:
    with db.session() as s:
        return [f"{r.source}: {r.reason}" for r in s.scalars(select(SyncRejection))]


def _english_reasons(db: Database) -> set[str]:
    """The reasons as an English page shows them (stored as msgids, rendered per reader)."""
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "en", default_translation_directories=str(
        Path(__file__).resolve().parents[2] / "lti_tool" / "web" / "translations"))
    with app.test_request_context(), db.session() as s:
        return {r.display_reason for r in s.scalars(select(SyncRejection))}


def _enrolments(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ClassEnrolment)) or 0)


def test_a_bulk_run_and_its_repeat_add_up(db: Database, tmp_path: Path) -> None:
    conn = _connect(db, {"kind": "oneroster", "path": str(write_folder(tmp_path / "s", BULK))})
    first = sync_now(db, conn, SECRET, _options())
    assert first.status == "done", first.message
    _adds_up(first)
    second = sync_now(db, conn, SECRET, _options())
    assert second.counts["enrolments.unchanged"] == 5  # the roster did not change
    _adds_up(second)


def test_duplicate_and_orphaned_enrolments_are_rejected_with_reasons(db: Database,
                                                                    tmp_path: Path) -> None:
    users = BULK["users.csv"].replace(",Смирнова,", "," + "С" * 150 + ",")  # s2 rejected
    enrolments = BULK["enrollments.csv"] + f"e9,active,{T},c10a,sch37,s1,student,false,,\n"
    path = write_folder(tmp_path / "s", {**BULK, "users.csv": users,
                                         "enrollments.csv": enrolments})
    conn = _connect(db, {"kind": "oneroster", "path": str(path)})
    result = sync_now(db, conn, SECRET, _options())
    assert result.status == "done", result.message
    reasons = _reasons(db)
    assert any("enrollments.csv, строка 8" in r and "уже записан" in r and "строке 2" in r
               for r in reasons), reasons
    for line in (3, 5):  # s2's enrolments
        assert any(f"enrollments.csv, строка {line}" in r and "пользователь «s2» отклонён" in r
                   for r in reasons), reasons
    assert _enrolments(db) == 3  # s1 ×2 and t1, nothing else
    _adds_up(result)


def test_a_delta_enrolment_of_someone_never_imported_is_rejected(db: Database,
                                                                 tmp_path: Path) -> None:
    conn = _connect(db, {"kind": "oneroster", "path": str(write_folder(tmp_path / "b", BULK))})
    assert sync_now(db, conn, SECRET, _options()).status == "done"
    delta = {"manifest.csv": manifest({"enrollments": "delta"}),
             "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,"
                                "schoolSourcedId,userSourcedId,role\n"
                                f"e8,active,{T},c10a,sch37,ghost,student\n"
                                f"e9,active,{T},nowhere,sch37,s1,student\n"}
    with db.session() as s:
        stored = s.get(SourceConnection, conn)
        assert stored is not None
        stored.settings = {**stored.settings, "path": str(write_folder(tmp_path / "d", delta))}
    before = _enrolments(db)
    result = sync_now(db, conn, SECRET, _options())
    assert result.status == "done", result.message
    reasons = _reasons(db)
    assert any("ghost" in r and "нет такого человека" in r for r in reasons), reasons
    assert any("nowhere" in r and "нет такого класса" in r for r in reasons), reasons
    assert _english_reasons(db) >= {"person_id: no such person: “ghost”",
                                    "class_id: no such class: “nowhere”"}  # kept as msgids
    assert _enrolments(db) == before
    _adds_up(result)


def test_a_nul_byte_in_a_rejected_row_does_not_abort_the_sync(database_url: str,
                                                              tmp_path: Path) -> None:
    """The reason of a rejected row quotes its value: a NUL there reached PostgreSQL too."""
    enrolments = BULK["enrollments.csv"] + f"e9,active,{T},c10a,sch37,gh\x00ost,student,false,,\n"
    database = Database(database_url)
    try:
        path = write_folder(tmp_path / "s", {**BULK, "enrollments.csv": enrolments})
        conn = _connect(database, {"kind": "oneroster", "path": str(path)})
        result = sync_now(database, conn, SECRET, _options())
        assert result.status == "done", result.message
        assert any("ghost" in r for r in _reasons(database))
        assert _enrolments(database) == 5
    finally:
        database.engine.dispose()
