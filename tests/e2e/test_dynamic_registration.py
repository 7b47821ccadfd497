"""LTI Dynamic Registration driven as Moodle 4.x drives it, against the real tool over HTTP.

Moodle's "register a tool by URL" opens the tool's URL with ``openid_configuration`` and a
one-time ``registration_token``; the tool reads the platform's configuration, posts its own
to the registration endpoint and tells Moodle to close the window. The demo LMS's
``/register-tool`` does exactly that redirect.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import select

from lti_tool.cli import main
from lti_tool.lti.dynamic_registration import HOLDING_ORG
from lti_tool.lti.models import PlatformClient, RegistrationInvite
from lti_tool.people.models import ClassGroup, Organisation
from lti_tool.sandbox.platform import PlatformState, seed_demo
from lti_tool.sandbox.views import create_platform_app
from tests.e2e.flow import page_url
from tests.e2e.lti_helpers import add_link, launch
from tests.servers import serve


def _cli(tool, tmp_path, *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={
        "MARSHRUT_DATABASE_URL": tool.db.url, "MARSHRUT_SECRET_KEY": tool.app.config["SECRET_KEY"],
        "MARSHRUT_BASE_URL": tool.base, "MARSHRUT_INSTANCE_PATH": str(tmp_path / "cli")})
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _register(platform, tool_url: str) -> requests.Response:
    """What the LMS administrator's browser does after pasting the tool URL."""
    return requests.get(f"{platform.issuer}/register-tool?url={quote(tool_url, safe='')}",
                        timeout=30)


def _use_registration(platform, reg: dict[str, Any]) -> None:
    """From now on the demo LMS launches algebra-10a with the registered client/deployment."""
    platform.client_id = reg["client_id"]
    platform.courses["algebra-10a"].deployment_id = reg["deployment_id"]


def _client(tool, client_id: str) -> PlatformClient:
    with tool.db.session() as s:
        return s.scalars(select(PlatformClient).where(
            PlatformClient.client_id == client_id)).one()


def test_registration_with_an_invite_is_active_and_launches(platform, tool, tmp_path):
    url = _cli(tool, tmp_path, "lti", "invite", "--org", "school")
    assert url.startswith(tool.base + "/lti/register?invite=")

    resp = _register(platform, url)
    assert resp.status_code == 200, resp.text
    assert "Маршрут подключён" in resp.text
    assert "org.imsglobal.lti.close" in resp.text  # Moodle closes its registration window
    (reg,) = platform.registered_clients
    sent = reg["config"]
    assert sent["initiate_login_uri"] == tool.base + "/lti/login"
    assert sent["jwks_uri"] == tool.base + "/.well-known/jwks.json"
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"

    client = _client(tool, reg["client_id"])
    assert client.status == "active" and client.organisation_id == tool.org_id
    with tool.db.session() as s:
        invite = s.scalars(select(RegistrationInvite)).one()
        assert invite.used_at is not None and invite.client_pk == client.id

    _use_registration(platform, reg)
    resp = launch(requests.Session(), platform, add_link(platform), "t-ivanova")
    assert resp.status_code == 200 and "/app/class/" in page_url(resp)
    with tool.db.session() as s:
        group = s.scalars(select(ClassGroup).where(
            ClassGroup.external_id == "algebra-10a")).one()
        assert group.organisation_id == tool.org_id


def test_an_invite_works_once(platform, tool, tmp_path):
    url = _cli(tool, tmp_path, "lti", "invite", "--org", "school")
    assert _register(platform, url).status_code == 200
    again = _register(platform, url)
    assert again.status_code == 403
    assert "<code>bad_invite</code>" in again.text
    assert len(platform.registered_clients) == 1  # refused before talking to the LMS


def test_a_made_up_invite_is_refused(platform, tool):
    resp = _register(platform, tool.base + "/lti/register?invite=guessed-token")
    assert resp.status_code == 403 and "bad_invite" in resp.text
    assert platform.registered_clients == []


@pytest.fixture
def new_lms(tool) -> Iterator[PlatformState]:
    """A second LMS the tool has never seen (another issuer on another port)."""
    holder: dict[str, PlatformState] = {}

    def build(base: str) -> Any:
        holder["state"] = state = PlatformState(issuer=base, tool_base_url=tool.base)
        seed_demo(state, {"school": "dep-school", "other": "dep-other"})
        return create_platform_app(state)

    with serve(build):
        yield holder["state"]


def test_without_invite_pending_until_approved(new_lms, tool, tmp_path):
    platform = new_lms
    resp = _register(platform, tool.base + "/lti/register")
    assert resp.status_code == 200
    assert "ожидает одобрения" in resp.text
    (reg,) = platform.registered_clients
    client = _client(tool, reg["client_id"])
    with tool.db.session() as s:
        holding = s.get_one(Organisation, client.organisation_id)
        assert holding.slug == HOLDING_ORG
    assert client.status == "pending"

    _use_registration(platform, reg)
    link = add_link(platform)
    refused = launch(requests.Session(), platform, link, "t-ivanova")
    assert refused.status_code == 403
    assert "<code>client_pending</code>" in refused.text
    assert "ожидает одобрения администратором" in refused.text
    with tool.db.session() as s:
        assert s.scalars(select(ClassGroup)).first() is None  # nothing recorded

    listed = _cli(tool, tmp_path, "lti", "list")
    assert f"{client.id}\tpending\t" in listed
    out = _cli(tool, tmp_path, "lti", "approve", str(client.id), "--org", "school")
    assert "is active" in out and f"jwks {platform.issuer}" in out  # what was approved

    resp = launch(requests.Session(), platform, link, "t-ivanova")
    assert resp.status_code == 200 and "/app/class/" in page_url(resp)
    client = _client(tool, reg["client_id"])
    assert client.status == "active" and client.organisation_id == tool.org_id
    with tool.db.session() as s:
        group = s.scalars(select(ClassGroup)).one()
        assert group.organisation_id == tool.org_id  # its deployment moved with the approval
