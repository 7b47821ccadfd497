"""Requests over HTTP with real LTI launches: both schools approve, the group and the
student's schedule appear; every forbidden path is refused and changes nothing."""

from __future__ import annotations

from datetime import date

import requests
from sqlalchemy import select

from lti_tool.exchange.models import TimetableSlot
from lti_tool.notifications.models import Notification
from lti_tool.people.models import IdentityLink


def _request(net, course: str, student: str) -> None:
    resp = net.post(f"/app/exchange/courses/{course}/request", student,
                    {"note": "хочу в медицинский"})
    assert resp.status_code == 303


def _decide(net, req: str, token: str, action: str = "approve", reason: str = ""):
    return net.post(f"/app/exchange/requests/{req}/decide", token,
                    {"action": action, "reason": reason})


def test_request_both_approvals_group_and_schedule(net):
    course = net.add_course()
    student = net.token("student")
    catalog = net.get("/app/exchange/", student)
    assert "Химия в медицине" in catalog.text and "Гимназия № 1" in catalog.text
    assert "Химия в медицине" in net.get("/app/exchange/", student, q="ХИМИЯ").text
    assert "Химия в медицине" not in net.get("/app/exchange/", student, level="basic").text
    _request(net, course, student)
    (req,) = net.requests()
    assert req.state == "requested"
    assert _decide(net, req.public_id, net.token("admin", "school")).status_code == 303
    assert net.requests()[0].state == "home_approved"
    assert _decide(net, req.public_id, net.token("admin", "other")).status_code == 303
    (req,) = net.requests()
    assert req.state == "enrolled" and req.group_id is not None
    with net.tool.db.session() as s:  # the pupil hears of it (the half-way approval: nothing)
        told = s.scalars(select(Notification.title).where(
            Notification.person_id == req.student_id)).all()
    assert told == ["Заявка на сетевой курс «Химия в медицине» одобрена"]
    page = net.get("/app/exchange/", student)
    assert 'data-testid="my-schedule"' in page.text and "15:00–15:45" in page.text
    group = net.get(f"/app/exchange/courses/{course}", net.token("admin", "other"))
    assert 'data-testid="group"' in group.text and "Student 1 school" in group.text
    # the home school's coordinator sees the request, not the host's group list
    home_view = net.get(f"/app/exchange/courses/{course}", net.token("admin", "school"))
    assert 'data-testid="group"' not in home_view.text


def test_refusal_needs_a_reason_and_is_shown_to_the_student(net):
    course = net.add_course()
    student = net.token("student")
    _request(net, course, student)
    (req,) = net.requests()
    before = net.snapshot()
    _decide(net, req.public_id, net.token("admin", "other"), "refuse", "  ")
    assert net.snapshot() == before
    _decide(net, req.public_id, net.token("admin", "other"), "refuse", "Группа набрана очно")
    (req,) = net.requests()
    assert (req.state, req.refused_by, req.reason) == ("refused", "host", "Группа набрана очно")
    with net.tool.db.session() as s:
        (told,) = s.scalars(select(Notification).where(
            Notification.person_id == req.student_id)).all()
    assert "отклонена" in told.title and told.body == "Причина: Группа набрана очно"
    assert "Группа набрана очно" in net.get("/app/exchange/", student).text


def test_capacity_is_never_exceeded(net):
    course = net.add_course(capacity="1")
    for n in (1, 2):
        _request(net, course, net.token("student", n=n))
    first, second = net.requests()
    for req in (first, second):
        _decide(net, req.public_id, net.token("admin", "school"))
    _decide(net, first.public_id, net.token("admin", "other"))
    before = net.snapshot()
    resp = _decide(net, second.public_id, net.token("admin", "other"))
    assert resp.status_code == 303
    assert net.snapshot() == before
    assert [r.state for r in net.requests()] == ["enrolled", "home_approved"]
    # and a new request for a full course is refused up front
    _request(net, course, net.token("student", n=3))
    assert len(net.requests()) == 2


def test_a_clash_with_the_home_timetable_is_refused(net):
    course = net.add_course()
    student = net.token("student")
    with net.tool.db.session() as s:
        person_id = s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.external_id == "student-school-1")).one()
        s.add(TimetableSlot(organisation_id=net.tool.org_id, student_id=person_id, weekday=4,
                            start="15:30", end="16:15", subject="Физкультура"))
        s.commit()
    before = net.snapshot()
    resp = net.post(f"/app/exchange/courses/{course}/request", student)
    assert resp.status_code == 303
    assert net.snapshot() == before
    page = requests.get(net.tool.base + resp.headers["Location"], timeout=30)
    assert "Физкультура" in page.text and "четверг" in page.text  # the flash names the lesson


