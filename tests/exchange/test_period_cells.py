"""journal.period.period_cells (and cells_to_join, the monthly transfer's) spells a cell in
SQL; it must say what ParsedMark.text says (the journal's canonical spelling), on SQLite and
PostgreSQL, for marks, absence codes and debts, with days as ISO text."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lti_tool.db import Database
from lti_tool.journal.models import Assignment, Mark
from lti_tool.journal.period import cells_to_join, iso_days, marks_between, period_cells
from lti_tool.people.models import Organisation, Person
from schemas.marks import ParsedMark

CELLS = [(5, None, False), (2, None, False), (None, "Н", False), (None, "УП", False),
         (None, None, True), (None, "", False)]  # an empty code is a debt (queries._IS_DEBT)


def test_cells_are_spelled_as_the_journal_spells_them(database_url: str) -> None:
    db = Database(database_url)
    with db.session() as s:
        school = Organisation(slug="gym", name="Гимназия")
        s.add(school)
        s.flush()
        pupils = [Person(display_name=f"Ученик {n}") for n in range(len(CELLS))]
        s.add_all(pupils)
        work = Assignment(organisation_id=school.id, source="netschool", namespace="ns",
                          external_id="w1", subject="Физика", due=date(2026, 10, 5))
        s.add(work)
        s.flush()
        for pupil, (value, code, debt) in zip(pupils, CELLS, strict=True):
            s.add(Mark(assignment_id=work.id, student_id=pupil.id, value=value, code=code,
                       debt=debt, date=date(2026, 10, 5)))
        s.commit()
        ids = [p.id for p in pupils]
        expected = {p.id: ParsedMark(v, c, d).text() if c != "" else "."
                    for p, (v, c, d) in zip(pupils, CELLS, strict=True)}
        cells = period_cells(s, school.id, ids, date(2026, 10, 1), date(2026, 10, 31))
        assert {student: text for _, student, _, text in cells.marks} == expected
        assert {day for _, _, day, _ in cells.marks} == {"2026-10-05"}
        assert set(cells.works) == {work.id}
        assert cells.works[work.id].subject == "Физика"
        # the page-shaped reading says the same
        assert {m.student_id: m.text for m in marks_between(
            s, school.id, ids, date(2026, 10, 1), date(2026, 10, 31))} == expected
        assert period_cells(s, school.id, ids, date(2026, 11, 1), date(2026, 11, 30)).marks == []
        # and the subquery the monthly transfer joins to its enrolments
        joined = cells_to_join([school.id], date(2026, 10, 1), date(2026, 10, 31))
        rows = iso_days(s.connection().execute(select(
            joined.c.student_id, joined.c.day, joined.c.text)).all(), 1)
        assert {student: text for student, _, text in rows} == expected
        assert {day for _, day, _ in rows} == {"2026-10-05"}
    db.engine.dispose()
