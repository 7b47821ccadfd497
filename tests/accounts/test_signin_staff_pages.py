"""Other features' coordinator pages with a sign-in session (a local account with TOTP on,
no LMS), the same Viewer as a launch: the home school's coordinator browses the exchange
catalog and coordinates the network; an admin of a school outside the network, and an
invited teacher, are refused, and nothing changes. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import requests
from sqlalchemy import select

from lti_tool.network.models import Network, NetworkMember
from tests.accounts.conftest import csrf_for, local_session
from tests.exchange.conftest import COURSE_FORM, Net, net  # noqa: F401 - the fixture


def _staff(nw: Net) -> tuple[requests.Session, requests.Session, requests.Session]:
    """The coordinator (admin of the network's coordinating school), an admin outside the
    network, and a teacher of the coordinating school: each signed in without the LMS."""
    tool = nw.tool
    coordinator = local_session(tool, nw.token("admin", "school"), "head@school.ru")
    outsider = local_session(tool, nw.token("admin", "outside"), "head@outside.ru")
    teacher = local_session(tool, nw.token("admin", "school"), "teacher@school.ru", "teacher")
    return coordinator, outsider, teacher


def _csrf(client: requests.Session, nw: Net) -> str:
    return csrf_for(client, nw.tool.base)


def test_the_coordinator_browses_the_exchange_catalog_by_sign_in(net: Net):  # noqa: F811
    course = net.add_course()  # at the partner school ``other``
    base = net.tool.base
    coordinator, outsider, teacher = _staff(net)
    catalog = coordinator.get(base + "/app/exchange/", timeout=30)
    assert catalog.status_code == 200 and "Химия в медицине" in catalog.text
    assert coordinator.get(base + f"/app/exchange/courses/{course}", timeout=30
                           ).status_code == 200
    before = net.snapshot()
    # Outside the network the partner's course does not exist; nobody but the host edits it.
    assert "Химия в медицине" not in outsider.get(base + "/app/exchange/", timeout=30).text
    assert outsider.get(base + f"/app/exchange/courses/{course}", timeout=30
                        ).status_code == 404
    for client in (coordinator, outsider, teacher):
        edit = client.post(base + f"/app/exchange/courses/{course}/edit", data={
            **COURSE_FORM, "title": "Чужая правка", "csrf_token": _csrf(client, net)},
            allow_redirects=False, timeout=30)
        assert edit.status_code in (403, 404)
    # A teacher does not publish courses; a form without the session's token is refused.
    made = teacher.post(base + "/app/exchange/courses/new", data={
        **COURSE_FORM, "csrf_token": _csrf(teacher, net)}, allow_redirects=False, timeout=30)
    assert made.status_code == 403
    forged = coordinator.post(base + "/app/exchange/courses/new", data=COURSE_FORM,
                              allow_redirects=False, timeout=30)
    assert forged.status_code == 403
    assert net.snapshot() == before
    # The coordinator publishes a course of their own school with the token.
    own = coordinator.post(base + "/app/exchange/courses/new", data={
        **COURSE_FORM, "title": "Астрономия", "csrf_token": _csrf(coordinator, net)},
        allow_redirects=False, timeout=30)
    assert own.status_code == 303, own.text[:800]


def _network(nw: Net) -> tuple[str, str, str]:
    """The network's public id, the coordinator's own entry and the partner's entry."""
    with nw.tool.db.session() as s:
        network = s.scalars(select(Network).where(Network.slug == "set-37")).one()
        rows = {m.organisation_id: m.public_id for m in s.scalars(select(NetworkMember).where(
            NetworkMember.network_id == network.id))}
        return network.public_id, rows[nw.tool.org_id], rows[nw.tool.other_org_id]


def _entries(nw: Net) -> list[Any]:
    with nw.tool.db.session() as s:
        return sorted(tuple(sorted((k, repr(v)) for k, v in vars(m).items()
                                   if not k.startswith("_")))
                      for m in s.scalars(select(NetworkMember)))


def test_the_coordinator_opens_the_network_page_by_sign_in(net: Net):  # noqa: F811
    base = net.tool.base
    network, own, partner = _network(net)
    coordinator, outsider, teacher = _staff(net)
    index = coordinator.get(base + "/app/network/", timeout=30)
    assert index.status_code == 200 and "Сеть школ Костромы" in index.text
    page = coordinator.get(base + f"/app/network/{network}", timeout=30)
    agreements = f"/app/network/{network}/agreements"  # the coordinator's form
    assert page.status_code == 200 and agreements in page.text
    staff = teacher.get(base + f"/app/network/{network}", timeout=30)
    assert staff.status_code == 200 and agreements not in staff.text
    before = (_entries(net), net.snapshot())
    assert outsider.get(base + f"/app/network/{network}", timeout=30).status_code == 404
    assert "Сеть школ Костромы" not in outsider.get(base + "/app/network/", timeout=30).text
    entry = {"contact_name": "Чужой", "contact_email": "x@x.ru", "note": "правка"}
    for client, status in ((outsider, 404), (teacher, 403)):
        resp = client.post(base + f"/app/network/{network}/members/{own}", data={
            **entry, "csrf_token": _csrf(client, net)}, allow_redirects=False, timeout=30)
        assert resp.status_code == status
    forged = coordinator.post(base + f"/app/network/{network}/members/{partner}", data=entry,
                              allow_redirects=False, timeout=30)
    assert forged.status_code == 403
    assert (_entries(net), net.snapshot()) == before
    # With the token the coordinator edits the partner's registry entry.
    saved = coordinator.post(base + f"/app/network/{network}/members/{partner}", data={
        **entry, "csrf_token": _csrf(coordinator, net)}, allow_redirects=False, timeout=30)
    assert saved.status_code == 200 and "Сведения об участнике сохранены" in saved.text
    assert _entries(net) != before[0]
