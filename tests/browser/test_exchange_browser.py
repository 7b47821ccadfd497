"""The exchange's main flow in chromium inside the demo LMS frame (issue 12): a gymnasium
pupil requests school № 37's network course, the gymnasium's coordinator and then school
№ 37's approve, and the course appears in the pupil's network schedule; the catalog, the
requests and the transfer pages fit a 360 px phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lti_tool.sandbox.demo import demo_issuer
from lti_tool.sandbox.demo_network import seed_demo_network
from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR, User
from tests.browser.lms import demo_server, launch, network_course
from tests.browser.test_demo_browser import Demo, _tool_frame

pytestmark = pytest.mark.browser
TIMEOUT = 60_000  # a launch is a chain of redirects; a loaded 2-core machine is slow
TITLE = "Математический анализ (сетевой курс)"


@pytest.fixture(scope="module")
def exchange_demo(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
                  ) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("exchange-browser")

    def prepare(app: Any, settings: Any, session: Any) -> None:
        # the gymnasium's coordinator in the demo LMS (its physics course)
        state = app.extensions["marshrut.demo"]
        state.users["a-gym"] = User("a-gym", "Ирина Львовна Белова", [ADMIN, INSTRUCTOR])
        state.courses["physics-11b"].members.append("a-gym")
        seed_demo_network(session, demo_issuer(settings), tmp)
        network_course(session, "school-37-kostroma", title=TITLE, subject="Алгебра",
                       hours=68, place="каб. 21", capacity=10,
                       teacher_name="Иванова Мария Петровна")

    with demo_server(tmp, sqlite_template, prepare) as served:
        yield served


def _to_catalog(tool: Any) -> None:
    tool.locator('[data-testid="nav"] a', has_text="Сетевые курсы").click()
    tool.locator("h1", has_text="Сетевые курсы школ-партнёров").wait_for()


def _approve(page: Any, demo: Demo, user: str, course: str, side: str) -> None:
    tool = launch(page, demo, user, course)
    _to_catalog(tool)
    tool.locator("a", has_text="Заявки").click()
    row = tool.locator('[data-testid="requests"] tr', has_text="Анна Попова")
    assert side in row.inner_text()
    row.locator("button", has_text="Одобрить").click()
    tool.locator("text=Решение сохранено").wait_for()


def test_request_both_approvals_and_the_schedule(page: Any, exchange_demo: Demo) -> None:
    page.context.set_default_timeout(TIMEOUT)
    tool = launch(page, exchange_demo, "s-popova", "Физика, 11 Б")
    _to_catalog(tool)
    tool.locator('input[name="q"]').fill("анализ")
    tool.locator("button", has_text="Показать").click()
    tool.locator('[data-testid="catalog"] a', has_text=TITLE).click()
    tool.locator("h1", has_text=TITLE).wait_for()
    tool.locator('textarea[name="note"]').fill("Готовлюсь к профильному ЕГЭ")
    tool.locator("button", has_text="Подать заявку").click()
    tool.locator("text=Заявка отправлена").wait_for()
    assert "ждёт решения школ" in tool.locator('[data-testid="my-requests"]').inner_text()

    _approve(page, exchange_demo, "a-gym", "Физика, 11 Б", "как своя школа")
    _approve(page, exchange_demo, "a-smirnova", "Алгебра, 10 А", "как школа-партнёр")

    tool = launch(page, exchange_demo, "s-popova", "Физика, 11 Б")
    _to_catalog(tool)
    schedule = tool.locator('[data-testid="my-schedule"]')
    schedule.wait_for()
    text = schedule.inner_text()
    assert TITLE in text and "15:00–16:30" in text and "Ср" in text
    assert "зачислен" in tool.locator('[data-testid="my-requests"]').inner_text()
    assert _tool_frame(page).url.startswith(exchange_demo.tool + "/app/exchange/")


def test_exchange_pages_fit_a_360_px_phone(browser: Any, exchange_demo: Demo) -> None:
    desk = browser.new_context()
    desk.set_default_timeout(TIMEOUT)
    try:
        page = desk.new_page()
        tool = launch(page, exchange_demo, "a-smirnova", "Алгебра, 10 А")
        _to_catalog(tool)
        url = _tool_frame(page).url
    finally:
        desk.close()
    phone = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True,
                                has_touch=True, device_scale_factor=2)
    phone.set_default_timeout(TIMEOUT)
    try:
        page = phone.new_page()
        for path, heading in (("", "Сетевые курсы школ-партнёров"),
                              ("requests", "Заявки на сетевые курсы"),
                              ("transfers/", "Передача отметок и посещаемости"),
                              ("cards/", "Табели сетевых учеников")):
            page.goto(url.replace("/app/exchange/", "/app/exchange/" + path, 1))
            page.locator("h1", has_text=heading).first.wait_for()
            width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1], (path, width)
    finally:
        phone.close()
