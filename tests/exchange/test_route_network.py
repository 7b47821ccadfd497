"""A partner school's network course in a student's route (issue 12 ↔ issue 9), through real
LTI launches on SQLite and PostgreSQL: offered in the builder with the host school, counted in
the curriculum check, a request started from the builder, both schools' decisions shown on the
route page, to the school admin acting as tutor, in the class XLSX and the JSON API. A course
outside the student's networks — forged into the form — is refused with nothing stored."""

from __future__ import annotations

import io
import re
from typing import Any

import requests
from openpyxl import load_workbook
from sqlalchemy import select

from lti_tool.exchange.models import CourseRequest
from lti_tool.pathways.models import Route
from tests.e2e.test_pathways_pages import builder_form
from tests.exchange.test_requests_http import _decide

#: physics at the partner over both years of a route from 1.09.2026: 340 h = 5 h a week
PHYSICS = {"title": "Механика и олимпиадные задачи", "subject": "Физика", "hours": "340",
           "starts_on": "2026-09-01", "ends_on": "2028-05-25", "capacity": "5",
           "schedule": "Ср 15:00-16:30"}


def _route(net: Any, token: str) -> tuple[str, requests.Response]:
    built = requests.post(net.tool.base + "/app/routes/start", timeout=30,
                          data={"lt": token, "start": "2026-09-01"})
    assert built.status_code == 200, built.text[:500]
    rid = re.search(r"/app/routes/([\w-]+)/edit", built.url).group(1)  # type: ignore[union-attr]
    return rid, built


def _save(net: Any, token: str, rid: str, page: requests.Response, network: list[str],
          then: str = "check") -> requests.Response:
    form = builder_form(page, "technology", drop="Физика") | {
        "lt": token, "then": then, "network": network}
    form.pop("c" + str(_physics_index(page)), None)  # physics at home: not chosen
    return requests.post(net.tool.base + f"/app/routes/{rid}/edit", data=form, timeout=30)


def _physics_index(page: requests.Response) -> int:
    found = re.search(r'name="c(\d+)" aria-label="Физика"', page.text)
    assert found is not None
    return int(found.group(1))


def _class(net: Any, token: str) -> str:
    page = requests.get(net.tool.base + "/app/routes/class", params={"lt": token}, timeout=30)
    assert page.status_code == 200
    return page.text


def _stored(net: Any, rid: str) -> tuple[int, Any]:
    with net.tool.db.session() as s:
        route = s.scalars(select(Route).where(Route.public_id == rid)).one()
        return route.version, route.data


def test_network_course_in_the_route_from_builder_to_xlsx(net: Any) -> None:
    physics = net.add_course(**PHYSICS)
    student = net.token("student")
    rid, built = _route(net, student)
    section = built.text.split('data-testid="route-network-courses"')[1]
    assert "Механика и олимпиадные задачи" in section and "Гимназия № 1" in section
    assert "не подана" in section

    # without physics at all the technological profile lacks its second advanced subject
    failing = _save(net, student, rid, built, [])
    assert "Добавьте физику" in failing.text
    # the partner's physics (advanced, 5 + 5 h a week) stands for it
    passing = _save(net, student, rid, failing, [physics])
    assert "План соответствует требованиям." in passing.text, passing.text[:3000]
    _version, data = _stored(net, rid)
    (item,) = [i for i in data["items"] if i["kind"] == "network"]
    assert item == {"course": "Механика и олимпиадные задачи", "level": "advanced",
                    "hours10": 5.0, "hours11": 5.0, "kind": "network", "network": physics,
                    "subject": "Физика", "host": "Гимназия № 1"}
    assert not net.requests()  # choosing a course asks no school yet
    admin = net.token("admin")  # the school admin reviews as a tutor
    unasked = _class(net, admin).split('data-testid="network-unasked"')
    assert len(unasked) == 2 and "«Механика и олимпиадные задачи» (Гимназия № 1): заявка " \
        "не подана" in unasked[1]

    # «Выбрать и подать заявку»: the plan is saved with it and the request goes out
    asked = _save(net, student, rid, passing, [], then=f"request:{physics}")
    assert "заявка отправлена" in asked.text
    (req,) = net.requests()
    assert req.state == "requested" and req.home_org_id == net.tool.org_id
    assert physics in {i.get("network") for i in _stored(net, rid)[1]["items"]}
    assert "ждёт решения школ" in asked.text.split('data-testid="route-network-courses"')[1]
    again = _save(net, student, rid, asked, [physics], then=f"request:{physics}")
    assert "Заявка на этот курс уже подана." in again.text and len(net.requests()) == 1

    _decide(net, req.public_id, net.token("admin", "school"))
    _decide(net, req.public_id, net.token("admin", "other"))
    assert net.requests()[0].state == "enrolled"
    assert 'data-testid="network-unasked"' not in _class(net, admin)  # a place is held
    shown = requests.get(net.tool.base + f"/app/routes/{rid}", params={"lt": admin},
                         timeout=30)
    plan = shown.text.split('data-testid="plan"')[1].split("</table>")[0]
    assert "Механика и олимпиадные задачи" in plan and "Гимназия № 1" in plan
    assert "зачислен" in plan
    book = requests.get(net.tool.base + "/app/routes/class.xlsx", params={"lt": admin},
                        timeout=30)
    assert book.status_code == 200
    rows = list(load_workbook(io.BytesIO(book.content))["ИУП"].iter_rows(values_only=True))
    assert rows[0][-2:] == ("Сетевой курс: школа", "Сетевой курс: заявка")
    (line,) = [r for r in rows if r[7] == "network"]
    assert line[3:] == ("Механика и олимпиадные задачи", "углублённый", 5, 5, "network",
                        "Гимназия № 1", "зачислен")
    versions = requests.get(net.tool.base + f"/app/routes/{rid}/versions",
                            params={"lt": admin}, timeout=30)
    assert "Механика и олимпиадные задачи (сетевой курс, Гимназия № 1)" in versions.text
    api = requests.get(net.tool.base + f"/api/v1/routes/{rid}", params={"lt": admin},
                       timeout=30).json()
    assert {"network": physics, "host": "Гимназия № 1", "kind": "network"}.items() <= [
        i for i in api["items"] if i["kind"] == "network"][0].items()


