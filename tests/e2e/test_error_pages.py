"""Pages answer errors with the Russian error page, the API with JSON (issue 7: pages got
raw ``{"code":401,...}`` because flask-smorest's handler was registered last)."""

from __future__ import annotations

import requests

from tests.sync.launches import launch_token


def _page(tool, path: str, **params: str) -> requests.Response:
    return requests.get(tool.base + path, params=params, timeout=30,
                        headers={"Accept": "text/html,application/xhtml+xml"})


def test_an_expired_or_copied_link_gets_a_page_that_says_what_to_do(tool):
    resp = _page(tool, "/app/", lt="expired-or-copied")
    assert resp.status_code == 401
    assert resp.headers["Content-Type"].startswith("text/html")
    assert "Нужно открыть Маршрут из курса" in resp.text and '"code"' not in resp.text


def test_not_found_and_forbidden_are_pages(platform, tool):
    lt = launch_token(platform, tool, "student")
    missing = _page(tool, "/app/class/no-such-class", lt=lt)
    assert missing.status_code in (403, 404)
    assert missing.headers["Content-Type"].startswith("text/html")
    assert "<h1" in missing.text and '"code"' not in missing.text
    other = _page(tool, "/no/such/page")
    assert other.status_code == 404 and "Не найдено" in other.text


def test_the_api_keeps_json(tool):
    resp = requests.get(tool.base + "/api/v1/me", timeout=30)
    assert resp.status_code == 401
    assert resp.headers["Content-Type"].startswith("application/json")
