"""Portfolio in chromium inside the demo LMS's iframe (third-party, no cookies): the admin
names the class teacher, a student adds two achievements with a file, the class teacher
confirms one and rejects the other with a reason, the student sees both and why; the
student's pages fit a 360 px phone."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lti_tool.people.models import Guardianship, IdentityLink
from tests.browser.lms import launch
from tests.browser.test_demo_browser import Demo

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _portfolio(page: Any, demo: Demo, user: str, landing: str) -> Any:
    """Launch the course's «портфолио» placement as ``user`` and wait for ``landing``; a
    launch that never lands (the known open defect, see test_demo_browser) is tried once
    more with a warning."""
    return launch(page, demo, user, "Алгебра, 10 А", 'a[data-link="portfolio-algebra-10a"]',
                  landing=f"text={landing}")


def _guardian(demo: Demo, parent: str, child: str) -> None:
    """The guardianship the school system's roster would bring."""
    with demo.app.extensions["marshrut.db"].session() as s:
        ids = {sub: s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.external_id == sub)).one() for sub in (parent, child)}
        s.add(Guardianship(parent_id=ids[parent], child_id=ids[child]))


def _add(tool: Any, title: str, section: str) -> None:
    tool.locator('[data-testid="add-achievement"]').click()
    tool.locator('select[name="section"]').select_option(label=section)
    tool.locator('input[name="title"]').fill(title)
    tool.locator('select[name="level"]').select_option(label="региональный")
    tool.locator('select[name="result"]').select_option(label="призёр")
    tool.locator('input[name="achieved_on"]').fill("2026-10-15")
    tool.locator('input[name="files"]').set_input_files(
        files=[{"name": "диплом.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    tool.locator("button", has_text="Сохранить").click()
    tool.locator("h1", has_text=title).wait_for()
    assert tool.locator('[data-status="unconfirmed"]').count() >= 1
    assert tool.locator('[data-testid="evidence"]', has_text="диплом.pdf").count() == 1


def test_student_adds_teacher_moderates_student_sees_why(page, demo):
    _portfolio(page, demo, "t-ivanova", "Портфолио")  # the teacher exists in the school
    admin = _portfolio(page, demo, "a-smirnova", "Настройки портфолио школы")
    admin.locator("text=Настройки портфолио школы").click()
    admin.locator('select[name="tutor"]').select_option(label="Мария Петровна Иванова")
    admin.locator('select[name="class"]').select_option(label="Алгебра, 10 А")
    admin.locator("form", has=admin.locator('select[name="tutor"]')).locator(
        "button").click()
    admin.locator("text=Мария Петровна Иванова — Алгебра, 10 А").wait_for()

    student = _portfolio(page, demo, "s-petrov", "Добавить достижение")
    _add(student, "Призёр регионального этапа ВсОШ по математике", "Учебная деятельность")
    student.locator("a", has_text="Алексей Петров").click()
    _add(student, "Диплом конкурса чтецов", "Культурная и творческая деятельность")

    teacher = _portfolio(page, demo, "t-ivanova", "Модерация достижений")
    teacher.locator('[data-testid="queue-link"]').click()
    items = teacher.locator('[data-testid="queue-item"]')
    items.first.wait_for()
    assert items.count() == 2
    items.filter(has_text="ВсОШ").locator('[data-testid="confirm"]').click()
    teacher.locator("text=Достижение подтверждено.").wait_for()
    reading = teacher.locator('[data-testid="queue-item"]').filter(has_text="чтецов")
    reading.locator('input[name="reason"]').fill("Приложите диплом победителя, а не участника")
    reading.locator('[data-testid="reject"]').click()
    teacher.locator('[data-testid="queue-empty"]').wait_for()

    student = _portfolio(page, demo, "s-petrov", "Добавить достижение")
    olympiad = student.locator('[data-testid="item"]').filter(has_text="ВсОШ")
    assert olympiad.locator('[data-status="confirmed"]').count() == 1
    reading = student.locator('[data-testid="item"]').filter(has_text="чтецов")
    assert reading.locator('[data-status="rejected"]').count() == 1
    assert "Приложите диплом победителя, а не участника" in reading.inner_text()
    reading.locator("a").first.click()
    history = student.locator('[data-testid="history"]')
    history.wait_for()
    assert "отклонено" in history.inner_text() and "Мария Петровна Иванова" in \
        history.inner_text()

    # The PDF of the portfolio opens with the right Cyrillic text.
    student.locator("a", has_text="Алексей Петров").first.click()
    href = student.locator('[data-testid="pdf"]').get_attribute("href")
    got = page.request.get(demo.tool + href)
    assert got.ok and got.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(got.body())).pages)
    assert "Метафолио обучающегося: Алексей Петров" in text
    assert "Призёр регионального этапа ВсОШ по математике" in text

    # The parent consents; the item appears on the class page at once, and goes on revoking.
    _portfolio(page, demo, "p-petrova", "Портфолио")  # the parent exists in the school
    _guardian(demo, "p-petrova", "s-petrov")
    parent = _portfolio(page, demo, "p-petrova", "Портфолио детей")
    parent.locator("a", has_text="Алексей Петров").click()
    parent.locator('[data-testid="item"]').filter(has_text="ВсОШ").locator("a").first.click()
    parent.locator('[data-testid="grant-consent"]').click()
    parent.locator("text=Достижение опубликовано.").wait_for()
    teacher = _portfolio(page, demo, "t-ivanova", "Модерация достижений")
    teacher.locator("a", has_text="Страница класса").click()
    teacher.locator('[data-testid="class-item"]', has_text="ВсОШ").wait_for()
    assert "чтецов" not in teacher.locator("main").inner_text()

    # The same pages on a 360 px phone (opened at the frame's own address).
    frame = page.frame(name="tool")
    assert frame is not None
    url = frame.url
    phone = page.context.browser.new_context(viewport={"width": 360, "height": 740},
                                             is_mobile=True, has_touch=True)
    try:
        small = phone.new_page()
        small.goto(url)
        small.locator("h1").first.wait_for()
        width = small.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], width
    finally:
        phone.close()
