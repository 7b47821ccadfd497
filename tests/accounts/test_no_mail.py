"""Nothing fails when mail is not configured: the admin is told and given the link."""

from __future__ import annotations

import re

import requests

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
