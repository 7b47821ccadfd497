"""Writing what an adapter fetched into the journal, set-wise, in the caller's transaction.

Several chunks (e.g. one week of a hundred students) are applied together: one query reads
what we hold for their coverage, :func:`lti_tool.journal.rules.diff` decides, and only the
difference is written with executemany. A chunk's *coverage* (its student, its dates) is
what it speaks for: a mark we hold there that the remote no longer returns is deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from adapters.base import JournalBatch
from lti_tool.db import chunks
from lti_tool.db.bulk import (
    insert_returning_ids,
    insert_rows,
    insert_tuples,
    repoint_rows,
    update_rows,
)
from lti_tool.journal.models import Assignment, Attendance, FinalMark, Mark
from lti_tool.journal.rules import diff
from schemas.records import AssignmentRecord

#: kind, source, reason code (``unknown_student`` | ``unknown_assignment``), its parameters;
#: the sync report renders the code in the reader's language
Reject = Callable[[str, str, str, dict[str, Any]], None]


@dataclass(frozen=True)
class Origin:
    """Where rows come from: the organisation and the source's id space."""

    organisation_id: int
    source: str
    namespace: str


def apply_batches(session: Session, origin: Origin, batches: Sequence[JournalBatch],
                  people: Mapping[str, int], classes: Mapping[str, int],
                  counts: Counter[str], reject: Reject) -> None:
    """Apply chunks' records; counts go to ``counts`` as ``<kind>.<created|updated|...>``."""
    # A class's assignment repeats for every student: one record per id (the first seen).
    distinct = {a.source_id: a for b in reversed(batches) for a in reversed(b.assignments)}
    assignment_ids = _apply_assignments(session, origin, batches, distinct, classes, counts)
    due = {assignment_ids[k]: a.due for k, a in distinct.items() if k in assignment_ids}
    _apply_marks(session, origin, batches, people, assignment_ids, due, counts, reject)
    _apply_attendance(session, origin, batches, people, classes, counts, reject)
    _apply_final_marks(session, origin, batches, people, counts, reject)
    _apply_deletions(session, origin, batches, people, counts)


def _apply_deletions(session: Session, origin: Origin, batches: Sequence[JournalBatch],
                     people: Mapping[str, int], counts: Counter[str]) -> None:
    """Removals a delta source names explicitly (its chunks cover no dates)."""
    gone_marks = [(a, people[s]) for b in batches for a, s in b.deleted_marks if s in people]
    gone_assignments = [a for b in batches for a in b.deleted_assignments]
    wanted = sorted({a for a, _ in gone_marks} | set(gone_assignments))
    ids: dict[str, int] = {}
    for part in chunks(wanted):
        ids.update({ext: pk for pk, ext in session.execute(
            select(Assignment.id, Assignment.external_id).where(
                Assignment.source == origin.source, Assignment.namespace == origin.namespace,
                Assignment.external_id.in_(part)))})
    keys = [(ids[a], s) for a, s in gone_marks if a in ids]
    for part in chunks(keys):
        result = session.execute(delete(Mark).where(
            tuple_(Mark.assignment_id, Mark.student_id).in_(list(part))))
        counts["marks.deleted"] += int(getattr(result, "rowcount", 0) or 0)
    doomed = [ids[a] for a in gone_assignments if a in ids]
    for part in chunks(doomed):
        session.execute(delete(Mark).where(Mark.assignment_id.in_(part)))
        session.execute(delete(Assignment).where(Assignment.id.in_(part)))
    counts["assignments.deleted"] += len(doomed)


def _apply_assignments(session: Session, origin: Origin, batches: Sequence[JournalBatch],
                       distinct: Mapping[str, AssignmentRecord], classes: Mapping[str, int],
                       counts: Counter[str]) -> dict[str, int]:
    incoming = {k: dict(class_id=classes.get(a.class_id), subject=a.subject, title=a.title,
                        type_name=a.type_name, weight=a.weight, due=a.due,
                        max_mark=a.max_mark) for k, a in distinct.items()}
    wanted = sorted(incoming) + sorted({m.assignment_id for b in batches for m in b.marks
                                       if m.assignment_id not in incoming})
    held: dict[str, dict[str, Any]] = {}
    ids: dict[str, int] = {}
    columns = [Assignment.id, Assignment.external_id, Assignment.class_id, Assignment.subject,
               Assignment.title, Assignment.type_name, Assignment.weight, Assignment.due,
               Assignment.max_mark]
    for part in chunks(wanted):
        for row in session.execute(select(*columns).where(
                Assignment.source == origin.source, Assignment.namespace == origin.namespace,
                Assignment.external_id.in_(part))):
            ids[row.external_id] = row.id
            held[row.external_id] = dict(
                class_id=row.class_id, subject=row.subject, title=row.title,
                type_name=row.type_name, weight=row.weight, due=row.due, max_mark=row.max_mark)
    change = diff({k: v for k, v in held.items() if k in incoming}, incoming)
    if change.create:
        rows = [dict(organisation_id=origin.organisation_id, source=origin.source,
                     namespace=origin.namespace, external_id=k, **incoming[k])
                for k in change.create]
        ids.update(insert_returning_ids(session, Assignment, rows, "external_id"))
    if change.update:
        update_rows(session, Assignment, [dict(id=ids[k], **incoming[k])
                                          for k in change.update])
    counts["assignments.created"] += len(change.create)
    counts["assignments.updated"] += len(change.update)
    counts["assignments.unchanged"] += change.unchanged
    return ids


