"""Launch helpers over HTTP: real launches through the platform, and forged id_tokens for
the must-reject suite (signed with the platform's own key unless a test says otherwise)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import requests

from lti_tool.sandbox.platform import LEARNER, LineItem, PlatformState, ResourceLink
from tests.e2e.flow import get

C = "https://purl.imsglobal.org/spec/lti/claim/"


def add_link(state: PlatformState, course_id: str = "algebra-10a",
             target: str = "class_overview", with_lineitem: bool = True) -> ResourceLink:
    link = ResourceLink(f"link-{len(state.links) + 1}", course_id, "Маршрут",
                        state.tool_base_url + "/lti/launch", {"target": target})
    if with_lineitem:
        item = LineItem(f"li-{len(state.lineitems) + 1}", course_id, "Маршрут", 5.0,
                        target, target, link.id)
        state.lineitems[item.id] = item
        link.lineitem_id = item.id
    state.links[link.id] = link
    return link


def launch(client: requests.Session, state: PlatformState, link: ResourceLink,
           user: str) -> requests.Response:
    return get(client, f"{state.issuer}/launch/{link.id}?user={user}")


def begin_login(client: requests.Session, state: PlatformState, tool_base: str,
                **extra: str) -> dict[str, str]:
    """Start OIDC login at the tool; return the auth request it sends to the platform."""
    params = {"iss": state.issuer, "login_hint": "s-petrov",
              "target_link_uri": tool_base + "/lti/launch", "client_id": state.client_id,
              "lti_message_hint": "x", **extra}
    resp = client.get(tool_base + "/lti/login?" + urlencode(params), allow_redirects=False,
                      timeout=30)
    assert resp.status_code == 302, resp.text
    query = parse_qs(urlparse(resp.headers["Location"]).query)
    return {k: v[0] for k, v in query.items()}


def valid_claims(state: PlatformState, auth: dict[str, str], **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": state.issuer, "aud": state.client_id, "azp": state.client_id,
        "sub": "s-petrov", "iat": now, "exp": now + 60, "nonce": auth["nonce"],
        "name": "Алексей Петров",
        C + "message_type": "LtiResourceLinkRequest", C + "version": "1.3.0",
        C + "deployment_id": "dep-school",
        C + "target_link_uri": state.tool_base_url + "/lti/launch",
        C + "resource_link": {"id": "rl-1"}, C + "roles": [LEARNER],
        C + "context": {"id": "algebra-10a", "title": "Алгебра, 10 А"},
    }
    for key, value in overrides.items():
        name = key if key in claims or not key.startswith("lti_") else C + key[4:]
        if value is DROP:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


class _Drop:
    pass


DROP = _Drop()


def sign(state: PlatformState, claims: dict[str, Any], *, key: Any = None,
         headers: dict[str, Any] | None = None, alg: str = "RS256") -> str:
    jwk = key or state.key
    pem = jwk.export_to_pem(private_key=True, password=None)
    hdr = {"kid": state.jwks()["keys"][-1]["kid"]} if headers is None else headers
    return jwt.encode(claims, pem, algorithm=alg, headers=hdr)


def post_launch(client: requests.Session, tool_base: str, id_token: str,
                state_value: str) -> requests.Response:
    return client.post(tool_base + "/lti/launch", data={"id_token": id_token,
                                                        "state": state_value},
                       allow_redirects=False, timeout=30)