def test_courses_outside_the_student_s_networks_are_refused_with_nothing_stored(
        net: Any) -> None:
    physics = net.add_course(**PHYSICS)
    outsider = net.add_course(host="outside", **PHYSICS)  # a school of no shared network
    own = net.add_course(host="school", **PHYSICS)  # the home school's: a regular class
    draft = net.add_course(**{**PHYSICS, "published": "false"})
    student = net.token("student")
    rid, built = _route(net, student)
    offered = built.text.split('data-testid="route-network-courses"')[1]
    for hidden in (outsider, own, draft):
        assert hidden not in offered
    assert physics in offered
    page = _save(net, student, rid, built, [physics])
    before, exchange = _stored(net, rid), net.snapshot()
    for forged in (outsider, own, draft, "not-a-course"):
        for network, then in (([physics, forged]), "check"), ([], f"request:{forged}"):
            resp = _save(net, student, rid, page, network, then)
            assert resp.status_code == 422, (forged, then)
            assert "не предлагается вашей школе" in resp.text
            assert _stored(net, rid) == before and net.snapshot() == exchange
    assert not net.requests()

    # another pupil of the same school cannot put a course into this route
    other = net.token("student", n=2)
    form = builder_form(page, "technology") | {"lt": other, "network": [physics]}
    resp = requests.post(net.tool.base + f"/app/routes/{rid}/edit", data=form, timeout=30)
    assert resp.status_code == 404 and "Механика" not in resp.text
    assert _stored(net, rid) == before and net.snapshot() == exchange
    with net.tool.db.session() as s:
        assert s.scalars(select(CourseRequest)).first() is None


def test_a_full_course_and_a_request_left_outside_the_plan(net: Any) -> None:
    """No button for a full group, and a forced ask says why with no request made; a course
    taken out of the plan keeps its request (both schools see it) and the builder says so."""
    full = net.add_course(**{**PHYSICS, "capacity": "1"})
    physics = net.add_course(**{**PHYSICS, "title": "Астрофизика", "schedule": "Пт 15:00-16:00"})
    first = net.token("student", n=2)
    net.post(f"/app/exchange/courses/{full}/request", first)
    (taken,) = net.requests()
    _decide(net, taken.public_id, net.token("admin", "school"))
    _decide(net, taken.public_id, net.token("admin", "other"))
    student = net.token("student")
    rid, built = _route(net, student)
    row = built.text.split(f'data-network="{full}"')[1].split("</tr>")[0]
    assert "мест нет" in row and "network-request" not in row
    forced = _save(net, student, rid, built, [], then=f"request:{full}")
    assert "В группе нет свободных мест." in forced.text
    assert len(net.requests()) == 1

    asked = _save(net, student, rid, forced, [], then=f"request:{physics}")
    assert "заявка отправлена" in asked.text and len(net.requests()) == 2
    dropped = _save(net, student, rid, asked, [])
    assert physics not in {i.get("network") for i in _stored(net, rid)[1]["items"]}
    row = dropped.text.split(f'data-network="{physics}"')[1].split("</tr>")[0]
    assert 'data-testid="held-not-in-plan"' in row and "ждёт решения школ" in row
    assert [r.state for r in net.requests()] == ["enrolled", "requested"]
