"""Dynamic Registration cannot be used to take over an LMS the tool already trusts, nor to
make the tool fetch internal addresses (issue 7: registration takeover, SSRF).

The attacker here is a real HTTP server on another port, serving an OpenID configuration
that names the trusted LMS as its issuer and its own URLs for keys and login.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
from flask import Flask, jsonify, redirect
from sqlalchemy import func, select

from lti_tool.app import create_app
from lti_tool.lti.dynamic_registration import create_invite
from lti_tool.lti.models import Platform, PlatformClient
from tests.conftest import make_settings
from tests.servers import serve

PLATFORM_CONF = "https://purl.imsglobal.org/spec/lti-platform-configuration"


@pytest.fixture
def attacker(platform) -> Iterator[dict[str, Any]]:
    """A server that claims to be the trusted LMS (issuer = the LMS's URL)."""
    seen: dict[str, Any] = {"posts": 0}
    app = Flask("attacker")

    @app.get("/.well-known/openid-configuration")
    def conf() -> Any:
        return jsonify({
            "issuer": seen["issuer"], "authorization_endpoint": seen["urls"] + "/auth",
            "token_endpoint": seen["urls"] + "/token", "jwks_uri": seen["urls"] + "/jwks",
            "registration_endpoint": seen["base"] + "/register",
            PLATFORM_CONF: {"product_family_code": "evil"}})

    @app.post("/register")
    def register() -> Any:
        seen["posts"] += 1
        return jsonify({"client_id": seen["client_id"],
                        "https://purl.imsglobal.org/spec/lti-tool-configuration":
                            {"deployment_id": "evil-dep"}})

    @app.get("/bounce")
    def bounce() -> Any:
        return redirect(seen["base"] + "/.well-known/openid-configuration")

    with serve(lambda base: app) as (base, _):
        seen.update(base=base, urls=base, issuer=platform.issuer, client_id="evil-client")
        yield seen


def _platform_rows(tool) -> tuple[list[tuple[str, str, str, str]], int]:
    with tool.db.session() as s:
        platforms = [(p.issuer, p.auth_login_url, p.auth_token_url, p.jwks_url)
                     for p in s.scalars(select(Platform).order_by(Platform.id))]
        clients = s.scalar(select(func.count()).select_from(PlatformClient))
    return platforms, int(clients or 0)


def _register(tool, config_url: str, **extra: str) -> requests.Response:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in
                     {"openid_configuration": config_url, **extra}.items())
    return requests.get(f"{tool.base}/lti/register?{query}", timeout=30)


def test_a_stranger_naming_a_trusted_issuer_changes_nothing(tool, attacker):
    before = _platform_rows(tool)
    resp = _register(tool, attacker["base"] + "/.well-known/openid-configuration")
    assert resp.status_code == 400 and "dynreg_issuer" in resp.text
    assert _platform_rows(tool) == before
    assert attacker["posts"] == 0  # refused before registering anywhere


def test_the_userinfo_trick_does_not_pass_as_the_issuer(tool, attacker, platform):
    host = urlsplit(attacker["base"]).netloc
    tricked = f"{platform.issuer}@{host}/.well-known/openid-configuration"
    before = _platform_rows(tool)
    resp = _register(tool, tricked)
    assert resp.status_code == 400 and "dynreg_refused_url" in resp.text
    assert _platform_rows(tool) == before and attacker["posts"] == 0


def test_a_redirect_is_not_followed(tool, attacker):
    attacker["issuer"] = attacker["base"]  # even a self-consistent config behind a redirect
    before = _platform_rows(tool)
    resp = _register(tool, attacker["base"] + "/bounce")
    assert resp.status_code == 400 and "dynreg_refused_url" in resp.text
    assert _platform_rows(tool) == before and attacker["posts"] == 0


def test_an_uninvited_registration_for_a_known_lms_is_refused(tool, platform):
    """The trusted LMS's own public configuration, used without an invite: refused, and the
    platform's URLs stay as the operator set them."""
    before = _platform_rows(tool)
    resp = requests.get(f"{platform.issuer}/register-tool?url="
                        + quote(tool.base + "/lti/register", safe=""), timeout=30)
    assert resp.status_code == 409 and "dynreg_known_issuer" in resp.text
    assert _platform_rows(tool) == before
    assert platform.registered_clients == []


@pytest.fixture
def strict_tool(tmp_path, database_url) -> Iterator[str]:
    """The tool as deployed: outbound requests to private addresses refused."""
    settings = make_settings(tmp_path, database_url, "http://127.0.0.1", allow_private_urls=False)
    with serve(lambda base: create_app(settings)) as (base, _):
        yield base


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/.well-known/openid-configuration",
                                    "http://localhost:{port}/.well-known/openid-configuration",
                                    "http://[::1]:{port}/x", "http://169.254.169.254/latest/"])
def test_internal_addresses_are_not_fetched(strict_tool, attacker, target):
    port = urlsplit(attacker["base"]).port
    resp = requests.get(f"{strict_tool}/lti/register?openid_configuration="
                        + quote(target.format(port=port), safe=""), timeout=30)
    assert resp.status_code in (400, 502), resp.text
    assert "dynreg_refused_url" in resp.text or "dynreg_config" in resp.text
    assert attacker["posts"] == 0


def test_a_strangers_pending_registration_does_not_set_the_urls_for_the_real_one(tool,
                                                                                attacker):
    """Someone registers first, uninvited, for an LMS the tool does not know yet (a file
    uploaded to the LMS's own site is enough to pass the origin check): the platform row
    holds their URLs, pending. The school's invited registration must not inherit them."""
    attacker["issuer"] = attacker["base"]
    attacker["urls"] = "https://evil.example"
    conf_url = attacker["base"] + "/.well-known/openid-configuration"
    assert _register(tool, conf_url).status_code == 200  # stored as pending

    attacker.update(urls=attacker["base"], client_id="real-client")  # the LMS's own config
    with tool.db.session() as s:
        invite = create_invite(s, tool.org_id)
    assert _register(tool, conf_url, invite=invite).status_code == 200

    with tool.db.session() as s:
        platform = s.scalars(select(Platform).where(
            Platform.issuer == attacker["issuer"])).one()
        assert (platform.auth_login_url, platform.auth_token_url, platform.jwks_url) == (
            attacker["base"] + "/auth", attacker["base"] + "/token", attacker["base"] + "/jwks")
        status = {c.client_id: c.status for c in s.scalars(select(PlatformClient))}
    assert status["evil-client"] == "pending" and status["real-client"] == "active"


def test_an_invited_registration_naming_other_urls_for_a_trusted_lms_is_refused(tool,
                                                                               attacker):
    """An invite (another school's, say) does not let a registration swap the keys of an
    LMS that already launches, nor give its new client other keys than the LMS's own."""
    attacker.update(issuer=attacker["base"], client_id="first")
    conf_url = attacker["base"] + "/.well-known/openid-configuration"
    with tool.db.session() as s:
        first, second = create_invite(s, tool.org_id), create_invite(s, tool.org_id)
    assert _register(tool, conf_url, invite=first).status_code == 200  # the school's own
    before = _platform_rows(tool)

    attacker.update(urls="https://evil.example", client_id="second")
    resp = _register(tool, conf_url, invite=second)
    assert resp.status_code == 409 and "dynreg_platform_mismatch" in resp.text
    assert _platform_rows(tool) == before and attacker["posts"] == 1
