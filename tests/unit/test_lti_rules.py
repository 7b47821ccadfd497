"""Pure launch checks (``lti_tool.lti.rules``), no database, no HTTP, no clock."""

from __future__ import annotations

from typing import Any

import pytest

from lti_tool.lti import claims as c
from lti_tool.lti.rules import (
    Expected,
    LaunchError,
    check_audience,
    check_header,
    check_message,
    check_times_and_identity,
)

NOW = 1_800_000_000.0
EXP = Expected(issuer="https://lms.example", client_id="client-1",
               trusted_audiences=("partner",), nonce="n-1", now=NOW, leeway=5)


def _code(fn: Any, *args: Any) -> str:
    with pytest.raises(LaunchError) as info:
        fn(*args)
    return info.value.code


def _body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "iss": "https://lms.example", "aud": "client-1", "sub": "u-1",
        "iat": int(NOW), "exp": int(NOW) + 60, "nonce": "n-1",
        c.VERSION: "1.3.0", c.MESSAGE_TYPE: c.RESOURCE_LINK_REQUEST,
        c.DEPLOYMENT_ID: "dep-1", c.RESOURCE_LINK: {"id": "rl-1"}, c.ROLES: [],
    }
    for key, value in over.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


# -- header -----------------------------------------------------------------------------

def test_header_rs256_with_kid_returns_the_kid() -> None:
    assert check_header({"alg": "RS256", "kid": "k1"}) == "k1"


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512", "ES256", None, ""])
def test_header_any_other_alg_is_refused(alg: Any) -> None:
    assert _code(check_header, {"alg": alg, "kid": "k1"}) == "bad_alg"


@pytest.mark.parametrize("kid", [None, "", 42])
def test_header_without_a_string_kid_is_refused(kid: Any) -> None:
    assert _code(check_header, {"alg": "RS256", "kid": kid}) == "no_kid"


def test_header_alg_is_checked_before_kid() -> None:
    assert _code(check_header, {"alg": "none"}) == "bad_alg"


# -- audience ---------------------------------------------------------------------------

def test_audience_plain_string_and_single_list_pass() -> None:
    check_audience({"aud": "client-1"}, EXP)
    check_audience({"aud": ["client-1"]}, EXP)
    check_audience({"aud": ["client-1"], "azp": "client-1"}, EXP)


def test_audience_without_our_client_is_refused() -> None:
    assert _code(check_audience, {"aud": ["someone"]}, EXP) == "aud_missing_client"
    assert _code(check_audience, {}, EXP) == "aud_missing_client"


def test_audience_with_an_untrusted_extra_is_refused() -> None:
    body = {"aud": ["client-1", "stranger"], "azp": "client-1"}
    assert _code(check_audience, body, EXP) == "aud_untrusted"


def test_audience_with_a_trusted_extra_needs_azp() -> None:
    assert _code(check_audience, {"aud": ["client-1", "partner"]}, EXP) == "azp_missing"
    check_audience({"aud": ["client-1", "partner"], "azp": "client-1"}, EXP)


def test_azp_must_be_our_client_even_with_one_audience() -> None:
    assert _code(check_audience, {"aud": "client-1", "azp": "other"}, EXP) == "azp_mismatch"


# -- times, issuer, nonce ---------------------------------------------------------------

def test_times_and_identity_pass_for_a_fresh_token() -> None:
    check_times_and_identity(_body(), EXP)


def test_wrong_issuer() -> None:
    assert _code(check_times_and_identity, _body(iss="https://evil"), EXP) == "wrong_iss"


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_missing_or_non_numeric_time(claim: str) -> None:
    assert _code(check_times_and_identity, _body(**{claim: None}), EXP) == "missing_claim"
    assert _code(check_times_and_identity, _body(**{claim: "soon"}), EXP) == "missing_claim"


def test_expiry_within_leeway_passes_beyond_is_refused() -> None:
    check_times_and_identity(_body(exp=int(NOW) - 5), EXP)
    assert _code(check_times_and_identity, _body(exp=int(NOW) - 6), EXP) == "expired"


def test_iat_in_future_within_leeway_passes_beyond_is_refused() -> None:
    check_times_and_identity(_body(iat=int(NOW) + 5), EXP)
    assert _code(check_times_and_identity, _body(iat=int(NOW) + 6), EXP) == "iat_future"


def test_nonce_missing_or_other() -> None:
    assert _code(check_times_and_identity, _body(nonce=None), EXP) == "nonce_missing"
    assert _code(check_times_and_identity, _body(nonce=""), EXP) == "nonce_missing"
    assert _code(check_times_and_identity, _body(nonce="n-2"), EXP) == "nonce_mismatch"


# -- message claims ---------------------------------------------------------------------

def test_resource_link_message_passes() -> None:
    assert check_message(_body()) == c.RESOURCE_LINK_REQUEST


def test_deep_linking_message_needs_a_return_url() -> None:
    body = _body(**{c.MESSAGE_TYPE: c.DEEP_LINKING_REQUEST, c.RESOURCE_LINK: None})
    assert _code(check_message, body) == "missing_claim"
    body[c.DL_SETTINGS] = {"deep_link_return_url": "https://lms.example/dl"}
    assert check_message(body) == c.DEEP_LINKING_REQUEST


@pytest.mark.parametrize("version", ["1.1", "1.3", None])
def test_wrong_version(version: Any) -> None:
    assert _code(check_message, _body(**{c.VERSION: version or None})) == "wrong_version"


def test_unknown_message_type() -> None:
    body = _body(**{c.MESSAGE_TYPE: "LtiSubmissionReviewRequest"})
    assert _code(check_message, body) == "unknown_message_type"


@pytest.mark.parametrize("claim,name", [
    (c.MESSAGE_TYPE, "message_type"), (c.DEPLOYMENT_ID, "deployment_id"), ("sub", "sub"),
    (c.RESOURCE_LINK, "resource_link.id"),
])
def test_missing_required_claim_is_named(claim: str, name: str) -> None:
    with pytest.raises(LaunchError) as info:
        check_message(_body(**{claim: None}))
    assert info.value.code == "missing_claim"
    assert name in str(info.value)


def test_resource_link_without_id_or_not_an_object() -> None:
    assert _code(check_message, _body(**{c.RESOURCE_LINK: {"title": "x"}})) == "missing_claim"
    assert _code(check_message, _body(**{c.RESOURCE_LINK: "rl-1"})) == "missing_claim"


def test_roles_must_be_a_list() -> None:
    assert _code(check_message, _body(**{c.ROLES: "Instructor"})) == "bad_roles"


def test_refusal_status_defaults_to_400() -> None:
    with pytest.raises(LaunchError) as info:
        check_header({"alg": "none"})
    assert info.value.status == 400
