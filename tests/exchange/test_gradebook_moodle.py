"""Final marks of a network course into the home school's Moodle by Web Services
(``core_grades_update_grades`` through ``adapters.moodle.push``), against the Moodle sandbox
over HTTP: the home school's Moodle sync connection, the activity its coordinator names, a
job with retries, once per version; AGS wins when both are there."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select, update

from adapters.moodle.sandbox import TOKEN, create_app, seeded
from lti_tool.db import utcnow
from lti_tool.exchange import rules
from lti_tool.exchange.gradebook import deliver_moodle_due
from lti_tool.exchange.models import GradebookLink, MarkPush
from lti_tool.lms_scores.models import OutboxScore
from lti_tool.people.models import IdentityLink
from lti_tool.sync import services as sync
from tests.adapters.moodle.conftest import Moodle
from tests.e2e.lti_helpers import launch
from tests.exchange.test_gradebook_push import (
    _cards_delivered,
    _enrolled_petrov,
    _place_at_home,
    _pushes,
)
from tests.servers import serve


@pytest.fixture
def moodle() -> Iterator[Moodle]:
    state = seeded()
    with serve(lambda base: create_app(state)) as (base, _app):
        yield Moodle(base, state)


def _connect(net, moodle: Moodle, student_id: int) -> tuple[str, int]:
    """School № 37's Moodle sync connection, the pupil linked as a sync would link him."""
    held = moodle.state.grades
    pupil = next(u.id for u in moodle.state.course_users(2)  # not already at 4 or 3
                 if moodle.state.roles[(2, u.id)] == "student"
                 and getattr(held.get((501, u.id)), "value", None) not in (3.0, 4.0))
    with net.tool.db.session() as s:
        conn = sync.create_connection(s, net.tool.org_id, {
            "kind": "moodle", "title": "Moodle школы № 37", "base_url": moodle.base,
            "token": TOKEN}, net.tool.app.config["SECRET_KEY"], None)
        s.add(IdentityLink(person_id=student_id, source="moodle",
                           namespace=f"{moodle.base}@org{net.tool.org_id}",
                           external_id=str(pupil)))
        s.commit()
        return conn.public_id, pupil


