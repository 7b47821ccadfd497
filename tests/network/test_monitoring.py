"""Seed 001 monitoring: figures per school and term, side by side with network totals and
the 50 % target; XLSX out and back in (errors by row and column, nothing half-saved)."""

from __future__ import annotations

import io
from datetime import date

import requests
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from lti_tool.network import services as network_services
from lti_tool.network.monitoring import rules
from lti_tool.network.monitoring.models import MonitoringReport
from tests.sync.launches import launch_token

FIGS = dict(teachers_total="40", teachers_in_communities="12", teachers_at_events="9",
            vcs_lessons="15", lessons_total="600", lessons_with_eor="330")


def test_rules() -> None:
    assert rules.eor_target_met(300, 600) is True and rules.eor_target_met(299, 600) is False
    assert rules.eor_target_met(0, 0) is None and rules.percent(330, 600) == 55.0
    assert rules.problems(dict(teachers_total=5, teachers_at_events=6, lessons_total=10,
                               lessons_with_eor=11, vcs_lessons=-1)) == {
        "vcs_lessons": "exceeds_lessons", "teachers_at_events": "exceeds_teachers",
        "lessons_with_eor": "exceeds_lessons"} | {"vcs_lessons": "negative"}


def _post(tool, path: str, lt: str, files=None, **data) -> requests.Response:
    return requests.post(tool.base + path, data={"lt": lt, **data}, files=files, timeout=30)


def _rows(tool) -> list[tuple[int, int, int]]:
    with tool.db.session() as s:
        return [(r.organisation_id, r.lessons_total, r.lessons_with_eor) for r in s.scalars(
            select(MonitoringReport).order_by(MonitoringReport.organisation_id))]


def test_monitoring_pages(platform, tool):
    with tool.db.session() as s:
        net = network_services.create_network(s, slug="n", name="Сеть", joined_on=date(2020, 1, 1),
                                              coordinator_id=tool.org_id)
        network_services.admit_by_decision(s, net, tool.other_org_id, decision_ref="d",
                                           joined_on=date(2020, 1, 1))
        pid = net.public_id
    base = f"/app/network/{pid}/monitoring"
    q = dict(year="2026", term="2")
    member_admin = launch_token(platform, tool, "admin", deployment="dep-other")
    teacher = launch_token(platform, tool, "teacher")
    assert _post(tool, base + "/", member_admin, organisation=str(tool.org_id), **q,
                 **FIGS).status_code == 403  # not their school
    assert _post(tool, base + "/", teacher, organisation=str(tool.org_id), **q,
                 **FIGS).status_code == 403
    bad = _post(tool, base + "/", member_admin, organisation=str(tool.other_org_id), **q,
                **{**FIGS, "lessons_with_eor": "700"})
    assert bad.status_code == 400 and "Уроков с ЭОР: больше, чем уроков всего" in bad.text
    assert _rows(tool) == []
    ok = _post(tool, base + "/", member_admin, organisation=str(tool.other_org_id), **q, **FIGS)
    assert ok.status_code == 200 and "Показатели сохранены" in ok.text and "55.0 %" in ok.text
    coord = launch_token(platform, tool, "admin")
    xlsx = requests.get(tool.base + base + "/export.xlsx", params={"lt": coord, **q}, timeout=30)
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    table = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert table["Гимназия № 1"][5:8] == (600, 330, 55.0)
    assert table["Сеть (итого)"][5] == 600
    # Back in: the coordinator fills the coordinator school's row; a wrong row spoils all.
    wb = Workbook()
    sheet = wb.active
    sheet.append(["Организация", *rules.HEADERS])
    sheet.append(["Школа № 37", 50, 20, 10, 8, 700, 280])
    sheet.append(["Несуществующая школа", 1, 1, 1, 1, 1, 1])
    sheet.append(["Гимназия № 1", 40, 12, 9, 15, "много", 330])
    buf = io.BytesIO()
    wb.save(buf)
    refused = _post(tool, base + "/import", coord, files={"file": ("m.xlsx", buf.getvalue())}, **q)
    assert refused.status_code == 400
    assert "строка 3, столбец A: нет такой организации" in refused.text
    assert "строка 4, столбец F: нужно целое число" in refused.text
    assert _rows(tool) == [(tool.other_org_id, 600, 330)]
    sheet.delete_rows(3, 2)
    buf = io.BytesIO()
    wb.save(buf)
    done = _post(tool, base + "/import", coord, files={"file": ("m.xlsx", buf.getvalue())}, **q)
    assert "Загружено строк: 1" in done.text
    assert _rows(tool) == sorted([(tool.org_id, 700, 280), (tool.other_org_id, 600, 330)])
    # A member admin's import may carry only their own school.
    assert _post(tool, base + "/import", member_admin,
                 files={"file": ("m.xlsx", buf.getvalue())}, **q).status_code == 400
    assert requests.get(tool.base + base + "/", params={"lt": teacher, **q},
                        timeout=30).status_code == 200  # members' staff read
    student = launch_token(platform, tool, "student")
    assert requests.get(tool.base + base + "/", params={"lt": student, **q},
                        timeout=30).status_code == 404
    with tool.db.session() as s:
        assert s.scalar(select(func.count(MonitoringReport.id))) == 2
