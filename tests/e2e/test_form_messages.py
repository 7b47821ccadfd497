"""Messages after a form, over HTTP (issue 7): the score error names the field once instead
of spelling its message letter by letter, and an empty Deep Linking submit goes back to the
choice with a message instead of an error page. Without cookies: the redirect carries them."""

from __future__ import annotations

import requests
from lxml import html

from tests.e2e.flow import follow, get, launch_token, page_url
from tests.e2e.lti_helpers import launch


def _flashes(page: str) -> list[str]:
    return [" ".join(el.text_content().split())
            for el in html.fromstring(page).xpath('//*[contains(@class, "flash")]')]


def test_a_score_out_of_range_is_reported_once_and_nothing_is_queued(platform, tool):
    client = requests.Session()
    resp = get(client, f"{platform.issuer}/deeplink/algebra-10a?user=t-ivanova")
    placed = follow(client, client.post(tool.base + "/lti/deeplink/", data={
        "lt": launch_token(resp), "target": "class_overview"}))
    assert "Добавлено в курс" in placed.text
    link = next(lk for lk in platform.links.values() if lk.custom.get("target"))
    resp = launch(client, platform, link, "t-ivanova")
    token, path = launch_token(resp), page_url(resp).split("?")[0]
    roster = client.post(path + "/roster", data={"lt": token})
    student = html.fromstring(roster.text).xpath('//input[@name="student"]/@value')[0]

    bare = requests.Session()  # no cookie of ours: the message rides in the redirect
    resp = bare.post(path + "/scores", data={"lt": token, "student": student, "score": "9"})
    assert resp.status_code == 200 and resp.history and resp.history[0].status_code == 303
    assert "Балл: Балл должен быть от 0 до 5." in _flashes(resp.text)
    assert "Б; а" not in resp.text
    resp = bare.post(path + "/scores", data={"lt": token, "student": student, "score": "abc"})
    assert "Балл: Балл должен быть числом." in _flashes(resp.text)
    assert "Б; а" not in resp.text
    from sqlalchemy import func, select

    from lti_tool.lms_scores.models import OutboxScore

    with tool.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxScore)) == 0


def test_an_empty_deep_linking_submit_returns_to_the_choice(platform, tool):
    client = requests.Session()
    resp = get(client, f"{platform.issuer}/deeplink/algebra-10a?user=t-ivanova")
    before = dict(platform.links)
    resp = requests.post(tool.base + "/lti/deeplink/", data={"lt": launch_token(resp)},
                         timeout=30)
    assert resp.status_code == 200
    assert "Что разместить в курсе?" in resp.text
    assert "Выберите, что разместить в курсе." in _flashes(resp.text)
    assert platform.links == before  # nothing placed
