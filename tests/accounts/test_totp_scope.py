"""TOTP policy (lead's decision, 2026-12-06): two-factor sign-in belongs to local accounts
only, the one password Marshrut owns. An admin who signs in through «Сетевой город» (or a
regional SSO) is authenticated by that system: no TOTP step, the admin pages open; a local
admin with TOTP on is asked for the code. The set-up pages say so. SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import urlsplit

import pyotp
import requests
from sqlalchemy import select

from adapters.netschool.sandbox import DEMO_PASSWORD
from lti_tool.accounts.models import LocalAccount
from tests.accounts.conftest import (
    LOCAL_PASSWORD,
    TOTP_SECRETS,
    SignIn,
    local_session,
    netschool_admin,
)
from tests.sync.launches import launch_token

SCOPE = "только для учётных записей Маршрута"


def test_a_netschool_admin_is_not_asked_for_totp_a_local_admin_is(platform, signin: SignIn):
    tool, base = signin.tool, signin.tool.base
    login = netschool_admin(signin)
    head = requests.Session()
    signed = signin.sign_in(head, login, DEMO_PASSWORD)
    assert signed.status_code == 303, signed.text[:500]
    assert urlsplit(signed.headers["Location"]).path == "/app/"  # no TOTP set-up
    admin = head.get(base + "/app/admin/accounts", allow_redirects=False, timeout=30)
    assert admin.status_code == 200 and "Учётные записи по приглашению" in admin.text
    assert SCOPE in admin.text  # where an admin invites: the policy in one sentence
    # No local account, so no TOTP page: Сетевой город is the authority for this sign-in.
    assert head.get(base + "/account/security", allow_redirects=False,
                    timeout=30).status_code in (403, 404)
    # A local admin (invited, TOTP turned on) is asked for the code at every sign-in.
    local = local_session(tool, launch_token(platform, tool, "admin"), "local@school.ru")
    page = local.get(base + "/account/security", timeout=30)
    assert page.status_code == 200 and 'data-testid="totp-on"' in page.text and SCOPE in page.text
    again = requests.Session()
    alone = again.post(base + "/signin/local", data={
        "email": "local@school.ru", "password": LOCAL_PASSWORD}, allow_redirects=False,
        timeout=30)
    assert alone.status_code in (400, 401, 403) and "код" in alone.text.lower()
    assert "marshrut_signin" not in again.cookies
    with tool.db.session() as s:
        assert s.scalars(select(LocalAccount.totp_enabled).where(
            LocalAccount.email == "local@school.ru")).one()
    code = pyotp.TOTP(TOTP_SECRETS["local@school.ru"]).now()
    ok = again.post(base + "/signin/local", data={
        "email": "local@school.ru", "password": LOCAL_PASSWORD, "code": code},
        allow_redirects=False, timeout=30)
    assert ok.status_code == 303, ok.text[:500]
    assert again.get(base + "/app/admin/accounts", allow_redirects=False,
                     timeout=30).status_code == 200
