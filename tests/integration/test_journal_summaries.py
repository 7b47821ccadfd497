"""The journal summaries of the class page and the home page are aggregated by the database
(``lti_tool/journal/queries.py``); they must equal what reading every mark and averaging in
Python gives (the code they replaced, kept here as the reference), on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lti_tool.db import Database
from lti_tool.journal import queries
from lti_tool.journal.models import Assignment, Mark
from lti_tool.journal.queries import RECENT, ShownMark, summaries
from lti_tool.people.models import Organisation, Person
from schemas.marks import ABSENCE_CODES, ParsedMark, weighted_average


def _reference(session, org_id: int, student_ids: list[int], per_subject: int) -> dict:
    """Every mark read and averaged in Python: the old ``summaries``."""
    rows: dict[int, list[tuple[ShownMark, int | None]]] = {sid: [] for sid in student_ids}
    query = (select(Mark.student_id, Mark.value, Mark.code, Mark.debt, Mark.date,
                    Assignment.subject, Assignment.weight, Assignment.title)
             .join(Assignment, Assignment.id == Mark.assignment_id)
             .where(Assignment.organisation_id == org_id, Mark.student_id.in_(student_ids))
             .order_by(Mark.date.desc(), Mark.id.desc()))
    for r in session.execute(query):
        kind = "mark" if r.value is not None else ("absence" if r.code else "debt")
        text = ParsedMark(value=r.value, code=r.code, debt=r.debt).text()
        rows[r.student_id].append(
            (ShownMark(r.date, r.subject, text, kind, r.weight, r.title), r.value))
    out = {}
    for sid, marks in rows.items():
        by_subject: dict[str, list[tuple[ShownMark, int | None]]] = {}
        for m, v in marks:
            by_subject.setdefault(m.subject, []).append((m, v))
        out[sid] = dict(
            average=weighted_average([(v, m.weight) for m, v in marks if v is not None]),
            recent=[m for m, _ in marks[:RECENT]],
            absences=sum(1 for m, _ in marks if m.kind == "absence"),
            debts=sum(1 for m, _ in marks if m.kind == "debt"),
            subjects=[(subject,
                       weighted_average([(v, m.weight) for m, v in items if v is not None]),
                       [m for m, _ in items][:per_subject], len(items),
                       max(m.date for m, _ in items))
                      for subject, items in sorted(by_subject.items())])
    return out


def _seed(db: Database) -> tuple[int, list[int]]:
    """Two schools; three students with a term of marks, absences and debts, one with none."""
    rnd = random.Random(7)
    with db.session() as s:
        org, other = Organisation(slug="s", name="S"), Organisation(slug="o", name="O")
        people = [Person(display_name=f"Ученик {i}") for i in range(4)]
        s.add_all([org, other, *people])
        s.flush()
        start = date(2026, 9, 1)
        subjects = ["Алгебра", "История", "Физика"]
        for n in range(120):
            owner = other if n % 10 == 9 else org  # another school's work: never counted
            task = Assignment(organisation_id=owner.id, source="netschool", namespace="t",
                              external_id=str(n), subject=rnd.choice(subjects),
                              title=f"Работа {n}", weight=rnd.choice([0.5, 1.0, 1.5, 2.0]),
                              due=start + timedelta(days=n))
            s.add(task)
            s.flush()
            for person in people[:3]:
                if rnd.random() < 0.6:  # one entry per work and student at most
                    kind = rnd.random()
                    value, code, debt = ((rnd.randint(1, 5), None, False) if kind < 0.8 else
                                         (None, rnd.choice(sorted(ABSENCE_CODES)), False)
                                         if kind < 0.9 else (None, None, True))
                    # several marks share a date: the order falls back to the id, as before
                    s.add(Mark(assignment_id=task.id, student_id=person.id, value=value,
                               code=code, debt=debt, date=start + timedelta(days=n // 6)))
        return org.id, [p.id for p in people]


@pytest.mark.parametrize("per_subject", [3, queries.PER_SUBJECT])
def test_sql_aggregate_equals_python_average(database_url: str, per_subject: int) -> None:
    db = Database(database_url)
    org_id, students = _seed(db)
    with db.session() as s:
        got = summaries(s, org_id, students, per_subject=per_subject)
        want = _reference(s, org_id, students, per_subject)
    db.engine.dispose()

    assert set(got) == set(students)
    assert sum(len(w["recent"]) for w in want.values()) > 10  # the seed made marks
    for sid in students:
        g, w = got[sid], want[sid]
        assert g.average == (None if w["average"] is None
                             else pytest.approx(w["average"], rel=1e-12))
        assert len(g.recent) == min(RECENT, sum(line.count for line in g.subjects))
        assert g.recent == w["recent"]
        assert (g.absences, g.debts) == (w["absences"], w["debts"])
        assert [(line.subject, line.marks, line.count, line.last) for line in g.subjects] == [
            (subject, marks, count, last) for subject, _, marks, count, last in w["subjects"]]
        for line, (_, average, *_rest) in zip(g.subjects, w["subjects"], strict=True):
            assert line.average == (None if average is None
                                    else pytest.approx(average, rel=1e-12))
    assert got[students[3]].subjects == [] and got[students[3]].average is None


def test_subject_totals_per_person_and_subject(database_url: str) -> None:
    db = Database(database_url)
    org_id, students = _seed(db)
    with db.session() as s:
        totals = queries.subject_totals(s, org_id, students)
        want = _reference(s, org_id, students, queries.PER_SUBJECT)
    db.engine.dispose()

    for sid in students:
        assert sorted(totals[sid]) == [subject for subject, *_ in want[sid]["subjects"]]
        for subject, average, _, count, last in want[sid]["subjects"]:
            t = totals[sid][subject]
            assert (t.count, t.last) == (count, last)
            assert t.average == (None if average is None else pytest.approx(average, rel=1e-12))


def test_one_subject_shown_keeps_every_average(database_url: str) -> None:
    """The class overview reads the marks of the subject it shows only: the averages and
    counts of every subject stay those of the full read, the other subjects list no marks."""
    db = Database(database_url)
    org_id, students = _seed(db)
    with db.session() as s:
        full = summaries(s, org_id, students, per_subject=5)
        subject = next(line.subject for sid in students for line in full[sid].subjects)
        totals = queries.subject_totals(s, org_id, students)
        one = summaries(s, org_id, students, per_subject=5, subject=subject, totals=totals)
    db.engine.dispose()

    shown = 0
    for sid in students:
        assert one[sid].average == full[sid].average
        assert (one[sid].absences, one[sid].debts) == (full[sid].absences, full[sid].debts)
        for got, want in zip(one[sid].subjects, full[sid].subjects, strict=True):
            assert (got.subject, got.average, got.count, got.last) == (
                want.subject, want.average, want.count, want.last)
            assert got.marks == (want.marks if got.subject == subject else [])
            shown += len(got.marks) if got.subject == subject else 0
        assert all(m.subject == subject for m in one[sid].recent)
    assert shown > 0