def _deliver(net) -> dict[str, int]:
    with net.tool.db.session() as s:
        s.execute(update(MarkPush).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        s.commit()
    return deliver_moodle_due(net.tool.db, net.tool.app.config["SECRET_KEY"],
                              allow_private=True)


def test_final_mark_reaches_the_home_moodle_once_with_retries_and_corrections(net, moodle):
    course, student_id = _enrolled_petrov(net)
    conn, pupil = _connect(net, moodle, student_id)
    home = net.token("admin", "school")
    public = _cards_delivered(net, course, student_id)
    # a made-up connection or a non-number is refused, with the field named
    for bad in ({"connection": "nope", "activity": "501"},
                {"connection": conn, "activity": "пятьсот"}):
        resp = net.post("/app/exchange/cards/gradebook", home, {"course": course, **bad})
        assert "Элемент курса в Moodle (id)" in requests.get(
            net.tool.base + resp.headers["Location"], timeout=30).text
    assert net.post("/app/exchange/cards/gradebook", home,
                    {"course": course, "connection": conn, "activity": "501"}
                    ).status_code == 303
    assert "уйдёт в Moodle после внесения в журнал" in net.get(
        "/app/exchange/cards/", home).text

    moodle.state.locked.add(501)  # the teacher locked the column: Moodle refuses
    assert net.post("/app/exchange/cards/record", home, {"card": public}).status_code == 303
    assert _pushes(net) == [(1, 4, "moodle", "pending")]
    assert _deliver(net) == {"sent": 0, "retry": 1, "failed": 0}
    cell = net.get("/app/exchange/cards/", home).text.split(
        f'data-testid="lms-{public}"')[1].split("</td>")[0]
    assert "в очереди" in cell and "заблокирован" in cell and "попыток: 1" in cell
    assert getattr(moodle.state.grades.get((501, pupil)), "value", None) != 4.0

    moodle.state.locked.discard(501)
    calls = len(moodle.calls("core_grades_update_grades"))
    # two job runs at once: the claim lets one of them send it
    results: list[dict[str, int]] = []
    with net.tool.db.session() as s:
        s.execute(update(MarkPush).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        s.commit()
    runs = [threading.Thread(target=lambda: results.append(deliver_moodle_due(
        net.tool.db, net.tool.app.config["SECRET_KEY"], allow_private=True)))
        for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert sum(r["sent"] for r in results) == 1
    assert len(moodle.calls("core_grades_update_grades")) == calls + 1
    assert moodle.state.grades[(501, pupil)].value == 4.0
    assert _deliver(net) == {"sent": 0, "retry": 0, "failed": 0}  # never twice
    assert "в журнале LMS" in net.get("/app/exchange/cards/", home).text

    assert net.post("/app/exchange/cards/correct", net.token("admin", "other"),
                    {"card": public, "mark": "3"}).status_code == 303
    assert _pushes(net) == [(1, 4, "moodle", "sent"), (2, 3, "moodle", "pending")]
    assert _deliver(net)["sent"] == 1
    assert moodle.state.grades[(501, pupil)].value == 3.0
    with net.tool.db.session() as s:
        assert s.scalars(select(OutboxScore)).all() == []  # Moodle's way: not the AGS outbox


def test_a_pupil_the_sync_never_linked_fails_with_the_reason_and_moodle_is_not_called(
        net, moodle):
    course, student_id = _enrolled_petrov(net)
    conn, _ = _connect(net, moodle, student_id)
    with net.tool.db.session() as s:
        s.query(IdentityLink).filter(IdentityLink.source == "moodle").delete()
        s.commit()
    home = net.token("admin", "school")
    net.post("/app/exchange/cards/gradebook", home,
             {"course": course, "connection": conn, "activity": "501"})
    public = _cards_delivered(net, course, student_id)
    net.post("/app/exchange/cards/record", home, {"card": public})
    assert _deliver(net)["retry"] == 1
    assert moodle.calls("core_grades_update_grades") == []
    assert "ученик не найден в Moodle школы" in net.get("/app/exchange/cards/", home).text


def test_with_both_the_ags_line_items_win(net, moodle):
    """One gradebook never gets the mark both ways: the LMS's own AGS claim decides."""
    course, student_id = _enrolled_petrov(net)
    conn, pupil = _connect(net, moodle, student_id)
    home = net.token("admin", "school")
    net.post("/app/exchange/cards/gradebook", home,
             {"course": course, "connection": conn, "activity": "501"})
    launch(requests.Session(), net.platform, _place_at_home(net, course), "s-petrov")
    with net.tool.db.session() as s:
        link = s.scalars(select(GradebookLink)).one()
        assert link.activity_id == "501" and link.lineitems_url
    public = _cards_delivered(net, course, student_id)
    net.post("/app/exchange/cards/record", home, {"card": public})
    assert _pushes(net) == [(1, 4, rules.CHANNEL_AGS, "outbox")]
    assert _deliver(net) == {"sent": 0, "retry": 0, "failed": 0}
    assert moodle.calls("core_grades_update_grades") == []


def test_a_failed_moodle_mark_is_sent_again_by_the_home_coordinator(net, moodle):
    course, student_id = _enrolled_petrov(net)
    conn, pupil = _connect(net, moodle, student_id)
    home = net.token("admin", "school")
    net.post("/app/exchange/cards/gradebook", home,
             {"course": course, "connection": conn, "activity": "501"})
    public = _cards_delivered(net, course, student_id)
    moodle.state.locked.add(501)
    net.post("/app/exchange/cards/record", home, {"card": public})
    with net.tool.db.session() as s:
        s.execute(update(MarkPush).values(attempts=rules.PUSH_MAX_ATTEMPTS - 1))
        s.commit()
    assert _deliver(net) == {"sent": 0, "retry": 0, "failed": 1}
    assert _deliver(net) == {"sent": 0, "retry": 0, "failed": 0}  # no more automatic tries
    before = net.snapshot()
    assert net.post("/app/exchange/cards/resend", net.token("admin", "other"),
                    {"card": public}).status_code == 404
    assert net.snapshot() == before
    assert net.post("/app/exchange/cards/resend", home, {"card": public}).status_code == 303
    assert _pushes(net) == [(1, 4, "moodle", "pending")]
    moodle.state.locked.discard(501)
    assert _deliver(net)["sent"] == 1 and moodle.state.grades[(501, pupil)].value == 4.0
