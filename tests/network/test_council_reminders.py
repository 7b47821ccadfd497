"""The council's quarter reminder: only in the quarter's last month, only when the quarter has
no meeting, once per quarter, to the chair's address."""

from __future__ import annotations

from datetime import date

from lti_tool.db import Database
from lti_tool.network.council import reminders, services
from lti_tool.people import services as people
from tests.network.helpers import network, orgs


def test_quarter_reminder_once(database_url: str) -> None:
    db = Database(database_url)
    sent: list[tuple[str, str]] = []

    def mailer(to: str, subject: str, body: str) -> bool:
        sent.append((to, subject))
        return True

    with db.session() as s:
        o = orgs(s)
        net = network(s, o)
        chair = people.upsert_person(s, source="lti", namespace="x", external_id="c",
                                     display_name="Председатель", email="chair@lyceum1.ru")
        people.ensure_roles(s, chair, o.lyceum, ["admin"])
        member = services.add_member(s, net, person_id=chair.id, organisation_id=o.lyceum,
                                     position="director", since=date(2026, 1, 10),
                                     actor_id=None)
        member.office = "chair"
        assert reminders.send_due(s, mailer, date(2026, 11, 20)) == {"due": 0, "mailed": 0}
        assert reminders.send_due(s, mailer, date(2026, 12, 1)) == {"due": 1, "mailed": 1}
        assert sent == [("chair@lyceum1.ru", "Нет заседания совета в 4-й четверти")]
        assert reminders.send_due(s, mailer, date(2026, 12, 2)) == {"due": 0, "mailed": 0}
        services.create_meeting(s, net, held_on=date(2027, 3, 20), place="", agenda=["x"],
                                actor_id=None)
        assert reminders.send_due(s, mailer, date(2027, 3, 1)) == {"due": 0, "mailed": 0}
    db.engine.dispose()
