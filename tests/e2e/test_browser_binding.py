"""A launch must come from the browser that started the login (login CSRF, issue 7).

Someone who starts a login in their own browser holds a valid id_token and state; posting
them from a victim's browser must not sign the victim in as them. The binding is the
cookie when the browser keeps it, the platform's postMessage storage when the platform
offers it (the launch token is then sealed with the secret kept there), otherwise refused
with a way to open the tool in a new window.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, select

from lti_tool.lti.models import Launch
from tests.e2e.lti_helpers import DROP, begin_login, post_launch, sign, valid_claims


def _launches(tool) -> int:
    with tool.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Launch)) or 0)


def _storage_config(resp: requests.Response) -> dict:
    found = re.search(r'<script type="application/json" id="lti-storage">(.*?)</script>',
                      resp.text, re.S)
    assert found, resp.text[:500]
    return json.loads(found.group(1))


def test_a_launch_posted_from_a_browser_without_the_binding_is_refused(platform, tool):
    attacker = requests.Session()
    auth = begin_login(attacker, platform, tool.base)
    token = sign(platform, valid_claims(platform, auth))
    victim = requests.Session()  # never saw this login: no cookie, no platform storage
    resp = post_launch(victim, tool.base, token, auth["state"])
    assert resp.status_code == 403 and "unbound_browser" in resp.text
    assert "Открыть в новом окне" in resp.text
    link = re.search(r'href="([^"]+/lti/login\?[^"]+)"', resp.text).group(1)
    assert parse_qs(urlparse(link.replace("&amp;", "&")).query)["login_hint"] == ["s-petrov"]
    assert _launches(tool) == 0
    # The login's own browser still gets in with the same, unused state.
    assert post_launch(attacker, tool.base, token, auth["state"]).status_code == 200
    assert _launches(tool) == 1


def _storage_login(client: requests.Session, platform, tool) -> tuple[dict, dict]:
    params = {"iss": platform.issuer, "login_hint": "s-petrov",
              "target_link_uri": tool.base + "/lti/launch", "client_id": platform.client_id,
              "lti_message_hint": "x", "lti_storage_target": "_parent"}
    resp = client.get(tool.base + "/lti/login?" + urlencode(params), timeout=30)
    assert resp.status_code == 200
    put = _storage_config(resp)
    assert put["mode"] == "put" and put["origin"] == platform.issuer
    auth = {k: v[0] for k, v in parse_qs(urlparse(put["next"]).query).items()}
    assert put["key"].endswith(auth["state"])
    return put, auth


def _open(sealed: dict, secret: str) -> str:
    key = hashlib.sha256(secret.encode()).digest()
    return AESGCM(key).decrypt(base64.b64decode(sealed["nonce"]),
                               base64.b64decode(sealed["sealed"]), None).decode()


def test_with_platform_storage_only_the_secret_kept_there_opens_the_launch(platform, tool):
    put, auth = _storage_login(requests.Session(), platform, tool)
    token = sign(platform, valid_claims(platform, auth))
    frame = requests.Session()  # third-party cookies blocked: the frame sends none back
    resp = post_launch(frame, tool.base, token, auth["state"])
    assert resp.status_code == 200
    get = _storage_config(resp)
    assert get["mode"] == "get" and get["key"] == put["key"]
    assert get["origin"] == platform.issuer  # only the platform's frame may answer
    assert "lt=" not in resp.text and "value" not in get  # the token is not in the page
    launch_token = _open(get, put["value"])
    page = frame.get(tool.base + get["next"], params={"lt": launch_token}, timeout=30)
    assert page.status_code == 200 and "Алексей Петров" in page.text
    with pytest.raises(InvalidTag):
        _open(get, "the attacker's own secret")


def test_roles_claim_is_required_but_may_be_empty(platform, tool):
    client = requests.Session()
    auth = begin_login(client, platform, tool.base)
    resp = post_launch(client, tool.base, sign(platform, valid_claims(
        platform, auth, lti_roles=DROP)), auth["state"])
    assert resp.status_code == 400 and "<code>missing_claim</code>" in resp.text
    assert _launches(tool) == 0
    auth = begin_login(client, platform, tool.base)
    resp = post_launch(client, tool.base, sign(platform, valid_claims(
        platform, auth, lti_roles=[])), auth["state"])
    assert resp.status_code == 200
