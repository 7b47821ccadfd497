"""Tool key rotation (``marshrut keys rotate``) seen from the platform's side, over HTTP.

Lifecycle (``lti_tool/lti/keys.py``): a key is published as ``next`` one rotation before it
signs; rotation promotes it to ``current`` and keeps the old one published as ``retiring``
until every token it signed has expired.
"""

from __future__ import annotations

from datetime import timedelta

import jwt
import requests
from click.testing import CliRunner
from lxml import html
from sqlalchemy import select, update

from lti_tool.cli import main
from lti_tool.db import utcnow
from lti_tool.lms_scores.services import deliver_due
from lti_tool.lti.connector import forget_tokens
from lti_tool.lti.models import ToolKey
from tests.e2e.flow import autosubmit_form, get, launch_token, page_url
from tests.e2e.lti_helpers import add_link, launch


def _published(tool) -> list[str]:
    resp = requests.get(tool.base + "/.well-known/jwks.json", timeout=10)
    assert resp.status_code == 200
    return [k["kid"] for k in resp.json()["keys"]]


def _states(tool) -> dict[str, str]:
    with tool.db.session() as s:
        return {k.state: k.kid for k in s.scalars(select(ToolKey))}


def _rotate(tool, tmp_path) -> str:
    result = CliRunner().invoke(main, ["keys", "rotate"], env={
        "MARSHRUT_DATABASE_URL": tool.db.url, "MARSHRUT_SECRET_KEY": tool.app.config["SECRET_KEY"],
        "MARSHRUT_INSTANCE_PATH": str(tmp_path / "cli")})
    assert result.exit_code == 0, result.output
    return result.output


def _deep_link_reply(platform, tool) -> tuple[str, dict[str, str]]:
    """The signed Deep Linking response the tool hands the browser (not yet submitted)."""
    client = requests.Session()
    resp = get(client, f"{platform.issuer}/deeplink/algebra-10a?user=t-ivanova")
    resp = client.post(tool.base + "/lti/deeplink/",
                       data={"lt": launch_token(resp), "target": "class_overview"}, timeout=30)
    found = autosubmit_form(resp)
    assert found is not None, resp.text
    return found


def _submit(reply: tuple[str, dict[str, str]]) -> requests.Response:
    action, fields = reply
    return requests.post(action, data=fields, timeout=30)


def _kid(reply: tuple[str, dict[str, str]]) -> str:
    return str(jwt.get_unverified_header(reply[1]["JWT"])["kid"])


def _deliver_one_score(platform, tool) -> None:
    client = requests.Session()
    link = add_link(platform)
    resp = launch(client, platform, link, "t-ivanova")
    token, page = launch_token(resp), page_url(resp).split("?")[0]
    resp = client.post(page + "/roster", data={"lt": token}, timeout=30)
    student = html.fromstring(resp.text).xpath('//input[@name="student"]/@value')[0]
    client.post(page + "/scores", data={"lt": token, "student": student, "score": "5"},
                timeout=30)
    forget_tokens()  # a fresh client assertion, signed now, not a cached access token
    assert deliver_due(tool.db, tool.app.config["SECRET_KEY"], allow_private=True)["sent"] == 1
    assert link.lineitem_id and len(platform.lineitems[link.lineitem_id].scores) == 1


def test_rotation_publishes_before_signing_and_retires_after_expiry(platform, tool, tmp_path):
    first = _states(tool)
    assert set(first) == {"current", "next"}
    assert set(_published(tool)) == {first["current"], first["next"]}
    assert _kid(_deep_link_reply(platform, tool)) == first["current"]
    signed_before = _deep_link_reply(platform, tool)  # handed out before the rotation

    out = _rotate(tool, tmp_path)
    after = _states(tool)
    assert first["next"] in out
    # The promoted key was already published before the rotation; the new next one is
    # published now, a whole rotation before it signs anything.
    assert after["current"] == first["next"]
    assert after["retiring"] == first["current"]
    assert after["next"] not in first.values()
    assert set(_published(tool)) == {first["current"], first["next"], after["next"]}

    # Tool-signed messages now carry the new kid and the platform accepts them.
    reply = _deep_link_reply(platform, tool)
    assert _kid(reply) == after["current"] != after["next"]
    assert "Добавлено в курс" in _submit(reply).text
    # A token signed by the retiring key before the rotation still verifies meanwhile.
    assert _kid(signed_before) == first["current"]
    assert "Добавлено в курс" in _submit(signed_before).text

    # Its tokens have expired: the retiring key leaves the JWKS, and the next rotation
    # deletes it. Nothing signed now depends on it: AGS's client assertion and Deep
    # Linking verify against the keys still published.
    with tool.db.session() as s:
        s.execute(update(ToolKey).where(ToolKey.state == "retiring")
                  .values(retire_at=utcnow() - timedelta(seconds=1)))
    assert set(_published(tool)) == {after["current"], after["next"]}
    resp = _submit(signed_before)  # the platform really checks the kid against our JWKS
    assert resp.status_code == 400 and "Добавлено" not in resp.text
    _deliver_one_score(platform, tool)
    assert "Добавлено в курс" in _submit(_deep_link_reply(platform, tool)).text

    _rotate(tool, tmp_path)
    third = _states(tool)
    assert third["current"] == after["next"] and third["retiring"] == after["current"]
    with tool.db.session() as s:
        assert s.scalars(select(ToolKey).where(ToolKey.kid == first["current"])).first() is None
    assert first["current"] not in _published(tool)

