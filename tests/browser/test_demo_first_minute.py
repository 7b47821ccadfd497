"""``make demo`` shows a school at work at once (issue 7): the demo LMS's people are the
Сетевой город sandbox's pupils, already linked, with the year synced, so a teacher's first
launch shows the whole class with marks per subject — no roster pull, no sync, no linking by
hand. Runs the real ``marshrut demo`` process and drives chromium through the demo LMS."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import requests

from tests.browser.test_demo_browser import ARGS, CHROMIUM
from tests.integration.test_server_lifecycle import _free_port, _start, _stop, _wait_healthy

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _runs(instance: Path) -> int:
    with sqlite3.connect(instance / "marshrut.sqlite") as db:
        return int(db.execute("select count(*) from sync_run where status = 'done'")
                   .fetchone()[0])


def test_teacher_sees_the_class_with_marks_per_subject_at_first_launch(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc, log = _start(["demo"], tmp_path, port)
    try:
        _wait_healthy(proc, port, log)
        assert _runs(tmp_path) == 2  # both demo schools synced before the server answered
        printed = log.read_text(errors="replace")
        assert f"{base}/netschool/webapi/" in printed and "zavuch1001" in printed
        # The sandbox is served beside the tool: the stored connection keeps working.
        assert requests.get(f"{base}/netschool/webapi/logindata", timeout=10).ok
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(base + "/demo/")
            page.click('[data-user="t-ivanova"]')
            page.click("text=Алгебра, 10 А")
            page.click("a[data-link]")
            tool = page.frame_locator('iframe[name="tool"]')
            tool.locator("h1", has_text="Обзор класса").wait_for()
            rows = tool.locator('[data-testid="roster"] tr:not(.head)')
            assert rows.count() == 12  # the whole sandbox class, without a roster pull
            # The course's own subject first, one subject per cell, with its average.
            assert tool.locator('[data-testid="subjects"] a.current').inner_text() == "Алгебра"
            assert tool.locator('[data-testid="roster"] th').nth(1).inner_text() == "Алгебра"
            for first, last in (("Алексей", "Петров"), ("Дарья", "Кузнецова"),
                                ("Илья", "Соколов")):  # the LMS's people are the pupils
                row = rows.filter(has_text=re.compile(f"{first} {last}|{last} {first}"))
                cell = row.locator('[data-testid="subject-marks"]')
                assert cell.locator(".avg").inner_text().replace(".", "").isdigit(), last
                assert cell.locator("summary.mark").count() > 0, last
            # Every pupil has marks (everyone is linked), and every subject has a column.
            cells = tool.locator('[data-testid="subject-marks"] .avg').all_inner_texts()
            assert len(cells) == 12 and "—" not in cells
            heads = tool.locator('[data-testid="averages"] th').all_inner_texts()
            assert {"Алгебра", "Физика", "Русский язык"} <= set(heads)
            tool.locator('[data-testid="subjects"] a', has_text="Физика").click()
            tool.locator('[data-testid="subjects"] a.current', has_text="Физика").wait_for()
            assert tool.locator('[data-testid="roster"] th').nth(1).inner_text() == "Физика"
            browser.close()
    finally:
        _stop(proc, "sigterm", log)

    # A second start reuses the seeded school instead of syncing again, also on another
    # port (so another demo LMS issuer): its pupils are the synced people, marks and all.
    other = _free_port()
    proc, log = _start(["demo"], tmp_path, other)
    try:
        _wait_healthy(proc, other, log)
        assert _runs(tmp_path) == 2
        assert _linked_pupils(tmp_path, f"http://127.0.0.1:{other}/demo") == 12 + 6
    finally:
        _stop(proc, "ctrl-c", log)


def _linked_pupils(instance: Path, issuer: str) -> int:
    """Demo LMS pupils of this issuer who are a synced sandbox pupil with marks."""
    with sqlite3.connect(instance / "marshrut.sqlite") as db:
        return int(db.execute(
            "select count(distinct l.person_id) from identity_link l"
            " join identity_link n on n.person_id = l.person_id and n.source = 'netschool'"
            " where l.source = 'lti' and l.namespace = ?"
            " and exists (select 1 from journal_mark m where m.student_id = l.person_id)",
            (issuer,)).fetchone()[0])
