"""Final marks of a network course into the home school's LMS gradebook by LTI AGS: the home
school places the partner's course in its own course of the demo LMS (Deep Linking), a
launch from there names the line items, and every recorded (or corrected) final mark goes
through the score outbox into that gradebook — over HTTP, once per version."""

from __future__ import annotations

from datetime import date, timedelta

import requests
from sqlalchemy import select, update

from lti_tool.db import utcnow
from lti_tool.exchange.models import GradebookLink, MarkPush, NetworkCourse, ReportCard
from lti_tool.journal.models import FinalMark
from lti_tool.lms_scores.models import OutboxScore
from lti_tool.lms_scores.rules import MAX_ATTEMPTS
from lti_tool.lms_scores.services import deliver_due
from lti_tool.network import services as network
from lti_tool.people import services as people
from lti_tool.people.models import IdentityLink
from tests.e2e.flow import follow, get, launch_token
from tests.e2e.lti_helpers import launch
from tests.exchange.test_requests_http import _decide
from tests.exchange.test_transfer import _journal

TERM = {"term_id": "1-е полугодие", "start": "2026-09-01", "end": "2026-12-28"}


def _enrolled_petrov(net) -> tuple[str, int]:
    """s-petrov of school № 37 («school», the demo LMS's algebra-10a) in the gymnasium's
    chemistry course; the same LMS account as his launches from the demo LMS."""
    course = net.add_course()
    student = net.token("student", "school", sub="s-petrov")
    assert net.post(f"/app/exchange/courses/{course}/request", student).status_code == 303
    (req,) = net.requests()
    _decide(net, req.public_id, net.token("admin", "school"))
    _decide(net, req.public_id, net.token("admin", "other"))
    assert net.requests()[0].state == "enrolled"
    return course, req.student_id


def _place_at_home(net, course: str):
    """School № 37's teacher places the partner's course in algebra-10a by Deep Linking."""
    client = requests.Session()
    resp = get(client, f"{net.platform.issuer}/deeplink/algebra-10a?user=t-ivanova")
    token = launch_token(resp)
    picker = client.get(net.tool.base + "/lti/deeplink/", params={"lt": token}, timeout=30)
    assert f"network_course:{course}" in picker.text
    follow(client, client.post(net.tool.base + "/lti/deeplink/", timeout=30, data={
        "lt": token, "target": f"network_course:{course}"}))
    (link,) = [lk for lk in net.platform.links.values()
               if lk.custom.get("target") == f"network_course:{course}"]
    return link


def _cards_delivered(net, course: str, student_id: int) -> str:
    _journal(net, student_id)  # 5, 4, 3 → 4
    host = net.token("admin", "other")
    assert net.post("/app/exchange/cards/generate", host,
                    {"course": course, **TERM}).status_code == 303
    assert net.post("/app/exchange/cards/sign", host,
                    {"course": course, "term_id": TERM["term_id"]}).status_code == 303
    with net.tool.db.session() as s:
        return s.scalars(select(ReportCard)).one().public_id


def _pushes(net) -> list[tuple[int, int, str, str]]:
    with net.tool.db.session() as s:
        return [(p.version, p.mark, p.channel, p.state) for p in s.scalars(
            select(MarkPush).order_by(MarkPush.id))]


def _outbox(net) -> list[OutboxScore]:
    with net.tool.db.session() as s:
        return list(s.scalars(select(OutboxScore).order_by(OutboxScore.id)))