class Coverage:
    """The dates each student's chunks speak for (a chunk without a scope: everyone's).

    :meth:`selects` reads exactly what is covered, one query per date range with its own
    students: a group of week-chunks that straddles two weeks must not read back the other
    students' half-week the previous group has just written (that was half of all reads).
    """

    def __init__(self, batches: Sequence[JournalBatch], people: Mapping[str, int]) -> None:
        self.everyone: list[tuple[date, date]] = []
        self.per_student: dict[int, list[tuple[date, date]]] = {}
        self.by_range: dict[tuple[date, date], set[int]] = {}
        for batch in batches:
            c = batch.chunk
            if not c.scope:
                self.everyone.append((c.start, c.end))
            elif c.scope in people:
                self.per_student.setdefault(people[c.scope], []).append((c.start, c.end))
                self.by_range.setdefault((c.start, c.end), set()).add(people[c.scope])
        for ranges in self.per_student.values():
            ranges.extend(self.everyone)

    def covers(self, day: date, student: int) -> bool:
        for start, end in self.per_student.get(student, self.everyone):
            if start <= day <= end:
                return True
        return False

    def selects(self, query: Any, day: Any, student: Any) -> Iterable[Any]:
        """``query`` narrowed to each covered range (``day`` between, ``student`` among)."""
        for start, end in self.everyone:
            yield query.where(day.between(start, end))
        for (start, end), students in self.by_range.items():
            for part in chunks(sorted(students)):
                yield query.where(day.between(start, end), student.in_(part))


MARK_FIELDS = ("value", "code", "debt", "date", "comment")


def _apply_marks(session: Session, origin: Origin, batches: Sequence[JournalBatch],
                 people: Mapping[str, int], assignment_ids: Mapping[str, int],
                 due: Mapping[int, date], counts: Counter[str], reject: Reject) -> None:
    incoming: dict[tuple[int, int], tuple[Any, ...]] = {}  # values in MARK_FIELDS order
    for batch in batches:
        for m in batch.marks:
            student = people.get(m.student_id)
            assignment = assignment_ids.get(m.assignment_id)
            if student is None or assignment is None:
                reject("MarkRecord", batch.chunk.key, *(
                    ("unknown_student", {"id": m.student_id}) if student is None
                    else ("unknown_assignment", {"id": m.assignment_id})))
                continue
            mark = m.mark
            incoming[(assignment, student)] = (mark.value, mark.code, mark.debt, m.date,
                                               m.comment)
    coverage = Coverage(batches, people)
    columns = (Mark.id, Mark.assignment_id, Mark.student_id, Mark.value, Mark.code, Mark.debt,
               Mark.date, Mark.comment)
    query = (select(*columns).join(Assignment, Assignment.id == Mark.assignment_id)
             .where(Assignment.source == origin.source, Assignment.namespace == origin.namespace))
    held: dict[tuple[int, int], tuple[Any, ...]] = {}
    mark_ids: dict[tuple[int, int], int] = {}

    def hold(row: Any) -> None:
        key = (row.assignment_id, row.student_id)
        held[key] = (row.value, row.code, row.debt, row.date, row.comment)
        mark_ids[key] = row.id

    for covered in coverage.selects(query, Assignment.due, Mark.student_id):
        for row in session.execute(covered):
            hold(row)
    # Keys whose assignment falls inside its student's coverage were read above; only the
    # rest (an assignment that moved weeks) need a look-up of their own.
    outside = [k for k in incoming if k not in held and not (
        k[0] in due and coverage.covers(due[k[0]], k[1]))]
    for part in chunks(outside):
        for row in session.execute(select(*columns).where(
                tuple_(Mark.assignment_id, Mark.student_id).in_(list(part)))):
            hold(row)
    change = diff(held, incoming)
    insert_tuples(session, Mark, ("assignment_id", "student_id", *MARK_FIELDS),
                  [(*k, *incoming[k]) for k in change.create])
    update_rows(session, Mark, [{"id": mark_ids[k], **dict(zip(MARK_FIELDS, incoming[k],
                                                                strict=True))}
                                for k in change.update])
    for part in chunks([mark_ids[k] for k in change.delete]):
        session.execute(delete(Mark).where(Mark.id.in_(part)))
    counts["marks.created"] += len(change.create)
    counts["marks.updated"] += len(change.update)
    counts["marks.deleted"] += len(change.delete)
    counts["marks.unchanged"] += change.unchanged


