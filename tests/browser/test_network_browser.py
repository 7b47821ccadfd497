"""The coordinator's main flow in chromium, inside the demo LMS frame with third-party cookies
blocked (issue 13): from the header's «Сеть» to the network page with its overdue task, the
council where an incompetent meeting is refused with the figures and a competent one records
a decision, the calendar where the overdue task is closed; and the network page at 360 px."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from lti_tool.sandbox.demo import demo_issuer
from lti_tool.sandbox.demo_network import seed_demo_network
from tests.browser.lms import demo_server, launch
from tests.browser.test_demo_browser import Demo, _open_course, _tool_frame

pytestmark = pytest.mark.browser
TIMEOUT = 60_000  # a launch is a chain of redirects; a loaded 2-core machine is slow


@pytest.fixture(scope="module")
def network_demo(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
                 ) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("network-browser")

    def prepare(app: Any, settings: Any, session: Any) -> None:
        seed_demo_network(session, demo_issuer(settings), tmp)

    with demo_server(tmp, sqlite_template, prepare) as served:
        yield served


def _landed(tool: Any, heading: str) -> None:
    tool.locator("h1", has_text=heading).first.wait_for()


def _vote(tool: Any, ballots: dict[str, str]) -> None:
    """The roll-call: each present member's vote chosen by their name."""
    for name, choice in ballots.items():
        tool.locator(f'[data-testid="ballots"] select[data-member="{name}"]').select_option(choice)


def test_the_coordinator_runs_the_network(page: Any, network_demo: Demo) -> None:
    page.context.set_default_timeout(TIMEOUT)
    tool = _open_course(page, network_demo, "a-smirnova")
    _landed(tool, "Обзор класса")
    tool.locator('[data-testid="nav"] a', has_text="Сеть").click()
    _landed(tool, "Сетевое взаимодействие")
    tool.locator("a", has_text="Сеть школы № 37").click()
    _landed(tool, "Сеть школы № 37")
    overdue = tool.locator('[data-testid="overdue"]')
    assert "Просрочено задач: 1" in overdue.inner_text()
    assert "МОУ СОШ № 5, п. Судиславль" in tool.locator('[data-testid="members"]').inner_text()
    assert "Скоро истекает" in tool.locator('[data-testid="agreements"]').inner_text()

    tool.locator("h2 a", has_text="Координационный совет").click()
    _landed(tool, "Координационный совет")
    assert tool.locator('[data-testid="quarter-reminder"]').count() == 1
    tool.locator('[data-testid="meetings"] a', has_text="Заседание № 2").click()
    _landed(tool, "Заседание № 2")
    # Two of four present (exactly half): not competent, and the tool says so with figures.
    for name in ("Ольга Викторовна Смирнова", "Мария Петровна Иванова"):
        tool.locator("label", has_text=name).locator("input").check()
    tool.locator("button", has_text="Отметить присутствующих").click()
    tool.locator("text=Присутствуют 2 из 4").first.wait_for()
    tool.locator('textarea[name="text"]').fill("Утвердить график передачи отметок.")
    _vote(tool, {"Ольга Викторовна Смирнова": "for", "Мария Петровна Иванова": "for"})
    tool.locator("button", has_text="Записать").last.click()
    refusal = tool.locator('[data-testid="refusal"]')
    refusal.wait_for()
    assert ("присутствует 2 из 4 членов совета, нужно больше половины — не меньше 3"
            in refusal.inner_text())
    tool.locator("label", has_text="Сергей Андреевич Орлов").locator("input").check()
    tool.locator("button", has_text="Отметить присутствующих").click()
    tool.locator("text=Присутствуют 3 из 4").first.wait_for()
    tool.locator('textarea[name="text"]').fill("Утвердить график передачи отметок.")
    _vote(tool, {"Ольга Викторовна Смирнова": "for", "Мария Петровна Иванова": "for",
                 "Сергей Андреевич Орлов": "against"})
    tool.locator("button", has_text="Записать").last.click()
    tool.locator("text=Решение записано: принято").wait_for()
    decisions = tool.locator('[data-testid="decisions"]').inner_text()
    assert "Утвердить график передачи отметок" in decisions
    assert "против: Сергей Андреевич Орлов" in decisions

    tool.locator("a", has_text="Сеть школы № 37").first.click()
    tool.locator("h2 a", has_text="Календарь сети").click()
    _landed(tool, "Календарь сети")
    late = tool.locator('[data-testid="overdue-tasks"]')
    late.locator("button", has_text="Выполнено").first.click()
    tool.locator("text=Отметка сохранена").wait_for()
    assert tool.locator('[data-testid="overdue-tasks"]').count() == 0


def _open_physics(page: Any, demo: Demo, user: str) -> Any:
    """The gymnasium's course (another member school of the demo network)."""
    return launch(page, demo, user, "Физика, 11 Б")


def _to_events(tool: Any) -> None:
    tool.locator('[data-testid="nav"] a', has_text="Сеть").click()
    _landed(tool, "Сетевое взаимодействие")
    tool.locator("a", has_text="Сеть школы № 37").click()
    _landed(tool, "Сеть школы № 37")
    tool.locator("h2 a", has_text="Сетевые мероприятия").click()
    _landed(tool, "Сетевые мероприятия")


