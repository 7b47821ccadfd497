"""Plan against actual marks: per ФГОС subject, the target, the weighted average the journal
gives, absences, planned events done or missed, and the deviations that become the tutor's
alerts. ``compute`` is pure; ``for_students`` reads the journal only through its queries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from lti_tool.journal.queries import SubjectTotal, subject_totals
from lti_tool.pathways.editions import SUBJECTS
from lti_tool.pathways.rules import subject_of


@dataclass(frozen=True)
class Line:
    subject: str  # ФГОС subject key, or the journal's own name for a course of the school's
    name: str
    target: float | None
    average: float | None
    marks: int
    absences: int

    @property
    def behind(self) -> float:
        if self.target is None or self.average is None:
            return 0.0
        return round(self.target - self.average, 2)


@dataclass(frozen=True)
class Alert:
    kind: str  # below_target | absences | event_missed
    message: str


@dataclass
class Progress:
    lines: list[Line] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    events_done: int = 0
    events_planned: int = 0


def _fold(totals: Mapping[str, SubjectTotal]) -> dict[str, list[SubjectTotal]]:
    out: dict[str, list[SubjectTotal]] = {}
    for journal_name, total in totals.items():
        out.setdefault(subject_of(journal_name) or journal_name, []).append(total)
    return out


def compute(targets: Mapping[str, Any], totals: Mapping[str, SubjectTotal],
            events: Sequence[Mapping[str, Any]], *, margin: float, absence_limit: int,
            today: date) -> Progress:
    """Targets are keyed by ФГОС subject; journal subjects (Алгебра, Геометрия…) fold into
    them with the journal's own weights (Σ value·weight / Σ weight over all their marks)."""
    folded = _fold(totals)
    progress = Progress()
    for key in sorted(set(folded) | {k for k, v in targets.items() if v not in (None, "")},
                      key=lambda k: SUBJECTS.get(k, (k,))[0]):
        parts = folded.get(key, [])
        weight = sum(t.weight_sum for t in parts)
        marks = sum(t.marks for t in parts)
        average = (round(sum(t.weighted_sum for t in parts) / weight, 2)
                   if marks and weight > 0 else None)
        raw = targets.get(key)
        target = float(raw) if raw not in (None, "") else None
        line = Line(key, SUBJECTS.get(key, (key,))[0], target, average, marks,
                    sum(t.absences for t in parts))
        progress.lines.append(line)
        if target is not None and average is not None and line.behind > margin:
            progress.alerts.append(Alert("below_target", (
                f"{line.name.capitalize()}: средний балл {average:.2f} ниже цели {target:g} "
                f"больше чем на {margin:g}.")))
        if line.absences > absence_limit:
            progress.alerts.append(Alert("absences", (
                f"{line.name.capitalize()}: пропусков {line.absences}, порог школы "
                f"{absence_limit}.")))
    for event in events:
        progress.events_planned += 1
        if event.get("done"):
            progress.events_done += 1
            continue
        when = event.get("date")
        if when and date.fromisoformat(str(when)) < today:
            progress.alerts.append(Alert("event_missed", (
                f"Запланированное мероприятие «{event.get('title', '')}» ({when}) не "
                "отмечено как выполненное.")))
    return progress


def for_students(session: Session, org_id: int, plans: Mapping[int, Mapping[str, Any]], *,
                 margin: float, absence_limit: int, today: date) -> dict[int, Progress]:
    """Progress of many students with one journal query (the tutor's class at a glance)."""
    totals = subject_totals(session, org_id, list(plans))
    return {sid: compute(plan.get("targets") or {}, totals.get(sid, {}),
                         plan.get("events") or [], margin=margin,
                         absence_limit=absence_limit, today=today)
            for sid, plan in plans.items()}


def chart(progress: Progress, width: int = 560) -> dict[str, Any]:
    """Geometry of the plan-against-actual bar chart (the template draws it as SVG): marks 1–5,
    a bar for the average, a tick for the target; readable without script and in print."""
    rows = [line for line in progress.lines if line.target is not None or line.average]
    left, row_h, scale = 190, 26, (width - 190 - 50) / 5
    bars = []
    for i, line in enumerate(rows):
        y = 10 + i * row_h
        bars.append({
            "y": y, "name": line.name, "average": line.average, "target": line.target,
            "w": round((line.average or 0) * scale, 1),
            "tx": round(left + (line.target or 0) * scale, 1),
            "low": line.target is not None and line.average is not None
            and line.average < line.target})
    return {"width": width, "height": 20 + len(rows) * row_h, "left": left, "scale": scale,
            "bars": bars, "ticks": [(n, round(left + n * scale, 1)) for n in range(1, 6)]}


def _row_values(p: Progress) -> dict[str, Any]:
    averages = [line.average for line in p.lines if line.average]
    return {"average": round(sum(averages) / len(averages), 2) if averages else None,
            "alerts": [a.message for a in p.alerts],
            "lines": [{"subject": line.subject, "target": line.target,
                       "average": line.average, "marks": line.marks,
                       "absences": line.absences} for line in p.lines]}


def refresh(session: Session, org_id: int, plans: Mapping[int, Mapping[str, Any]], *,
            margin: float, absence_limit: int, today: date) -> dict[int, dict[str, Any]]:
    """Compute and store the progress rows of these students (one journal query)."""
    from sqlalchemy import select

    from lti_tool.db import utcnow
    from lti_tool.pathways.models import ProgressRow

    computed = {sid: _row_values(p) for sid, p in for_students(
        session, org_id, plans, margin=margin, absence_limit=absence_limit,
        today=today).items()}
    held = {r.student_id: r for r in session.scalars(select(ProgressRow).where(
        ProgressRow.organisation_id == org_id, ProgressRow.student_id.in_(list(computed))))}
    now = utcnow()
    for sid, values in computed.items():
        row = held.get(sid)
        if row is None:
            session.add(ProgressRow(organisation_id=org_id, student_id=sid, computed_at=now,
                                    **values))
        else:
            row.average, row.alerts, row.lines, row.computed_at = (
                values["average"], values["alerts"], values["lines"], now)
    session.flush()
    return computed


def stored(session: Session, org_id: int, student_ids: Sequence[int]
           ) -> dict[int, dict[str, Any]]:
    from sqlalchemy import select

    from lti_tool.pathways.models import ProgressRow

    return {r.student_id: {"average": r.average, "alerts": r.alerts,
                           "computed_at": r.computed_at}
            for r in session.scalars(select(ProgressRow).where(
                ProgressRow.organisation_id == org_id,
                ProgressRow.student_id.in_(list(student_ids))))}
