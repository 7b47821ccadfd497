"""Every launch the tool must refuse, each its own test, over HTTP against the real tool.

Each case starts a real OIDC login at the tool (so state and nonce are genuine), then posts
an id_token broken in exactly one way. The refusal page must name the problem.
"""

from __future__ import annotations

import time

import pytest
import requests
from jwcrypto.jwk import JWK
from sqlalchemy import text

from tests.e2e.flow import accepted
from tests.e2e.lti_helpers import DROP, begin_login, post_launch, sign, valid_claims

_TABLES = ("lti_launch", "person", "identity_link", "membership")


def _counts(tool) -> dict[str, int]:
    with tool.db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in _TABLES}


_NOW: dict = {}  # this test's tool and what its database held before the test


@pytest.fixture(autouse=True)
def _rows_before(tool) -> None:
    """What the database held before the test: a refused launch must add nothing to it."""
    _NOW.update(tool=tool, before=_counts(tool))


def _refused(resp: requests.Response, code: str, status: int = 400, *,
             accepted_before: int = 0) -> None:
    """Refused with the page naming ``code``, and nothing written: no launch, person, link
    or role beyond what the test's ``accepted_before`` accepted launches wrote (one each)."""
    assert resp.status_code == status, resp.text
    assert f"<code>{code}</code>" in resp.text
    assert "Запуск отклонён" in resp.text
    now, before = _counts(_NOW["tool"]), _NOW["before"]
    assert now["lti_launch"] == before["lti_launch"] + accepted_before, (now, before)
    if not accepted_before:
        assert now == before


@pytest.fixture
def session() -> requests.Session:
    return requests.Session()


@pytest.fixture
def auth(session, platform, tool):
    return begin_login(session, platform, tool.base)


def test_valid_baseline_is_accepted(session, platform, tool, auth):
    resp = post_launch(session, tool.base, sign(platform, valid_claims(platform, auth)),
                       auth["state"])
    assert accepted(resp)


def test_no_kid(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth), headers={})
    _refused(post_launch(session, tool.base, token, auth["state"]), "no_kid")


def test_unknown_kid(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth), headers={"kid": "nobody"})
    _refused(post_launch(session, tool.base, token, auth["state"]), "unknown_kid")


def test_wrong_key(session, platform, tool, auth):
    stranger = JWK.generate(kty="RSA", size=2048)
    token = sign(platform, valid_claims(platform, auth), key=stranger)
    _refused(post_launch(session, tool.base, token, auth["state"]), "bad_signature")


def test_alg_none(session, platform, tool, auth):
    import jwt

    kid = platform.jwks()["keys"][-1]["kid"]
    token = jwt.encode(valid_claims(platform, auth), None, algorithm="none",
                       headers={"kid": kid})
    _refused(post_launch(session, tool.base, token, auth["state"]), "bad_alg")


def test_hs256_with_public_key_as_secret(session, platform, tool, auth):
    import hashlib
    import hmac
    import json
    from base64 import urlsafe_b64encode

    def b64(data: bytes) -> str:
        return urlsafe_b64encode(data).rstrip(b"=").decode()

    kid = platform.jwks()["keys"][-1]["kid"]
    head = b64(json.dumps({"alg": "HS256", "kid": kid}).encode())
    body = b64(json.dumps(valid_claims(platform, auth)).encode())
    secret = platform.key.export_to_pem()
    sig = b64(hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest())
    _refused(post_launch(session, tool.base, f"{head}.{body}.{sig}", auth["state"]), "bad_alg")


def test_wrong_iss(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, iss="https://evil.example"))
    _refused(post_launch(session, tool.base, token, auth["state"]), "wrong_iss")


def test_aud_without_client_id(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, aud=["someone-else"], azp=DROP))
    _refused(post_launch(session, tool.base, token, auth["state"]), "aud_missing_client")


def test_extra_untrusted_aud(session, platform, tool, auth):
    claims = valid_claims(platform, auth, aud=[platform.client_id, "untrusted-party"])
    _refused(post_launch(session, tool.base, sign(platform, claims), auth["state"]),
             "aud_untrusted")


def test_azp_mismatch(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, azp="another-client"))
    _refused(post_launch(session, tool.base, token, auth["state"]), "azp_mismatch")


