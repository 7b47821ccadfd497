"""The demo's delivered final mark: school № 37's first-quarter physics marks from the
gymnasium, queued for school № 37's demo LMS course, reach its gradebook over HTTP when the
outbox job runs (as the demo's worker does within a minute of the start)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import requests
from sqlalchemy import select

from lti_tool.exchange.models import MarkPush, ReportCard
from lti_tool.lms_scores.services import deliver_due
from lti_tool.lti import registry
from lti_tool.lti.models import PlatformClient
from lti_tool.people.services import organisation_by_slug, person_by_identity
from lti_tool.sandbox.demo_exchange import HOME_COURSE, HOME_DEPLOYMENT, PHYSICS_ID, QUARTER
from lti_tool.sandbox.demo_network import seed_demo_network


def test_the_demo_shows_a_delivered_final_mark(tool, platform, tmp_path: Path) -> None:
    from lti_tool.sandbox.demo_exchange import seed_demo_exchange

    today = date(2026, 12, 5)
    with tool.db.session() as s:
        seed_demo_network(s, platform.issuer, tmp_path, today)
        school = organisation_by_slug(s, "school-37-kostroma")
        assert school is not None
        dep = registry.add_deployment(s, s.get_one(PlatformClient, tool.client_pk),
                                      HOME_DEPLOYMENT)
        dep.organisation_id = school.id
        s.commit()
        seed_demo_exchange(s, platform.issuer, today)
    with tool.db.session() as s:
        seed_demo_exchange(s, platform.issuer, today)  # a second start queues nothing more
        cards = s.scalars(select(ReportCard)).all()
        assert {c.state for c in cards} == {"recorded"} and len(cards) == 2
        assert all(c.mark for c in cards)
        pushes = s.scalars(select(MarkPush)).all()
        assert [(p.channel, p.version) for p in pushes] == [("ags", 1), ("ags", 1)]
    counts = deliver_due(tool.db, tool.app.config["SECRET_KEY"], allow_private=True)
    assert counts == {"sent": 2, "retry": 0, "failed": 0}
    (column,) = [i for i in platform.lineitems.values()
                 if i.tag == f"marshrut-network:{PHYSICS_ID}:{QUARTER}"]
    assert column.course_id == HOME_COURSE
    marks = {sub: float(next(c.mark for c in cards if c.student_id == _id(tool, platform, sub)))
             for sub in ("s-petrov", "s-kuznetsova")}
    assert {u: s["scoreGiven"] for u, s in column.scores.items()} == marks
    # school № 37's coordinator sees them delivered on the report cards page
    from tests.sync.launches import launch_token

    token = launch_token(platform, tool, "admin", sub="a-smirnova", deployment=HOME_DEPLOYMENT)
    page = requests.get(tool.base + "/app/exchange/cards/", params={"lt": token}, timeout=30)
    assert page.text.count('data-state="sent"') == 2 and "в журнале LMS" in page.text


def _id(tool, platform, sub: str) -> int:
    with tool.db.session() as s:
        person = person_by_identity(s, "lti", platform.issuer, sub)
        assert person is not None
        return person.id
