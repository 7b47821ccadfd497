"""Network pages over HTTP with real LTI launches: who sees what, forbidden paths refused
with nothing changed, the public registry open to anyone."""

from __future__ import annotations

from datetime import date

import requests
from sqlalchemy import func, select

from lti_tool.network import services
from lti_tool.network.models import Agreement, NetworkMember
from tests.sync.launches import launch_token

PDF = b"%PDF-1.4\n% signed agreement\n"


def _net(tool, *, other_member: bool = False) -> tuple[str, str]:
    with tool.db.session() as s:
        net = services.create_network(
            s, slug="net37", name="Сеть школы № 37", coordinator_id=tool.org_id,
            joined_on=date(2025, 9, 1), founders=[])
        if other_member:
            services.admit_by_decision(s, net, tool.other_org_id, decision_ref="dec",
                                       joined_on=date(2025, 9, 1), contribution="Физика")
        me = services.membership(s, net.id, tool.org_id)
        assert me is not None
        return net.public_id, me.public_id


def _get(tool, path: str, lt: str | None) -> requests.Response:
    return requests.get(tool.base + path, params={"lt": lt} if lt else None, timeout=30)


def _post(tool, path: str, lt: str, files=None, **data) -> requests.Response:
    return requests.post(tool.base + path, data={"lt": lt, **data}, files=files, timeout=30)


def _snapshot(tool) -> tuple[int, int, list[str]]:
    with tool.db.session() as s:
        return (s.scalar(select(func.count(Agreement.id))) or 0,
                s.scalar(select(func.count(NetworkMember.id))) or 0,
                [m.contribution for m in s.scalars(select(NetworkMember).order_by(
                    NetworkMember.id))])


def _agreement_form(tool, pid: str) -> dict[str, object]:
    with tool.db.session() as s:
        parties = list(s.scalars(select(NetworkMember.public_id)))
    return dict(title="Соглашение о сетевом взаимодействии", number="7",
                subjects="Физика (углублённый); Химия", starts_on="2025-09-01",
                ends_on="2027-08-31", parties=parties)


def test_coordinator_adds_an_agreement_and_reads_its_document(platform, tool):
    pid, _ = _net(tool, other_member=True)
    lt = launch_token(platform, tool, "admin")
    page = _get(tool, f"/app/network/{pid}", lt)
    assert page.status_code == 200 and "Гимназия № 1" in page.text and "Физика" in page.text
    assert "/app/network/" in _get(tool, "/app/network/", lt).text
    resp = _post(tool, f"/app/network/{pid}/agreements", lt,
                 files={"document": ("соглашение.pdf", PDF, "application/pdf")},
                 **_agreement_form(tool, pid))
    assert resp.status_code == 200, resp.text
    assert "Соглашение добавлено" in resp.text and "Действует" in resp.text
    with tool.db.session() as s:
        agreement = s.scalars(select(Agreement)).one()
        assert agreement.subjects == ["Физика (углублённый)", "Химия"]
        assert {p.organisation_id for p in agreement.parties} == {tool.org_id, tool.other_org_id}
        aid = agreement.public_id
    doc = _get(tool, f"/app/network/{pid}/agreements/{aid}/document", lt)
    assert doc.status_code == 200 and doc.content == PDF
    # The other party's admin reads it too; a teacher of the coordinator school does not.
    other_admin = launch_token(platform, tool, "admin", deployment="dep-other")
    assert _get(tool, f"/app/network/{pid}/agreements/{aid}/document",
                other_admin).content == PDF
    teacher = launch_token(platform, tool, "teacher")
    assert _get(tool, f"/app/network/{pid}/agreements/{aid}/document",
                teacher).status_code == 403


def test_invalid_agreement_names_fields_and_stores_nothing(platform, tool):
    pid, _ = _net(tool, other_member=True)
    lt = launch_token(platform, tool, "admin")
    before = _snapshot(tool)
    resp = _post(tool, f"/app/network/{pid}/agreements", lt, title="", starts_on="2026-09-01",
                 ends_on="2026-01-01", parties=[])
    assert resp.status_code == 400
    for text in ("Название:", "Действует по: Окончание раньше начала"):
        assert text in resp.text, text
    form = _agreement_form(tool, pid)
    resp = _post(tool, f"/app/network/{pid}/agreements", lt,
                 files={"document": ("x.pdf", b"MZ not a pdf", "application/pdf")}, **form)
    assert resp.status_code == 400 and "Нужен PDF или скан" in resp.text
    assert _snapshot(tool) == before
    uploads = tool.app.config["MARSHRUT"].instance_path / "uploads" / "network"
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


