"""/lti/login writes a row per call for anyone (issue 7: ≈370 rows/s, never deleted). Rows
expire and are swept, and one client address holds only a bounded number of live ones; a
flood is refused without a write while other addresses launch as usual.

The tool runs behind one proxy here (``proxy_count=1``, werkzeug's ProxyFix), so each
request names its client address in ``X-Forwarded-For`` as the school's reverse proxy does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from sqlalchemy import func, select, update

from lti_tool.db import utcnow
from lti_tool.lti.models import Launch, LoginState
from lti_tool.lti.services import address_key
from tests.e2e.flow import accepted
from tests.e2e.lti_helpers import post_launch, sign, valid_claims

BOUND = 3
FLOODER, SCHOOL = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def tool_overrides() -> dict[str, Any]:
    return {"proxy_count": 1, "login_states_per_address": BOUND}


def _login(client: requests.Session, platform, tool, address: str) -> requests.Response:
    params = {"iss": platform.issuer, "login_hint": "s-petrov",
              "target_link_uri": tool.base + "/lti/launch", "client_id": platform.client_id,
              "lti_message_hint": "x"}
    return client.get(tool.base + "/lti/login?" + urlencode(params), allow_redirects=False,
                      headers={"X-Forwarded-For": address}, timeout=30)


def _states(tool, address: str | None = None) -> int:
    query = select(func.count()).select_from(LoginState)
    if address is not None:
        query = query.where(LoginState.address_hash == address_key(address))
    with tool.db.session() as s:
        return int(s.scalar(query) or 0)


def test_a_login_flood_from_one_address_is_refused_and_others_still_launch(platform, tool):
    flooder = requests.Session()
    for _ in range(BOUND):
        assert _login(flooder, platform, tool, FLOODER).status_code == 302
    refused = _login(flooder, platform, tool, FLOODER)
    assert refused.status_code == 429 and "too_many_logins" in refused.text
    assert "Слишком много входов" in refused.text
    assert _states(tool, FLOODER) == BOUND  # the refusal wrote nothing
    # An IPv6 flooder cannot escape by changing the low 64 bits of its address.
    for i in range(BOUND):
        assert _login(flooder, platform, tool, f"2001:db8:1:2::{i + 1}").status_code == 302
    assert _login(flooder, platform, tool, "2001:db8:1:2:ffff::9").status_code == 429
    # Pupils at school, another address, sign in and launch as usual; completed launches
    # use their states up, so more of them than the bound pass from one address.
    for _ in range(BOUND + 2):
        pupil = requests.Session()
        resp = _login(pupil, platform, tool, SCHOOL)
        assert resp.status_code == 302
        auth = {k: v[0] for k, v in parse_qs(urlparse(resp.headers["Location"]).query).items()}
        accepted(post_launch(pupil, tool.base, sign(platform, valid_claims(platform, auth)),
                             auth["state"]))
    with tool.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Launch)) == BOUND + 2


def test_expired_login_states_are_deleted_and_free_the_address(platform, tool):
    client = requests.Session()
    for _ in range(BOUND):
        assert _login(client, platform, tool, FLOODER).status_code == 302
    assert _login(client, platform, tool, SCHOOL).status_code == 302
    # Their time runs out (as after login_state_ttl): the flooder's rows, not the school's.
    with tool.db.session() as s:
        s.execute(update(LoginState).where(LoginState.address_hash == address_key(FLOODER))
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
        s.commit()
    assert _login(client, platform, tool, FLOODER).status_code == 302
    # Expired rows are gone by the time the address reaches its bound again.
    for _ in range(BOUND - 1):
        assert _login(client, platform, tool, FLOODER).status_code == 302
    assert _login(client, platform, tool, FLOODER).status_code == 429
    assert _states(tool, FLOODER) == BOUND
    assert _states(tool) == BOUND + 1  # the school's live state stays
