"""Reading the journal for pages: a student's marks at a glance, per subject.

Callers decide access first (``lti_tool.people.access``); these functions only scope by the
organisation, so one school never reads another's journal.

Averages and counts are aggregated by the database (person × subject), and only the latest
``per_subject`` marks of each subject come back as rows, so a class page reads about as much
in May as in September instead of every mark of the year.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from lti_tool.db import chunks
from lti_tool.journal.models import Assignment, Mark
from schemas.marks import ParsedMark
from schemas.records import AssignmentRecord, MarkRecord

RECENT = 8  # the latest marks of a student, any subject (class overview)
PER_SUBJECT = 20  # the latest marks shown per subject


@dataclass(frozen=True)
class ShownMark:
    date: date
    subject: str
    text: str
    kind: str  # mark | absence | debt
    weight: float
    title: str


@dataclass(frozen=True)
class SubjectTotal:
    """One person in one subject, aggregated by the database."""

    marks: int  # entries with a value
    absences: int
    debts: int
    weighted_sum: float  # Σ value·weight over the marks
    weight_sum: float  # Σ weight over the marks
    last: date  # the latest entry of any kind

    @property
    def count(self) -> int:
        return self.marks + self.absences + self.debts

    @property
    def average(self) -> float | None:
        """Сетевой город's weighted average, as ``schemas.marks.weighted_average``."""
        return self.weighted_sum / self.weight_sum if self.marks and self.weight_sum > 0 else None


@dataclass(frozen=True)
class Latest:
    mark: ShownMark
    in_subject: bool  # among the subject's latest ``per_subject``
    in_recent: bool  # among the person's latest ``RECENT``


@dataclass
class SubjectLine:
    subject: str
    average: float | None
    marks: list[ShownMark]  # the latest PER_SUBJECT, newest first
    count: int = 0  # all entries of the subject (marks, absences, debts)
    last: date | None = None


@dataclass
class StudentSummary:
    average: float | None = None
    recent: list[ShownMark] = field(default_factory=list)
    absences: int = 0
    debts: int = 0
    subjects: list[SubjectLine] = field(default_factory=list)


_IS_MARK = Mark.value.is_not(None)
_IS_ABSENCE = and_(Mark.value.is_(None), Mark.code.is_not(None), Mark.code != "")
_IS_DEBT = and_(Mark.value.is_(None), or_(Mark.code.is_(None), Mark.code == ""))


def subject_totals(session: Session, org_id: int, student_ids: Sequence[int]
                   ) -> dict[int, dict[str, SubjectTotal]]:
    """Person × subject → counts, weighted sums and the latest date, one GROUP BY."""
    out: dict[int, dict[str, SubjectTotal]] = {sid: {} for sid in student_ids}
    for part in chunks(student_ids):
        query = (select(
            Mark.student_id, Assignment.subject,
            func.count(case((_IS_MARK, 1))).label("marks"),
            func.count(case((_IS_ABSENCE, 1))).label("absences"),
            func.count(case((_IS_DEBT, 1))).label("debts"),
            func.coalesce(func.sum(case((_IS_MARK, Mark.value * Assignment.weight))), 0.0
                          ).label("weighted_sum"),
            func.coalesce(func.sum(case((_IS_MARK, Assignment.weight))), 0.0
                          ).label("weight_sum"),
            func.max(Mark.date).label("last"))
            .join(Assignment, Assignment.id == Mark.assignment_id)
            .where(Assignment.organisation_id == org_id, Mark.student_id.in_(part))
            .group_by(Mark.student_id, Assignment.subject))
        for r in session.execute(query):
            out[r.student_id][r.subject] = SubjectTotal(
                int(r.marks), int(r.absences), int(r.debts), float(r.weighted_sum),
                float(r.weight_sum), r.last)
    return out


#: (key, first day, last day) of a period a caller counts by: a term, a half-year
Period = tuple[str, date, date]
LATE = "ОП"  # «опоздал»: at the lesson, so not an absence


def _period_of(column: Any, periods: Sequence[Period]) -> Any:
    return case(*((and_(column >= start, column <= end), literal(key))
                  for key, start, end in periods), else_=None)


