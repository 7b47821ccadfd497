"""The demo's network: built through the services, idempotent, and it shows everything the
issue asks the demo to show (members, an agreement, a signed past meeting, an overdue task)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from lti_tool.db import Database
from lti_tool.network import agreements, services
from lti_tool.network.bank import services as bank
from lti_tool.network.council import services as council
from lti_tool.network.cycle import services as cycle
from lti_tool.network.events import services as events
from lti_tool.network.models import Network
from lti_tool.notifications.models import Notification
from lti_tool.people.models import Person
from lti_tool.sandbox.demo_network import SLUG, seed_demo_network


def test_demo_network(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    today = date(2026, 12, 5)
    with db.session() as s:
        seed_demo_network(s, "http://demo.example/demo", tmp_path, today)
    with db.session() as s:
        seed_demo_network(s, "http://demo.example/demo", tmp_path, today)  # a second start
        assert s.scalar(select(func.count(Network.id))) == 3
        district = services.network_by_slug(s, "sudislavl-district")
        assert district is not None and district.parent_id is None  # to attach on the page
        net = services.network_by_slug(s, SLUG)
        assert net is not None and net.parent_id is not None
        names = {m.name for m in services.members_of(s, net.id, on=today)}
        assert len(names) == 4 and "МОУ СОШ № 5, п. Судиславль" in names
        statuses = sorted(v.status.value for v in agreements.agreements_of(s, net.id, on=today))
        assert statuses == ["expiring", "in_force"]
        c = council.council_of(s, net)
        meetings = council.meetings(s, c.id)
        assert [m.status for m in meetings] == ["planned", "signed"]
        assert council.officer(s, c.id, "chair") is not None
        late = cycle.overdue(s, net.id, today)
        assert [v.task.key for v in late] == ["transfer-2026-10"]
        assert council.quarter_gaps(s, c, today) == [(2026, 3)]
        assert len(bank.search(s, net.id, "программа")) == 1
        assert len(bank.search(s, net.id, public_only=True)) == 2
        told = s.scalars(select(Notification).where(
            Notification.kind == "network.cycle.task")).all()
        smirnova = s.scalars(select(Person.id).where(
            Person.display_name == "Ольга Викторовна Смирнова")).one()
        assert any(n.person_id == smirnova and n.title.startswith("Просрочено:") for n in told)
        held = [e for e in events.events_of(s, net.id) if e.status == "held"]
        assert len(held) == 1 and [r.attended for r in held[0].registrations].count(True) == 1
    db.engine.dispose()
