"""Progress by period (полугодие / четверть) and absences from the journal's attendance: the
pure periods and fold, then the journal queries on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lti_tool.db import Database
from lti_tool.journal import queries
from lti_tool.journal.models import Assignment, Attendance, Mark
from lti_tool.journal.queries import SubjectTotal
from lti_tool.pathways import charts, progress, terms
from lti_tool.people.models import Organisation, Person

START = date(2025, 9, 1)


def test_halves_and_quarters_cover_both_years_without_gaps() -> None:
    for scheme, count in ((terms.HALVES, 4), (terms.QUARTERS, 8)):
        ps = terms.periods(START, scheme)
        assert len(ps) == count and ps[0].start == START and ps[-1].end == date(2027, 8, 31)
        for a, b in zip(ps, ps[1:], strict=False):
            assert (b.start - a.end).days == 1
    halves = terms.periods(date(2025, 9, 15), terms.HALVES)
    assert [p.name for p in halves] == ["1 полугодие, 10 кл.", "2 полугодие, 10 кл.",
                                        "1 полугодие, 11 кл.", "2 полугодие, 11 кл."]
    assert terms.current(halves, date(2026, 2, 1)) == halves[1]
    assert [p.key for p in terms.started(halves, date(2026, 2, 1))] == ["10-1", "10-2"]
    # a route started in spring still belongs to the school year begun the autumn before
    assert terms.periods(date(2026, 3, 1), terms.QUARTERS)[0].start == START


def total(value: float, weight: float = 1.0, n: int = 1) -> SubjectTotal:
    return SubjectTotal(n, 0, 0, value * weight * n, weight * n, START)


def test_compute_folds_courses_per_period_and_counts_attendance_per_period() -> None:
    ps = terms.periods(START, terms.HALVES)
    marks = {"10-1": {"Алгебра": total(3), "Геометрия": total(4, 2)},
             "10-2": {"Алгебра": total(5), "Физика": total(4)}}
    missed = {"10-1": {"Физика": 3, "": 2}, "10-2": {"Физика": 12, "Алгебра": 1}}
    p = progress.compute({"math": 4.5, "physics": 4.0}, marks, missed, ps, [],
                         margin=0.5, absence_limit=10, today=date(2026, 2, 1))
    assert [t.period.key for t in p.terms] == ["10-1", "10-2"] and p.terms[1].current
    first = {line.subject: line for line in p.terms[0].lines}
    assert first["math"].average == round((3 + 8) / 3, 2) and first["physics"].absences == 3
    second = {line.subject: line for line in p.terms[1].lines}
    assert second["math"].average == 5.0 and second["math"].absences == 1
    whole = {line.subject: line for line in p.lines}
    assert whole["math"].average == round((3 + 8 + 5) / 4, 2) and whole["physics"].absences == 15
    assert p.absences == 18 and p.terms[0].absences == 5  # a subject-less miss counts in total
    kinds = [(a.kind, a.message) for a in p.alerts]
    # 15 misses over the year, but the limit is per period: only the second period says so
    assert kinds == [("absences", "Физика: пропусков 12 за период «2 полугодие, 10 кл.», "
                                  "порог школы 10.")]
    chart = charts.term_chart(p)
    assert [c["current"] for c in chart["columns"]] == [False, True]
    assert [r["name"] for r in chart["rows"]] == ["математика", "физика"]
    assert any(c["low"] for c in chart["cells"])  # math 3.67 in the first half, target 4.5


def test_marks_of_a_period_not_begun_are_not_counted() -> None:
    ps = terms.periods(START, terms.QUARTERS)
    p = progress.compute({}, {"10-3": {"Физика": total(2)}}, {"10-3": {"Физика": 40}}, ps, [],
                         margin=0.5, absence_limit=1, today=date(2025, 12, 1))
    assert [t.period.key for t in p.terms] == ["10-1", "10-2"] and p.lines == []
    assert p.alerts == []


@pytest.fixture
def journal(database_url: str) -> tuple[Database, int, int, int]:
    db = Database(database_url)
    with db.session() as s:
        org, other = Organisation(slug="a", name="A"), Organisation(slug="b", name="B")
        pupil, pupil2 = Person(display_name="Петров"), Person(display_name="Сидорова")
        s.add_all([org, other, pupil, pupil2])
        s.flush()
        for n, (subject, weight, value, day) in enumerate([
                ("Алгебра", 1.0, 3, date(2025, 10, 1)), ("Алгебра", 2.0, 5, date(2025, 11, 20)),
                ("Физика", 1.0, 4, date(2026, 2, 3)), ("Физика", 1.0, None, date(2026, 2, 4)),
                ("Алгебра", 1.0, 5, date(2024, 12, 1))]):  # before the route: left out
            a = Assignment(organisation_id=org.id, source="t", namespace="t",
                           external_id=str(n), subject=subject, weight=weight, due=day)
            s.add(a)
            s.flush()
            s.add(Mark(assignment_id=a.id, student_id=pupil.id, value=value, date=day,
                       code=None if value else "Н"))
        for n, (day, subject, code, org_id) in enumerate([
                (date(2025, 10, 2), "Алгебра", "Н", org.id),
                (date(2025, 10, 3), "Алгебра", "Б", org.id),
                (date(2025, 10, 3), "Алгебра", "ОП", org.id),  # late: not a miss
                (date(2025, 12, 29), "", "УП", org.id),  # holidays belong to the term before
                (date(2026, 2, 4), "Физика", "НП", org.id),
                (date(2026, 2, 5), "Физика", "Н", other.id)]):  # another school's row
            s.add(Attendance(organisation_id=org_id, source="t", namespace="t",
                             student_id=pupil.id, date=day, lesson=n + 1, subject=subject,
                             code=code))
        s.flush()
        return db, org.id, pupil.id, pupil2.id


def test_journal_gives_marks_and_misses_by_period(journal: tuple[Database, int, int, int]
                                                   ) -> None:
    db, org, pupil, pupil2 = journal
    spans = [p.span() for p in terms.periods(START, terms.HALVES)]
    with db.session() as s:
        marks = queries.period_totals(s, org, [pupil, pupil2], spans)
        missed = queries.absence_counts(s, org, [pupil, pupil2], spans)
    assert marks[pupil2] == {} and missed[pupil2] == {}
    algebra = marks[pupil]["10-1"]["Алгебра"]
    assert (algebra.marks, algebra.weighted_sum, algebra.weight_sum) == (2, 13.0, 3.0)
    physics = marks[pupil]["10-2"]["Физика"]
    assert (physics.marks, physics.absences, physics.average) == (1, 1, 4.0)
    assert set(marks[pupil]) == {"10-1", "10-2"}
    assert missed[pupil] == {"10-1": {"Алгебра": 2, "": 1}, "10-2": {"Физика": 1}}


def test_progress_of_students_reads_the_attendance_not_the_mark_codes(
        journal: tuple[Database, int, int, int]) -> None:
    db, org, pupil, _ = journal
    with db.session() as s:
        got = progress.for_students(
            s, org, {pupil: progress.Measured(START, {"targets": {"math": 4.0}})},
            scheme=terms.QUARTERS, margin=0.5, absence_limit=0, today=date(2026, 3, 1))[pupil]
        assert s.scalars(select(Attendance.id)).first() is not None
    assert [t.period.key for t in got.terms] == ["10-1", "10-2", "10-3"]
    by_key = {t.period.key: {line.subject: line for line in t.lines} for t in got.terms}
    assert by_key["10-1"]["math"].average == 3.0 and by_key["10-2"]["math"].average == 5.0
    # the mark cell «Н» on 4 Feb is not a second miss: the attendance row of that day is
    assert by_key["10-3"]["physics"].absences == 1 and got.absences == 4
    assert {a.kind for a in got.alerts} == {"absences"}
