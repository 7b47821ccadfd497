"""The bulk writer stores exactly what ``insert(table)`` stores, on SQLite and PostgreSQL:
typed values (dates, UTC timestamps), Python-side defaults for the columns a row leaves out,
ids by key for RETURNING, and more rows than one statement takes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from lti_tool.db import Database, bulk
from lti_tool.journal.models import Assignment, Mark
from lti_tool.people.models import Organisation, Person


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    yield database
    database.engine.dispose()


def _rows(org: int, prefix: str, n: int) -> list[dict]:
    return [dict(organisation_id=org, source="netschool", namespace="https://sgo",
                 external_id=f"{prefix}-{i}", class_id=None, subject="Алгебра",
                 title=f"Работа «{i}»", type_name="Контрольная", weight=2.0,
                 due=date(2026, 9, 1) + timedelta(days=i % 270), max_mark=5)
            for i in range(n)]


def test_bulk_rows_equal_plain_insert(db: Database) -> None:
    n = bulk.MAX_ROWS + 17  # several statements
    with db.session() as s:
        org = Organisation(slug="s", name="Школа")
        s.add(org)
        s.flush()
        ids = bulk.insert_returning_ids(s, Assignment, _rows(org.id, "a", n), "external_id")
        s.execute(insert(Assignment.__table__), _rows(org.id, "b", n))
        assert len(ids) == n
        by_key = dict(s.execute(select(Assignment.external_id, Assignment.id)).all())
        assert all(by_key[k] == v for k, v in ids.items())
        students = [Person(display_name=f"Ученик {i}") for i in range(3)]
        s.add_all(students)
        s.flush()
        # Mark rows that leave out debt and comment: their Python defaults must apply.
        bulk.insert_rows(s, Mark, [dict(assignment_id=ids[f"a-{i}"], student_id=p.id,
                                        value=(i % 5) + 1, code=None,
                                        date=date(2026, 9, 1) + timedelta(days=i % 270))
                                   for i in range(n) for p in students[:2]])
        s.execute(insert(Mark.__table__), [
            dict(assignment_id=by_key[f"b-{i}"], student_id=students[2].id,
                 value=(i % 5) + 1, code=None, date=date(2026, 9, 1) + timedelta(days=i % 270))
            for i in range(n)])
    with db.session() as s:
        assignments = s.scalars(select(Assignment).order_by(Assignment.id)).all()
        ours, theirs = assignments[:n], assignments[n:]
        fields = ("subject", "title", "type_name", "weight", "due", "max_mark")
        for a, b in zip(ours, theirs, strict=True):
            assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
            assert isinstance(a.due, date)
        marks = s.scalars(select(Mark)).all()
        assert len(marks) == 3 * n
        assert {(m.debt, m.comment) for m in marks} == {(False, "")}
        assert all(isinstance(m.date, date) and 1 <= (m.value or 0) <= 5 for m in marks)


def test_bulk_fills_callable_defaults_and_keeps_utc(db: Database) -> None:
    before = datetime.now(UTC)
    with db.session() as s:
        bulk.insert_rows(s, Person, [dict(display_name=f"Ученик {i}") for i in range(5)])
    with db.session() as s:
        people = s.scalars(select(Person)).all()
        assert len({p.public_id for p in people}) == 5 and all(p.public_id for p in people)
        assert all(p.created_at.tzinfo is not None and p.created_at >= before - timedelta(
            seconds=1) for p in people)
