"""The header navigation shows each role what it may open, and only that (issue 7: an admin
found «Источники данных» and «Подключения LMS» only by typing the URL)."""

from __future__ import annotations

import html
import re

import pytest
import requests

from tests.sync.launches import launch_token

ADMIN_PAGES = {"/app/admin/lti/": "Подключения LMS", "/app/admin/sync/": "Источники данных",
               "/app/admin/accounts": "Учётные записи"}


def _nav(page: str) -> dict[str, str]:
    block = re.search(r'<nav[^>]*data-testid="nav"[^>]*>(.*?)</nav>', page, re.S)
    assert block is not None, page[:500]
    return {html.unescape(label): html.unescape(href) for href, label in
            re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', block.group(1))}


@pytest.mark.parametrize("role", ["admin", "teacher", "student"])
def test_every_link_opens_and_every_page_left_out_is_forbidden(platform, tool, role):
    lt = launch_token(platform, tool, role)
    home = requests.get(tool.base + "/app/", params={"lt": lt}, timeout=30)
    assert home.status_code == 200
    nav = _nav(home.text)
    assert nav, "no navigation"
    for label, href in nav.items():
        assert f"lt={lt}" in href, (label, href)  # carries the launch like every link
        resp = requests.get(tool.base + href, timeout=30)
        assert resp.status_code == 200, (label, href, resp.status_code)
        assert _nav(resp.text) == nav  # the same on every page
    shown = {href.split("?")[0] for href in nav.values()}
    for path, label in ADMIN_PAGES.items():
        if role == "admin":
            assert nav.get(label, "").startswith(path)
        else:
            assert path not in shown and label not in nav
            denied = requests.get(tool.base + path, params={"lt": lt}, timeout=30)
            assert denied.status_code == 403
    if role == "student":
        assert list(nav) == ["Моя страница", "Маршруты", "Портфолио", "Уведомления"]
    else:
        assert "Обзор класса" in nav  # the launch's own course


def test_no_navigation_without_a_launch(tool):
    page = requests.get(tool.base + "/no/such/page", timeout=30,
                        headers={"Accept": "text/html"})
    assert _nav(page.text) == {}