def period_totals(session: Session, org_id: int, student_ids: Sequence[int],
                  periods: Sequence[Period]) -> dict[int, dict[str, dict[str, SubjectTotal]]]:
    """Person × period × subject → what :func:`subject_totals` gives, for the marks dated in
    each period (четверть, полугодие); marks outside every period are left out. One GROUP BY
    over a subquery that names each mark's period (a CASE on its date)."""
    out: dict[int, dict[str, dict[str, SubjectTotal]]] = {sid: {} for sid in student_ids}
    if not periods:
        return out
    first, last = min(p[1] for p in periods), max(p[2] for p in periods)
    for part in chunks(student_ids):
        rows = (select(Mark.student_id, Assignment.subject, Mark.value, Mark.code, Mark.date,
                       Assignment.weight, _period_of(Mark.date, periods).label("period"))
                .join(Assignment, Assignment.id == Mark.assignment_id)
                .where(Assignment.organisation_id == org_id, Mark.student_id.in_(part),
                       Mark.date >= first, Mark.date <= last).subquery())
        is_mark = rows.c.value.is_not(None)
        query = (select(
            rows.c.student_id, rows.c.subject, rows.c.period,
            func.count(case((is_mark, 1))).label("marks"),
            func.count(case((and_(rows.c.value.is_(None), rows.c.code.is_not(None),
                                  rows.c.code != ""), 1))).label("absences"),
            func.count(case((and_(rows.c.value.is_(None),
                                  or_(rows.c.code.is_(None), rows.c.code == "")), 1))
                       ).label("debts"),
            func.coalesce(func.sum(case((is_mark, rows.c.value * rows.c.weight))), 0.0
                          ).label("weighted_sum"),
            func.coalesce(func.sum(case((is_mark, rows.c.weight))), 0.0).label("weight_sum"),
            func.max(rows.c.date).label("last"))
            .where(rows.c.period.is_not(None))
            .group_by(rows.c.student_id, rows.c.subject, rows.c.period))
        for r in session.execute(query):
            out[r.student_id].setdefault(r.period, {})[r.subject] = SubjectTotal(
                int(r.marks), int(r.absences), int(r.debts), float(r.weighted_sum),
                float(r.weight_sum), r.last)
    return out


def absence_counts(session: Session, org_id: int, student_ids: Sequence[int],
                   periods: Sequence[Period]) -> dict[int, dict[str, dict[str, int]]]:
    """Person × period × subject → lessons missed, from the journal's attendance (a late
    arrival «ОП» is not a miss); an absence the source gave no subject is under ``""``."""
    from lti_tool.journal.models import Attendance

    out: dict[int, dict[str, dict[str, int]]] = {sid: {} for sid in student_ids}
    if not periods:
        return out
    first, last = min(p[1] for p in periods), max(p[2] for p in periods)
    for part in chunks(student_ids):
        rows = (select(Attendance.student_id, Attendance.subject,
                       _period_of(Attendance.date, periods).label("period"))
                .where(Attendance.organisation_id == org_id,
                       Attendance.student_id.in_(part), Attendance.code != LATE,
                       Attendance.date >= first, Attendance.date <= last).subquery())
        query = (select(rows.c.student_id, rows.c.subject, rows.c.period,
                        func.count().label("n"))
                 .where(rows.c.period.is_not(None))
                 .group_by(rows.c.student_id, rows.c.subject, rows.c.period))
        for r in session.execute(query):
            out[r.student_id].setdefault(r.period, {})[r.subject or ""] = int(r.n)
    return out


def latest_marks(session: Session, org_id: int, student_ids: Sequence[int],
                 per_subject: int = PER_SUBJECT, subject: str | None = None
                 ) -> dict[int, list[Latest]]:
    """The latest ``per_subject`` entries of each person × subject and the latest ``RECENT``
    of each person, newest first. With ``subject``, only that subject's entries are read (a
    page that shows one subject's marks need not rank a year of every subject's)."""
    out: dict[int, list[Latest]] = {sid: [] for sid in student_ids}
    newest = (Mark.date.desc(), Mark.id.desc())
    for part in chunks(student_ids):
        where = [Assignment.organisation_id == org_id, Mark.student_id.in_(part)]
        if subject is not None:
            where.append(Assignment.subject == subject)
        ranked = (select(
            Mark.id, Mark.student_id, Mark.value, Mark.code, Mark.debt, Mark.date,
            Assignment.subject, Assignment.weight, Assignment.title,
            func.row_number().over(partition_by=(Mark.student_id, Assignment.subject),
                                   order_by=newest).label("in_subject"),
            func.row_number().over(partition_by=Mark.student_id, order_by=newest
                                   ).label("in_all"))
            .join(Assignment, Assignment.id == Mark.assignment_id)
            .where(*where)
            .subquery())
        query = (select(ranked)
                 .where(or_(ranked.c.in_subject <= per_subject, ranked.c.in_all <= RECENT))
                 .order_by(ranked.c.date.desc(), ranked.c.id.desc()))
        for r in session.execute(query):
            parsed = ParsedMark(value=r.value, code=r.code, debt=r.debt)
            kind = "mark" if r.value is not None else ("absence" if r.code else "debt")
            out[r.student_id].append(Latest(
                ShownMark(r.date, r.subject, parsed.text(), kind, r.weight, r.title),
                r.in_subject <= per_subject, r.in_all <= RECENT))
    return out


