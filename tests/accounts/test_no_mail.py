"""Nothing fails when mail is not configured: the admin is told and given the link."""

from __future__ import annotations

import re

import requests
from sqlalchemy import select

from lti_tool.notifications import services
from lti_tool.people.models import Person
from tests.sync.launches import launch_token


def test_invitation_without_mail_shows_the_link(platform, tool):
    lt = launch_token(platform, tool, "admin")
    resp = requests.post(tool.base + "/app/admin/accounts", data={
        "lt": lt, "email": "reg@edu.ru", "name": "Регион", "role": "partner"}, timeout=30)
    assert resp.status_code == 200 and "Письмо не отправлено" in resp.text
    link = re.search(r'data-testid="invite-link">[^<]*<code>([^<]+)</code>', resp.text).group(1)
    assert requests.get(link, timeout=30).status_code == 200
    sent = requests.post(tool.base + "/signin/reset", data={"email": "reg@edu.ru"}, timeout=30)
    assert sent.status_code == 200 and "Почта в Маршруте не настроена" in sent.text


def test_without_mail_the_list_says_so(platform, tool):
    """No SMTP configured (the default ``tool``): nothing fails, the list says what was
    not sent."""
    lt = launch_token(platform, tool, "teacher")
    me = requests.get(tool.base + "/api/v1/me", headers={"Authorization": f"Bearer {lt}"},
                      timeout=30).json()
    with tool.db.session() as s:
        pid = s.scalars(select(Person.id).where(Person.public_id == me["id"])).one()
        s.get_one(Person, pid).email = "t@school.ru"
        services.notify(s, pid, "route.returned", "Маршрут возвращён на доработку")
    with tool.app.app_context():
        assert services.deliver(tool.app, tool.db)["skipped"] == 1
    page = requests.get(tool.base + "/app/notifications/", params={"lt": lt}, timeout=30)
    assert "Маршрут возвращён" in page.text and "почта не настроена" in page.text
