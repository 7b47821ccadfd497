"""Report cards: made from the host's journal, signed off by the host, recorded at home as
final marks in the home school's journal; every other school and role is refused."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.exchange.models import ReportCard
from lti_tool.journal.models import FinalMark
from tests.exchange.test_transfer import _enrolled, _journal

TERM = {"term_id": "1-е полугодие", "start": "2026-09-01", "end": "2026-12-28"}


def test_cards_signed_by_the_host_land_in_the_home_journal(net):
    course, student_id = _enrolled(net)
    _journal(net, student_id)  # 5, 4, 3 → 4
    host, home = net.token("admin", "other"), net.token("admin", "school")
    before = net.snapshot()
    refused = [
        (net.post("/app/exchange/cards/generate", home, {"course": course, **TERM}), 403),
        (net.post("/app/exchange/cards/generate", net.token("admin", "outside"),
                  {"course": course, **TERM}), 404),
        (net.post("/app/exchange/cards/generate", net.token("student"),
                  {"course": course, **TERM}), 403),
        # a teacher sees the cards of the network groups they teach: here none
        (net.get("/app/exchange/cards/", net.token("teacher", "school")), 200),
    ]
    for resp, status in refused:
        assert resp.status_code == status, (resp.url, resp.status_code)
    assert net.snapshot() == before
    assert net.post("/app/exchange/cards/generate", host,
                    {"course": course, **TERM}).status_code == 303
    with net.tool.db.session() as s:
        (card,) = s.scalars(select(ReportCard)).all()
        assert (card.mark, card.absences, card.state) == (4, 1, "draft")
        public = card.public_id
    # the home school sees nothing before the host signs
    assert public not in net.get("/app/exchange/cards/", home).text
    assert net.post("/app/exchange/cards/sign", home,
                    {"course": course, "term_id": TERM["term_id"]}).status_code == 403
    assert net.post("/app/exchange/cards/sign", host,
                    {"course": course, "term_id": TERM["term_id"]}).status_code == 303
    page = net.get("/app/exchange/cards/", home)
    assert public in page.text
    before = net.snapshot()
    assert net.post("/app/exchange/cards/record", host, {"card": public}).status_code == 404
    assert net.post("/app/exchange/cards/record", net.token("student"),
                    {"card": public}).status_code == 403
    assert net.snapshot() == before
    assert net.post("/app/exchange/cards/record", home, {"card": public}).status_code == 303
    with net.tool.db.session() as s:
        (final,) = s.scalars(select(FinalMark)).all()
        assert (final.organisation_id, final.student_id, final.subject, final.term_id,
                final.value, final.source) == (net.tool.org_id, student_id, "Химия",
                                               "1-е полугодие", 4, "exchange")
        assert s.scalars(select(ReportCard)).one().state == "recorded"
    # the student sees their own card
    assert "1-е полугодие" in net.get("/app/exchange/cards/", net.token("student")).text
    assert net.post("/app/exchange/cards/record", home, {"card": public}).status_code == 404
