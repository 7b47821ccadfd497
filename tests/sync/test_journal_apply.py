"""The journal diff against a real database (SQLite and PostgreSQL): what a chunk speaks for
is replaced exactly, nothing outside it is touched, a repeat writes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from adapters.base import Chunk, JournalBatch
from lti_tool.db import Database
from lti_tool.journal.models import Assignment, Attendance, Mark
from lti_tool.journal.services import Origin, apply_batches
from lti_tool.people.models import Organisation, Person
from schemas.marks import parse_mark
from schemas.records import AssignmentRecord, AttendanceRecord, MarkRecord

WEEK = (date(2026, 9, 7), date(2026, 9, 13))


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    yield database
    database.engine.dispose()


@pytest.fixture
def world(db: Database):
    with db.session() as s:
        org = Organisation(slug="s", name="Школа")
        s.add(org)
        s.flush()
        people = {}
        for key in ("st-1", "st-2"):
            p = Person(display_name=key)
            s.add(p)
            s.flush()
            people[key] = p.id
        return Origin(org.id, "netschool", "http://ns"), people


def _batch(student: str, marks: dict[str, str], *, week: tuple[date, date] = WEEK,
           absent: tuple[int, ...] = ()) -> JournalBatch:
    chunk = Chunk(f"{week[0]}/{student}", week[0], week[1], student)
    assignments = [AssignmentRecord(a, "10A", "Алгебра", f"Работа {a}", "Контрольная", 2.0,
                                    week[0]) for a in marks]
    return JournalBatch(
        chunk, assignments=assignments,
        marks=[MarkRecord(a, student, parse_mark(v), week[0]) for a, v in marks.items()],
        attendance=[AttendanceRecord(student, "10A", week[0], n, "Алгебра", "Н")
                    for n in absent],
        includes_attendance=True)


def _apply(db: Database, world, *batches: JournalBatch) -> Counter[str]:
    origin, people = world
    counts: Counter[str] = Counter()
    rejected: list[tuple[str, str, str]] = []
    with db.session() as s:
        apply_batches(s, origin, list(batches), people, {}, counts,
                      lambda *r: rejected.append(r))
    counts["rejected"] = len(rejected)
    return counts


def _marks(db: Database) -> dict[tuple[str, int], str]:
    with db.session() as s:
        rows = s.execute(select(Assignment.external_id, Mark.student_id, Mark.value, Mark.code,
                                Mark.debt).join(Assignment, Assignment.id == Mark.assignment_id))
        return {(r.external_id, r.student_id): str(r.value or r.code or ".") for r in rows}


def test_first_apply_creates_and_repeat_writes_nothing(db, world):
    first = _apply(db, world, _batch("st-1", {"a1": "5", "a2": "Н"}, absent=(2,)),
                   _batch("st-2", {"a1": "4", "a2": "."}))
    assert first["marks.created"] == 4 and first["assignments.created"] == 2
    assert first["attendance.created"] == 1
    again = _apply(db, world, _batch("st-1", {"a1": "5", "a2": "Н"}, absent=(2,)),
                   _batch("st-2", {"a1": "4", "a2": "."}))
    assert again["marks.unchanged"] == 4 and again["attendance.unchanged"] == 1
    assert not any(v for k, v in again.items() if k.endswith((".created", ".updated",
                                                                 ".deleted")))


def test_changed_and_removed_marks_converge_only_inside_the_chunk(db, world):
    _apply(db, world, _batch("st-1", {"a1": "5", "a2": "3"}, absent=(1, 2)),
           _batch("st-2", {"a1": "4", "a2": "2"}))
    counts = _apply(db, world, _batch("st-1", {"a1": "4"}, absent=(1,)))
    assert counts["marks.updated"] == 1 and counts["marks.deleted"] == 1
    assert counts["attendance.deleted"] == 1
    _, people = world
    got = _marks(db)
    assert got == {("a1", people["st-1"]): "4", ("a1", people["st-2"]): "4",
                   ("a2", people["st-2"]): "2"}  # st-2 was not in the chunk: untouched


def test_other_weeks_are_not_covered(db, world):
    _apply(db, world, _batch("st-1", {"a1": "5"}))
    later = (date(2026, 9, 14), date(2026, 9, 20))
    counts = _apply(db, world, _batch("st-1", {"b1": "3"}, week=later))
    assert counts["marks.deleted"] == 0 and len(_marks(db)) == 2


def test_unknown_student_is_rejected_and_the_rest_kept(db, world):
    batch = _batch("st-1", {"a1": "5"})
    batch.marks.append(MarkRecord("a1", "ghost", parse_mark("3"), WEEK[0]))
    counts = _apply(db, world, batch)
    assert counts["rejected"] == 1 and counts["marks.created"] == 1


def test_failed_apply_leaves_the_journal_as_it_was(db, world):
    _apply(db, world, _batch("st-1", {"a1": "5"}))
    origin, people = world
    with pytest.raises(RuntimeError), db.session() as s:
        apply_batches(s, origin, [_batch("st-1", {"a1": "2", "a9": "4"})], people, {},
                      Counter(), lambda *r: None)
        raise RuntimeError("crash after writing, before commit")
    with db.session() as s:
        assert s.scalar(select(func.count(Mark.id))) == 1
        assert s.scalar(select(func.count(Attendance.id))) == 0
    assert set(_marks(db).values()) == {"5"}