def test_an_event_from_scheduling_to_the_certificate(browser: Any, network_demo: Demo) -> None:
    """The issue's own flow: the coordinator schedules, a teacher of another member school
    registers, the coordinator marks attendance, the teacher downloads the certificate."""
    def context() -> Any:
        ctx = browser.new_context(locale="ru-RU", accept_downloads=True)
        ctx.set_default_timeout(TIMEOUT)
        return ctx

    coord_ctx, teacher_ctx = context(), context()
    try:
        coord_page = coord_ctx.new_page()
        coord = _open_course(coord_page, network_demo, "a-smirnova")
        _landed(coord, "Обзор класса")
        _to_events(coord)
        coord.locator("summary", has_text="Назначить мероприятие").click()
        coord.locator('input[name="title"]').fill("Вебинар «Сетевой журнал»")
        coord.locator('input[name="starts_on"]').fill(
            (date.today() + timedelta(days=3)).isoformat())
        coord.locator('input[name="starts_time"]').fill("15:00")
        coord.locator('input[name="hours"]').fill("2")
        coord.locator("button", has_text="Назначить").last.click()
        coord.locator("text=Мероприятие назначено").wait_for()

        teacher_page = teacher_ctx.new_page()
        teacher = _open_physics(teacher_page, network_demo, "t-orlov")
        teacher.locator("h1").first.wait_for()
        _to_events(teacher)
        teacher.locator("a", has_text="Вебинар «Сетевой журнал»").click()
        teacher.locator('select[name="timezone"]').select_option("Asia/Yekaterinburg")
        teacher.locator("button", has_text="Зарегистрироваться").click()
        teacher.locator('[data-testid="registered"]').wait_for()
        assert "15:00 МСК" in teacher.locator('[data-testid="times"]').inner_text()

        coord.locator("main a", has_text="Сетевые мероприятия").first.click()
        coord.locator("a", has_text="Вебинар «Сетевой журнал»").first.click()
        coord.locator("label", has_text="Сергей Андреевич Орлов").locator("input").check()
        coord.locator("button", has_text="Отметить присутствовавших").click()
        coord.locator("text=Присутствовали: 1").wait_for()

        teacher.locator("main a", has_text="Сетевые мероприятия").first.click()
        teacher.locator("a", has_text="Вебинар «Сетевой журнал»").first.click()
        link = teacher.locator("a", has_text="Скачать сертификат (PDF)")
        with teacher_page.expect_download() as got:
            link.click()
        pdf = Path(got.value.path()).read_bytes()
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        for part in ("Сертификат участника", "Сергей Андреевич Орлов", "Гимназия № 1",
                     "вебинаре «Вебинар «Сетевой журнал»»", "объём 2 ч"):
            assert part in text, (part, text)
    finally:
        coord_ctx.close()
        teacher_ctx.close()


def test_the_network_page_fits_a_360_px_phone(browser: Any, network_demo: Demo) -> None:
    desk = browser.new_context()
    desk.set_default_timeout(TIMEOUT)
    try:
        page = desk.new_page()
        tool = _open_course(page, network_demo, "a-smirnova")
        _landed(tool, "Обзор класса")
        tool.locator('[data-testid="nav"] a', has_text="Сеть").click()
        _landed(tool, "Сетевое взаимодействие")
        tool.locator("a", has_text="Сеть школы № 37").click()
        _landed(tool, "Сеть школы № 37")
        url = _tool_frame(page).url
    finally:
        desk.close()
    phone = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True,
                                has_touch=True, device_scale_factor=2)
    phone.set_default_timeout(TIMEOUT)
    try:
        page = phone.new_page()
        for path, heading in (("", "Сеть школы № 37"), ("/council/", "Координационный совет"),
                              ("/cycle/", "Календарь сети"),
                              ("/bank/", "Банк методических материалов"),
                              ("/events/", "Сетевые мероприятия"), ("/monitoring/", "Мониторинг")):
            page.goto(url.replace("?", path + "?", 1) if path else url)
            page.locator("h1", has_text=heading).first.wait_for()
            width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1], (path, width)
        page.goto(network_demo.tool + "/network/kostroma-37/registry")  # the public registry
        page.locator("h1", has_text="Реестр участников сети").wait_for()
        width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], ("registry", width)
    finally:
        phone.close()


def test_the_regional_admin_takes_a_district_network_in(page: Any, network_demo: Demo) -> None:
    """r-kuzmina (the regional institute's admin) attaches the district network on the
    regional network's page; the list of networks inside shows it at once."""
    page.context.set_default_timeout(TIMEOUT)
    page.goto(network_demo.lms + "/")
    page.click('[data-user="r-kuzmina"]')
    page.click("text=Мониторинг портфолио области")
    page.click("a[data-link]")
    tool = page.frame_locator('iframe[name="tool"]')
    tool.locator('[data-testid="nav"] a', has_text="Сеть").click()
    _landed(tool, "Сетевое взаимодействие")
    tool.locator("a", has_text="Региональная сеть Костромской области").click()
    _landed(tool, "Региональная сеть Костромской области")
    assert "Сеть школы № 37" in tool.locator('[data-testid="children"]').inner_text()
    tool.locator("summary", has_text="Включить сеть в региональную").click()
    tool.locator('select[name="child"]').select_option(label="Сеть школ Судиславского района "
                                                             "(Костромская область)")
    tool.locator("button", has_text="Включить").last.click()
    tool.locator("text=включена в региональную сеть").first.wait_for()
    assert "Сеть школ Судиславского района" in tool.locator(
        '[data-testid="children"]').inner_text()
