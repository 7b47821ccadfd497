"""In chromium, without an LMS: an invited partner coordinator sets a password, is held on the
set-up page until TOTP is on (the code computed with pyotp from the key the page shows) and
then reaches their page and signs in again with the code; a parent signed in by cookie on a
390 px phone sees a notification arrive when the host school refuses their child's request
(and by e-mail), and marks it read."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pyotp
import pytest
import requests
from sqlalchemy import select

from adapters.netschool.sandbox import DEMO_PASSWORD
from lti_tool.exchange.models import CourseRequest
from lti_tool.network import services as network
from lti_tool.notifications import services as notices
from lti_tool.notifications.models import Notification
from lti_tool.people.models import Person
from tests.accounts.conftest import SignIn, csrf_of, inbox, signin  # noqa: F401 - fixtures
from tests.exchange.conftest import COURSE_FORM
from tests.sync.launches import launch_token

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "липа цветёт в июле"


@pytest.fixture
def tool_overrides(inbox):  # noqa: F811
    return {"smtp_host": "127.0.0.1", "smtp_port": inbox[1], "smtp_from": "marshrut@school.ru"}


def _new_context(browser: Any, **kw: Any) -> Any:
    context = browser.new_context(locale="ru-RU", **kw)
    context.set_default_timeout(20_000)
    return context


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_invited_coordinator_sets_a_password_turns_on_totp_and_reaches_their_page(
        browser, platform, tool, inbox):  # noqa: F811
    box, _port = inbox
    resp = requests.post(tool.base + "/app/admin/accounts", data={
        "lt": launch_token(platform, tool, "admin"), "email": "coord@partner.ru",
        "name": "Анна Координатор", "role": "partner"}, timeout=30)
    assert resp.status_code == 200 and "Приглашение отправлено" in resp.text
    link = tool.base + box.link(tool.base)
    context = _new_context(browser, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(link)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=repeat]").fill(PASSWORD)
        page.get_by_role("button", name="Сохранить").click()
        page.wait_for_url(re.compile(r"/account/security"))
        page.locator('[data-testid="totp-required"]').wait_for()
        # Nothing else opens before the second factor is on.
        page.goto(tool.base + "/app/")
        page.wait_for_url(re.compile(r"/account/security"))
        assert "Анна Координатор" not in page.locator("main").inner_text()
        page.get_by_role("button", name="Включить двухфакторную проверку").click()
        uri = page.locator('[data-testid="totp-uri"]').inner_text()
        secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
        page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Включить", exact=True).click()
        codes = page.locator('[data-testid="recovery-codes"] code')
        codes.first.wait_for()
        assert codes.count() == 10
        page.locator('[data-testid="continue"]').click()
        page.wait_for_url(tool.base + "/app/")
        page.get_by_text("Анна Координатор").first.wait_for()
        # Signed out and in again: the password alone is not enough.
        page.locator('[data-testid="signout"]').click()
        page.wait_for_url(tool.base + "/signin")
        form = page.locator('[data-testid="local-signin"] form')
        form.locator("input[name=email]").fill("coord@partner.ru")
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("button[type=submit]").click()
        page.locator('[data-testid="refusal"]').wait_for()
        assert "двухфакторной" in page.locator('[data-testid="refusal"]').inner_text()
        form = page.locator('[data-testid="local-signin"] form')
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
        form.locator("button[type=submit]").click()
        page.wait_for_url(tool.base + "/app/")
        page.get_by_text("Анна Координатор").first.wait_for()
    finally:
        context.close()


def _course_and_request(platform: Any, signin: SignIn, child_login: str) -> str:  # noqa: F811
    """A network course at the other school; the child (signed in with their own Сетевой
    город account, over HTTP) asks for it. Returns the request's public id."""
    tool = signin.tool
    with tool.db.session() as s:
        network.create_network(
            s, slug="set-37", name="Сеть школ Костромы", coordinator_id=tool.org_id,
            founders=[network.Founder(tool.other_org_id)], joined_on=date(2026, 1, 1))
    host = launch_token(platform, tool, "admin", sub="host-admin", deployment="dep-other")
    made = requests.post(tool.base + "/app/exchange/courses/new",
                         data={"lt": host, **COURSE_FORM}, allow_redirects=False, timeout=30)
    assert made.status_code == 303, made.text[:1000]
    course = made.headers["Location"].split("/courses/")[1].split("?")[0]
    child = requests.Session()
    assert signin.sign_in(child, child_login).status_code == 303
    page = child.get(tool.base + f"/app/exchange/courses/{course}", timeout=30)
    assert page.status_code == 200
    asked = child.post(tool.base + f"/app/exchange/courses/{course}/request", data={
        "note": "хочу в медицинский", "csrf_token": csrf_of(page.text)},
        allow_redirects=False, timeout=30)
    assert asked.status_code == 303, asked.text[:1000]
    with tool.db.session() as s:
        return s.scalars(select(CourseRequest.public_id)).one()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_parent_on_a_phone_sees_a_notification_arrive_and_marks_it_read(
        browser, platform, signin: SignIn, inbox):  # noqa: F811
    tool, parent = signin.tool, signin.parent()
    world = signin.state.world
    parent_pid = next(p.id for p in world.people.values() if p.login == parent)
    child_login = world.people[world.children_of[parent_pid][0]].login
    req = _course_and_request(platform, signin, child_login)
    context = _new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(tool.base + "/signin")
        form = page.locator('[data-testid="netschool-signin"] form')
        form.locator("select[name=school]").select_option(signin.schools["school"])
        form.locator("input[name=login]").fill(parent)
        form.locator("input[name=password]").fill(DEMO_PASSWORD)
        form.locator("button[type=submit]").click()
        page.wait_for_url(tool.base + "/app/")
        page.goto(tool.base + "/app/notifications/")
        assert page.locator('[data-testid="unread"]').inner_text() == "0"
        # The host school's coordinator refuses the request (through their LMS launch).
        host = launch_token(platform, tool, "admin", sub="host-admin", deployment="dep-other")
        refused = requests.post(tool.base + f"/app/exchange/requests/{req}/decide", data={
            "lt": host, "action": "refuse", "reason": "Группа набрана очно"},
            allow_redirects=False, timeout=30)
        assert refused.status_code == 303
        page.reload()
        assert page.locator('[data-testid="unread"]').inner_text() == "1"
        item = page.locator("li.unread").filter(has_text="отклонена")
        assert "Причина: Группа набрана очно" in item.inner_text()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1
        # The e-mail goes out too (the parent's address set here: the sandbox gives none).
        with tool.db.session() as s:
            student = s.scalars(select(CourseRequest.student_id)).one()
            parent_row = s.scalars(select(Notification).where(
                Notification.person_id != student)).one()  # the pupil has their own
            assert "отклонена" in parent_row.title
            s.get_one(Person, parent_row.person_id).email = "parent@family.ru"
        with tool.app.app_context():
            notices.deliver(tool.app, tool.db)
        assert any(m["To"] == "parent@family.ru" and "отклонена" in m["Subject"]
                   for m in inbox[0].messages)
        item.get_by_role("button", name="Прочитано").click()
        page.wait_for_url(tool.base + "/app/notifications/")
        assert page.locator('[data-testid="unread"]').inner_text() == "0"
        assert page.locator("li.unread").count() == 0
        with tool.db.session() as s:
            assert s.get_one(Notification, parent_row.id).read_at is not None
    finally:
        context.close()
