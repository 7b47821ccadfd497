"""The AGS outbox across an LMS outage: nothing is lost, nothing is sent twice.

Scores are posted through the tool's own page; delivery runs ``deliver_due`` by hand (the
Huey task the page enqueues has no consumer in tests), against the demo LMS over HTTP.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import requests
from lxml import html
from sqlalchemy import select, update

from lti_tool.db import utcnow
from lti_tool.lms_scores.models import OutboxScore
from lti_tool.lms_scores.rules import backoff
from lti_tool.lms_scores.services import deliver_due
from tests.e2e.flow import launch_token, page_url
from tests.e2e.lti_helpers import add_link, launch


def _post_scores(platform, tool, scores: list[float], *, outage: bool = False) -> str:
    """Teacher launch, NRPS roster pull, then (the LMS down if ``outage``) one score per
    student; returns the line item id."""
    client = requests.Session()
    link = add_link(platform)
    resp = launch(client, platform, link, "t-ivanova")
    token, page = launch_token(resp), page_url(resp).split("?")[0]
    resp = client.post(page + "/roster", data={"lt": token}, timeout=30)
    students = html.fromstring(resp.text).xpath('//input[@name="student"]/@value')
    assert len(students) >= len(scores)
    platform.services_down = outage
    for student, score in zip(students, scores, strict=False):
        resp = client.post(page + "/scores", data={"lt": token, "student": student,
                                                   "score": str(score)}, timeout=30)
        assert resp.status_code == 200, resp.text
    assert link.lineitem_id
    return link.lineitem_id


def _rows(tool) -> list[OutboxScore]:
    with tool.db.session() as s:
        return list(s.scalars(select(OutboxScore).order_by(OutboxScore.id)))


def _make_due(tool) -> None:
    with tool.db.session() as s:
        s.execute(update(OutboxScore).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def test_score_survives_an_outage_and_lands_once(platform, tool):
    secret = tool.app.config["SECRET_KEY"]
    item_id = _post_scores(platform, tool, [4.5], outage=True)

    before = utcnow()
    assert deliver_due(tool.db, secret, allow_private=True) == {"sent": 0, "retry": 1, "failed": 0}
    (row,) = _rows(tool)
    assert row.status == "pending" and row.attempts == 1 and row.sent_at is None
    assert "503" in row.last_error
    assert row.next_attempt_at >= before + backoff(1) - timedelta(seconds=1)
    assert platform.lineitems[item_id].scores == {}

    # Not due yet: a delivery run right away leaves it alone, even with the LMS back.
    platform.services_down = False
    assert deliver_due(tool.db, secret, allow_private=True) == {"sent": 0, "retry": 0, "failed": 0}
    assert _rows(tool)[0].attempts == 1

    _make_due(tool)
    assert deliver_due(tool.db, secret, allow_private=True) == {"sent": 1, "retry": 0, "failed": 0}
    (row,) = _rows(tool)
    assert row.status == "sent" and row.attempts == 2 and row.last_error == ""
    scores = platform.lineitems[item_id].scores
    assert [s["scoreGiven"] for s in scores.values()] == [4.5]
    assert platform.score_posts == 1

    _make_due(tool)
    assert deliver_due(tool.db, secret, allow_private=True) == {"sent": 0, "retry": 0, "failed": 0}
    assert platform.score_posts == 1


def test_backoff_grows_with_each_failed_attempt(platform, tool):
    secret = tool.app.config["SECRET_KEY"]
    _post_scores(platform, tool, [3.0], outage=True)
    delays = []
    for attempt in (1, 2, 3):
        _make_due(tool)
        start = utcnow()
        assert deliver_due(tool.db, secret, allow_private=True)["retry"] == 1
        row = _rows(tool)[0]
        assert row.attempts == attempt
        delays.append(row.next_attempt_at - start)
    assert delays[0] < delays[1] < delays[2]
    assert platform.score_posts == 0


def test_two_deliverers_at_once_post_each_score_once(platform, tool):
    secret = tool.app.config["SECRET_KEY"]
    item_id = _post_scores(platform, tool, [5.0, 4.0, 3.0])
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(10)
            results.append(deliver_due(tool.db, secret, allow_private=True))
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sum(r["sent"] for r in results) == 3
    assert sum(r["retry"] + r["failed"] for r in results) == 0
    assert platform.score_posts == 3
    assert sorted(s["scoreGiven"] for s in platform.lineitems[item_id].scores.values()) == [
        3.0, 4.0, 5.0]
    assert {r.status for r in _rows(tool)} == {"sent"}
    assert {r.attempts for r in _rows(tool)} == {1}


def test_a_long_outage_keeps_the_score_and_the_teacher_sends_it_again(platform, tool):
    """Issue 7: after ≈13 h of LMS outage scores were dropped for good. Automatic tries
    now stop after about three days; the score is kept, shown, and sent again on demand."""
    from lti_tool.lms_scores.rules import MAX_ATTEMPTS

    secret = tool.app.config["SECRET_KEY"]
    assert sum(backoff(n).total_seconds() for n in range(1, MAX_ATTEMPTS)) > 2.5 * 86400
    client = requests.Session()
    link = add_link(platform)
    resp = launch(client, platform, link, "t-ivanova")
    token, page = launch_token(resp), page_url(resp).split("?")[0]
    resp = client.post(page + "/roster", data={"lt": token}, timeout=30)
    student = html.fromstring(resp.text).xpath('//input[@name="student"]/@value')[0]
    platform.services_down = True
    client.post(page + "/scores", data={"lt": token, "student": student, "score": "4"},
                timeout=30)
    with tool.db.session() as s:
        s.execute(update(OutboxScore).values(attempts=MAX_ATTEMPTS - 1))
    _make_due(tool)
    assert deliver_due(tool.db, secret, allow_private=True)["failed"] == 1
    (row,) = _rows(tool)
    assert row.status == "failed"  # kept, not dropped

    shown = client.get(page, params={"lt": token}, timeout=30)
    assert 'data-testid="failed-scores"' in shown.text and "Отправить снова" in shown.text
    student_view = launch(requests.Session(), platform, link, "s-petrov")  # no such button
    assert "Отправить снова" not in student_view.text

    platform.services_down = False
    again = client.post(page + "/scores/retry", data={"lt": token}, timeout=30)
    assert again.status_code == 200 and "Снова отправляются баллы: 1" in again.text
    (row,) = _rows(tool)
    assert row.status == "pending" and row.attempts == 0
    assert deliver_due(tool.db, secret, allow_private=True)["sent"] == 1
    assert [s["scoreGiven"] for s in platform.lineitems[link.lineitem_id].scores.values()] == [4]


def test_a_student_cannot_resend_scores(platform, tool):
    client = requests.Session()
    link = add_link(platform)
    resp = launch(client, platform, link, "t-ivanova")
    page = page_url(resp).split("?")[0]
    student = launch(requests.Session(), platform, link, "s-petrov")
    forbidden = requests.post(page + "/scores/retry", data={"lt": launch_token(student)},
                              timeout=30)
    assert forbidden.status_code == 403


def test_service_urls_on_an_internal_address_are_refused(platform, tool):
    """Issue 7: the AGS/NRPS calls went to whatever URLs the platform named, so a hostile
    platform could make the tool call into its own network. Without
    MARSHRUT_ALLOW_PRIVATE_URLS an internal address is refused like any remote error: the
    score waits in the outbox, nothing reaches the address."""
    secret = tool.app.config["SECRET_KEY"]
    item_id = _post_scores(platform, tool, [3.0])
    tokens_before = platform.score_posts
    assert deliver_due(tool.db, secret) == {"sent": 0, "retry": 1, "failed": 0}
    (row,) = _rows(tool)
    assert row.status == "pending" and "внутренний" in row.last_error
    assert platform.lineitems[item_id].scores == {} and platform.score_posts == tokens_before
    _make_due(tool)
    assert deliver_due(tool.db, secret, allow_private=True)["sent"] == 1  # the demo/test switch


def test_the_outbox_speaks_to_the_lms_through_the_grade_sink_port(platform, tool):
    """The AGS sink is a GradeSink like Moodle's push: it checks the connection, writes a
    score with its comment, and says when feedback reached the LMS."""
    from adapters.base import GradePush, GradeSink
    from lti_tool.lms_scores.services import sink_for

    secret = tool.app.config["SECRET_KEY"]
    item_id = _post_scores(platform, tool, [4.0])
    with tool.db.session() as s:
        row = s.scalars(select(OutboxScore)).one()
        sink, push = sink_for(s, row, secret, allow_private=True)
    assert isinstance(sink, GradeSink)
    assert push.activity_id.endswith(f"/lineitems/{item_id}")
    assert push.maximum == row.score["scoreMaximum"]
    with sink:
        assert "элементов оценивания в курсе" in sink.check()
        commented = GradePush(push.activity_id, push.student_id, 3.0, "Переделать №4",
                              push.maximum, push.timestamp)
        [ok, empty] = sink.push_grades([commented, GradePush(push.activity_id,
                                                              push.student_id, None)])
    assert ok.ok and ok.feedback_delivered is True
    assert not empty.ok and empty.message == "нет оценки для отправки"
    [given] = platform.lineitems[item_id].scores.values()
    assert given["scoreGiven"] == 3.0 and given["comment"] == "Переделать №4"
