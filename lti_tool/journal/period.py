"""Reading a period of the journal for another school: the network exchange's monthly
transfer, the network teacher's page, report cards and a route's network courses.

Apart from :mod:`lti_tool.journal.queries` (a school's own pages) because these read several
schools at once and are shaped for volume: a network's month is tens of thousands of cells.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, String, Subquery, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from lti_tool.db import any_of, chunks
from lti_tool.journal.models import Assignment, Attendance, Mark
from lti_tool.journal.queries import LATE

__all__ = ["LATE", "PeriodAbsence", "PeriodCells", "PeriodMark", "PeriodWork",
           "absences_between", "absences_to_join", "cells_to_join", "iso_days", "marks_between",
           "period_cells", "period_works"]


@dataclass(frozen=True)
class PeriodMark:
    """A journal cell of a period, for another school (the network exchange's transfer)."""

    student_id: int
    subject: str
    assignment_key: str  # the assignment's own source id space: stable across re-syncs
    title: str
    type_name: str
    weight: float
    date: date
    text: str  # «5», «Н», «.»
    organisation_id: int = 0
    class_id: int | None = None
    origin: tuple[str, str] = ("", "")  # (source, namespace) that wrote it


@dataclass(frozen=True)
class PeriodAbsence:
    student_id: int
    subject: str
    date: date
    lesson: int
    code: str
    organisation_id: int = 0


def _orgs(org_id: int | Sequence[int]) -> list[int]:
    return [org_id] if isinstance(org_id, int) else list(org_id)


@dataclass(frozen=True, slots=True)
class PeriodWork:
    """An assignment («работа») that a period's marks belong to, read once per period."""

    organisation_id: int
    subject: str
    class_id: int | None
    origin: tuple[str, str]  # (source, namespace) that wrote it
    key: str  # stable across re-syncs: hashed from the source's own ids
    title: str
    type_name: str
    weight: float


@dataclass
class PeriodCells:
    """A period's marks as plain rows ``(work id, student id, ISO day, text)`` and the works
    they belong to: a network's month is tens of thousands of cells and a thousand works,
    so a cell carries no more than it must (the monthly transfer stores text: no dates
    are parsed per cell)."""

    works: dict[int, PeriodWork]
    marks: list[Any]  # rows (work id, student id, ISO day, text)


#: A cell's text as :meth:`schemas.marks.ParsedMark.text` spells it (the value, else the
#: code, else «.» for a debt; an empty code is a debt, as ``queries._IS_DEBT`` counts it),
#: said in SQL so that no row of a network's month is touched in Python to make it;
#: ``tests/exchange/test_period_cells.py`` checks the two agree.
_TEXT = func.coalesce(cast(Mark.value, String), func.nullif(Mark.code, ""), ".")


def iso_days(rows: Sequence[Any], at: int) -> list[Any]:
    """Rows whose column ``at`` is a day read as text (``type_coerce``): SQLite gives its
    stored ISO text as it is, PostgreSQL a date, spelled here the same way."""
    if rows and not isinstance(rows[0][at], str):
        return [(*r[:at], r[at].isoformat(), *r[at + 1:]) for r in rows]
    return list(rows)


def period_works(session: Session, ids: Collection[int]) -> dict[int, PeriodWork]:
    """The works (assignments) with these ids, with their stable keys."""
    works: dict[int, PeriodWork] = {}
    for part in chunks(sorted(ids)):
        for (work, org, subject, klass, source, namespace, external, title, type_name,
             weight) in session.connection().execute(select(
                Assignment.id, Assignment.organisation_id, Assignment.subject,
                Assignment.class_id, Assignment.source, Assignment.namespace,
                Assignment.external_id, Assignment.title, Assignment.type_name,
                Assignment.weight).where(any_of(Assignment.id, part))).all():
            key = hashlib.sha256(f"{source}\x00{namespace}\x00{external}".encode()
                                 ).hexdigest()[:16]
            works[work] = PeriodWork(org, subject, klass, (source, namespace), key, title,
                                     type_name, weight)
    return works


#: Organisations named by id, or by an expanding bind parameter (a statement built once and
#: run for batch after batch of them).
Orgs = Sequence[int] | BindParameter[Any]


def _of_orgs(column: Any, orgs: Orgs) -> Any:
    return column.in_(orgs) if isinstance(orgs, BindParameter) else any_of(column, orgs)


def cells_to_join(org_ids: Orgs, start: date, end: date) -> Subquery:
    """The period's marks at these organisations as a subquery a feature joins to its own
    people on ``student_id``: ``work_id``, ``student_id``, ``day`` (read it with
    :func:`iso_days`), ``text``, and what says whose work it is — ``organisation_id``,
    ``subject``, ``class_id``, ``source``, ``namespace``. The network exchange routes a
    month's cells to its enrolments this way, in the database, not cell by cell in Python."""
    return select(
        Mark.assignment_id.label("work_id"), Mark.student_id,
        type_coerce(Mark.date, String).label("day"), _TEXT.label("text"),
        Assignment.organisation_id, Assignment.subject, Assignment.class_id, Assignment.source,
        Assignment.namespace).join(Assignment, Assignment.id == Mark.assignment_id).where(
        # «+ 0»: SQLite's planner otherwise probes every assignment of the schools for
        # every student; the students' own marks (an index) are far fewer
        _of_orgs(Assignment.organisation_id + 0, org_ids),
        Mark.date >= start, Mark.date <= end).subquery("cells")


def absences_to_join(org_ids: Orgs, start: date, end: date) -> Subquery:
    """The period's absences at these organisations, to join as :func:`cells_to_join`:
    ``student_id``, ``organisation_id``, ``subject``, ``day``, ``lesson``, ``code``,
    ``source``, ``namespace``."""
    return select(
        Attendance.student_id, Attendance.organisation_id, Attendance.subject,
        type_coerce(Attendance.date, String).label("day"), Attendance.lesson,
        Attendance.code, Attendance.source, Attendance.namespace).where(
        _of_orgs(Attendance.organisation_id + 0, org_ids),
        Attendance.date >= start, Attendance.date <= end).subquery("absences")


def period_cells(session: Session, org_id: int | Sequence[int], student_ids: Sequence[int],
                 start: date, end: date, subjects: Sequence[str] | None = None,
                 class_id: int | None = None,
                 origin: tuple[str, str] | None = None) -> PeriodCells:
    """The organisation's (or organisations') marks of these students dated ``start``..``end``
    (inclusive); ``origin`` (source, namespace) narrows them to what one source wrote. The
    rows of :func:`cells_to_join` (the month run's read), one query per 500 students
    whatever the number of schools, and one for the works they belong to."""
    cells = cells_to_join(_orgs(org_id), start, end)
    marks: list[Any] = []
    for part in chunks(student_ids):
        query = select(cells.c.work_id, cells.c.student_id, cells.c.day, cells.c.text).where(
            any_of(cells.c.student_id, part))
        if subjects is not None:
            query = query.where(any_of(cells.c.subject, subjects))
        if class_id is not None:
            query = query.where(cells.c.class_id == class_id)
        if origin is not None:
            query = query.where(cells.c.source == origin[0], cells.c.namespace == origin[1])
        marks += iso_days(session.connection().execute(query).all(), 2)
    return PeriodCells(period_works(session, {m[0] for m in marks}), marks)


def marks_between(session: Session, org_id: int | Sequence[int], student_ids: Sequence[int],
                  start: date, end: date, subjects: Sequence[str] | None = None,
                  class_id: int | None = None,
                  origin: tuple[str, str] | None = None) -> list[PeriodMark]:
    """:func:`period_cells` as :class:`PeriodMark` (pages and report cards)."""
    cells = period_cells(session, org_id, student_ids, start, end, subjects, class_id, origin)
    out = []
    for work_id, student, day, text in cells.marks:
        w = cells.works[work_id]
        out.append(PeriodMark(student, w.subject, w.key, w.title, w.type_name, w.weight,
                              date.fromisoformat(day), text, w.organisation_id, w.class_id,
                              w.origin))
    return out


def absences_between(session: Session, org_id: int | Sequence[int],
                     student_ids: Sequence[int], start: date, end: date,
                     subjects: Sequence[str] | None = None,
                     origin: tuple[str, str] | None = None) -> list[PeriodAbsence]:
    """The organisations' absences of these students: the rows of :func:`absences_to_join`
    (the month run's read), as :class:`PeriodAbsence` (pages and report cards)."""
    absent = absences_to_join(_orgs(org_id), start, end)
    out: list[PeriodAbsence] = []
    for part in chunks(student_ids):
        query = select(absent.c.organisation_id, absent.c.student_id, absent.c.subject,
                       absent.c.day, absent.c.lesson, absent.c.code).where(
            any_of(absent.c.student_id, part))
        if subjects is not None:
            query = query.where(any_of(absent.c.subject, subjects))
        if origin is not None:
            query = query.where(absent.c.source == origin[0],
                                absent.c.namespace == origin[1])
        out += [PeriodAbsence(student, subject, date.fromisoformat(day), lesson, code, org)
                for org, student, subject, day, lesson, code in iso_days(
                    session.connection().execute(query).all(), 3)]
    return out
