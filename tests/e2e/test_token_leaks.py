"""The launch token (a bearer secret for 8 hours) must not leave the tool: browsers are told
to send no Referer from its pages, pages are not cached, and no link or form on a page takes
the token to another origin (issue 7: "launch tokens leak"). The access log side is tested
with the real server in tests/integration/test_server_lifecycle.py; revoking in test_revoke.py.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import requests

from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR
from tests.e2e.flow import accepted
from tests.e2e.lti_helpers import begin_login, post_launch, sign, valid_claims


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _assert_kept_in(resp: requests.Response, token: str, base: str) -> None:
    assert resp.status_code in (200, 302, 303), resp.text[:300]
    if resp.is_redirect:
        assert _origin(urljoin(resp.url, resp.headers["Location"])) == _origin(base)
    assert resp.headers["Referrer-Policy"] in ("no-referrer", "same-origin")
    assert "no-store" in resp.headers["Cache-Control"]
    for attr in re.findall(r'(?:href|action|src)="([^"]*)"', resp.text):
        target = urljoin(resp.url, attr.replace("&amp;", "&"))
        if token in target:
            assert _origin(target) == _origin(base), target


def test_pages_carrying_the_launch_token_do_not_hand_it_to_other_sites(platform, tool):
    client = requests.Session()
    auth = begin_login(client, platform, tool.base)
    claims = valid_claims(platform, auth, sub="admin-1", lti_roles=[ADMIN, INSTRUCTOR])
    first = post_launch(client, tool.base, sign(platform, claims), auth["state"])
    token = accepted(first)
    _assert_kept_in(first, token, tool.base)
    for path in ("/app/", "/app/admin/sync/", "/app/admin/lti/"):
        page = requests.get(tool.base + path, params={"lt": token}, timeout=30)
        _assert_kept_in(page, token, tool.base)


CROSS_SITE_LINK = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "document",
                   "Sec-Fetch-Mode": "navigate", "Sec-Fetch-User": "?1"}


def _launched(platform, tool, sub: str, name: str) -> tuple[requests.Session, str]:
    browser = requests.Session()
    auth = begin_login(browser, platform, tool.base)
    claims = valid_claims(platform, auth, sub=sub, name=name)
    return browser, accepted(post_launch(browser, tool.base, sign(platform, claims),
                                         auth["state"]))


def test_a_link_from_another_site_with_someone_elses_token_does_not_sign_in(platform, tool):
    # The attacker launches as themselves and mails the victim a link with their token.
    _, attackers = _launched(platform, tool, "s-attacker", "Злой Ученик")
    victim, _ = _launched(platform, tool, "s-petrov", "Алексей Петров")
    page = victim.get(tool.base + "/app/", params={"lt": attackers}, headers=CROSS_SITE_LINK,
                      timeout=30)
    # The victim stays themselves (their own first-party session answers) ...
    assert page.status_code == 200 and "Алексей Петров" in page.text
    assert "Злой Ученик" not in page.text
    # ... and a browser with no session of its own is not signed in as the attacker.
    fresh = requests.get(tool.base + "/app/", params={"lt": attackers},
                         headers=CROSS_SITE_LINK, timeout=30)
    assert fresh.status_code == 401 and "Злой Ученик" not in fresh.text
    # The same link inside the LMS frame, or followed within the tool, still works.
    for fetch in ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "iframe"},
                  {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "document"}):
        own = requests.get(tool.base + "/app/", params={"lt": attackers}, headers=fetch,
                           timeout=30)
        assert own.status_code == 200 and "Злой Ученик" in own.text