def test_outsiders_see_nothing_and_change_nothing(platform, tool):
    pid, mine = _net(tool)  # the other school is not a member
    before = _snapshot(tool)
    outsider = launch_token(platform, tool, "admin", deployment="dep-other")
    assert _get(tool, f"/app/network/{pid}", outsider).status_code == 404
    assert "Сеть школы № 37" not in _get(tool, "/app/network/", outsider).text
    assert _post(tool, f"/app/network/{pid}/agreements", outsider,
                 **_agreement_form(tool, pid)).status_code == 404
    assert _post(tool, f"/app/network/{pid}/members/{mine}", outsider,
                 contribution="взлом").status_code == 404
    assert _get(tool, f"/app/network/{pid}", None).status_code == 401
    assert _snapshot(tool) == before


def test_staff_read_but_do_not_edit(platform, tool):
    pid, mine = _net(tool, other_member=True)
    before = _snapshot(tool)
    lt = launch_token(platform, tool, "teacher")
    assert _get(tool, f"/app/network/{pid}", lt).status_code == 200
    assert _post(tool, f"/app/network/{pid}/agreements", lt,
                 **_agreement_form(tool, pid)).status_code == 403
    assert _post(tool, f"/app/network/{pid}/members/{mine}", lt,
                 contribution="чужое").status_code == 403
    # Pupils have no part in the network's governance: its pages do not exist for them.
    student = launch_token(platform, tool, "student")
    assert _get(tool, f"/app/network/{pid}", student).status_code == 404
    assert "Сеть школы № 37" not in _get(tool, "/app/network/", student).text
    assert _post(tool, f"/app/network/{pid}/members/{mine}", student,
                 contribution="чужое").status_code == 404
    assert _snapshot(tool) == before


def test_member_admin_edits_own_entry_only(platform, tool):
    pid, coordinator_entry = _net(tool, other_member=True)
    with tool.db.session() as s:
        other = s.scalars(select(NetworkMember).where(
            NetworkMember.organisation_id == tool.other_org_id)).one().public_id
    lt = launch_token(platform, tool, "admin", deployment="dep-other")
    before = _snapshot(tool)
    assert _post(tool, f"/app/network/{pid}/members/{coordinator_entry}", lt,
                 contribution="чужое").status_code == 403
    assert _snapshot(tool) == before
    bad = _post(tool, f"/app/network/{pid}/members/{other}", lt, contact_email="не почта")
    assert bad.status_code == 400 and "Электронная почта: Неверный адрес" in bad.text
    assert _snapshot(tool) == before
    ok = _post(tool, f"/app/network/{pid}/members/{other}", lt, contribution="Физика, астрономия",
               contact_name="Иванов И. И.", contact_email="ivanov@gym1.ru",
               in_public_registry="on")
    assert ok.status_code == 200 and "Сведения об участнике сохранены" in ok.text
    registry = requests.get(tool.base + "/network/net37/registry", timeout=30)
    assert registry.status_code == 200 and "Физика, астрономия" in registry.text
    assert "ivanov@gym1.ru" in registry.text and "01.09.2025" in registry.text
    data = requests.get(tool.base + "/network/net37/registry.json", timeout=30).json()
    assert {m["organisation"] for m in data["members"]} == {"Школа № 37", "Гимназия № 1"}
    assert requests.get(tool.base + "/network/nope/registry", timeout=30).status_code == 404


def test_an_admin_founds_a_network_with_founders(platform, tool):
    teacher = launch_token(platform, tool, "teacher")
    assert _post(tool, "/app/network/", teacher, name="x", slug="xx").status_code == 403
    with tool.db.session() as s:
        assert services.networks_of(s, tool.org_id) == []
    admin = launch_token(platform, tool, "admin")
    bad = _post(tool, "/app/network/", admin, name="", slug="Сеть 1")
    assert bad.status_code == 400 and "Название сети:" in bad.text
    assert "Короткое имя (для адреса реестра): Латинские строчные" in bad.text
    ok = _post(tool, "/app/network/", admin, name="Сеть школы № 37", slug="net37",
               founders=[str(tool.other_org_id)])
    assert ok.status_code == 200 and "Сеть создана" in ok.text and "Гимназия № 1" in ok.text
    again = _post(tool, "/app/network/", admin, name="Ещё", slug="net37")
    assert again.status_code == 400 and "уже есть" in again.text
    with tool.db.session() as s:
        net = services.network_by_slug(s, "net37")
        assert net is not None and net.coordinator_id == tool.org_id
        assert services.member_org_ids(s, net.id) == {tool.org_id, tool.other_org_id}
        assert len(services.networks_of(s, tool.org_id)) == 1