def test_forbidden_paths_are_refused_and_change_nothing(net):
    course = net.add_course()
    student = net.token("student")
    _request(net, course, student)
    (req,) = net.requests()
    before = net.snapshot()
    edit = {"title": "Взлом", **{k: v for k, v in {
        "subject": "Химия", "level": "basic", "hours": "1", "format": "distance",
        "capacity": "99", "schedule": "Пн 08:00-08:45", "starts_on": "2026-09-01",
        "ends_on": "2026-09-02"}.items()}}
    refused = [
        # the home school's coordinator cannot edit the host's course
        (net.post(f"/app/exchange/courses/{course}/edit", net.token("admin", "school"), edit), 403),
        # a student cannot add a course or decide
        (net.post("/app/exchange/courses/new", student, edit), 403),
        (_decide(net, req.public_id, student), 403),
        # a teacher (not coordinator) at the home school cannot decide or list requests
        (_decide(net, req.public_id, net.token("teacher", "school")), 404),
        (net.get("/app/exchange/requests", net.token("teacher", "school")), 403),
        # another student of the same school: not their request
        (net.post(f"/app/exchange/requests/{req.public_id}/withdraw",
                  net.token("student", n=2)), 404),
        (_decide(net, req.public_id, net.token("student", n=2)), 404),
        # the host's own student: not a network course for them
        (net.post(f"/app/exchange/courses/{course}/request", net.token("student", "other")), 403),
        # outside the network: the course does not exist
        (net.get(f"/app/exchange/courses/{course}", net.token("admin", "outside")), 404),
        (net.post(f"/app/exchange/courses/{course}/request",
                  net.token("student", "outside")), 404),
        (_decide(net, req.public_id, net.token("admin", "outside")), 404),
        (net.post(f"/app/exchange/courses/{course}/edit", net.token("admin", "outside"),
                  edit), 404),
        # no launch at all
        (net.post(f"/app/exchange/courses/{course}/request", ""), 401),
    ]
    for resp, status in refused:
        assert resp.status_code == status, (resp.request.method, resp.url, resp.status_code)
    assert net.snapshot() == before
    assert "Химия в медицине" not in net.get("/app/exchange/", net.token("admin", "outside")).text
    # the host cannot approve twice for itself
    _decide(net, req.public_id, net.token("admin", "other"))
    once = net.snapshot()
    _decide(net, req.public_id, net.token("admin", "other"))
    assert net.snapshot() == once


def test_a_student_withdraws_their_own_request(net):
    course = net.add_course(starts_on=date(2026, 9, 1).isoformat())
    student = net.token("student")
    _request(net, course, student)
    (req,) = net.requests()
    assert net.post(f"/app/exchange/requests/{req.public_id}/withdraw", student).status_code == 303
    assert net.requests()[0].state == "withdrawn"


def test_the_home_coordinator_keeps_the_timetable_the_clash_check_uses(net):
    from lti_tool.people.models import ClassGroup

    course = net.add_course()  # Вт, Чт 15:00-15:45
    student, home = net.token("student"), net.token("admin", "school")
    with net.tool.db.session() as s:
        klass = s.scalars(select(ClassGroup).where(
            ClassGroup.organisation_id == net.tool.org_id)).first().public_id
    before = net.snapshot()
    assert net.post("/app/exchange/cards/timetable", student, {
        "class": klass, "weekday": "2", "start": "15:10", "end": "15:55"}).status_code == 403
    bad = net.post("/app/exchange/cards/timetable", home, {
        "class": klass, "weekday": "2", "start": "16:00", "end": "15:00"})
    assert bad.status_code == 303 and net.snapshot() == before
    assert net.post("/app/exchange/cards/timetable", home, {
        "class": klass, "weekday": "2", "start": "15:10", "end": "15:55",
        "subject": "Английский язык"}).status_code == 303
    page = net.get("/app/exchange/cards/timetable", home)
    assert "Английский язык" in page.text and "15:10–15:55" in page.text
    with net.tool.db.session() as s:
        slot_id = s.scalars(select(TimetableSlot.id)).one()
    # another school's coordinator cannot remove it; nothing changes
    held = net.snapshot()
    assert net.post("/app/exchange/cards/timetable", net.token("admin", "other"),
                    {"remove": str(slot_id)}).status_code == 404
    assert net.snapshot() == held
    resp = net.post(f"/app/exchange/courses/{course}/request", student)
    shown = requests.get(net.tool.base + resp.headers["Location"], timeout=30)
    assert "Английский язык" in shown.text and net.requests() == []
    assert net.post("/app/exchange/cards/timetable", home,
                    {"remove": str(slot_id)}).status_code == 303
    _request(net, course, student)
    assert len(net.requests()) == 1
