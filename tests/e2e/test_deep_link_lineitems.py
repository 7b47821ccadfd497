"""Deep Linking offers a gradebook column only for what posts a score per placement (issue
7): placing the class overview adds no empty 0–5 column to the LMS; the column appears when
a teacher first sends a score, and a target that is graded per placement still gets one."""

from __future__ import annotations

import requests
from lxml import html

from lti_tool.lms_scores.services import deliver_due
from lti_tool.lti import targets
from lti_tool.lti.deep_linking import content_item
from tests.e2e.flow import follow, get, launch_token, page_url
from tests.e2e.lti_helpers import launch


def _place(platform, tool, target: str) -> requests.Response:
    client = requests.Session()
    resp = get(client, f"{platform.issuer}/deeplink/algebra-10a?user=t-ivanova")
    return follow(client, client.post(tool.base + "/lti/deeplink/",
                                      data={"lt": launch_token(resp), "target": target}))


def test_placing_the_class_overview_adds_no_gradebook_column(platform, tool):
    resp = _place(platform, tool, "class_overview")
    assert "Добавлено в курс" in resp.text
    placed = [lk for lk in platform.links.values() if lk.custom.get("target")]
    assert len(placed) == 1 and placed[0].lineitem_id is None
    assert platform.lineitems == {}  # the LMS gradebook has no new column

    # A teacher sends a score from the placed overview: now, and only now, a column.
    client = requests.Session()
    resp = launch(client, platform, placed[0], "t-ivanova")
    token, path = launch_token(resp), page_url(resp).split("?")[0]
    resp = client.post(path + "/roster", data={"lt": token})
    student = html.fromstring(resp.text).xpath('//input[@name="student"]/@value')[0]
    client.post(path + "/scores", data={"lt": token, "student": student, "score": "4"})
    deliver_due(tool.db, tool.app.config["SECRET_KEY"], allow_private=True)
    assert len(platform.lineitems) == 1
    item = next(iter(platform.lineitems.values()))
    assert item.score_maximum == 5.0 and item.label.startswith("Маршрут")
    assert [s["scoreGiven"] for s in item.scores.values()] == [4.0]


def test_a_target_graded_per_placement_offers_its_column():
    graded = targets.Target("quiz", "Тест", "Тест на уроке", "people.home", score_maximum=10)
    item = content_item(graded, "https://tool.example")
    assert item["lineItem"] == {"scoreMaximum": 10, "label": "Тест", "resourceId": "quiz",
                                "tag": "quiz"}
    overview = targets.get("class_overview")
    assert overview is not None and "lineItem" not in content_item(overview, "https://t.ex")