def summaries(session: Session, org_id: int, student_ids: Sequence[int],
              per_subject: int = PER_SUBJECT, *, subject: str | None = None,
              totals: dict[int, dict[str, SubjectTotal]] | None = None
              ) -> dict[int, StudentSummary]:
    """Weighted average («средний балл» as Сетевой город counts it), recent marks, counts.
    Averages and counts cover every subject; with ``subject`` the marks listed (per subject
    and recent) are that subject's only. ``totals``: :func:`subject_totals` already read."""
    if totals is None:
        totals = subject_totals(session, org_id, student_ids)
    latest = latest_marks(session, org_id, student_ids, per_subject, subject)
    out = {}
    for sid in student_ids:
        subjects = totals[sid]
        marks = sum(t.marks for t in subjects.values())
        weight = sum(t.weight_sum for t in subjects.values())
        by_subject: dict[str, list[ShownMark]] = {}
        for row in latest[sid]:  # newest first, as the database ordered them
            if row.in_subject:
                by_subject.setdefault(row.mark.subject, []).append(row.mark)
        out[sid] = StudentSummary(
            average=(sum(t.weighted_sum for t in subjects.values()) / weight
                     if marks and weight > 0 else None),
            recent=[row.mark for row in latest[sid] if row.in_recent],
            absences=sum(t.absences for t in subjects.values()),
            debts=sum(t.debts for t in subjects.values()),
            subjects=[SubjectLine(subject, t.average, by_subject.get(subject, []), t.count,
                                  t.last) for subject, t in sorted(subjects.items())])
    return out


def journal_records(session: Session, org_id: int, students: dict[int, str],
                    classes: dict[int, str], since: date | None = None,
                    until: date | None = None) -> tuple[list[AssignmentRecord], list[MarkRecord]]:
    """The organisation's assignments and marks as canonical records (a OneRoster export),
    named by the caller's ids (person id → export id, class id → export id); marks of
    people or assignments of classes the caller does not name are left out, as are
    assignments due outside [since, until]."""
    query = select(Assignment).where(Assignment.organisation_id == org_id,
                                     Assignment.class_id.in_(classes))
    if since is not None:
        query = query.where(Assignment.due >= since)
    if until is not None:
        query = query.where(Assignment.due <= until)
    assignments = {a.id: AssignmentRecord(
        source_id=_export_id(a),
        class_id=classes[a.class_id], subject=a.subject, title=a.title,
        type_name=a.type_name, weight=a.weight, due=a.due, max_mark=a.max_mark)
        for a in session.scalars(query.order_by(Assignment.id)) if a.class_id is not None}
    marks = []
    ids = list(assignments)
    for part in chunks(ids):
        for m in session.scalars(select(Mark).where(Mark.assignment_id.in_(part))
                                 .order_by(Mark.id)):
            if m.student_id in students:
                marks.append(MarkRecord(
                    assignment_id=assignments[m.assignment_id].source_id,
                    student_id=students[m.student_id],
                    mark=ParsedMark(value=m.value, code=m.code, debt=m.debt), date=m.date,
                    comment=m.comment))
    return list(assignments.values()), marks


def _export_id(assignment: Assignment) -> str:
    """Stable across exports, and names neither the source's own id nor our row number."""
    key = f"{assignment.source}|{assignment.namespace}|{assignment.external_id}".encode()
    return "li-" + hashlib.sha256(key).hexdigest()[:16]
