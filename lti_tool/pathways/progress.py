"""Plan against actual marks: per ФГОС subject and per period (полугодие or четверть, as
the school follows routes), the target, the weighted average the journal gives, the lessons
missed (the journal's attendance), planned events done or missed, and the deviations that
become the tutor's alerts. ``compute`` is pure; ``for_students`` reads the journal only
through its queries (one GROUP BY for marks, one for attendance, per route start). A network
course of the plan the student is enrolled in is taught at its host: its marks and absences
come from the host's journal through ``exchange.services`` (``pathways.network``) and count
in its subject like the home journal's (see ``lti_tool.exchange.route_marks`` on why nothing
is counted twice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from lti_tool.journal.queries import SubjectTotal, absence_counts, period_totals
from lti_tool.pathways import network, terms
from lti_tool.pathways.editions import SUBJECTS
from lti_tool.pathways.messages import N_, Capital, Text
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
class Term:
    period: terms.Period
    lines: list[Line] = field(default_factory=list)
    absences: int = 0  # every lesson missed in the period, with or without a subject
    current: bool = False


@dataclass
class Progress:
    lines: list[Line] = field(default_factory=list)  # the route so far, all periods together
    alerts: list[Alert] = field(default_factory=list)
    events_done: int = 0
    events_planned: int = 0
    terms: list[Term] = field(default_factory=list)  # the periods begun, in order
    absences: int = 0
    network: list[network.Counted] = field(default_factory=list)  # host marks counted


#: a student's journal by period: marks per journal subject, lessons missed per subject
Marks = Mapping[str, Mapping[str, SubjectTotal]]
Missed = Mapping[str, Mapping[str, int]]


def _name(key: str) -> str:
    return SUBJECTS.get(key, (key,))[0]


def _lines(targets: Mapping[str, Any], marks: Sequence[Mapping[str, SubjectTotal]],
           missed: Sequence[Mapping[str, int]]) -> list[Line]:
    """Journal subjects (Алгебра, Геометрия…) fold into ФГОС subjects with the journal's own
    weights (Σ value·weight / Σ weight over all their marks) across the given periods."""
    folded: dict[str, list[SubjectTotal]] = {}
    for period in marks:
        for journal_name, total in period.items():
            folded.setdefault(subject_of(journal_name) or journal_name, []).append(total)
    absent: dict[str, int] = {}
    for period_missed in missed:
        for journal_name, n in period_missed.items():
            if journal_name:
                key = subject_of(journal_name) or journal_name
                absent[key] = absent.get(key, 0) + n
    keys = set(folded) | set(absent) | {k for k, v in targets.items() if v not in (None, "")}
    out = []
    for key in sorted(keys, key=_name):
        parts = folded.get(key, [])
        weight = sum(t.weight_sum for t in parts)
        count = sum(t.marks for t in parts)
        raw = targets.get(key)
        out.append(Line(key, _name(key), float(raw) if raw not in (None, "") else None,
                        round(sum(t.weighted_sum for t in parts) / weight, 2)
                        if count and weight > 0 else None, count, absent.get(key, 0)))
    return out


def compute(targets: Mapping[str, Any], marks: Marks, missed: Missed,
            periods: Sequence[terms.Period], events: Sequence[Mapping[str, Any]], *,
            margin: float, absence_limit: int, today: date) -> Progress:
    """Targets are keyed by ФГОС subject. The average below target by more than ``margin`` is
    an alert for the route so far; lessons missed above ``absence_limit`` in a subject are an
    alert for the period they were missed in (the school counts them by term)."""
    begun = terms.started(list(periods), today)
    now = terms.current(list(periods), today)
    progress = Progress(lines=_lines(targets, [marks.get(p.key, {}) for p in begun],
                                     [missed.get(p.key, {}) for p in begun]))
    progress.absences = sum(sum(missed.get(p.key, {}).values()) for p in begun)
    for line in progress.lines:
        if line.target is not None and line.average is not None and line.behind > margin:
            progress.alerts.append(Alert("below_target", Text(
                N_("%(subject)s: средний балл %(average)s ниже цели %(target)s больше чем на "
                   "%(margin)s."), subject=Capital(line.name), average=f"{line.average:.2f}",
                target=f"{line.target:g}", margin=f"{margin:g}")))
    for period in begun:
        term = Term(period, _lines(targets, [marks.get(period.key, {})],
                                   [missed.get(period.key, {})]),
                    sum(missed.get(period.key, {}).values()), period == now)
        progress.terms.append(term)
        for line in term.lines:
            if line.absences > absence_limit:
                progress.alerts.append(Alert("absences", Text(
                    N_("%(subject)s: пропусков %(n)s за период «%(period)s», порог школы "
                       "%(limit)s."), subject=Capital(line.name), n=line.absences,
                    period=period.title(), limit=absence_limit)))
    for event in events:
        progress.events_planned += 1
        if event.get("done"):
            progress.events_done += 1
            continue
        when = event.get("date")
        if when and date.fromisoformat(str(when)) < today:
            progress.alerts.append(Alert("event_missed", Text(
                N_("Запланированное мероприятие «%(title)s» (%(when)s) не отмечено как "
                   "выполненное."), title=event.get("title", ""), when=when)))
    return progress


@dataclass(frozen=True)
class Measured:
    """What a student's progress is measured by: the route's start and its plan in force."""

    start: date
    plan: Mapping[str, Any]


def _merge(home: Mapping[str, Mapping[str, Any]], host: Mapping[str, Mapping[str, Any]]
           ) -> dict[str, dict[str, Any]]:
    """Period → subject maps of the home and the host journals as one (a subject both have
    — «Физика» at home and at the host — adds up: totals field by field, counts)."""
    out = {key: dict(subjects) for key, subjects in home.items()}
    for key, subjects in host.items():
        for name, value in subjects.items():
            held = out.setdefault(key, {}).get(name)
            out[key][name] = value if held is None else (
                held + value if isinstance(value, int) else SubjectTotal(
                    held.marks + value.marks, held.absences + value.absences,
                    held.debts + value.debts, held.weighted_sum + value.weighted_sum,
                    held.weight_sum + value.weight_sum, max(held.last, value.last)))
    return out


def for_students(session: Session, org_id: int, routes: Mapping[int, Measured], *,
                 scheme: str, margin: float, absence_limit: int, today: date
                 ) -> dict[int, Progress]:
    """Progress of many students (the tutor's class at a glance): for each route start, one
    journal query for marks and one for attendance over the route's periods; and for the
    whole class, the network courses' marks at their hosts (``network.host_journal``: no
    query when no plan holds a network course, else three, whatever the class's size)."""
    by_start: dict[date, list[int]] = {}
    for sid, measured in routes.items():
        by_start.setdefault(measured.start, []).append(sid)
    spans = {start: [p.span() for p in terms.started(terms.periods(start, scheme), today)]
             for start in by_start}
    every = [s for begun in spans.values() for s in begun]
    hosted = network.host_journal(
        session, org_id, {sid: m.plan for sid, m in routes.items()},
        min(s[1] for s in every), max(s[2] for s in every)) if every else None
    out = {}
    for start, ids in by_start.items():
        periods = terms.periods(start, scheme)
        marks = period_totals(session, org_id, ids, spans[start])
        missed = absence_counts(session, org_id, ids, spans[start])
        for sid in ids:
            plan = routes[sid].plan
            host_marks, host_missed, counted = network.by_period(hosted, sid, plan,
                                                                 spans[start])
            out[sid] = compute(plan.get("targets") or {}, _merge(marks[sid], host_marks),
                               _merge(missed[sid], host_missed), periods,
                               plan.get("events") or [], margin=margin,
                               absence_limit=absence_limit, today=today)
            out[sid].network = counted
    return out


def _row_values(p: Progress) -> dict[str, Any]:
    averages = [line.average for line in p.lines if line.average]
    return {"average": round(sum(averages) / len(averages), 2) if averages else None,
            "alerts": [a.message for a in p.alerts],
            "lines": [{"subject": line.subject, "target": line.target,
                       "average": line.average, "marks": line.marks,
                       "absences": line.absences} for line in p.lines]}


def refresh(session: Session, org_id: int, routes: Mapping[int, Measured], *, scheme: str,
            margin: float, absence_limit: int, today: date) -> dict[int, dict[str, Any]]:
    """Compute and store the progress rows of these students (set-wise journal queries)."""
    from sqlalchemy import select

    from lti_tool.db import utcnow
    from lti_tool.pathways.models import ProgressRow

    computed = {sid: _row_values(p) for sid, p in for_students(
        session, org_id, routes, scheme=scheme, margin=margin, absence_limit=absence_limit,
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
