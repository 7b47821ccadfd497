"""Another site cannot act through the browser's cookie, nor frame the tool (issue 7: a
cross-site form created a sync connection that then ran on schedule; ``frame-ancestors *``)."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR
from lti_tool.sync.models import SourceConnection
from tests.e2e.flow import accepted
from tests.e2e.lti_helpers import begin_login, post_launch, sign, valid_claims

FORM = dict(kind="netschool", title="Сетевой город", base_url="https://sgo.example.ru",
            school="МБОУ СОШ № 37", login="zavuch", password="Секрет-123")


def _admin_browser(platform, tool) -> tuple[requests.Session, str]:
    """A browser after an admin's launch: it holds the session cookie the launch set."""
    browser = requests.Session()
    auth = begin_login(browser, platform, tool.base)
    claims = valid_claims(platform, auth, sub="admin-1", lti_roles=[ADMIN, INSTRUCTOR])
    token = accepted(post_launch(browser, tool.base, sign(platform, claims), auth["state"]))
    assert "marshrut_session" in browser.cookies
    return browser, token


def _connections(tool) -> int:
    with tool.db.session() as s:
        return int(s.scalar(select(func.count(SourceConnection.id))) or 0)


def test_a_cross_site_form_riding_on_the_cookie_is_refused(platform, tool):
    browser, token = _admin_browser(platform, tool)
    # What another site's auto-submitting form makes the browser send: cookie, no token.
    forged = browser.post(tool.base + "/app/admin/sync/", data=FORM, timeout=30,
                          headers={"Origin": "https://evil.example"})
    assert forged.status_code == 401
    assert _connections(tool) == 0
    # Pages still open by the cookie, and the tool's own form (with the token) works.
    assert browser.get(tool.base + "/app/admin/sync/", timeout=30).status_code == 200
    own = browser.post(tool.base + "/app/admin/sync/", data={**FORM, "lt": token}, timeout=30)
    assert own.status_code == 200 and _connections(tool) == 1


def test_only_registered_platforms_may_frame_the_tool(platform, tool):
    _, token = _admin_browser(platform, tool)
    for path in ("/", f"/app/?lt={token}"):
        csp = requests.get(tool.base + path, timeout=30).headers["Content-Security-Policy"]
        ancestors = csp.split("frame-ancestors", 1)[1].split(";", 1)[0].split()
        assert "*" not in ancestors
        assert ancestors == ["'self'", platform.issuer]
