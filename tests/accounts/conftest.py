"""Sign-in fixtures: the tool over HTTP, the Сетевой город sandbox over HTTP, each of the
tool's two schools connected to its own sandbox school and synced, and sandbox accounts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes
from email.message import Message
from email.policy import default
from typing import Any

import pytest
import requests
from sqlalchemy import select

from adapters.netschool.sandbox import DEMO_PASSWORD, SandboxApp, State, World, create_app
from lti_tool.people import services as people
from lti_tool.people.models import IdentityLink, Membership, Person
from lti_tool.sync import services as sync
from lti_tool.sync.engine import SyncOptions
from tests.servers import serve

SINCE, TODAY = date(2026, 9, 1), date(2026, 9, 22)


@dataclass
class SignIn:
    tool: Any
    base: str  # the sandbox
    app: SandboxApp
    schools: dict[str, str]  # "school" / "other" → the connection's public id
    accounts: dict[int, dict[str, Any]]  # sandbox school id → its /sandbox/accounts entry

    @property
    def state(self) -> State:
        return self.app.state

    def parent(self, school: int = 1001) -> str:
        return str(self.accounts[school]["parents"][0])

    def children_of(self, login: str) -> list[str]:
        world = self.state.world
        pid = next(p.id for p in world.people.values() if p.login == login)
        return [world.people[c].name for c in world.children_of[pid]]

    def login_posts(self) -> int:
        return sum(1 for m, p in self.state.requests if m == "POST" and p == "/webapi/login")

    def sign_in(self, client: requests.Session, login: str, password: str = DEMO_PASSWORD,
                school: str = "school", **headers: str) -> requests.Response:
        return client.post(self.tool.base + "/signin/netschool", data={
            "school": self.schools.get(school, school), "login": login, "password": password},
            headers=headers, allow_redirects=False, timeout=30)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


@pytest.fixture
def signin(tool: Any) -> Iterator[SignIn]:
    world = World(seed=37, sizes=((1, 3), (1, 2)))
    with serve(lambda base: create_app(State(world))) as (base, app):
        key = tool.app.config["SECRET_KEY"]
        ids = {}
        for org, (org_id, school, login) in {
                "school": (tool.org_id, "МБОУ СОШ №37", "zavuch1001"),
                "other": (tool.other_org_id, "МБОУ Лицей №1", "zavuch1002")}.items():
            with tool.db.session() as s:
                conn = sync.create_connection(s, org_id, dict(
                    kind="netschool", title="", base_url=base, school=school, login=login,
                    password=DEMO_PASSWORD, match_keys="email"), key, None)
                ids[org] = (conn.id, conn.public_id)
            result = sync.sync_now(tool.db, ids[org][0], key, SyncOptions(
                since=SINCE, today=TODAY, backoff_initial=0.01, backoff_max=0.05),
                timeout=(2, 5))
            assert result.status == "done", result
        accounts = requests.get(base + "/sandbox/accounts", timeout=10).json()
        app.state.requests.clear()
        yield SignIn(tool, base, app, {k: v[1] for k, v in ids.items()},
                     {a["schoolId"]: a for a in accounts["schools"]})


def netschool_admin(signin: SignIn) -> str:
    """The school's завуч in Marshrut as its admin, linked to their Сетевой город user (as
    the school's sync of staff would): returns the sandbox login."""
    world = signin.state.world
    zavuch = next(p for p in world.people.values() if p.login == "zavuch1001")
    tool = signin.tool
    with tool.db.session() as s:
        namespace = s.scalars(select(IdentityLink.namespace).join(
            Membership, Membership.person_id == IdentityLink.person_id).where(
            IdentityLink.source == "netschool",
            Membership.organisation_id == tool.org_id)).first()
        assert namespace
        person = people.upsert_person(s, source="netschool", namespace=namespace,
                                      external_id=str(zavuch.id),
                                      display_name="Завучева Ольга Петровна")
        people.ensure_roles(s, person, tool.org_id, ("admin",))
        s.commit()
    return zavuch.login


def person_named(tool: Any, external_id: str) -> Person:
    with tool.db.session() as s:
        return s.scalars(select(Person).join(IdentityLink).where(
            IdentityLink.source == "netschool", IdentityLink.external_id == external_id)).one()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def link(self, base: str) -> str:
        body = self.messages[-1].get_content()
        found = re.search(re.escape(base) + r"(/account/\S+)", body)
        assert found, body
        return found.group(1)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # aiosmtpd checks its port by connecting: no port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


LOCAL_PASSWORD = "липа цветёт в июле"
TOTP_SECRETS: dict[str, str] = {}  # e-mail → the TOTP key local_session turned on


def local_session(tool: Any, lt: str, email: str, role: str = "admin") -> requests.Session:
    """A person invited by the admin of ``lt``'s school (mail off: the page shows the link),
    with a password set and, for an admin or coordinator, TOTP turned on: signed in."""
    import pyotp

    page = requests.post(tool.base + "/app/admin/accounts", data={
        "lt": lt, "email": email, "name": f"Сотрудник {email}", "role": role}, timeout=30)
    found = re.search(r"/account/invite/[A-Za-z0-9_-]+", page.text)
    assert found, page.text[:1000]
    client = requests.Session()
    done = client.post(tool.base + found.group(0), data={
        "password": LOCAL_PASSWORD, "repeat": LOCAL_PASSWORD}, allow_redirects=False,
        timeout=30)
    assert done.status_code == 303
    security = client.get(tool.base + "/account/security", timeout=30).text
    if 'data-testid="totp-required"' in security:
        started = client.post(tool.base + "/account/security/totp", data={
            "step": "start", "csrf_token": csrf_of(security)}, timeout=30)
        secret = re.search(r"secret=([A-Z2-7]+)", started.text)
        assert secret, started.text[:1000]
        TOTP_SECRETS[email] = secret.group(1)
        on = client.post(tool.base + "/account/security/totp", data={
            "step": "confirm", "code": pyotp.TOTP(secret.group(1)).now(),
            "csrf_token": csrf_of(security)}, timeout=30)
        assert 'data-testid="recovery-codes"' in on.text
    return client


def csrf_for(client: requests.Session, base: str) -> str:
    """A signed-in client's CSRF token: every page carries it in the sign-out form."""
    return csrf_of(client.get(base + "/app/", timeout=30).text)
