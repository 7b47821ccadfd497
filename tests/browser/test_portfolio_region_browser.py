"""The regional admin's portfolio figures in chromium, inside the demo LMS frame with
third-party cookies blocked: r-kuzmina finds «Портфолио в регионе» in the header, reads the
region's schools side by side (the institute itself is not a school) and the mentor rule;
a school admin has no such entry."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.lms import launch
from tests.browser.test_demo_browser import Demo
from tests.browser.test_network_browser import TIMEOUT
from tests.browser.test_network_browser import network_demo as network_demo  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_regional_admin_reads_the_region(page: Any, network_demo: Demo) -> None:  # noqa: F811
    page.context.set_default_timeout(TIMEOUT)
    tool = launch(page, network_demo, "r-kuzmina", "Мониторинг портфолио области")
    tool.locator('[data-testid="nav"] a', has_text="Портфолио в регионе").click()
    tool.locator("h1", has_text="Портфолио в регионе").wait_for()
    schools = tool.locator('[data-testid="schools"]').inner_text()
    for name in ("Средняя школа № 37, Кострома", "Гимназия № 1", "Лицей № 34"):
        assert name in schools, schools
    assert "институт развития" not in schools
    assert "Правило: за последние 5 лет" in tool.locator("main").inner_text()
    assert tool.locator('[data-testid="xlsx"]').count() == 1


def test_a_school_admin_has_no_region_entry(page: Any, network_demo: Demo) -> None:  # noqa: F811
    page.context.set_default_timeout(TIMEOUT)
    tool = launch(page, network_demo, "a-smirnova", "Алгебра, 10 А")
    nav = tool.locator('[data-testid="nav"]')
    nav.locator("a", has_text="Портфолио").first.wait_for()
    assert "Портфолио в регионе" not in nav.inner_text()
