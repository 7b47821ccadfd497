"""Admins and coordinators with a local account must turn TOTP on: until then their sign-in
session reaches only the set-up page (every admin page, the API and every state change are
refused, and nothing changes); once it is on, it cannot be turned off. Other roles may go
without it. Over HTTP, SQLite and PostgreSQL; the invitation mail through aiosmtpd."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp
import pytest
import requests
from sqlalchemy import func, select

from lti_tool.accounts.models import AccountSession, LocalAccount, SsoProvider
from lti_tool.core.audit import AuditEntry
from tests.accounts.conftest import csrf_of
from tests.sync.launches import launch_token

PASSWORD = "липа цветёт в июле"


@pytest.fixture
def tool_overrides(inbox):
    return {"smtp_host": "127.0.0.1", "smtp_port": inbox[1], "smtp_from": "marshrut@school.ru"}


def _invited(platform, tool, inbox, role: str, email: str = "head@school.ru"
             ) -> requests.Session:
    """An invited person who has just set the password (signed in by the invitation)."""
    resp = requests.post(tool.base + "/app/admin/accounts", data={
        "lt": launch_token(platform, tool, "admin"), "email": email, "name": "Ирина Завуч",
        "role": role}, timeout=30)
    assert resp.status_code == 200, resp.text
    client = requests.Session()
    done = client.post(tool.base + inbox[0].link(tool.base),
                       data={"password": PASSWORD, "repeat": PASSWORD},
                       allow_redirects=False, timeout=30)
    assert done.status_code == 303 and done.headers["Location"].endswith("/account/security")
    return client


def _state(tool) -> tuple[int, ...]:
    with tool.db.session() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(t)) or 0)
                     for t in (LocalAccount, SsoProvider, AuditEntry))


def _turn_on(tool, client) -> str:
    page = client.get(tool.base + "/account/security", timeout=30)
    started = client.post(tool.base + "/account/security/totp", data={
        "step": "start", "csrf_token": csrf_of(page.text)}, timeout=30)
    secret = re.search(r"secret=([A-Z2-7]+)", started.text).group(1)
    on = client.post(tool.base + "/account/security/totp", data={
        "step": "confirm", "code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)},
        timeout=30)
    assert on.status_code == 200 and 'data-testid="recovery-codes"' in on.text
    return secret


def test_admin_without_totp_reaches_no_admin_page(platform, tool, inbox):
    client = _invited(platform, tool, inbox, "admin")
    page = client.get(tool.base + "/account/security", timeout=30)
    assert page.status_code == 200 and 'data-testid="totp-required"' in page.text
    csrf = csrf_of(page.text)
    before, mails = _state(tool), len(inbox[0].messages)
    for path in ("/app/admin/accounts", "/app/admin/sso", "/app/", "/app/notifications/"):
        resp = client.get(tool.base + path, allow_redirects=False, timeout=30)
        assert resp.status_code == 303, path
        assert urlsplit(resp.headers["Location"]).path == "/account/security", path
        assert "Учётные записи" not in resp.text
    api = client.get(tool.base + "/api/v1/me", timeout=30)
    assert api.status_code == 403 and "двухфакторную" in api.json()["message"]
    invite = client.post(tool.base + "/app/admin/accounts", data={
        "csrf_token": csrf, "email": "x@partner.ru", "name": "Х", "role": "admin"}, timeout=30)
    assert invite.status_code == 403 and "двухфакторную" in invite.text
    sso = client.post(tool.base + "/app/admin/sso", data={
        "csrf_token": csrf, "title": "Регион", "issuer": "https://id.example.ru",
        "client_id": "c", "client_secret": "s", "claim": "sub"}, timeout=30)
    assert sso.status_code == 403
    assert _state(tool) == before and len(inbox[0].messages) == mails  # nothing changed
    # A later sign-in with the password alone leads to the set-up again, not to the pages.
    again = requests.Session()
    signed = again.post(tool.base + "/signin/local", data={
        "email": "head@school.ru", "password": PASSWORD}, allow_redirects=False, timeout=30)
    assert signed.status_code == 303 and signed.headers["Location"].endswith("/account/security")
    assert again.get(tool.base + "/app/admin/accounts", allow_redirects=False,
                     timeout=30).status_code == 303
    # Once TOTP is on, the admin pages open for this session.
    _turn_on(tool, client)
    admin = client.get(tool.base + "/app/admin/accounts", allow_redirects=False, timeout=30)
    assert admin.status_code == 200 and "head@school.ru" in admin.text


def test_totp_cannot_be_turned_off_by_an_admin(platform, tool, inbox):
    client = _invited(platform, tool, inbox, "partner", "coord@partner.ru")
    secret = _turn_on(tool, client)
    page = client.get(tool.base + "/account/security", timeout=30)
    assert 'value="off"' not in page.text and "выключить нельзя" in page.text
    before = _state(tool)
    off = client.post(tool.base + "/account/security/totp", data={
        "step": "off", "code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)},
        timeout=30)
    assert off.status_code == 403 and "выключить нельзя" in off.text
    with tool.db.session() as s:
        account = s.scalars(select(LocalAccount)).one()
        assert account.totp_enabled and account.totp_secret and len(account.recovery_codes) == 10
    assert _state(tool) == before
    assert client.get(tool.base + "/app/", timeout=30).status_code == 200


def test_a_launch_admin_and_an_invited_teacher_need_no_totp(platform, tool, inbox):
    teacher = _invited(platform, tool, inbox, "teacher", "teacher@school.ru")
    home = teacher.get(tool.base + "/app/", allow_redirects=False, timeout=30)
    assert home.status_code == 200
    # The LMS path is unchanged: an admin's launch token opens the admin page at once.
    lt = launch_token(platform, tool, "admin")
    assert requests.get(tool.base + "/app/admin/accounts", params={"lt": lt},
                        timeout=30).status_code == 200
    with tool.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AccountSession)) == 1
