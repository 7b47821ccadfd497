"""The network's reminders reach people through the notifications feature: an entry in the
tool for each person, e-mail per their own preference through a real SMTP server (aiosmtpd),
once per quarter / task phase / event however often the daily job runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.network import services as network_services
from lti_tool.network.council import reminders as council_reminders
from lti_tool.network.council import services as council
from lti_tool.network.cycle import reminders as cycle_reminders
from lti_tool.network.cycle import services as cycle
from lti_tool.network.events import reminders as event_reminders
from lti_tool.network.events import services as events
from lti_tool.network.models import Network
from lti_tool.notifications import services as notifications
from lti_tool.notifications.models import Notification
from lti_tool.people import services as people
from tests.accounts.conftest import inbox  # noqa: F401 - the real SMTP server fixture


@pytest.fixture
def tool_overrides(inbox):  # noqa: F811
    return {"smtp_host": "127.0.0.1", "smtp_port": inbox[1]}


@dataclass
class Cast:
    network: Network
    chair: int
    teacher: int   # of the other school, owner of a task by e-mail
    admin: int     # of the other school, e-mail «off»


def _cast(s: Session, tool) -> Cast:
    net = network_services.create_network(s, slug="net", name="Сеть школы № 37",
                                          coordinator_id=tool.org_id,
                                          joined_on=date(2025, 9, 1))
    network_services.admit_by_decision(s, net, tool.other_org_id, decision_ref="d",
                                       joined_on=date(2025, 9, 1))
    made = {}
    for key, name, email, org, role in (
            ("chair", "Смирнова Ольга", "chair@school37.ru", tool.org_id, "admin"),
            ("teacher", "Орлов Сергей", "Orlov@Gym1.ru", tool.other_org_id, "teacher"),
            ("admin", "Волкова Елена", "volkova@gym1.ru", tool.other_org_id, "admin")):
        p = people.upsert_person(s, source="lti", namespace="t", external_id=key,
                                 display_name=name, email=email)
        people.ensure_roles(s, p, org, [role])
        made[key] = p.id
    notifications.set_email_mode(s, made["admin"], "off")
    return Cast(net, made["chair"], made["teacher"], made["admin"])


def _rows(tool, kind: str) -> list[tuple[int, str, str, str]]:
    with tool.db.session() as s:
        return [(n.person_id, n.title, n.endpoint, n.email_state) for n in s.scalars(
            select(Notification).where(Notification.kind == kind).order_by(Notification.id))]


def _deliver(tool) -> dict[str, int]:
    with tool.app.app_context():
        return notifications.deliver(tool.app, tool.db)


def test_quarter_reminder_goes_to_the_chair_once(tool, inbox):  # noqa: F811
    with tool.db.session() as s:
        cast = _cast(s, tool)
        seat = council.add_member(s, cast.network, person_id=cast.chair,
                                  organisation_id=tool.org_id, position="director",
                                  since=date(2026, 1, 10), actor_id=None)
        seat.office = "chair"
        assert council_reminders.send_due(s, date(2026, 11, 20)) == {"due": 0, "notified": 0}
        assert council_reminders.send_due(s, date(2026, 12, 1)) == {"due": 1, "notified": 1}
        assert council_reminders.send_due(s, date(2026, 12, 2)) == {"due": 0, "notified": 0}
    title = "Нет заседания совета в 4-й четверти 2026 года"
    assert _rows(tool, "network.council.quarter") == [
        (cast.chair, title, "council.index", "pending")]
    assert _deliver(tool)["sent"] == 1
    letter = inbox[0].messages[-1]
    assert letter["To"] == "chair@school37.ru" and letter["Subject"] == title
    assert f"/app/network/{cast.network.public_id}/council/" in letter.get_content()
    with tool.db.session() as s:  # a meeting planned in the quarter: no reminder
        net = s.get_one(Network, cast.network.id)
        council.create_meeting(s, net, held_on=date(2027, 3, 20), place="", agenda=["x"],
                               actor_id=None)
        assert council_reminders.send_due(s, date(2027, 3, 1)) == {"due": 0, "notified": 0}
    assert len(_rows(tool, "network.council.quarter")) == 1


def test_cycle_reminders_reach_the_owner_per_preference(tool, inbox):  # noqa: F811
    with tool.db.session() as s:
        cast = _cast(s, tool)
        common = dict(details="", actor_id=None, remind_days=7, owner_name="")
        cycle.add_task(s, cast.network, title="Табели", due_on=date(2026, 12, 8),
                       owner_org_id=tool.other_org_id, owner_email="orlov@gym1.ru", **common)
        cycle.add_task(s, cast.network, title="Отчёт", due_on=date(2026, 11, 20),
                       owner_org_id=tool.other_org_id, owner_email="", **common)
        cycle.add_task(s, cast.network, title="Позже", due_on=date(2027, 3, 1),
                       owner_org_id=None, owner_email="", **common)
        assert cycle_reminders.send_due(s, date(2026, 12, 5)) == {"due": 2, "notified": 2}
        assert cycle_reminders.send_due(s, date(2026, 12, 5)) == {"due": 0, "notified": 0}
    assert sorted(_rows(tool, "network.cycle.task")) == sorted([
        (cast.teacher, "Срок 08.12.2026: Табели", "cycle.index", "pending"),
        (cast.admin, "Просрочено: Отчёт", "cycle.index", "pending")])
    # The admin turned e-mail off: the entry stays in the tool, no letter.
    assert _deliver(tool) == {"sent": 1, "failed": 0, "skipped": 1}
    assert [m["To"] for m in inbox[0].messages] == ["Orlov@Gym1.ru"]
    assert {r[0]: r[3] for r in _rows(tool, "network.cycle.task")} == {
        cast.teacher: "sent", cast.admin: "none"}
    with tool.db.session() as s:  # overdue now: once more, to the same owner
        assert cycle_reminders.send_due(s, date(2026, 12, 9)) == {"due": 1, "notified": 1}
    assert _rows(tool, "network.cycle.task")[-1][:2] == (cast.teacher, "Просрочено: Табели")


def test_registered_teachers_hear_of_an_event_the_day_before(tool, inbox):  # noqa: F811
    now = datetime.now(UTC)
    with tool.db.session() as s:
        cast = _cast(s, tool)
        soon, later = (events.create_event(s, cast.network, dict(
            title=title, starts_at=now + timedelta(hours=hours), room_url="https://vks.example/r"),
            organiser_org_id=tool.org_id, organiser_person_id=cast.chair)
            for title, hours in (("Вебинар по ЭОР", 20), ("Мастер-класс", 72)))
        for event in (soon, later):
            events.register(s, event, person_id=cast.teacher, organisation_id=tool.other_org_id,
                            display_name="Орлов Сергей", timezone="Asia/Yekaterinburg")
        assert event_reminders.send_due(s, now) == {"events": 1, "notified": 1}
        assert event_reminders.send_due(s, now + timedelta(hours=1)) == {
            "events": 1, "notified": 0}
    [row] = _rows(tool, "network.event.soon")
    assert row[:3] == (cast.teacher, "Скоро: «Вебинар по ЭОР»", "events.detail")
    assert _deliver(tool)["sent"] == 1
    body = inbox[0].messages[-1].get_content()
    assert "(МСК)" in body and "Екатеринбург (МСК+2)" in body and "vks.example" in body
