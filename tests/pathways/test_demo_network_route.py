"""``make demo``: after the exchange demo, s-petrov's active route includes the gymnasium's
physics course he is enrolled in, changed and approved through the route's own review; his
route page shows it with the host school and «зачислен». Seeding twice changes nothing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from lti_tool.pathways import services
from lti_tool.pathways.models import Route, RouteVersion
from lti_tool.people.models import Organisation
from lti_tool.sandbox.demo_exchange import seed_demo_exchange
from lti_tool.sandbox.demo_network import seed_demo_network
from lti_tool.sandbox.demo_pathways import seed_network_route, seed_pathways
from tests.portfolio.helpers import launch, person_id

TODAY = date(2026, 12, 5)


def test_demo_route_with_a_network_course(platform: Any, tool: Any, tmp_path: Path) -> None:
    launch(platform, tool, "teacher", "t-ivanova")
    launch(platform, tool, "admin", "a-smirnova")
    petrov = launch(platform, tool, "student", "s-petrov")
    for sub in ("s-kuznetsova", "s-sokolov"):
        launch(platform, tool, "student", sub)
    launch(platform, tool, "parent", "p-petrova")  # his mother, the demo LMS's Mentor
    with tool.db.session() as s:  # the tool's two schools are the demo's school and gymnasium
        s.get(Organisation, tool.org_id).slug = "school-37-kostroma"
        s.get(Organisation, tool.other_org_id).slug = "gymnasium-1"
        s.commit()
        assert seed_pathways(s, platform, TODAY) >= 3
        s.commit()
        seed_demo_network(s, platform.issuer, tmp_path, TODAY)
        seed_demo_exchange(s, platform.issuer, TODAY)
        assert seed_network_route(s, platform.issuer, TODAY)
    with tool.db.session() as s:
        assert not seed_network_route(s, platform.issuer, TODAY)  # once
        route = s.scalars(select(Route).where(
            Route.student_id == person_id(tool, "s-petrov")[0])).one()
        assert route.state == "active" and route.in_force == route.data
        assert route.agreement == "tool"  # his mother agreed to the change in Marshrut
        (item,) = [i for i in route.in_force["items"] if i["kind"] == "network"]
        assert item["host"] == "Гимназия № 1" and item["subject"] == "Физика"
        assert (item["hours10"], item["hours11"]) == (2.0, 0.0)  # 68 h in the first year
        assert services.verdict(s, route).ok
        actions = [v.action for v in s.scalars(select(RouteVersion).where(
            RouteVersion.route_id == route.id).order_by(RouteVersion.number))]
        assert actions[-5:] == ["edit", "submit", "agree", "take", "approve"]
        rid = route.public_id
    page = petrov.get(f"/app/routes/{rid}")
    plan = page.text.split('data-testid="plan"')[1].split("</table>")[0]
    assert "Физика: механика и олимпиадные задачи" in plan and "Гимназия № 1" in plan
    assert "зачислен" in plan
    # the gymnasium's journal of the course (the network teacher's marks) counts in his
    # plan-against-actual, named with the host school
    note = page.text.split('data-testid="network-progress"')[1].split("</ul>")[0]
    found = re.search(r"Физика: механика и олимпиадные задачи» \(Гимназия № 1\): из журнала "
                      r"школы-партнёра учтено отметок — (\d+), пропущено уроков — (\d+)", note)
    assert found is not None and int(found.group(1)) > 0 and int(found.group(2)) > 0, note
