"""Regional sign-in through a real OpenID provider (panva/oidc-provider, run by node from
tests/oidc/node): authorisation code + PKCE through Authlib, the person matched by a
configured claim to an identity link, refusals when the provider is down, misconfigured or
the account is linked to nobody."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text

from lti_tool.accounts import sso
from lti_tool.accounts.models import SsoProvider
from lti_tool.people.models import IdentityLink, Membership, Person

NODE_DIR = Path(__file__).resolve().parent.parent / "oidc" / "node"
SECRET = "client-secret-" + "x" * 20


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def provider(tool) -> Iterator[str]:
    if not shutil.which("node") or not (NODE_DIR / "node_modules" / "oidc-provider").exists():
        pytest.skip("node or oidc-provider missing (make oidc-node)")
    port = _port()
    proc = subprocess.Popen(["node", "provider.mjs", str(port),
                             tool.base + "/signin/sso/callback", "marshrut", SECRET],
                            cwd=NODE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("ready"):
                break
        else:
            raise AssertionError("oidc-provider did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def _configure(tool, issuer: str, claim: str = "region_id") -> str:
    with tool.db.session() as s:
        row = sso.add_provider(s, tool.org_id, None, title="Регион", issuer=issuer,
                               client_id="marshrut", client_secret=SECRET, claim=claim,
                               scope="openid email profile region",
                               secret_key=tool.app.config["SECRET_KEY"])
        return row.public_id


def _person(tool, external_id: str, role: str = "admin") -> None:
    with tool.db.session() as s:
        person = Person(display_name="Иванова Мария Петровна")
        s.add(person)
        s.flush()
        s.add_all([IdentityLink(person_id=person.id, source="oidc", namespace=ISSUER[0],
                                external_id=external_id),
                   Membership(person_id=person.id, organisation_id=tool.org_id, role=role)])


ISSUER: list[str] = [""]


def _sign_in(tool, public_id: str, login: str) -> tuple[requests.Session, requests.Response]:
    client = requests.Session()
    resp = client.get(tool.base + f"/signin/sso/{public_id}", timeout=30)
    for step in ("login", "confirm"):  # the provider's own login and consent pages
        action = re.search(r'action="([^"]*/interaction/[^"]*)"', resp.text)
        if action is None:
            break
        url = requests.compat.urljoin(resp.url, action.group(1))
        form = resp.text[action.start():resp.text.find("</form>", action.start())]
        data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
        if step == "login":
            data.update(login=login, password="any")
        resp = client.post(url, data=data, timeout=30)
    return client, resp


def test_a_linked_person_signs_in_with_code_and_pkce(tool, provider):
    ISSUER[0] = provider
    pid = _configure(tool, provider)
    _person(tool, "R-ivanova")
    client, resp = _sign_in(tool, pid, "ivanova")
    assert resp.status_code == 200 and resp.url == tool.base + "/app/", resp.url
    me = client.get(tool.base + "/api/v1/me", timeout=30).json()
    assert me["roles"] == ["admin"] and me["display_name"] == "Иванова Мария Петровна"
    with tool.db.engine.connect() as conn:
        stored = " ".join(map(str, conn.execute(text("select * from sso_provider")).all()))
    assert SECRET not in stored  # encrypted at rest
    page = requests.get(tool.base + "/signin", timeout=30).text
    assert "Войти через «Регион»" in page


def test_an_account_linked_to_nobody_is_refused(tool, provider):
    ISSUER[0] = provider
    pid = _configure(tool, provider)
    _person(tool, "R-ivanova")
    client, resp = _sign_in(tool, pid, "petrov")  # a real account, linked to nobody
    assert resp.status_code == 403 and "не связана ни с кем" in resp.text
    assert "marshrut_signin" not in client.cookies


def test_provider_down_and_misconfigured(tool, provider):
    down = _configure(tool, f"http://127.0.0.1:{_port()}")
    resp = requests.get(tool.base + f"/signin/sso/{down}", timeout=30)
    assert resp.status_code == 502 and "недоступен" in resp.text
    wrong = _configure(tool, provider + "/other")  # its discovery names another issuer
    resp = requests.get(tool.base + f"/signin/sso/{wrong}", timeout=30)
    assert resp.status_code == 502 and "настроен неверно" in resp.text


def test_a_callback_not_started_here_is_refused(tool, provider):
    resp = requests.get(tool.base + "/signin/sso/callback",
                        params={"code": "x", "state": "y"}, timeout=30)
    assert resp.status_code == 400 and "Начните вход заново" in resp.text
    assert "marshrut_signin" not in resp.headers.get("Set-Cookie", "")


def test_the_admin_form_sets_scope_and_the_link_namespace(platform, tool, provider):
    """Configured through the admin's form (not the service): the claim is matched against
    another system's links (Сетевой город, one school's namespace), never the issuer's."""
    from tests.sync.launches import launch_token

    ISSUER[0] = "https://sgo.region.ru/school/37"  # _person links under this namespace
    saved = requests.post(tool.base + "/app/admin/sso", data={
        "lt": launch_token(platform, tool, "admin"), "title": "Регион", "issuer": provider,
        "client_id": "marshrut", "client_secret": SECRET, "claim": "region_id",
        "scope": "openid region", "link_source": "oidc",
        "link_namespace": ISSUER[0]}, timeout=30)
    assert saved.status_code == 200 and "Региональный вход сохранён" in saved.text
    with tool.db.session() as s:
        row = s.scalars(select(SsoProvider)).one()
        pid, scope = row.public_id, row.scope
    assert scope == "openid region"
    _person(tool, "R-ivanova", role="teacher")
    client, resp = _sign_in(tool, pid, "ivanova")
    assert resp.status_code == 200 and resp.url == tool.base + "/app/", resp.url
    assert client.get(tool.base + "/api/v1/me", timeout=30).json()["roles"] == ["teacher"]
