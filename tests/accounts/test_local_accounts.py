"""Local accounts by invitation, over HTTP with a real SMTP server (aiosmtpd) receiving the
mail: invite → set password (argon2id) → TOTP with recovery codes → sign in; reset by
e-mail; single-use and expiring links; only an admin invites. Refusals change nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import requests
from sqlalchemy import func, select, update

from lti_tool.accounts.models import AccountSession, AccountToken, LocalAccount
from lti_tool.db import utcnow
from tests.accounts.conftest import csrf_of
from tests.sync.launches import launch_token

PASSWORD = "липа цветёт в июле"


@pytest.fixture
def tool_overrides(inbox):
    return {"smtp_host": "127.0.0.1", "smtp_port": inbox[1], "smtp_from": "marshrut@school.ru"}


def _invite(platform, tool, email="coord@partner.ru", role="partner") -> requests.Response:
    lt = launch_token(platform, tool, "admin")
    return requests.post(tool.base + "/app/admin/accounts", data={
        "lt": lt, "email": email, "name": "Анна Координатор", "role": role}, timeout=30)


def _accounts(tool) -> int:
    with tool.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(LocalAccount)) or 0)


def _sign_in(tool, client, email="coord@partner.ru", password=PASSWORD, code=""):
    return client.post(tool.base + "/signin/local", data={
        "email": email, "password": password, "code": code}, allow_redirects=False, timeout=30)


def test_invited_coordinator_sets_a_password_and_turns_on_totp(platform, tool, inbox):
    box, _port = inbox
    resp = _invite(platform, tool)
    assert resp.status_code == 200 and "Приглашение отправлено" in resp.text
    mail = box.messages[-1]
    assert mail["To"] == "coord@partner.ru" and mail["Subject"] == "Приглашение в Маршрут"
    path = box.link(tool.base)
    client = requests.Session()
    assert "Задайте пароль" in client.get(tool.base + path, timeout=30).text
    short = client.post(tool.base + path, data={"password": "123", "repeat": "123"}, timeout=30)
    assert short.status_code == 400 and "не короче 10 символов" in short.text
    done = client.post(tool.base + path, data={"password": PASSWORD, "repeat": PASSWORD},
                       allow_redirects=False, timeout=30)
    assert done.status_code == 303 and "marshrut_signin=" in done.headers["Set-Cookie"]
    with tool.db.session() as s:
        assert s.scalars(select(LocalAccount.password_hash)).one().startswith("$argon2id$")
    # The link worked once: now it is refused, and nothing changes.
    again = requests.post(tool.base + path, data={"password": "другой пароль 1", "repeat":
                                                  "другой пароль 1"}, timeout=30)
    assert again.status_code == 410 and "уже использована" in again.text
    # TOTP on: start, confirm with a code from the "app", get recovery codes.
    page = client.get(tool.base + "/account/security", timeout=30)
    started = client.post(tool.base + "/account/security/totp", data={
        "step": "start", "csrf_token": csrf_of(page.text)}, timeout=30)
    secret = re.search(r"secret=([A-Z2-7]+)", started.text).group(1)
    wrong = client.post(tool.base + "/account/security/totp", data={
        "step": "confirm", "code": "000000", "csrf_token": csrf_of(page.text)}, timeout=30)
    assert wrong.status_code == 400 and "Код не подошёл" in wrong.text
    confirmed = client.post(tool.base + "/account/security/totp", data={
        "step": "confirm", "code": pyotp.TOTP(secret).now(),
        "csrf_token": csrf_of(page.text)}, timeout=30)
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", confirmed.text)
    assert len(codes) == 10
    # Signing in now needs the second factor.
    fresh = requests.Session()
    no_code = _sign_in(tool, fresh)
    assert no_code.status_code == 401 and "двухфакторной" in no_code.text
    assert _sign_in(tool, fresh, code=pyotp.TOTP(secret).now()).status_code == 303
    assert _sign_in(tool, requests.Session(), code=codes[0]).status_code == 303
    reused = _sign_in(tool, requests.Session(), code=codes[0])
    assert reused.status_code == 401  # a recovery code works once
    home = fresh.get(tool.base + "/app/", timeout=30)
    assert home.status_code == 200 and "Анна Координатор" in home.text


def test_wrong_password_and_the_limit(platform, tool, inbox):
    box, _ = inbox
    _invite(platform, tool)
    requests.post(tool.base + box.link(tool.base), data={"password": PASSWORD,
                                                         "repeat": PASSWORD}, timeout=30)
    client = requests.Session()
    for _ in range(5):
        resp = _sign_in(tool, client, password="не тот пароль")
        assert resp.status_code == 401 and "Неверный адрес или пароль" in resp.text
    blocked = _sign_in(tool, client)
    assert blocked.status_code == 429 and "восстановите пароль" in blocked.text
    unknown = _sign_in(tool, requests.Session(), email="nobody@x.ru")
    assert unknown.status_code == 401 and "Неверный адрес или пароль" in unknown.text


def test_reset_by_email_is_single_use_and_ends_sessions(platform, tool, inbox):
    box, _ = inbox
    _invite(platform, tool)
    requests.post(tool.base + box.link(tool.base), data={"password": PASSWORD,
                                                         "repeat": PASSWORD}, timeout=30)
    old = requests.Session()
    assert _sign_in(tool, old).status_code == 303
    sent = requests.post(tool.base + "/signin/reset", data={"email": "COORD@partner.ru"},
                         timeout=30)
    assert "Если учётная запись с этим адресом есть" in sent.text
    path = box.link(tool.base)
    new = "сосна шумит зимой"
    done = requests.post(tool.base + path, data={"password": new, "repeat": new},
                         allow_redirects=False, timeout=30)
    assert done.status_code == 303
    assert old.get(tool.base + "/app/", timeout=30).status_code == 401  # sessions ended
    reused = requests.post(tool.base + path, data={"password": new, "repeat": new}, timeout=30)
    assert reused.status_code == 410 and "уже использована" in reused.text
    assert _sign_in(tool, requests.Session(), password=PASSWORD).status_code == 401
    assert _sign_in(tool, requests.Session(), password=new).status_code == 303
    # An unknown address: the same answer, and no mail.
    count = len(box.messages)
    same = requests.post(tool.base + "/signin/reset", data={"email": "who@x.ru"}, timeout=30)
    assert "Если учётная запись с этим адресом есть" in same.text and len(box.messages) == count


def test_expired_invitation(platform, tool, inbox):
    box, _ = inbox
    _invite(platform, tool)
    path = box.link(tool.base)
    with tool.db.session() as s:
        s.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    resp = requests.get(tool.base + path, timeout=30)
    assert resp.status_code == 410 and "истёк" in resp.text
    resp = requests.post(tool.base + path, data={"password": PASSWORD, "repeat": PASSWORD},
                         timeout=30)
    assert resp.status_code == 410
    with tool.db.session() as s:
        assert s.scalars(select(LocalAccount.password_hash)).one() is None
        assert s.scalar(select(func.count()).select_from(AccountSession)) == 0


def test_only_an_admin_invites(platform, tool, inbox):
    for role in ("teacher", "student"):
        lt = launch_token(platform, tool, role)
        resp = requests.post(tool.base + "/app/admin/accounts", data={
            "lt": lt, "email": "x@y.ru", "name": "X", "role": "admin"}, timeout=30)
        assert resp.status_code == 403
    assert _accounts(tool) == 0 and not inbox[0].messages
    assert _invite(platform, tool, role="superuser").status_code == 400
    assert _accounts(tool) == 0