def _apply_attendance(session: Session, origin: Origin, batches: Sequence[JournalBatch],
                      people: Mapping[str, int], classes: Mapping[str, int],
                      counts: Counter[str], reject: Reject) -> None:
    with_attendance = [b for b in batches if b.includes_attendance]
    if not with_attendance:
        return
    incoming: dict[tuple[int, date, int], tuple[Any, ...]] = {}
    for batch in with_attendance:
        for a in batch.attendance:
            student = people.get(a.student_id)
            if student is None:
                reject("AttendanceRecord", batch.chunk.key, "unknown_student",
                       {"id": a.student_id})
                continue
            incoming[(student, a.date, a.lesson)] = (classes.get(a.class_id), a.subject, a.code)
    coverage = Coverage(with_attendance, people)
    query = (select(Attendance.id, Attendance.student_id, Attendance.date, Attendance.lesson,
                    Attendance.class_id, Attendance.subject, Attendance.code)
             .where(Attendance.source == origin.source, Attendance.namespace == origin.namespace))
    held: dict[tuple[int, date, int], tuple[Any, ...]] = {}
    row_ids: dict[tuple[int, date, int], int] = {}
    for covered in coverage.selects(query, Attendance.date, Attendance.student_id):
        for row in session.execute(covered):
            key = (row.student_id, row.date, row.lesson)
            held[key] = (row.class_id, row.subject, row.code)
            row_ids[key] = row.id
    change = diff(held, incoming)
    insert_rows(session, Attendance, [
        dict(organisation_id=origin.organisation_id, source=origin.source,
             namespace=origin.namespace, student_id=k[0], date=k[1], lesson=k[2],
             class_id=incoming[k][0], subject=incoming[k][1], code=incoming[k][2])
        for k in change.create])
    update_rows(session, Attendance, [
        dict(id=row_ids[k], class_id=incoming[k][0], subject=incoming[k][1],
             code=incoming[k][2]) for k in change.update])
    for part in chunks([row_ids[k] for k in change.delete]):
        session.execute(delete(Attendance).where(Attendance.id.in_(part)))
    counts["attendance.created"] += len(change.create)
    counts["attendance.updated"] += len(change.update)
    counts["attendance.deleted"] += len(change.delete)
    counts["attendance.unchanged"] += change.unchanged


def _apply_final_marks(session: Session, origin: Origin, batches: Sequence[JournalBatch],
                       people: Mapping[str, int], counts: Counter[str], reject: Reject) -> None:
    incoming: dict[tuple[int, str, str], tuple[Any, ...]] = {}
    for batch in batches:
        for f in batch.final_marks:
            student = people.get(f.student_id)
            if student is None:
                reject("FinalMarkRecord", batch.chunk.key, "unknown_student",
                       {"id": f.student_id})
                continue
            incoming[(student, f.subject, f.term_id)] = (f.mark.value, f.mark.code, f.mark.debt)
    if not incoming:
        return
    held: dict[tuple[int, str, str], tuple[Any, ...]] = {}
    row_ids: dict[tuple[int, str, str], int] = {}
    students = sorted({k[0] for k in incoming})
    for part in chunks(students):
        for row in session.execute(select(FinalMark).where(
                FinalMark.source == origin.source, FinalMark.namespace == origin.namespace,
                FinalMark.student_id.in_(part))).scalars():
            key = (row.student_id, row.subject, row.term_id)
            if key in incoming:
                held[key] = (row.value, row.code, row.debt)
                row_ids[key] = row.id
    change = diff(held, incoming)
    names = ("value", "code", "debt")
    insert_rows(session, FinalMark, [
        dict(organisation_id=origin.organisation_id, source=origin.source,
             namespace=origin.namespace, student_id=k[0], subject=k[1], term_id=k[2],
             **dict(zip(names, incoming[k], strict=True))) for k in change.create])
    update_rows(session, FinalMark, [dict(id=row_ids[k], **dict(zip(names, incoming[k],
                                                                    strict=True)))
                                     for k in change.update])
    counts["final_marks.created"] += len(change.create)
    counts["final_marks.updated"] += len(change.update)
    counts["final_marks.unchanged"] += change.unchanged


def reassign_student(session: Session, from_id: int, to_id: int,
                     origin: Origin | None = None) -> None:
    """Move a student's marks, attendance and final marks onto another person.

    Linking by hand moves everything (``origin`` None); undoing a link moves back only what
    came from that link's source (``origin``: its organisation, source and id space), which
    the rows carry. A row the receiver already holds (a duplicate) is dropped, not doubled.
    """
    assignments = select(Assignment.id)
    if origin is not None:
        assignments = assignments.where(Assignment.organisation_id == origin.organisation_id,
                                        Assignment.source == origin.source,
                                        Assignment.namespace == origin.namespace)
    repoint_rows(session, Mark, Mark.student_id, from_id, to_id,
               Mark.assignment_id.in_(assignments) if origin is not None else None)
    for model in (Attendance, FinalMark):
        where = None if origin is None else (
            (model.organisation_id == origin.organisation_id) & (model.source == origin.source)
            & (model.namespace == origin.namespace))
        repoint_rows(session, model, model.student_id, from_id, to_id, where)

