"""Migration c4e6a8b0d2f5: a pupil's marks are indexed by (pupil, day, work), the month run's
read uses that index on SQLite, and down and up again swap the indexes back and forth."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from lti_tool.db import Database
from lti_tool.exchange import collecting, rules
from lti_tool.exchange.models import CourseRequest, NetworkCourse
from lti_tool.journal.models import Mark
from lti_tool.migrate import alembic_config, upgrade
from lti_tool.people.models import Organisation, Person

NEW, OLD = "ix_journal_mark_student_day", "ix_journal_mark_student_id"


def _indexes(url: str) -> dict[str, list[str]]:
    engine = sa.create_engine(url)
    try:
        return {i["name"]: list(i["column_names"]) for i in
                sa.inspect(engine).get_indexes("journal_mark") if i["name"]}
    finally:
        engine.dispose()


def test_marks_are_indexed_by_pupil_day_and_work_and_back(database_url: str) -> None:
    found = _indexes(database_url)
    assert found[NEW] == ["student_id", "date", "assignment_id"] and OLD not in found
    assert {i.name for i in Mark.__table__.indexes} == {NEW}  # the model says the same
    command.downgrade(alembic_config(database_url), "b3d5f7a9c1e4")
    found = _indexes(database_url)
    assert found[OLD] == ["student_id"] and NEW not in found
    upgrade(database_url)
    assert NEW in _indexes(database_url)


def test_the_month_run_reads_marks_by_pupil_and_day(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's plan is asked; PostgreSQL plans by its own statistics")
    db = Database(database_url)
    with db.session() as s:
        host, home = Organisation(slug="gym", name="Гимназия"), Organisation(slug="s", name="Ш")
        pupil = Person(display_name="Петров Пётр")
        s.add_all([host, home, pupil])
        s.flush()
        course = NetworkCourse(host_org_id=host.id, title="Физика", subject="Физика",
                               schedule=[], starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 25))
        s.add(course)
        s.flush()
        s.add(CourseRequest(course_id=course.id, student_id=pupil.id, home_org_id=home.id,
                            state=rules.ENROLLED))
        s.commit()
        plan = collecting.plan_month(s, "2026-10")
        assert plan is not None
        sql = str(plan.marks.params({collecting.HOSTS: [host.id]}).compile(
            s.connection(), compile_kwargs={"literal_binds": True, "render_postcompile": True}))
        assert f"IN ({host.id})" in sql
        steps = [row[-1] for row in s.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {sql}", ())]
    db.engine.dispose()
    assert any(NEW in step and "student_id=? AND date>" in step for step in steps), steps
