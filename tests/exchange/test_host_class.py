"""The course form's «Класс в журнале школы»: the host names one of its own classes, which
the transfer then reads; a class of another school (even a partner's) or a made-up id is
refused naming the field, and nothing changes."""

from __future__ import annotations

import html

from sqlalchemy import select

from lti_tool.exchange.models import NetworkCourse
from lti_tool.people import services as people
from tests.exchange.conftest import COURSE_FORM

LABEL = "Класс в журнале школы"
REFUSED = "Выберите класс своей школы из списка."


def _class(net, org_id: int, name: str) -> tuple[int, str]:
    with net.tool.db.session() as s:
        group = people.upsert_class(s, org_id, source="oneroster", namespace="t",
                                    external_id=name, title=name, label=name)
        s.commit()
        return group.id, group.public_id


def _course(net, public_id: str) -> NetworkCourse:
    with net.tool.db.session() as s:
        course = s.scalars(select(NetworkCourse).where(
            NetworkCourse.public_id == public_id)).one()
        s.expunge(course)
        return course


def test_host_names_its_class_and_sees_it_on_the_form(net) -> None:
    own_id, own = _class(net, net.tool.other_org_id, "10Х")
    course = net.add_course(host_class=own)
    assert _course(net, course).host_class_id == own_id
    page = net.get(f"/app/exchange/courses/{course}/edit", net.token("admin", "other"))
    assert page.status_code == 200
    assert f'value="{own}" selected' in page.text and LABEL in html.unescape(page.text)
    # «не указан» clears it
    edit = {**COURSE_FORM, "host_class": ""}
    resp = net.post(f"/app/exchange/courses/{course}/edit", net.token("admin", "other"), edit)
    assert resp.status_code == 303
    assert _course(net, course).host_class_id is None


def test_class_of_another_school_or_unknown_is_refused_and_nothing_changes(net) -> None:
    own_id, own = _class(net, net.tool.other_org_id, "10Х")
    _, partners = _class(net, net.tool.org_id, "10А")  # the home school: a network partner
    _, outsiders = _class(net, net.outsider_org_id, "11Л")
    course = net.add_course(host_class=own)
    before = net.snapshot()
    admin = net.token("admin", "other")
    for value in (partners, outsiders, "no-such-class"):
        for path in ("/app/exchange/courses/new", f"/app/exchange/courses/{course}/edit"):
            resp = net.post(path, admin, {**COURSE_FORM, "title": "Другое название",
                                          "host_class": value})
            assert resp.status_code == 422, (path, value)
            text = html.unescape(resp.text)
            assert f"{LABEL}: {REFUSED}" in text, (path, value)
    assert net.snapshot() == before
    assert _course(net, course).host_class_id == own_id
