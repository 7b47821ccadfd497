"""Route pages through real LTI launches (SQLite and PostgreSQL): a student builds a plan that
fails the check, fixes it and submits; the parent agrees; the tutor returns it, then approves.
Every forbidden path answers without the route's data and changes nothing."""

from __future__ import annotations

import re
from typing import Any

import requests
from lxml import html
from sqlalchemy import select

from lti_tool.pathways.examples import worked_plan
from lti_tool.pathways.models import Route, TutorAssignment
from lti_tool.people.models import Guardianship, IdentityLink
from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR, LEARNER
from tests.e2e.flow import accepted
from tests.e2e.lti_helpers import begin_login, post_launch, sign, valid_claims

MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"


def launch(platform: Any, tool: Any, sub: str, roles: list[str], dep: str = "dep-school",
           course: str = "algebra-10a") -> str:
    client = requests.Session()
    auth = begin_login(client, platform, tool.base)
    claims = valid_claims(platform, auth, sub=sub, name=sub.title(), lti_roles=roles,
                          lti_deployment_id=dep,
                          lti_context={"id": course, "title": course})
    return accepted(post_launch(client, tool.base, sign(platform, claims), auth["state"]))


def person(tool: Any, sub: str) -> int:
    with tool.db.session() as s:
        return s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.external_id == sub)).one()


def page(tool: Any, lt: str, path: str) -> requests.Response:
    return requests.get(tool.base + path, params={"lt": lt}, timeout=30)


def post(tool: Any, lt: str, path: str, data: dict[str, Any]) -> requests.Response:
    return requests.post(tool.base + path, data={**data, "lt": lt}, timeout=30,
                         allow_redirects=True)


def builder_form(resp: requests.Response, profile: str, drop: str = "") -> dict[str, Any]:
    """Fill the builder like a student: the worked plan of a profile, minus one course."""
    doc = html.fromstring(resp.text)
    plan = {i.course: i for i in worked_plan(profile).items}
    form: dict[str, Any] = {"version": doc.xpath('//input[@name="version"]/@value')[0],
                            "profile": profile, "project": "both", "t_math": "4.5",
                            "q_goals": "Поступить на инженерную специальность",
                            "events": "2026-03-01; Олимпиада по физике"}
    for field in doc.xpath('//*[@data-course]'):
        item = plan.get(field.get("data-course"))
        if item is not None and item.course != drop:
            form[field.get("name")] = item.level
    return form


def state(tool: Any, rid: str) -> tuple[str, int]:
    with tool.db.session() as s:
        r = s.scalars(select(Route).where(Route.public_id == rid)).one()
        return r.state, r.version


