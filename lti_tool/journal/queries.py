"""Reading the journal for pages: a student's marks at a glance, per subject.

Callers decide access first (``lti_tool.people.access``); these functions only scope by the
organisation, so one school never reads another's journal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.journal.models import Assignment, Mark
from schemas.marks import ParsedMark, weighted_average

RECENT = 8


@dataclass(frozen=True)
class ShownMark:
    date: date
    subject: str
    text: str
    kind: str  # mark | absence | debt
    weight: float
    title: str


@dataclass
class SubjectLine:
    subject: str
    average: float | None
    marks: list[ShownMark]


@dataclass
class StudentSummary:
    average: float | None = None
    recent: list[ShownMark] = field(default_factory=list)
    absences: int = 0
    debts: int = 0
    subjects: list[SubjectLine] = field(default_factory=list)


def summaries(session: Session, org_id: int, student_ids: Sequence[int]
              ) -> dict[int, StudentSummary]:
    """Weighted average («средний балл» as Сетевой город counts it), recent marks, counts."""
    rows: dict[int, list[tuple[ShownMark, int | None]]] = {sid: [] for sid in student_ids}
    for i in range(0, len(student_ids), 500):
        part = list(student_ids[i:i + 500])
        query = (select(Mark.student_id, Mark.value, Mark.code, Mark.debt, Mark.date,
                        Assignment.subject, Assignment.weight, Assignment.title)
                 .join(Assignment, Assignment.id == Mark.assignment_id)
                 .where(Assignment.organisation_id == org_id, Mark.student_id.in_(part))
                 .order_by(Mark.date.desc(), Mark.id.desc()))
        for r in session.execute(query):
            parsed = ParsedMark(value=r.value, code=r.code, debt=r.debt)
            kind = "mark" if r.value is not None else ("absence" if r.code else "debt")
            rows[r.student_id].append((ShownMark(r.date, r.subject, parsed.text(), kind,
                                                 r.weight, r.title), r.value))
    out = {}
    for sid, marks in rows.items():
        summary = StudentSummary(
            average=weighted_average([(v, m.weight) for m, v in marks if v is not None]),
            recent=[m for m, _ in marks[:RECENT]],
            absences=sum(1 for m, _ in marks if m.kind == "absence"),
            debts=sum(1 for m, _ in marks if m.kind == "debt"))
        by_subject: dict[str, list[tuple[ShownMark, int | None]]] = {}
        for m, v in marks:
            by_subject.setdefault(m.subject, []).append((m, v))
        summary.subjects = [
            SubjectLine(subject, weighted_average([(v, m.weight) for m, v in items
                                                   if v is not None]),
                        [m for m, _ in items])
            for subject, items in sorted(by_subject.items())]
        out[sid] = summary
    return out
