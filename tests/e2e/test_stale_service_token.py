"""An LMS that no longer accepts the access token we cached (it restarted and forgot its
tokens, or revoked them) answers 401: the tool drops the token and asks for a fresh one once,
instead of failing every roster pull and score until the cached token expires. Found by CI:
a test LMS on a reused port refused the previous LMS's token, the roster pull gave 502."""

from __future__ import annotations

import requests
from lxml import html

from lti_tool.lti import connector
from tests.e2e.flow import launch_token, page_url
from tests.e2e.lti_helpers import add_link, launch


def _pull(client: requests.Session, page: str, token: str) -> list[str]:
    resp = client.post(page + "/roster", data={"lt": token}, timeout=30)
    assert resp.status_code == 200, resp.status_code
    return html.fromstring(resp.text).xpath('//input[@name="student"]/@value')


def test_a_token_the_lms_forgot_is_replaced_once(platform, tool):
    client = requests.Session()
    link = add_link(platform)
    resp = launch(client, platform, link, "t-ivanova")
    token, page = launch_token(resp), page_url(resp).split("?")[0]
    students = _pull(client, page, token)
    assert students
    ours = platform.issuer + "/token|"
    with connector._LOCK:  # the LMS forgets every token it gave us
        keys = [key for key in connector._TOKENS if key.startswith(ours)]
        assert keys
        for key in keys:
            connector._TOKENS[key] = (connector._TOKENS[key][0], "forgotten-by-the-lms")
    try:
        assert _pull(client, page, token) == students
        with connector._LOCK:
            assert all(connector._TOKENS[key][1] != "forgotten-by-the-lms" for key in keys
                       if key in connector._TOKENS)
            assert any(key in connector._TOKENS for key in keys)
    finally:
        connector.forget_tokens()


def test_a_refusal_of_a_fresh_token_is_not_retried_for_ever(platform, tool):
    """Services refused outright (403 here) fail at once, with the page's message."""
    client = requests.Session()
    link = add_link(platform)
    resp = launch(client, platform, link, "t-ivanova")
    token, page = launch_token(resp), page_url(resp).split("?")[0]
    platform.services_refused = True
    resp = client.post(page + "/roster", data={"lt": token}, timeout=30)
    assert resp.status_code == 502
