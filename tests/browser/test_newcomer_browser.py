"""What a newcomer meets first, in chromium with third-party cookies blocked (issue 7):
messages after a form inside the LMS frame, the frame fitted to the page, a navigation per
role, and pages readable on a 390 px phone. Fixtures: the demo LMS framing the tool on
another site (see test_demo_browser)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.browser.test_demo_browser import _open_course, _tool_frame, frame_report

pytestmark = pytest.mark.browser
# A launch is a chain of redirects through the demo LMS; on a loaded 2-core machine it has
# taken longer than the 20 s the page fixture allows. A wait, not a timing assert.
TIMEOUT = 60_000


@pytest.fixture(autouse=True)
def _patient(request: pytest.FixtureRequest) -> None:
    if "page" in request.fixturenames:
        request.getfixturevalue("page").context.set_default_timeout(TIMEOUT)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def test_messages_after_a_form_survive_blocked_cookies(page, demo):
    tool = _open_course(page, demo, "t-ivanova")
    tool.locator("h1", has_text="Обзор класса").wait_for()
    tool.locator("button", has_text="Обновить список из LMS").click()
    # The confirmation of the roster pull: a flash, with no cookie to keep it in.
    tool.locator(".flash", has_text="Список обновлён").wait_for()
    assert "marshrut_session" not in {c["name"] for c in page.context.cookies(demo.tool)}
    assert "fl=" not in _tool_frame(page).url  # dropped from the address once shown

    row = tool.locator('[data-testid="roster"] tr').filter(has_text="Илья Соколов")
    score = row.locator('input[name="score"]')
    score.evaluate("el => el.removeAttribute('max')")  # what an old browser would send
    score.fill("9")
    row.locator("button", has_text="Отправить").click()
    error = tool.locator(".flash.error")
    error.wait_for()
    assert error.inner_text() == "Балл: Балл должен быть от 0 до 5."  # not «Б; а; л; л»

    row = tool.locator('[data-testid="roster"] tr').filter(has_text="Илья Соколов")
    row.locator('input[name="score"]').fill("3")
    row.locator("button", has_text="Отправить").click()
    tool.locator(".flash", has_text="Балл поставлен в очередь").wait_for()
    assert tool.locator(".flash.error").count() == 0
    # A reload shows the page, not the message again. (Wait for the reloaded page: the old
    # one has the same heading, and its message, until the new one replaces it.)
    frame = _tool_frame(page)
    with frame.expect_navigation():
        frame.evaluate("() => location.reload()")
    tool.locator("h1", has_text="Обзор класса").wait_for()
    assert tool.locator(".flash").count() == 0


def test_the_lms_frame_takes_the_height_of_the_page(page, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    tool = _open_course(page, demo, "s-petrov")
    _landed(page, tool, "Здравствуйте")
    # The demo LMS resizes the frame on lti.frameResize as Moodle does; without the message
    # the frame stays 40rem (640 px) high whatever the page holds.
    page.wait_for_function("""() => {
        const f = document.querySelector('iframe[name="tool"]');
        const d = f.contentWindow && f.contentDocument;  // null: another origin
        return f.style.height !== '' }""")
    frame_height = page.locator('iframe[name="tool"]').evaluate(
        "f => f.getBoundingClientRect().height")
    content = _tool_frame(page).evaluate(
        "() => document.documentElement.getBoundingClientRect().height")
    assert abs(frame_height - content) <= 4, (frame_height, content)
    assert frame_height < 640


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_finds_the_admin_pages_in_the_navigation(browser, demo, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
    context.set_default_timeout(TIMEOUT)
    try:
        page = context.new_page()
        tool = _open_course(page, demo, "a-smirnova")
        _landed(page, tool, "Обзор класса")
        nav = tool.locator('[data-testid="nav"]')
        nav.locator("a", has_text="Обзор класса").wait_for()
        nav.locator("a", has_text="Источники данных").click()
        tool.locator("h1", has_text="Источники данных").wait_for()
        nav.locator("a", has_text="Подключения LMS").click()
        tool.locator("h1", has_text="Подключения LMS").wait_for()
        assert nav.locator('a[aria-current="page"]').inner_text() == "Подключения LMS"
        nav.locator("a", has_text="Обзор класса").click()
        tool.locator("h1", has_text="Обзор класса").wait_for()
    finally:
        context.close()


def test_a_teacher_sees_no_admin_links(page, demo):
    tool = _open_course(page, demo, "t-ivanova")
    _landed(page, tool, "Обзор класса")
    nav = tool.locator('[data-testid="nav"]')
    nav.locator("a", has_text="Обзор класса").wait_for()
    links = nav.locator("a").all_inner_texts()
    assert "Обзор класса" in links and "Маршруты" in links  # the routes of her pupils
    assert not {"Источники данных", "Подключения LMS"} & set(links)


def _landed(page: Any, tool: Any, heading: str) -> None:
    """Wait for the page a launch lands on; if it never comes, say where the frame is."""
    try:
        tool.locator("h1", has_text=heading).wait_for()
    except Exception as exc:
        raise AssertionError(f"the launch did not reach «{heading}»: {frame_report(page)}") from exc


def _frame_url(browser: Any, demo: Any, user: str) -> str:
    desk = browser.new_context()
    desk.set_default_timeout(TIMEOUT)
    try:
        page = desk.new_page()
        tool = _open_course(page, demo, user)
        tool.locator("button", has_text="Обновить список из LMS").click()  # the class's pupils
        # the answer to this pull, not a roster an earlier test left on the page
        tool.locator(".flash", has_text="Список обновлён").wait_for()
        tool.locator('[data-testid="roster"]').wait_for()
        return str(_tool_frame(page).url).split("&fl=")[0]
    finally:
        desk.close()


def test_the_class_table_becomes_cards_on_a_phone(browser, demo, tmp_path):
    url = _frame_url(browser, demo, "t-ivanova")
    phone = browser.new_context(**PHONE)
    phone.set_default_timeout(TIMEOUT)
    try:
        page = phone.new_page()
        page.goto(url)
        page.locator('[data-testid="roster"]').wait_for()
        page.screenshot(path=str(tmp_path / "class-390.png"), full_page=True)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert widths[0] <= widths[1], widths
        row = page.locator('[data-testid="roster"] tr').filter(has_text="Дарья Кузнецова")
        cells = row.locator("td[data-label]")
        labels = [cells.nth(i).evaluate(
            "td => getComputedStyle(td, '::before').content") for i in range(cells.count())]
        # Each cell is a line headed by its column's name; the header row is hidden.
        assert '"Отметки"' in labels and '"Поставить балл"' in labels
        assert page.locator('[data-testid="roster"] tr.head').is_hidden()
        assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
        # Every piece of the row is inside the screen: nothing to scroll sideways to.
        box = row.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert Path(tmp_path / "class-390.png").stat().st_size > 0
    finally:
        phone.close()


def test_what_a_mark_is_for_is_a_tap_away_on_a_phone(browser, demo, tmp_path):
    """No title= tooltips (a phone cannot hover): the date, subject and weight of a mark
    open under it."""
    app = demo.app
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("people/_marks.html").module
        mark = SimpleNamespace(kind="mark", text="5", date=date(2026, 11, 3),
                               subject="Алгебра", title="Контрольная работа", weight=2.0)
        summary = SimpleNamespace(recent=[mark], average=5.0, absences=1, debts=0)
        html = str(macros.marks_cell(summary))
    assert "title=" not in html
    phone = browser.new_context(**PHONE)
    try:
        page = phone.new_page()
        page.set_content(f'<link rel="stylesheet" href="{demo.tool}/static/marshrut.css">'
                         f"<main>{html}</main>")
        page.wait_for_load_state("load")
        info = page.locator(".mark-info")
        assert not info.is_visible()
        assert page.locator(".avg-label").inner_text() == "средний"
        page.locator("summary", has_text="5").tap()
        info.wait_for(state="visible")
        assert info.inner_text() == "03.11 · Алгебра · Контрольная работа · вес 2.0"
        page.screenshot(path=str(tmp_path / "mark-390.png"))
    finally:
        phone.close()


def test_the_lms_connections_page_fits_a_phone(browser, demo):
    desk = browser.new_context()
    desk.set_default_timeout(TIMEOUT)
    try:
        page = desk.new_page()
        tool = _open_course(page, demo, "a-smirnova")
        _landed(page, tool, "Обзор класса")
        tool.locator('[data-testid="nav"] a', has_text="Подключения LMS").click()
        tool.locator("h1", has_text="Подключения LMS").wait_for()
        url = str(_tool_frame(page).url)
    finally:
        desk.close()
    phone = browser.new_context(**PHONE)
    phone.set_default_timeout(TIMEOUT)
    try:
        page = phone.new_page()
        page.goto(url)
        page.locator('[data-testid="clients"]').wait_for()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert widths[0] <= widths[1], widths
        assert page.locator('[data-testid="clients"] tr.head').is_hidden()
    finally:
        phone.close()