def _due(net) -> dict[str, int]:
    with net.tool.db.session() as s:
        s.execute(update(OutboxScore).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        s.commit()
    return deliver_due(net.tool.db, net.tool.app.config["SECRET_KEY"], allow_private=True)


def _gradebook(net, course: str) -> dict[str, float]:
    """The demo LMS's column for the course's term: LMS user → score."""
    items = [i for i in net.platform.lineitems.values()
             if i.tag == f"marshrut-network:{course}:{TERM['term_id']}"]
    assert len(items) <= 1
    return {u: s["scoreGiven"] for u, s in items[0].scores.items()} if items else {}


def test_recorded_final_mark_reaches_the_home_lms_once_and_a_correction_follows(net):
    course, student_id = _enrolled_petrov(net)
    link = _place_at_home(net, course)
    page = launch(requests.Session(), net.platform, link, "s-petrov")
    assert page.status_code == 200 and "Химия в медицине" in page.text
    with net.tool.db.session() as s:
        (gb,) = s.scalars(select(GradebookLink)).all()
        assert gb.home_org_id == net.tool.org_id
        assert gb.lineitems_url.endswith("/courses/algebra-10a/lineitems")
    public = _cards_delivered(net, course, student_id)
    home = net.token("admin", "school")
    cards_page = net.get("/app/exchange/cards/", home).text
    assert "уйдёт в LMS (LTI AGS) после внесения в журнал" in cards_page

    net.platform.services_down = True  # the home LMS is down when the mark is recorded
    assert net.post("/app/exchange/cards/record", home, {"card": public}).status_code == 303
    assert _pushes(net) == [(1, 4, "ags", "outbox")]
    assert _due(net) == {"sent": 0, "retry": 1, "failed": 0}
    assert "не доставлена" not in net.get("/app/exchange/cards/", home).text
    assert "в очереди" in net.get("/app/exchange/cards/", home).text
    assert _gradebook(net, course) == {}

    net.platform.services_down = False
    assert _due(net) == {"sent": 1, "retry": 0, "failed": 0}
    assert _gradebook(net, course) == {"s-petrov": 4.0}
    posts = net.platform.score_posts
    assert _due(net) == {"sent": 0, "retry": 0, "failed": 0}  # never twice
    assert net.platform.score_posts == posts
    shown = net.get("/app/exchange/cards/", home).text
    cell = shown.split(f'data-testid="lms-{public}"')[1].split("</td>")[0]
    assert "в журнале LMS" in cell and "отметка 4" in cell

    # the host's network teacher corrects the mark: the home journal and gradebook follow
    host = net.token("teacher", "other", n=2)
    with net.tool.db.session() as s:
        teacher = people.person_by_identity(s, "lti", net.platform.issuer, "teacher-other-2")
        s.execute(update(NetworkCourse).values(teacher_id=teacher.id))
        s.commit()
    assert net.post("/app/exchange/cards/correct", host,
                    {"card": public, "mark": "5"}).status_code == 303
    assert net.post("/app/exchange/cards/correct", host,  # the same again: nothing new
                    {"card": public, "mark": "5"}).status_code == 303
    assert _pushes(net) == [(1, 4, "ags", "outbox"), (2, 5, "ags", "outbox")]
    assert _due(net)["sent"] == 1
    assert _gradebook(net, course) == {"s-petrov": 5.0}
    with net.tool.db.session() as s:
        (final,) = s.scalars(select(FinalMark)).all()
        assert (final.organisation_id, final.value) == (net.tool.org_id, 5)
    cell = net.get("/app/exchange/cards/", home).text.split(
        f'data-testid="lms-{public}"')[1].split("</td>")[0]
    assert "отметка 5" in cell and "исправление 2" in cell
    # a student's later launch changes nothing in the link (no write per launch)
    launch(requests.Session(), net.platform, link, "s-petrov")
    with net.tool.db.session() as s:
        assert len(s.scalars(select(GradebookLink)).all()) == 1


def test_marks_recorded_before_the_lms_link_follow_it_and_no_lms_means_nothing(net):
    course, student_id = _enrolled_petrov(net)
    public = _cards_delivered(net, course, student_id)
    home = net.token("admin", "school")
    assert "LMS не подключена" in net.get("/app/exchange/cards/", home).text
    assert net.post("/app/exchange/cards/record", home, {"card": public}).status_code == 303
    assert _pushes(net) == [] and _outbox(net) == []  # no LMS: only the journal
    link = _place_at_home(net, course)
    launch(requests.Session(), net.platform, link, "s-petrov")
    assert _pushes(net) == [(1, 4, "ags", "outbox")]
    assert _due(net)["sent"] == 1
    assert _gradebook(net, course) == {"s-petrov": 4.0}


def test_forbidden_corrections_and_links_change_nothing(net):
    course, student_id = _enrolled_petrov(net)
    link = _place_at_home(net, course)
    launch(requests.Session(), net.platform, link, "s-petrov")
    public = _cards_delivered(net, course, student_id)
    home = net.token("admin", "school")
    assert net.post("/app/exchange/cards/record", home, {"card": public}).status_code == 303
    before, pushes, outbox = net.snapshot(), _pushes(net), len(_outbox(net))
    refused = [
        # only the host's teacher or coordinator records marks
        (net.post("/app/exchange/cards/correct", home, {"card": public, "mark": "2"}), 403),
        (net.post("/app/exchange/cards/correct", net.token("student", "school", sub="s-petrov"),
                  {"card": public, "mark": "5"}), 403),
        (net.post("/app/exchange/cards/correct", net.token("teacher", "other"),
                  {"card": public, "mark": "2"}), 404),  # not the course's teacher
        (net.post("/app/exchange/cards/correct", net.token("admin", "outside"),
                  {"card": public, "mark": "2"}), 404),
        (net.post("/app/exchange/cards/correct", net.token("admin", "other"),
                  {"card": "not-a-card", "mark": "2"}), 404),
        # the Moodle activity: only the home school's coordinator, of its own connection
        (net.post("/app/exchange/cards/gradebook", net.token("admin", "other"),
                  {"course": course, "connection": "x", "activity": "501"}), 403),
        (net.post("/app/exchange/cards/gradebook", net.token("admin", "outside"),
                  {"course": course, "connection": "x", "activity": "501"}), 404),
        (net.post("/app/exchange/cards/gradebook", net.token("student", "school", sub="s-petrov"),
                  {"course": course, "connection": "x", "activity": "501"}), 403),
    ]
    for resp, status in refused:
        assert resp.status_code == status, (resp.request.body, resp.status_code)
    bad = net.post("/app/exchange/cards/correct", net.token("admin", "other"),
                   {"card": public, "mark": "7"})
    assert bad.status_code == 303
    assert "Итоговая отметка: Отметка от 1 до 5." in requests.get(
        net.tool.base + bad.headers["Location"], timeout=30).text
    unknown = net.post("/app/exchange/cards/gradebook", home,
                       {"course": course, "connection": "not-mine", "activity": "501"})
    assert unknown.status_code == 303
    assert net.snapshot() == before
    assert _pushes(net) == pushes and len(_outbox(net)) == outbox
    with net.tool.db.session() as s:
        assert s.scalars(select(GradebookLink)).one().activity_id == ""


def test_nothing_crosses_to_a_school_outside_the_network(net):
    """A launch of the course at the host's own or an outsider's deployment names no home
    gradebook; after the host leaves the network, a recorded mark goes nowhere."""
    course, student_id = _enrolled_petrov(net)
    # the host (gymnasium) and the outsider launch the course with AGS from their LMS
    from tests.e2e.lti_helpers import begin_login, post_launch, sign, valid_claims
    from tests.sync.launches import ROLES

    ags = {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                     "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
           "lineitems": net.platform.endpoint("/courses/physics-11b/lineitems")}
    for deployment, status in (("dep-other", 200), ("dep-outside", 404)):
        client = requests.Session()
        auth = begin_login(client, net.platform, net.tool.base)
        claims = valid_claims(net.platform, auth, sub=f"t-{deployment}", name="Учитель",
                              lti_roles=ROLES["teacher"], lti_deployment_id=deployment,
                              lti_custom={"target": f"network_course:{course}"},
                              **{"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags})
        resp = post_launch(client, net.tool.base, sign(net.platform, claims), auth["state"])
        token = launch_token(follow(client, resp)) if resp.is_redirect else launch_token(resp)
        page = client.get(net.tool.base + "/app/exchange/placed", params={"lt": token},
                          timeout=30)
        assert page.status_code == status
    with net.tool.db.session() as s:
        assert s.scalars(select(GradebookLink)).all() == []

    link = _place_at_home(net, course)
    launch(requests.Session(), net.platform, link, "s-petrov")
    public = _cards_delivered(net, course, student_id)
    with net.tool.db.session() as s:
        (net_row,) = [n for n in network.networks_of(s, net.tool.other_org_id)]
        network.exit_by_decision(s, net_row, net.tool.other_org_id, decision_ref="№ 7",
                                 left_on=date.today())
        s.commit()
    home = net.token("admin", "school")
    assert net.post("/app/exchange/cards/record", home, {"card": public}).status_code == 303
    with net.tool.db.session() as s:
        assert s.scalars(select(ReportCard)).one().state == "recorded"  # the journal has it
    assert _pushes(net) == [] and _outbox(net) == []
    assert _due(net)["sent"] == 0 and _gradebook(net, course) == {}


def test_a_mark_waits_for_the_student_s_lms_id_and_goes_at_their_launch(net):
    course, student_id = _enrolled_petrov(net)
    link = _place_at_home(net, course)
    launch(requests.Session(), net.platform, link, "t-ivanova")  # the teacher opens it
    public = _cards_delivered(net, course, student_id)
    with net.tool.db.session() as s:  # known to the tool, not (yet) as that LMS's user
        held = s.scalars(select(IdentityLink).where(IdentityLink.person_id == student_id,
                                                    IdentityLink.source == "lti")).one()
        saved = (held.namespace, held.external_id)
        s.delete(held)
        s.commit()
    home = net.token("admin", "school")
    assert net.post("/app/exchange/cards/record", home, {"card": public}).status_code == 303
    assert _pushes(net) == [(1, 4, "ags", "failed")] and _outbox(net) == []
    cell = net.get("/app/exchange/cards/", home).text.split(
        f'data-testid="lms-{public}"')[1].split("</td>")[0]
    assert "ученик ни разу не входил из LMS школы" in cell and "Отправить снова" not in cell
    with net.tool.db.session() as s:  # the accounts are linked (e.g. by the school admin)
        s.add(IdentityLink(person_id=student_id, source="lti", namespace=saved[0],
                           external_id=saved[1]))
        s.commit()
    launch(requests.Session(), net.platform, link, "s-petrov")
    assert _pushes(net) == [(1, 4, "ags", "superseded"), (2, 4, "ags", "outbox")]
    launch(requests.Session(), net.platform, link, "s-petrov")  # again: nothing more
    assert len(_pushes(net)) == 2
    assert _due(net)["sent"] == 1 and _gradebook(net, course) == {"s-petrov": 4.0}


def test_the_home_coordinator_sends_a_mark_again_after_the_tries_ran_out(net):
    course, student_id = _enrolled_petrov(net)
    link = _place_at_home(net, course)
    launch(requests.Session(), net.platform, link, "s-petrov")
    public = _cards_delivered(net, course, student_id)
    home = net.token("admin", "school")
    net.platform.services_down = True
    assert net.post("/app/exchange/cards/record", home, {"card": public}).status_code == 303
    with net.tool.db.session() as s:
        s.execute(update(OutboxScore).values(attempts=MAX_ATTEMPTS - 1))
        s.commit()
    assert _due(net) == {"sent": 0, "retry": 0, "failed": 1}
    cell = net.get("/app/exchange/cards/", home).text.split(
        f'data-testid="lms-{public}"')[1].split("</td>")[0]
    assert "не доставлена" in cell and "Отправить снова" in cell
    before, rows = net.snapshot(), [(r.status, r.attempts) for r in _outbox(net)]
    for token, status in ((net.token("admin", "other"), 404),
                          (net.token("admin", "outside"), 404),
                          (net.token("student", "school", sub="s-petrov"), 403)):
        assert net.post("/app/exchange/cards/resend", token, {"card": public}
                        ).status_code == status
    assert net.snapshot() == before and [(r.status, r.attempts) for r in _outbox(net)] == rows
    assert net.post("/app/exchange/cards/resend", home, {"card": public}).status_code == 303
    assert [(r.status, r.attempts) for r in _outbox(net)] == [("pending", 0)]
    net.platform.services_down = False
    assert _due(net)["sent"] == 1 and _gradebook(net, course) == {"s-petrov": 4.0}


def test_the_network_teacher_corrects_from_the_group_s_report_cards(net):
    """The course's network teacher reaches the cards from the group's journal and sees the
    correction form for their group only; a colleague of the host school sees none of it."""
    course, student_id = _enrolled_petrov(net)
    public = _cards_delivered(net, course, student_id)
    teacher = net.token("teacher", "other", n=2)
    with net.tool.db.session() as s:
        person = people.person_by_identity(s, "lti", net.platform.issuer, "teacher-other-2")
        s.execute(update(NetworkCourse).values(teacher_id=person.id))
        s.commit()
    journal = net.get(f"/app/exchange/courses/{course}/journal", teacher)
    assert 'data-testid="cards-link"' in journal.text
    page = net.get("/app/exchange/cards/", teacher)
    assert page.status_code == 200 and f'value="{public}"' in page.text
    assert "Исправить итоговую отметку" in page.text
    assert "Подписать и передать" not in page.text  # signing stays the coordinator's
    colleague = net.get("/app/exchange/cards/", net.token("teacher", "other"))
    assert colleague.status_code == 200 and public not in colleague.text
    home_teacher = net.get("/app/exchange/cards/", net.token("teacher", "school"))
    assert home_teacher.status_code == 200 and public not in home_teacher.text
    assert net.post("/app/exchange/cards/correct", teacher,
                    {"card": public, "mark": "3"}).status_code == 303
    with net.tool.db.session() as s:
        assert s.scalars(select(ReportCard)).one().mark == 3
