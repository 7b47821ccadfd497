"""A route in a real browser, launched from the demo LMS into its iframe: the student fills
the questionnaire and builds a plan that fails the check, fixes it and submits; the parent
agrees; the tutor returns it with a recommendation, then approves. Screenshots are kept in
the test's temporary folder (``--basetemp``) as artifacts, one at 360 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lti_tool.exchange.models import CourseRequest
from lti_tool.pathways.examples import worked_plan
from lti_tool.pathways.models import Route, TutorAssignment
from lti_tool.people.models import ClassGroup, Guardianship, IdentityLink, Person
from lti_tool.sandbox.demo import demo_issuer
from lti_tool.sandbox.demo_network import seed_demo_network
from tests.browser.lms import launch, network_course
from tests.browser.test_demo_browser import Demo

pytestmark = pytest.mark.browser
STUDENT, PARENT, TUTOR = "s-kuznetsova", "p-petrova", "t-ivanova"
NETWORK_STUDENT, NETWORK_COURSE = "s-petrov", "Физика: олимпиадные задачи (сеть)"


def open_link(page: Any, demo: Demo, user: str, link: str, heading: str) -> Any:
    """Log into the demo LMS as ``user`` and launch a placement of «Алгебра, 10 А»; one more
    try if the launch does not land (the known intermittent defect of the demo launch)."""
    return launch(page, demo, user, "Алгебра, 10 А", f"text={link}",
                  landing=f'h1:has-text("{heading}")')


def person(demo: Demo, user: str) -> int:
    with demo.app.extensions["marshrut.db"].session() as s:
        return s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.source == "lti", IdentityLink.external_id == user)).one()


def choose_plan(tool: Any, drop_advanced: str = "") -> None:
    """The worked technological plan, with one advanced course taken at the basic level."""
    tool.locator('select[name="profile"]').select_option("technology")
    for item in worked_plan("technology").items:
        field = tool.locator(f'[data-course="{item.course}"]')
        if item.kind == "subject":
            level = "basic" if item.course == drop_advanced else item.level
            field.select_option(level)
        elif item.kind == "elective":
            field.check()
    tool.locator('select[name="project"]').select_option("both")


def test_student_parent_tutor(page: Any, demo: Demo, browser: Any, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    tool = open_link(page, demo, STUDENT, "Маршрут: мой маршрут", "Индивидуальный")
    tool.locator('[data-testid="start-route"]').click()
    tool.locator("h1", has_text="Конструктор маршрута").wait_for()
    tool.locator('textarea[name="q_goals"]').fill("Поступить на инженерный факультет")
    tool.locator('textarea[name="q_profession"]').fill("инженер-робототехник")
    choose_plan(tool, drop_advanced="Физика")
    tool.locator('input[name="t_math"]').fill("4.5")
    tool.locator('[data-testid="save-check"]').click()
    # The builder of a new route already lists what an empty plan lacks: wait for the answer
    # to this save, not for the list that was there before it.
    tool.locator('[data-testid="violations"]', has_text="Добавьте физику или информатику"
                 ).wait_for()
    page.screenshot(path=str(tmp_path / "builder-failing-360.png"), full_page=True)
    choose_plan(tool)
    tool.locator('[data-testid="save-check"]').click()
    tool.locator('[data-testid="verdict-ok"]').wait_for()
    tool.locator("a", has_text="К маршруту").click()
    tool.locator('[data-testid="move-submit"] button').click()
    tool.locator('[data-testid="route-state"]', has_text="отправлен").wait_for()
    page.screenshot(path=str(tmp_path / "submitted-360.png"), full_page=True)

    # The parent and the tutor are people of the school once they have launched; the
    # school's data links the parent to the child and the admin names the class tutor.
    page.set_viewport_size({"width": 1100, "height": 900})
    open_link(page, demo, PARENT, "Маршрут: мой маршрут", "Маршруты детей")
    open_link(page, demo, TUTOR, "Маршрут: маршруты класса", "Маршруты класса")
    with demo.app.extensions["marshrut.db"].session() as s:
        group = s.scalars(select(ClassGroup).where(ClassGroup.external_id == "algebra-10a")
                          ).one()
        s.add(Guardianship(parent_id=person(demo, PARENT), child_id=person(demo, STUDENT)))
        s.add(TutorAssignment(organisation_id=group.organisation_id,
                              tutor_id=person(demo, TUTOR), class_id=group.id))

    tool = open_link(page, demo, PARENT, "Маршрут: мой маршрут", "Маршруты детей")
    tool.locator("a", has_text="Открыть маршрут").click()
    tool.locator('[data-testid="move-agree"] button').click()
    tool.locator('[data-testid="agreement"]', has_text="получено").wait_for()

    tool = open_link(page, demo, TUTOR, "Маршрут: маршруты класса", "Маршруты класса")
    tool.locator('[data-testid="state-chart"]').wait_for()
    tool.locator('[data-testid="class-routes"] a', has_text="Кузнецова").click()
    tool.locator('[data-testid="move-take"] button').click()
    tool.locator('[data-testid="route-state"]', has_text="на рассмотрении").wait_for()
    tool.locator('[data-testid="move-return"] textarea').fill(
        "Добавьте информатику на углублённом уровне")
    tool.locator('[data-testid="move-return"] button').click()
    tool.locator('[data-testid="recommendation"]').wait_for()
    page.screenshot(path=str(tmp_path / "returned.png"), full_page=True)

    tool = open_link(page, demo, STUDENT, "Маршрут: мой маршрут", "Маршрут")
    assert "информатику" in tool.locator('[data-testid="recommendation"]').inner_text()
    tool.locator('[data-testid="move-submit"] button').click()
    tool.locator('[data-testid="route-state"]', has_text="отправлен").wait_for()

    tool = open_link(page, demo, TUTOR, "Маршрут: маршруты класса", "Маршруты класса")
    tool.locator('[data-testid="class-routes"] a', has_text="Кузнецова").click()
    tool.locator('[data-testid="move-take"] button').click()
    tool.locator('[data-testid="move-approve"] button').click()
    tool.locator('[data-testid="route-state"]', has_text="утверждён").wait_for()
    page.screenshot(path=str(tmp_path / "approved.png"), full_page=True)
    with demo.app.extensions["marshrut.db"].session() as s:
        route = s.scalars(select(Route).where(Route.student_id == person(demo, STUDENT))).one()
        assert route.state == "approved" and route.in_force is not None


def test_admin_assigns_a_tutor_to_one_student(page: Any, demo: Demo, tmp_path: Path) -> None:
    """The school admin, from the class routes page, makes a teacher the tutor of one pupil;
    the assignment and who made it are on the page."""
    # the start page or, after the test above, the pupil's route: either has «маршрут»
    open_link(page, demo, STUDENT, "Маршрут: мой маршрут", "аршрут")
    open_link(page, demo, TUTOR, "Маршрут: маршруты класса", "Маршруты класса")
    with demo.app.extensions["marshrut.db"].session() as s:
        ids = {u: s.get(Person, person(demo, u)).public_id for u in (STUDENT, TUTOR)}
    tool = open_link(page, demo, "a-smirnova", "Маршрут: маршруты класса", "Маршруты класса")
    tool.locator('[data-testid="tutors-link"]').click()
    tool.locator("h1", has_text="Тьюторы").wait_for()
    form = tool.locator('[data-testid="assign-student"]')
    form.locator('select[name="tutor"]').select_option(ids[TUTOR])
    form.locator('select[name="student"]').select_option(ids[STUDENT])
    form.locator("button").click()
    tool.locator("text=Тьютор ученика назначен.").wait_for()
    assert "Смирнова" in tool.locator('[data-testid="tutor-changes"]').inner_text()
    page.screenshot(path=str(tmp_path / "tutor-of-student.png"), full_page=True)
    with demo.app.extensions["marshrut.db"].session() as s:
        assert s.scalars(select(TutorAssignment).where(
            TutorAssignment.tutor_id == person(demo, TUTOR),
            TutorAssignment.student_id == person(demo, STUDENT))).one()


def test_student_adds_a_network_course_in_the_builder(page: Any, demo: Demo,
                                                     tmp_path: Path) -> None:
    """Issue 12 in the route: the gymnasium (a partner of school № 37 in the demo network)
    teaches physics; the student builds the technological plan with physics taken there,
    the check passes on it, «Выбрать и подать заявку» saves the plan and sends the request,
    and the route page shows the course with the host school and the request's state."""
    with demo.app.extensions["marshrut.db"].session() as s:
        seed_demo_network(s, demo_issuer(demo.app.config["MARSHRUT"]), tmp_path)
        network_course(s, "gymnasium-1", years=2, title=NETWORK_COURSE, subject="Физика",
                       hours=340, place="Гимназия № 1, каб. 305", capacity=12,
                       teacher_name="Орлов Сергей Андреевич")
        s.commit()
    page.set_viewport_size({"width": 360, "height": 800})
    tool = open_link(page, demo, NETWORK_STUDENT, "Маршрут: мой маршрут", "аршрут")
    start = tool.locator('[data-testid="start-route"]')
    if start.count():
        start.click()
    else:  # a route already there (a rerun of the module): open its builder
        tool.locator('[data-testid="edit-route"]').click()
    tool.locator("h1", has_text="Конструктор маршрута").wait_for()
    choose_plan(tool)
    tool.locator('[data-course="Физика"]').select_option("")  # not at home …
    tool.locator('[data-testid="save-check"]').click()
    # the page is replaced by the saved one: wait for its verdict, not the old page's
    tool.locator('[data-testid="violations"]', has_text="Добавьте физику").wait_for()
    section = tool.locator('[data-testid="route-network-courses"]')
    row = section.locator("tr", has_text=NETWORK_COURSE)
    assert "Гимназия № 1" in row.inner_text() and "не подана" in row.inner_text()
    row.locator('input[name="network"]').check()  # … but at the partner school
    row.locator('[data-testid="network-request"]').click()
    tool.locator("text=заявка отправлена").wait_for()
    tool.locator('[data-testid="verdict-ok"]').wait_for()
    row = tool.locator('[data-testid="route-network-courses"] tr', has_text=NETWORK_COURSE)
    assert "ждёт решения школ" in row.inner_text()
    assert row.locator('input[name="network"]').is_checked()
    page.screenshot(path=str(tmp_path / "builder-network-360.png"), full_page=True)
    tool.locator("a", has_text="К маршруту").click()
    plan = tool.locator('[data-testid="plan"]')
    plan.wait_for()
    line = plan.locator("tr", has_text=NETWORK_COURSE).inner_text()
    assert "Гимназия № 1" in line and "ждёт решения школ" in line
    page.screenshot(path=str(tmp_path / "route-network-360.png"), full_page=True)
    with demo.app.extensions["marshrut.db"].session() as s:
        pupil = person(demo, NETWORK_STUDENT)
        (req,) = s.scalars(select(CourseRequest).where(CourseRequest.student_id == pupil))
        assert req.state == "requested"
        route = s.scalars(select(Route).where(Route.student_id == pupil)).one()
        assert [i["host"] for i in route.data["items"] if i["kind"] == "network"] == [
            "Гимназия № 1"]
    # he changes his mind before the schools decide: «Отозвать заявку» on the builder's row
    tool.locator('[data-testid="edit-route"]').click()
    row = tool.locator('[data-testid="route-network-courses"] tr', has_text=NETWORK_COURSE)
    row.locator('[data-testid="network-withdraw"]').click()
    tool.locator("text=Курс остался в плане").wait_for()
    row = tool.locator('[data-testid="route-network-courses"] tr', has_text=NETWORK_COURSE)
    assert "отозвана" in row.inner_text()
    assert row.locator('[data-testid="network-withdraw"]').count() == 0
    assert row.locator('input[name="network"]').is_checked()  # the plan is his to change
    page.screenshot(path=str(tmp_path / "builder-withdrawn-360.png"), full_page=True)
    with demo.app.extensions["marshrut.db"].session() as s:
        (req,) = s.scalars(select(CourseRequest).where(CourseRequest.student_id == pupil))
        assert req.state == "withdrawn"
