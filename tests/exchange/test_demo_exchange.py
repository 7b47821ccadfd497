"""The demo's exchange: courses at three schools, enrolled and waiting requests, a month of
the host's journal, one package confirmed and one awaiting confirmation; idempotent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from lti_tool.db import Database
from lti_tool.exchange import dashboard
from lti_tool.exchange.models import CourseRequest, NetworkCourse, TransferPackage
from lti_tool.people.services import classes_of, organisation_by_slug
from lti_tool.sandbox.demo_exchange import seed_demo_exchange
from lti_tool.sandbox.demo_network import seed_demo_network

ISSUER = "http://demo.example/demo"


def test_demo_exchange(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    today = date(2026, 12, 5)
    with db.session() as s:
        seed_demo_network(s, ISSUER, tmp_path, today)
        seed_demo_exchange(s, ISSUER, today)
    with db.session() as s:
        seed_demo_exchange(s, ISSUER, today)  # a second start changes nothing
        assert len(s.scalars(select(NetworkCourse)).all()) == 3
        states = sorted(r.state for r in s.scalars(select(CourseRequest)))
        assert states == ["enrolled", "enrolled", "enrolled", "home_approved", "requested"]
        packages = {(p.period, p.state) for p in s.scalars(select(TransferPackage))}
        assert packages == {("2026-10", "confirmed"), ("2026-11", "sent"),
                            ("2026-11", "prepared")}
        school = organisation_by_slug(s, "school-37-kostroma")
        assert school is not None
        flows = {(f.period, f.host, f.package.state if f.package else None)
                 for f in dashboard.flows(s, school.id, today)}
        assert ("2026-11", "Гимназия № 1", "sent") in flows
        confirmed = s.scalars(select(TransferPackage).where(
            TransferPackage.state == "confirmed")).one()
        assert confirmed.students == 2 and confirmed.marks >= 5 and confirmed.absences >= 1
        assert confirmed.rows and confirmed.oneroster_zip and confirmed.xlsx  # kept when sent
        physics = s.scalars(select(NetworkCourse).where(NetworkCourse.subject == "Физика")).one()
        (host_class,) = [g for g in classes_of(s, physics.host_org_id)
                         if g.id == physics.host_class_id]
        assert host_class.label == "Физика (сеть)"  # the form shows the host class chosen
    db.engine.dispose()
