"""The bank: Russian search finds a word in its other forms on both databases, filters,
status steps; pages: who may add and review, the open part shows public items only."""

from __future__ import annotations

from datetime import date

import requests
from sqlalchemy import func, select

from lti_tool.db import Database
from lti_tool.network import services as network_services
from lti_tool.network.bank import rules, services
from lti_tool.network.bank.models import BankItem
from tests.network.helpers import network, orgs
from tests.sync.launches import launch_token

PDF = b"%PDF-1.4\n% lesson\n"


def test_stems_and_status_steps() -> None:
    assert rules.stems("Программы уроков, ЭЛЕКТРОННЫЕ ресурсы; ёлка") == [
        "программ", "урок", "электрон", "ресурс", "елк"]
    assert rules.can_move("draft", "reviewed") and rules.can_move("recommended", "reviewed")
    assert not rules.can_move("draft", "recommended") and not rules.can_move("draft", "x")


def test_search_in_russian_on_both_databases(database_url: str) -> None:
    db = Database(database_url)
    with db.session() as s:
        o = orgs(s)
        net = network(s, o)
        for title, subject, summary in (
                ("Программа элективного курса по химии", "Химия",
                 "Углублённый уровень, лабораторные работы"),
                ("Разработка урока: электронные таблицы", "Информатика",
                 "Урок с использованием электронных образовательных ресурсов"),
                ("Методические рекомендации по ИОМ", "", "Индивидуальные маршруты учащихся")):
            services.add_item(s, net.id, dict(title=title, subject=subject, summary=summary,
                                              tags=["10 класс"]), actor_id=None,
                              author_org_id=o.school5)
        found = lambda q, **kw: [i.title for i in services.search(s, net.id, q, **kw)]  # noqa: E731
        assert found("программы химии") == ["Программа элективного курса по химии"]
        assert found("электронного ресурса") == ["Разработка урока: электронные таблицы"]
        assert found("маршрутам") == ["Методические рекомендации по ИОМ"]
        assert found("физика") == []
        assert len(found("")) == 3 and found("", subject="Химия") == [
            "Программа элективного курса по химии"]
        assert services.subjects(s, net.id) == ["Информатика", "Химия"]
    db.engine.dispose()


def _post(tool, path: str, lt: str, files=None, **data) -> requests.Response:
    return requests.post(tool.base + path, data={"lt": lt, **data}, files=files, timeout=30)


def _count(tool) -> int:
    with tool.db.session() as s:
        return s.scalar(select(func.count(BankItem.id))) or 0


def test_bank_pages_and_access(platform, tool):
    with tool.db.session() as s:
        net = network_services.create_network(s, slug="n", name="Сеть", joined_on=date(2020, 1, 1),
                                              coordinator_id=tool.org_id)
        pid = net.public_id
    base = f"/app/network/{pid}/bank"
    teacher = launch_token(platform, tool, "teacher")
    resp = _post(tool, base + "/items", teacher, files={"document": ("urok.pdf", PDF)},
                 title="Урок по робототехнике", kind="lesson", subject="Технология",
                 tags="робототехника, 10 класс", summary="Сборка и программирование робота",
                 public="on")
    assert resp.status_code == 200 and "Материал добавлен" in resp.text, resp.text
    _post(tool, base + "/items", teacher, title="Черновик программы", kind="programme")
    bad = _post(tool, base + "/items", teacher, title="", link_url="ftp://x")
    assert bad.status_code == 400 and "Название:" in bad.text and "Ссылка:" in bad.text
    assert _count(tool) == 2
    found = requests.get(tool.base + base + "/", params={"lt": teacher, "q": "роботов"},
                         timeout=30)
    assert "Урок по робототехнике" in found.text and "Черновик программы" not in found.text
    with tool.db.session() as s:
        items = {i.title: i.public_id for i in s.scalars(select(BankItem))}
    lesson = items["Урок по робототехнике"]
    # Review: the coordinator only.
    assert _post(tool, f"{base}/items/{lesson}/status", teacher,
                 status="reviewed").status_code == 403
    student = launch_token(platform, tool, "student")
    assert _post(tool, base + "/items", student, title="x").status_code == 404
    assert _post(tool, base + "/authors", student, subjects="x").status_code == 404
    outsider = launch_token(platform, tool, "admin", deployment="dep-other")
    assert requests.get(tool.base + base + "/", params={"lt": outsider},
                        timeout=30).status_code == 404
    assert _post(tool, base + "/items", outsider, title="x").status_code == 404
    assert _count(tool) == 2
    coord = launch_token(platform, tool, "admin")
    assert _post(tool, f"{base}/items/{lesson}/status", coord,
                 status="recommended").status_code == 400  # one step at a time
    assert "Статус изменён" in _post(tool, f"{base}/items/{lesson}/status", coord,
                                     status="reviewed").text
    assert "Вы в списке" in _post(tool, base + "/authors", teacher, subjects="Технология",
                                  skills="Видеоуроки, интерактивные тесты").text
    # The open part: public items only, their files too; nothing else.
    public = requests.get(tool.base + "/network/n/bank", timeout=30)
    assert "Урок по робототехнике" in public.text and "Черновик программы" not in public.text
    assert requests.get(tool.base + f"/network/n/bank/{lesson}/document",
                        timeout=30).content == PDF
    assert requests.get(tool.base + f"/network/n/bank/{items['Черновик программы']}/document",
                        timeout=30).status_code == 404