def test_expired(session, platform, tool, auth):
    now = int(time.time())
    token = sign(platform, valid_claims(platform, auth, iat=now - 120, exp=now - 60))
    _refused(post_launch(session, tool.base, token, auth["state"]), "expired")


def test_iat_in_future_beyond_leeway(session, platform, tool, auth):
    now = int(time.time())
    token = sign(platform, valid_claims(platform, auth, iat=now + 60, exp=now + 120))
    _refused(post_launch(session, tool.base, token, auth["state"]), "iat_future")


def test_iat_within_leeway_is_accepted(session, platform, tool, auth):
    now = int(time.time())
    token = sign(platform, valid_claims(platform, auth, iat=now + 3, exp=now + 63))
    assert accepted(post_launch(session, tool.base, token, auth["state"]))


def test_missing_nonce(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, nonce=DROP))
    _refused(post_launch(session, tool.base, token, auth["state"]), "nonce_missing")


def test_nonce_of_another_login(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, nonce="not-the-issued-one"))
    _refused(post_launch(session, tool.base, token, auth["state"]), "nonce_mismatch")


def test_replayed_launch(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth))
    assert accepted(post_launch(session, tool.base, token, auth["state"]))
    _refused(post_launch(session, tool.base, token, auth["state"]), "replayed", 403,
             accepted_before=1)


def test_replay_from_another_browser(session, platform, tool, auth):
    """A launch captured and replayed elsewhere: refused whether or not it was used."""
    token = sign(platform, valid_claims(platform, auth))
    thief = requests.Session()
    thief.cookies.set("marshrut_browser", "thief-browser")
    _refused(post_launch(thief, tool.base, token, auth["state"]), "other_browser", 403)
    assert accepted(post_launch(session, tool.base, token, auth["state"]))
    _refused(post_launch(requests.Session(), tool.base, token, auth["state"]), "replayed", 403,
             accepted_before=1)


def test_state_mismatch(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth))
    _refused(post_launch(session, tool.base, token, "made-up-state"), "unknown_state")


def test_missing_state(session, platform, tool, auth):
    resp = session.post(tool.base + "/lti/launch",
                        data={"id_token": sign(platform, valid_claims(platform, auth))},
                        allow_redirects=False)
    _refused(resp, "no_state")


def test_wrong_version(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, lti_version="1.1"))
    _refused(post_launch(session, tool.base, token, auth["state"]), "wrong_version")


@pytest.mark.parametrize("claim,name", [
    ("lti_message_type", "message_type"), ("lti_deployment_id", "deployment_id"),
    ("lti_resource_link", "resource_link.id"), ("sub", "sub"),
])
def test_missing_required_claim(session, platform, tool, auth, claim, name):
    token = sign(platform, valid_claims(platform, auth, **{claim: DROP}))
    resp = post_launch(session, tool.base, token, auth["state"])
    _refused(resp, "missing_claim")
    assert name in resp.text


def test_resource_link_without_id(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, lti_resource_link={"title": "x"}))
    _refused(post_launch(session, tool.base, token, auth["state"]), "missing_claim")


def test_unknown_deployment(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, lti_deployment_id="dep-unknown"))
    _refused(post_launch(session, tool.base, token, auth["state"]), "unknown_deployment", 403)


def test_token_for_another_client_id(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, aud="other-client", azp="other-client"))
    _refused(post_launch(session, tool.base, token, auth["state"]), "aud_missing_client")


def test_login_from_unregistered_issuer(session, platform, tool):
    resp = session.get(tool.base + "/lti/login", params={
        "iss": "https://unknown.example", "login_hint": "x",
        "target_link_uri": tool.base + "/lti/launch"}, allow_redirects=False)
    assert resp.status_code == 403
    assert "unknown_platform" in resp.text


def test_login_with_foreign_target_link(session, platform, tool):
    resp = session.get(tool.base + "/lti/login", params={
        "iss": platform.issuer, "login_hint": "x", "client_id": platform.client_id,
        "target_link_uri": "https://evil.example/steal"}, allow_redirects=False)
    assert resp.status_code == 400
    assert "bad_target" in resp.text


def test_refusal_in_english_when_asked(session, platform, tool, auth):
    token = sign(platform, valid_claims(platform, auth, nonce=DROP))
    resp = session.post(tool.base + "/lti/launch?lang=en",
                        data={"id_token": token, "state": auth["state"]})
    assert resp.status_code == 400
    assert "Launch refused" in resp.text
