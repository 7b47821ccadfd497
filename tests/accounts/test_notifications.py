"""Notifications: the service other features call, the in-app list seen through a sign-in,
e-mail per preference through a real SMTP server (aiosmtpd), never twice, retried."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from lti_tool.notifications import services
from lti_tool.notifications.models import Notification
from lti_tool.people.models import Guardianship, Person
from tests.accounts.conftest import SignIn, csrf_of


@pytest.fixture
def tool_overrides(inbox):
    return {"smtp_host": "127.0.0.1", "smtp_port": inbox[1]}


def _family(signin: SignIn) -> tuple[requests.Session, int, int]:
    """The parent signed in (Сетевой город), their person id and a child's id."""
    client = requests.Session()
    assert signin.sign_in(client, signin.parent()).status_code == 303
    with signin.tool.db.session() as s:
        parent_id, child_id = s.execute(select(Guardianship.parent_id, Guardianship.child_id)
                                        ).first()
        s.get_one(Person, parent_id).email = "parent@family.ru"
    return client, parent_id, child_id


def _deliver(signin: SignIn, digest: bool = False) -> dict[str, int]:
    app = signin.tool.app
    with app.app_context():
        return services.deliver(app, signin.tool.db, digest=digest)


def test_a_parent_reads_what_concerns_their_child(signin: SignIn, inbox):
    client, parent_id, child_id = _family(signin)
    with signin.tool.db.session() as s:
        made = services.notify_family(s, child_id, "portfolio.confirmed", "Достижение подтверждено",
                                      parent_title="Достижение ребёнка подтверждено",
                                      link=("people.home", {}), key="ach-1",
                                      organisation_id=signin.tool.org_id)
        assert len(made) == 2
        assert services.notify_family(s, child_id, "portfolio.confirmed", "again",
                                      key="ach-1") == []  # the same key: nobody told twice
    page = client.get(signin.tool.base + "/app/notifications/", timeout=30)
    assert "Достижение ребёнка подтверждено" in page.text and 'data-testid="unread">1<' in page.text
    assert 'href="/app/"' in page.text  # the link, through the sign-in (no launch token)
    assert client.get(signin.tool.base + "/app/notifications/unread.json",
                      timeout=30).json() == {"unread": 1}
    with signin.tool.db.session() as s:
        childs = s.scalars(select(Notification.public_id).where(
            Notification.person_id == child_id)).one()
    # Another person's notification cannot be marked: 404 and it stays unread.
    resp = client.post(signin.tool.base + "/app/notifications/read",
                       data={"id": childs, "csrf_token": csrf_of(page.text)}, timeout=30)
    assert resp.status_code == 404
    with signin.tool.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification).where(
            Notification.read_at.is_not(None))) == 0
    resp = client.post(signin.tool.base + "/app/notifications/read",
                       data={"csrf_token": csrf_of(page.text)}, timeout=30)
    assert resp.status_code == 200 and 'data-testid="unread">0<' in resp.text
    # E-mail: the parent has an address, the child none: one letter, once.
    box = inbox[0]
    assert _deliver(signin) == {"sent": 1, "failed": 0, "skipped": 1}
    assert len(box.messages) == 1 and box.messages[0]["To"] == "parent@family.ru"
    assert box.messages[0]["Subject"] == "Достижение ребёнка подтверждено"
    assert signin.tool.base + "/app/" in box.messages[0].get_content()
    assert _deliver(signin) == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(box.messages) == 1
    assert "отправлено на почту" in client.get(signin.tool.base + "/app/notifications/",
                                               timeout=30).text


def test_daily_digest_is_one_letter(signin: SignIn, inbox):
    client, parent_id, _child = _family(signin)
    page = client.get(signin.tool.base + "/app/notifications/", timeout=30)
    client.post(signin.tool.base + "/app/notifications/preferences",
                data={"email_mode": "digest", "csrf_token": csrf_of(page.text)}, timeout=30)
    with signin.tool.db.session() as s:
        for n in range(3):
            services.notify(s, parent_id, "event.tomorrow", f"Событие {n}")
    assert _deliver(signin)["sent"] == 0 and not inbox[0].messages
    assert _deliver(signin, digest=True)["sent"] == 3
    assert len(inbox[0].messages) == 1
    body = inbox[0].messages[0].get_content()
    assert all(f"Событие {n}" in body for n in range(3))


def test_a_relay_that_fails_is_retried_then_given_up(signin: SignIn, inbox, monkeypatch):
    from lti_tool.notifications import mail

    _client, parent_id, _child = _family(signin)
    with signin.tool.db.session() as s:
        services.notify(s, parent_id, "sync.failed", "Синхронизация не удалась")

    def down(*_a, **_k):
        raise mail.MailFailed("SMTPServerDisconnected")

    monkeypatch.setattr(mail, "send", down)
    for _ in range(5):
        assert _deliver(signin)["failed"] == 1
    assert _deliver(signin)["failed"] == 0
    with signin.tool.db.session() as s:
        row = s.scalars(select(Notification)).one()
        assert row.email_state == "failed" and row.email_attempts == 5