def test_student_parent_tutor_flow_and_forbidden_paths(tool: Any, platform: Any) -> None:
    student = launch(platform, tool, "pupil-1", [LEARNER])
    home = page(tool, student, "/app/routes/")
    assert "Начать маршрут" in home.text
    built = post(tool, student, "/app/routes/start", {"start": "2025-09-01"})
    assert "Конструктор маршрута" in built.text
    rid = re.search(r"/app/routes/([\w-]+)/edit", built.url).group(1)  # type: ignore[union-attr]
    failing = post(tool, student, f"/app/routes/{rid}/edit",
                   builder_form(built, "technology", drop="Физика") | {"then": "check"})
    assert "Профиль технологический: нужно не менее 2 предметов" in failing.text
    refused = post(tool, student, f"/app/routes/{rid}/act",
                   {"action": "submit", "version": state(tool, rid)[1]})
    assert "не проходит проверку" in refused.text and state(tool, rid)[0] == "draft"
    fixed = post(tool, student, f"/app/routes/{rid}/edit",
                 builder_form(failing, "technology") | {"then": "check"})
    assert "План соответствует требованиям." in fixed.text
    post(tool, student, f"/app/routes/{rid}/act", {"action": "submit",
                                                   "version": state(tool, rid)[1]})
    assert state(tool, rid)[0] == "submitted"

    # The parent (LTI Mentor) of this student agrees; a parent of nobody sees nothing.
    parent = launch(platform, tool, "mum-1", [MENTOR])
    stranger_parent = launch(platform, tool, "dad-2", [MENTOR])
    teacher = launch(platform, tool, "tutor-1", [INSTRUCTOR])
    other_teacher = launch(platform, tool, "teacher-2", [INSTRUCTOR], course="physics-10b")
    other_student = launch(platform, tool, "pupil-2", [LEARNER], course="physics-10b")
    subject_teacher = launch(platform, tool, "teacher-3", [INSTRUCTOR])
    other_school = launch(platform, tool, "admin-b", [ADMIN, INSTRUCTOR], dep="dep-other")
    with tool.db.session() as s:
        s.add(Guardianship(parent_id=person(tool, "mum-1"), child_id=person(tool, "pupil-1")))
        s.add(TutorAssignment(organisation_id=tool.org_id, tutor_id=person(tool, "tutor-1"),
                              student_id=person(tool, "pupil-1")))
    assert "Pupil-1" in page(tool, parent, "/app/routes/").text
    before = state(tool, rid)
    for lt in (stranger_parent, other_teacher, other_student, other_school):
        shown = page(tool, lt, f"/app/routes/{rid}")
        assert shown.status_code == 404 and "Олимпиада" not in shown.text
        moved = post(tool, lt, f"/app/routes/{rid}/act", {"action": "approve",
                                                          "version": before[1]})
        assert moved.status_code == 404 and state(tool, rid) == before
    assert "Pupil-1" not in page(tool, stranger_parent, "/app/routes/").text
    # The algebra teacher of the student reads the route, and cannot move it.
    read_only = page(tool, subject_teacher, f"/app/routes/{rid}")
    assert read_only.status_code == 200 and 'name="action"' not in read_only.text
    refused = post(tool, subject_teacher, f"/app/routes/{rid}/act", {"action": "take",
                                                                     "version": before[1]})
    assert "только для чтения" in refused.text and state(tool, rid) == before
    assert "Pupil-1" not in page(tool, other_teacher, "/app/routes/class").text
    agreed = post(tool, parent, f"/app/routes/{rid}/act", {"action": "agree",
                                                           "version": before[1]})
    assert "Согласие записано." in agreed.text

    # The tutor sees the class, takes the route, returns it with a recommendation.
    assert "Pupil-1" in page(tool, teacher, "/app/routes/class").text
    post(tool, teacher, f"/app/routes/{rid}/act", {"action": "take",
                                                   "version": state(tool, rid)[1]})
    stale = state(tool, rid)[1] - 1
    conflict = post(tool, teacher, f"/app/routes/{rid}/act", {"action": "approve",
                                                              "version": stale})
    assert "уже изменён" in conflict.text and state(tool, rid)[0] == "in_review"
    returned = post(tool, teacher, f"/app/routes/{rid}/act", {
        "action": "return", "version": state(tool, rid)[1],
        "comment": "Добавьте курс по выбору «Черчение»"})
    assert "Добавьте курс по выбору" in returned.text and state(tool, rid)[0] == "draft"
    again = page(tool, student, f"/app/routes/{rid}/edit")
    assert "Добавьте курс по выбору" in again.text
    post(tool, student, f"/app/routes/{rid}/edit", builder_form(again, "technology"))
    post(tool, student, f"/app/routes/{rid}/act", {"action": "submit",
                                                   "version": state(tool, rid)[1]})
    post(tool, parent, f"/app/routes/{rid}/act", {"action": "agree",
                                                  "version": state(tool, rid)[1]})
    post(tool, teacher, f"/app/routes/{rid}/act", {"action": "take",
                                                   "version": state(tool, rid)[1]})
    approved = post(tool, teacher, f"/app/routes/{rid}/act", {
        "action": "approve", "version": state(tool, rid)[1]})
    assert "Маршрут утверждён." in approved.text and state(tool, rid)[0] == "approved"
    shown = page(tool, student, f"/app/routes/{rid}")
    assert "Отметить выполненным" in shown.text
    ticked = post(tool, student, f"/app/routes/{rid}/act", {
        "action": "event", "event": 0, "version": state(tool, rid)[1]})
    assert "Мероприятие отмечено." in ticked.text and state(tool, rid)[0] == "approved"
    versions = page(tool, student, f"/app/routes/{rid}/versions")
    assert versions.status_code == 200
    assert page(tool, teacher, "/app/routes/class.xlsx").content[:2] == b"PK"
    assert page(tool, teacher, "/app/routes/editions").status_code == 200
    assert page(tool, student, "/app/routes/editions").status_code == 403
    assert page(tool, teacher, "/app/routes/offer").status_code == 403


