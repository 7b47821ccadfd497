"""Reminders go once per phase, to the task's address or the owner school's contact; the
mailer is the port the job fills with the notifications mailer (a list here)."""

from __future__ import annotations

from datetime import date

from lti_tool.db import Database
from lti_tool.network.cycle import services
from lti_tool.network.cycle.reminders import send_due
from tests.network.helpers import network, orgs


def test_reminders_once_each(database_url: str) -> None:
    db = Database(database_url)
    today = date(2026, 12, 5)
    sent: list[tuple[str, str]] = []

    def mailer(to: str, subject: str, body: str) -> bool:
        sent.append((to, subject))
        return True

    with db.session() as s:
        o = orgs(s)
        net = network(s, o)
        common = dict(details="", actor_id=None, remind_days=7)
        services.add_task(s, net, title="Табели", due_on=date(2026, 12, 8), owner_org_id=None,
                          owner_name="", owner_email="zavuch@lyceum1.ru", **common)
        services.add_task(s, net, title="Отчёт", due_on=date(2026, 11, 20),
                          owner_org_id=o.school5, owner_name="", owner_email="", **common)
        services.add_task(s, net, title="Позже", due_on=date(2027, 3, 1), owner_org_id=None,
                          owner_name="", owner_email="x@y.ru", **common)
        assert send_due(s, mailer, today) == {"due": 2, "mailed": 2}
        assert sorted(sent) == [("petrova@school5.ru", "Просрочено: Отчёт"),
                                ("zavuch@lyceum1.ru", "Срок 08.12.2026: Табели")]
        assert send_due(s, mailer, today) == {"due": 0, "mailed": 0}
        assert send_due(s, None, date(2026, 12, 9)) == {"due": 1, "mailed": 0}  # now overdue
    db.engine.dispose()
