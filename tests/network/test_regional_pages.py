"""The regional network's admin takes a network in and lets it go on the page (seed 002's
cascade) — validated, audited, the network's own coordinators notified; every forbidden path
refused with nothing changed. Real launches; SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import requests
from sqlalchemy import select

from lti_tool.core.audit import AuditEntry
from lti_tool.network import services
from lti_tool.network.models import Network
from lti_tool.notifications.models import Notification
from lti_tool.people.models import Organisation
from tests.sync.launches import launch_token

DAY = date(2025, 9, 1)
REGION = "Костромская область"


@dataclass
class Nets:
    region: str      # regional, coordinated by the other school («institute»)
    local: str       # coordinated by the school, on its own
    elsewhere: str   # already inside another regional network
    foreign: str     # of another region


def _nets(tool) -> Nets:
    with tool.db.session() as s:
        orgs = [Organisation(slug=f"o{i}", name=f"Школа № {i}") for i in (5, 7, 9)]
        s.add_all(orgs)
        s.flush()
        region = services.create_network(s, slug="region", name="Региональная сеть",
                                         coordinator_id=tool.other_org_id, region=REGION,
                                         joined_on=DAY)
        services.create_network(s, slug="district", name="Районная сеть",
                                coordinator_id=orgs[0].id, region=REGION, joined_on=DAY,
                                parent=region)  # makes it regional
        local = services.create_network(s, slug="net37", name="Сеть школы № 37",
                                        coordinator_id=tool.org_id, region=REGION,
                                        joined_on=DAY)
        other_top = services.create_network(s, slug="top2", name="Другая региональная",
                                            coordinator_id=orgs[1].id, joined_on=DAY)
        elsewhere = services.create_network(s, slug="inside", name="Сеть в другой",
                                            coordinator_id=orgs[1].id, joined_on=DAY,
                                            parent=other_top)
        foreign = services.create_network(s, slug="far", name="Ярославская сеть",
                                          coordinator_id=orgs[2].id,
                                          region="Ярославская область", joined_on=DAY)
        return Nets(region.public_id, local.public_id, elsewhere.public_id, foreign.public_id)


def _parents(tool) -> dict[str, int | None]:
    with tool.db.session() as s:
        return {n.slug: n.parent_id for n in s.scalars(select(Network))}


def _audit(tool, action: str) -> int:
    with tool.db.session() as s:
        return len(s.scalars(select(AuditEntry.id).where(AuditEntry.action == action)).all())


def _post(tool, path: str, lt: str, **data) -> requests.Response:
    return requests.post(tool.base + path, data={"lt": lt, **data}, timeout=30)


def _get(tool, path: str, lt: str) -> requests.Response:
    return requests.get(tool.base + path, params={"lt": lt}, timeout=30)


def test_the_regional_admin_takes_a_network_in_and_lets_it_go(platform, tool):
    nets = _nets(tool)
    regional = launch_token(platform, tool, "admin", deployment="dep-other", name="Институт")
    school = launch_token(platform, tool, "admin", name="Смирнова Ольга")
    assert _get(tool, f"/app/network/{nets.local}", regional).status_code == 404
    page = _get(tool, f"/app/network/{nets.region}", regional)
    assert page.status_code == 200 and "Включить сеть в региональную" in page.text
    assert "Сеть школы № 37" in page.text and "Сеть в другой" not in page.text
    resp = _post(tool, f"/app/network/{nets.region}/children", regional, child=nets.local)
    assert resp.status_code == 200 and "включена в региональную сеть" in resp.text
    with tool.db.session() as s:
        region = services.network_by_slug(s, "region")
        assert region is not None and _parents(tool)["net37"] == region.id
        told = s.scalars(select(Notification).where(Notification.kind == "network.regional")
                         ).all()
        assert [n.title for n in told] == [
            "Сеть «Сеть школы № 37» включена в региональную сеть «Региональная сеть»"]
    assert _audit(tool, "network.attach") == 1
    # The regional admin now reads the network's pages, and changes nothing there.
    assert _get(tool, f"/app/network/{nets.local}", regional).status_code == 200
    assert "Региональная сеть" in _get(tool, f"/app/network/{nets.local}", school).text
    resp = _post(tool, f"/app/network/{nets.region}/children/{nets.local}/detach", regional)
    assert resp.status_code == 200 and "исключена из региональной сети" in resp.text
    assert _parents(tool)["net37"] is None and _audit(tool, "network.detach") == 1
    assert _get(tool, f"/app/network/{nets.local}", regional).status_code == 404


def test_attaching_is_validated_and_forbidden_paths_change_nothing(platform, tool):
    nets = _nets(tool)
    regional = launch_token(platform, tool, "admin", deployment="dep-other")
    before = _parents(tool)
    base = f"/app/network/{nets.region}/children"
    for child, said in ((nets.region, "Сеть не может входить сама в себя"),
                        (nets.elsewhere, "уже входит в другую сеть"),
                        (nets.foreign, "Сеть из другого региона: Ярославская область"),
                        ("nope", "Сеть: выберите сеть из списка"),
                        ("", "Сеть:")):
        resp = _post(tool, base, regional, child=child)
        assert resp.status_code == 400 and said in resp.text, (child, resp.text[-2000:])
    school_admin = launch_token(platform, tool, "admin")
    teacher = launch_token(platform, tool, "teacher", deployment="dep-other")
    student = launch_token(platform, tool, "student", deployment="dep-other")
    # The school's admin coordinates a local network: it cannot take networks in...
    assert _post(tool, f"/app/network/{nets.local}/children", school_admin,
                 child=nets.foreign).status_code == 403
    # ...and the regional network is not theirs to see.
    assert _post(tool, base, school_admin, child=nets.local).status_code == 404
    assert _post(tool, base, teacher, child=nets.local).status_code == 403  # staff reads only
    assert _post(tool, base, student, child=nets.local).status_code == 404
    assert _post(tool, f"{base}/{nets.local}/detach", regional).status_code == 404  # not inside
    assert "Включить сеть в региональную" not in _get(
        tool, f"/app/network/{nets.region}", teacher).text
    assert _parents(tool) == before
    assert _audit(tool, "network.attach") == 0 and _audit(tool, "network.detach") == 0