def test_routes_json_api(tool: Any, platform: Any) -> None:
    student = launch(platform, tool, "pupil-9", [LEARNER])
    other = launch(platform, tool, "pupil-8", [LEARNER], course="physics-10b")
    built = post(tool, student, "/app/routes/start", {"start": "2025-09-01"})
    rid = re.search(r"/app/routes/([\w-]+)/edit", built.url).group(1)  # type: ignore[union-attr]
    post(tool, student, f"/app/routes/{rid}/edit", builder_form(built, "science"))

    def api(lt: str, method: str, path: str, **kw: Any) -> requests.Response:
        return requests.request(method, tool.base + "/api/v1/routes" + path, timeout=30,
                                headers={"Authorization": f"Bearer {lt}"}, **kw)

    mine = api(student, "GET", "").json()
    assert [r["id"] for r in mine] == [rid] and mine[0]["violations"] == []
    assert mine[0]["edition"] == "fop-371" and mine[0]["relation"] == "student"
    assert api(other, "GET", "").json() == []
    assert api(other, "GET", f"/{rid}").status_code == 404
    version = mine[0]["version"]
    stale = api(student, "POST", f"/{rid}/moves", json={"action": "submit",
                                                        "version": version - 1})
    assert stale.status_code == 409 and state(tool, rid) == ("draft", version)
    refused = api(student, "POST", f"/{rid}/moves", json={"action": "approve",
                                                          "version": version})
    assert refused.status_code == 422 and state(tool, rid) == ("draft", version)
    assert api(other, "POST", f"/{rid}/moves", json={"action": "submit", "version": version}
               ).status_code == 404
    done = api(student, "POST", f"/{rid}/moves", json={"action": "submit", "version": version})
    assert done.status_code == 200 and done.json()["state"] == "submitted"
    spec = requests.get(tool.base + "/api/v1/openapi.json", timeout=30).json()
    assert "/api/v1/routes/{rid}/moves" in spec["paths"]


def test_school_settings_for_alerts(tool: Any, platform: Any) -> None:
    from lti_tool.pathways.models import SchoolOffer

    admin = launch(platform, tool, "admin-a", [ADMIN, INSTRUCTOR])
    teacher = launch(platform, tool, "teacher-a", [INSTRUCTOR])

    def held() -> tuple[int, float, int] | None:
        with tool.db.session() as s:
            row = s.scalars(select(SchoolOffer).where(SchoolOffer.organisation_id == tool.org_id)
                            ).first()
            return None if row is None else (row.week_days, row.mark_margin, row.absence_limit)

    saved = post(tool, admin, "/app/routes/offer/settings",
                 {"week_days": "5", "mark_margin": "0,7", "absence_limit": "12"})
    assert "Настройки сохранены" in saved.text and held() == (5, 0.7, 12)
    wrong = post(tool, admin, "/app/routes/offer/settings",
                 {"week_days": "7", "mark_margin": "9", "absence_limit": "12"})
    assert "Дней в неделе:" in wrong.text and "Отставание от цели, балла:" in wrong.text
    assert held() == (5, 0.7, 12)
    refused = post(tool, teacher, "/app/routes/offer/settings",
                   {"week_days": "6", "mark_margin": "1", "absence_limit": "1"})
    assert refused.status_code == 403 and held() == (5, 0.7, 12)
