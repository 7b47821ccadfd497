"""«Отозвать заявку» on the builder's network course row (issue 12 ↔ issue 9), SQLite and
PostgreSQL, real LTI launches: the student's own open request is withdrawn and the builder
says so (the plan keeps the course until the student unticks it); another pupil, a parent, the
school's tutor, the host school, a made-up or decided request are refused with nothing
changed."""

from __future__ import annotations

import re
from typing import Any

import requests

from lti_tool.people.models import Guardianship
from tests.e2e.test_pathways_pages import MENTOR, launch, person
from tests.exchange.test_requests_http import _decide
from tests.exchange.test_route_network import PHYSICS, _route, _save, _stored

ASTRO = {**PHYSICS, "title": "Астрофизика", "schedule": "Пт 15:00-16:00"}


def _withdraw(net: Any, token: str, rid: str, request_id: str) -> requests.Response:
    return net.post(f"/app/routes/{rid}/network/withdraw", token, {"request": request_id})


def test_student_withdraws_from_the_builder(net: Any) -> None:
    physics = net.add_course(**PHYSICS)
    student = net.token("student")
    rid, built = _route(net, student)
    page = _save(net, student, rid, built, [physics])
    row = page.text.split(f'data-network="{physics}"')[1].split("</tr>")[0]
    assert "network-withdraw" not in row  # nothing asked yet: nothing to withdraw
    asked = _save(net, student, rid, page, [physics], then=f"request:{physics}")
    (req,) = net.requests()
    row = asked.text.split(f'data-network="{physics}"')[1].split("</tr>")[0]
    button = re.search(r'<button type="submit" form="([\w-]+)"[^>]*'
                       r'data-testid="network-withdraw">Отозвать заявку</button>', row)
    assert button is not None and button.group(1) == f"withdraw-{req.public_id}"
    # its form stands after the builder's (forms do not nest) with the launch token
    form = re.search(rf'<form id="withdraw-{req.public_id}" method="post" '
                     rf'action="([^"]+)" hidden>(.*?)</form>', asked.text, re.S)
    assert form is not None and f"/app/routes/{rid}/network/withdraw" in form.group(1)
    assert 'name="lt"' in form.group(2) and f'value="{req.public_id}"' in form.group(2)
    assert asked.text.index(f'id="withdraw-{req.public_id}"') > asked.text.index("</form>")

    plan = _stored(net, rid)
    resp = _withdraw(net, student, rid, req.public_id)
    assert resp.status_code == 303 and resp.headers["Location"].split("?")[0].endswith(
        f"/app/routes/{rid}/edit") and resp.headers["Location"].endswith("#network")
    assert net.requests()[0].state == "withdrawn"
    assert _stored(net, rid) == plan  # the plan is the student's to change
    back = requests.get(net.tool.base + resp.headers["Location"], timeout=30)
    assert ("Заявка на курс «Механика и олимпиадные задачи» отозвана. Курс остался в плане: "
            "сними отметку и сохрани, если он больше не нужен.") in back.text
    row = back.text.split(f'data-network="{physics}"')[1].split("</tr>")[0]
    assert "отозвана" in row and "network-withdraw" not in row
    assert 'data-testid="network-request"' in row  # may ask again
    # withdrawing twice: the request is closed now
    before, exchange = _stored(net, rid), net.snapshot()
    again = _withdraw(net, student, rid, req.public_id)
    assert again.status_code == 422 and "Заявка уже закрыта" in again.text
    assert _stored(net, rid) == before and net.snapshot() == exchange

    # a request for a course not in the plan: withdrawn with no word about the plan
    astro = net.add_course(**ASTRO)
    asked = _save(net, student, rid, back, [physics], then=f"request:{astro}")
    dropped = _save(net, student, rid, asked, [physics])
    (other,) = [r for r in net.requests() if r.public_id != req.public_id]
    row = dropped.text.split(f'data-network="{astro}"')[1].split("</tr>")[0]
    assert 'data-testid="held-not-in-plan"' in row and "network-withdraw" in row
    resp = _withdraw(net, student, rid, other.public_id)
    flash = requests.get(net.tool.base + resp.headers["Location"], timeout=30).text
    assert "Заявка на курс «Астрофизика» отозвана." in flash and "Курс остался" not in flash


def test_withdrawing_someone_else_s_or_a_decided_request_is_refused(net: Any) -> None:
    physics = net.add_course(**PHYSICS)
    astro = net.add_course(**ASTRO)
    student, pupil2 = net.token("student"), net.token("student", n=2)
    rid, built = _route(net, student)
    page = _save(net, student, rid, built, [physics], then=f"request:{physics}")
    _save(net, student, rid, page, [physics], then=f"request:{astro}")
    rid2, built2 = _route(net, pupil2)
    _save(net, pupil2, rid2, built2, [physics], then=f"request:{physics}")
    mine, decided, theirs = net.requests()
    assert decided.student_id == mine.student_id != theirs.student_id
    _decide(net, decided.public_id, net.token("admin", "school"))
    _decide(net, decided.public_id, net.token("admin", "other"))  # enrolled in Астрофизика
    parent = launch(net.platform, net.tool, "mum-1", [MENTOR])  # his mother (LTI Mentor)
    with net.tool.db.session() as s:
        s.add(Guardianship(parent_id=person(net.tool, "mum-1"), child_id=mine.student_id))
        s.commit()
    assert net.get(f"/app/routes/{rid}", parent).status_code == 200  # his mother sees it

    plans, exchange = (_stored(net, rid), _stored(net, rid2)), net.snapshot()
    refused = [
        # another pupil: into this route (not theirs) and into their own with this request
        (pupil2, rid, mine.public_id, 404), (pupil2, rid2, mine.public_id, 404),
        # this student, with another pupil's request or a made-up one
        (student, rid, theirs.public_id, 404), (student, rid, "no-such-request", 404),
        (student, rid, "", 404),
        # the parent, the school admin as tutor: not theirs to withdraw
        (parent, rid, mine.public_id, 403), (net.token("admin", "school"), rid,
                                             mine.public_id, 403),
        (net.token("teacher", "school"), rid, mine.public_id, 403),
        # the host school and a school outside the network do not see the route
        (net.token("admin", "other"), rid, mine.public_id, 404),
        (net.token("admin", "outside"), rid, mine.public_id, 404),
        # both schools have decided: enrolled
        (student, rid, decided.public_id, 422),
    ]
    for token, route, request_id, status in refused:
        resp = _withdraw(net, token, route, request_id)
        assert resp.status_code == status, (request_id, status, resp.status_code)
        assert (_stored(net, rid), _stored(net, rid2)) == plans
        assert net.snapshot() == exchange
    assert "Заявка уже закрыта: решение по ней принято." in _withdraw(
        net, student, rid, decided.public_id).text
    assert [r.state for r in net.requests()] == ["requested", "enrolled", "requested"]
    # an enrolled course's row has no button
    page = net.get(f"/app/routes/{rid}/edit", student).text
    row = page.split(f'data-network="{astro}"')[1].split("</tr>")[0]
    assert "зачислен" in row and "network-withdraw" not in row
    row = page.split(f'data-network="{physics}"')[1].split("</tr>")[0]
    assert "network-withdraw" in row
