"""The address people are given answers with what this is and where to go (issue 7)."""

from __future__ import annotations

import requests


def test_root_explains_and_leads_to_connecting_a_school(tool):
    resp = requests.get(tool.base + "/", timeout=30)
    assert resp.status_code == 200
    assert "Как подключить школу" in resp.text and "/lti/config.json" in resp.text
    assert '<html lang="ru">' in resp.text
    assert "демо-LMS" not in resp.text  # no demo outside the demo


def test_html_lang_follows_the_ui_language(tool):
    resp = requests.get(tool.base + "/?lang=en", timeout=30)
    assert '<html lang="en">' in resp.text
