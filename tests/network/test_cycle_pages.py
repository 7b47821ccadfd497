"""The calendar page: the coordinator lays out the year, overdue tasks stand out on the
network page, an owner school marks its task done, others cannot."""

from __future__ import annotations

from datetime import date

import requests
from sqlalchemy import func, select

from lti_tool.network import services as network_services
from lti_tool.network.cycle.models import CycleTask
from lti_tool.network.cycle.rules import school_year_of
from tests.sync.launches import launch_token


def _post(tool, path: str, lt: str, **data) -> requests.Response:
    return requests.post(tool.base + path, data={"lt": lt, **data}, timeout=30)


def _state(tool) -> list[tuple[str, date | None]]:
    with tool.db.session() as s:
        return [(t.key, t.done_on) for t in s.scalars(select(CycleTask).order_by(CycleTask.id))]


def test_year_overdue_and_done(platform, tool):
    with tool.db.session() as s:
        net = network_services.create_network(s, slug="n", name="Сеть", joined_on=date(2020, 1, 1),
                                              coordinator_id=tool.org_id)
        network_services.admit_by_decision(s, net, tool.other_org_id, decision_ref="d",
                                           joined_on=date(2020, 1, 1))
        pid = net.public_id
    coord = launch_token(platform, tool, "admin")
    year = school_year_of(date.today())
    resp = _post(tool, f"/app/network/{pid}/cycle/generate", coord, year=str(year))
    assert resp.status_code == 200 and "Добавлено задач: 14" in resp.text
    again = _post(tool, f"/app/network/{pid}/cycle/generate", coord, year=str(year))
    assert "Добавлено задач: 0" in again.text  # idempotent
    late = _post(tool, f"/app/network/{pid}/cycle/tasks", coord, title="Отчёт о мониторинге",
                 due_on="2021-01-15", owner_org=str(tool.other_org_id),
                 owner_name="Иванов И. И.", owner_email="ivanov@gym1.ru")
    assert late.status_code == 200 and "Задача добавлена" in late.text
    bad = _post(tool, f"/app/network/{pid}/cycle/tasks", coord, title="", due_on="x",
                owner_email="не почта")
    assert bad.status_code == 400 and "Срок:" in bad.text and "Задача:" in bad.text
    page = requests.get(tool.base + f"/app/network/{pid}", params={"lt": coord}, timeout=30)
    assert 'data-testid="overdue"' in page.text and "Отчёт о мониторинге" in page.text
    # The calendar leads the page: what is overdue is the first thing the coordinator reads.
    assert page.text.index("Календарь сети") < page.text.index("Координационный совет") < \
        page.text.index("Сетевые мероприятия") < page.text.index("Банк методических")
    with tool.db.session() as s:
        task = s.scalars(select(CycleTask).where(CycleTask.title == "Отчёт о мониторинге")).one()
        tid = task.public_id
        coordinator_task = s.scalars(select(CycleTask).where(
            CycleTask.owner_org_id == tool.org_id)).first()
        assert coordinator_task is not None
        ctid = coordinator_task.public_id
    before = _state(tool)
    teacher = launch_token(platform, tool, "teacher")
    other_admin = launch_token(platform, tool, "admin", deployment="dep-other")
    assert _post(tool, f"/app/network/{pid}/cycle/tasks/{tid}/done", teacher).status_code == 403
    assert _post(tool, f"/app/network/{pid}/cycle/generate", teacher,
                 year=str(year + 1)).status_code == 403
    assert _post(tool, f"/app/network/{pid}/cycle/tasks/{ctid}/done",
                 other_admin).status_code == 403  # not their task
    assert _state(tool) == before
    ok = _post(tool, f"/app/network/{pid}/cycle/tasks/{tid}/done", other_admin)
    assert ok.status_code == 200
    with tool.db.session() as s:
        assert s.scalars(select(CycleTask.done_on).where(CycleTask.public_id == tid)).one()
        assert s.scalar(select(func.count(CycleTask.id))) == 15


def test_outsiders_see_no_calendar(platform, tool):
    with tool.db.session() as s:
        net = network_services.create_network(s, slug="n", name="Сеть", coordinator_id=tool.org_id)
        pid = net.public_id
    outsider = launch_token(platform, tool, "admin", deployment="dep-other")
    assert requests.get(tool.base + f"/app/network/{pid}/cycle/", params={"lt": outsider},
                        timeout=30).status_code == 404
    assert _post(tool, f"/app/network/{pid}/cycle/generate", outsider,
                 year="2026").status_code == 404
    assert _state(tool) == []
