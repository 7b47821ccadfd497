"""The access matrix for the exchange's course routes with sign-in sessions (local accounts
with TOTP, no LMS): a partner school's course inside the network. An admin of a school
outside the network finds none of them (404), every POST is refused without the session's
CSRF token and for outsiders, and nothing changes. SQLite and PostgreSQL."""

from __future__ import annotations

from flask import url_for

from tests.accounts.access_catalogue import LIVE_STAFF
from tests.accounts.conftest import csrf_for, local_session
from tests.accounts.test_signin_staff_pages import _staff
from tests.exchange.conftest import Net, net  # noqa: F401 - the fixture

# GET: who opens the page (the host school's admin, the network's coordinator, a teacher of
# the coordinating school); everyone else is refused, the admin outside the network with 404.
OPENS = {
    "exchange.course": {"host", "coordinator", "teacher"},
    "exchange.cartridge": {"host"}, "exchange.edit_course": {"host"},
    "exchange.journal": {"host"},
}


def test_exchange_course_routes_by_sign_in(net: Net):  # noqa: F811
    course = net.add_course()  # at the partner school ``other``
    tool, base = net.tool, net.tool.base
    coordinator, outsider, teacher = _staff(net)
    host = local_session(tool, net.token("admin", "other"), "head@other.ru")
    actors = {"host": host, "coordinator": coordinator, "teacher": teacher,
              "outsider": outsider}
    urls = {}
    with tool.app.test_request_context():
        for rule in tool.app.url_map.iter_rules():
            if rule.endpoint in LIVE_STAFF:
                for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                    urls[(rule.endpoint, method)] = url_for(rule.endpoint, public_id=course)
    assert {e for e, _ in urls} == LIVE_STAFF
    for (endpoint, method), url in sorted(urls.items()):
        if method != "GET":
            continue
        for name, client in actors.items():
            got = client.get(base + url, allow_redirects=False, timeout=30).status_code
            if name in OPENS[endpoint]:
                assert got == 200, (endpoint, name, got)
            else:
                assert got == (404 if name == "outsider" else 403), (endpoint, name, got)
    before = net.snapshot()
    for (endpoint, method), url in sorted(urls.items()):
        if method != "POST":
            continue
        forged = host.post(base + url, data={"title": "x"}, allow_redirects=False, timeout=30)
        assert forged.status_code == 403, (endpoint, "no CSRF", forged.status_code)
        refused = outsider.post(base + url, data={"csrf_token": csrf_for(outsider, base)},
                                allow_redirects=False, timeout=30)
        assert refused.status_code == 404, (endpoint, "outsider", refused.status_code)
    assert net.snapshot() == before
