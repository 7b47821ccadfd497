"""Monitoring use cases: save a school's term figures, the network's table side by side,
XLSX export and import (all rows checked before anything is saved)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.network import services as network_services
from lti_tool.network.monitoring import rules
from lti_tool.network.monitoring.models import MonitoringReport

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class MonitoringError(ValueError):
    """Rows refused: a list of (where, code) — nothing was saved."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{w}: {c}" for w, c in errors))
        self.errors = errors


def save(session: Session, network_id: int, organisation_id: int, year: int, term: int,
         values: dict[str, int], actor_id: int | None) -> MonitoringReport:
    row = session.scalars(select(MonitoringReport).where(
        MonitoringReport.network_id == network_id,
        MonitoringReport.organisation_id == organisation_id, MonitoringReport.year == year,
        MonitoringReport.term == term)).first()
    if row is None:
        row = MonitoringReport(network_id=network_id, organisation_id=organisation_id,
                               year=year, term=term)
        session.add(row)
    for name in rules.FIELDS:
        setattr(row, name, int(values.get(name, 0)))
    row.entered_by = actor_id
    session.flush()
    audit(session, actor_id, organisation_id, "network.monitoring.save", "monitoring",
          row.id, year=year, term=term)
    return row


def table(session: Session, network_id: int, year: int, term: int
          ) -> list[tuple[network_services.Member, MonitoringReport | None]]:
    """Every member school with its report for the term (None: not entered yet)."""
    reports = {r.organisation_id: r for r in session.scalars(select(MonitoringReport).where(
        MonitoringReport.network_id == network_id, MonitoringReport.year == year,
        MonitoringReport.term == term))}
    return [(m, reports.get(m.organisation_id))
            for m in network_services.members_of(session, network_id)]


def as_dict(report: MonitoringReport | None) -> dict[str, int]:
    return {} if report is None else {f: getattr(report, f) for f in rules.FIELDS}


def export_xlsx(session: Session, network_id: int, year: int, term: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{year}-{term} четверть"
    ws.append(["Организация", *rules.HEADERS, "Доля уроков с ЭОР, %"])
    rows = []
    for member, report in table(session, network_id, year, term):
        values = as_dict(report)
        rows.append(values)
        ws.append([member.name, *(values.get(f, None) for f in rules.FIELDS),
                   rules.percent(values.get("lessons_with_eor", 0),
                                 values.get("lessons_total", 0))])
    t = rules.totals(rows)
    ws.append(["Сеть (итого)", *(getattr(t, f) for f in rules.FIELDS),
               rules.percent(t.lessons_with_eor, t.lessons_total)])
    ws.column_dimensions["A"].width = 45
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_xlsx(session: Session, network_id: int, year: int, term: int, data: bytes,
                actor_id: int | None, only_org: int | None = None) -> int:
    """Rows by organisation name (as in the export); every error named by row and column,
    and nothing saved unless every row is right."""
    if len(data) > MAX_IMPORT_BYTES:
        raise MonitoringError([("файл", "too_big")])
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise MonitoringError([("файл", "not_xlsx")]) from exc
    ws = wb.worksheets[0]
    members = {m.name.strip().lower(): m.organisation_id
               for m in network_services.members_of(session, network_id)}
    errors: list[tuple[str, str]] = []
    parsed: list[tuple[int, dict[str, int]]] = []
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if not row or row[0] is None or str(row[0]).strip() == "" or \
                str(row[0]).startswith("Сеть (итого)"):
            continue
        org = members.get(str(row[0]).strip().lower())
        if org is None or (only_org is not None and org != only_org):
            errors.append((f"строка {n}, столбец A", "unknown_org"))
            continue
        values: dict[str, int] = {}
        for i, name in enumerate(rules.FIELDS, start=1):
            cell = row[i] if i < len(row) else None
            try:
                values[name] = int(cell or 0)
            except (TypeError, ValueError):
                errors.append((f"строка {n}, столбец {chr(65 + i)}", "not_a_number"))
        for name, code in rules.problems(values).items():
            errors.append((f"строка {n}, столбец {chr(65 + 1 + rules.FIELDS.index(name))}",
                           code))
        parsed.append((org, values))
    wb.close()
    if errors:
        raise MonitoringError(errors)
    for org, values in parsed:
        save(session, network_id, org, year, term, values, actor_id)
    return len(parsed)


def current_term(day: date) -> tuple[int, int]:
    """(school year, term): Sep–Oct 1, Nov–Dec 2, Jan–Mar 3, Apr–Aug 4."""
    year = day.year if day.month >= 9 else day.year - 1
    term = {9: 1, 10: 1, 11: 2, 12: 2, 1: 3, 2: 3, 3: 3}.get(day.month, 4)
    return year, term


def participants_at_events(session: Session, network_id: int, organisation_id: int) -> int:
    """Teachers of a school who attended the network's events (from Marshrut's own records)."""
    from lti_tool.network.events import services as events

    people = set()
    for event in events.events_of(session, network_id):
        for reg in event.registrations:
            if reg.attended and reg.organisation_id == organisation_id:
                people.add(reg.person_id)
    return len(people)


def any_report(session: Session, network_id: int) -> Any:
    return session.scalar(select(MonitoringReport.id).where(
        MonitoringReport.network_id == network_id).limit(1))
