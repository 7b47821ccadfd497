"""Every network page renders in Russian and in English for the coordinator, with no
untranslated placeholder left (a «%(n)s» or a lone «%%» in the page is a broken message)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import requests
from sqlalchemy import select

from lti_tool.network import services as network_services
from lti_tool.network.bank import services as bank
from lti_tool.network.council import services as council
from lti_tool.network.cycle import services as cycle
from lti_tool.network.events import services as events
from lti_tool.network.monitoring import services as monitoring
from lti_tool.people.models import IdentityLink, Person
from tests.sync.launches import launch_token


def test_every_page_in_both_languages(platform, tool):
    lt = launch_token(platform, tool, "admin")
    with tool.db.session() as s:
        me = s.scalars(select(Person).join(IdentityLink).where(
            IdentityLink.external_id == "admin-dep-school")).one()
        net = network_services.create_network(s, slug="n", name="Сеть", joined_on=date(2020, 1, 1),
                                              coordinator_id=tool.org_id)
        network_services.admit_by_decision(s, net, tool.other_org_id, decision_ref="d",
                                           joined_on=date(2020, 1, 1))
        member = council.add_member(s, net, person_id=me.id, organisation_id=tool.org_id,
                                    position="director", since=date(2020, 1, 1), actor_id=None)
        meeting = council.create_meeting(s, net, held_on=date.today(), place="Зал",
                                         agenda=["Вопрос"], actor_id=None)
        council.record_attendance(s, meeting, {member.id}, None)
        council.record_decision(s, net, meeting, council.Vote(
            "elect_chair", "Избрать", ((member.id, "for"),), subject_member_id=member.id), None)
        council.record_decision(s, net, meeting, council.Vote(
            "general", "Отклонить", ((member.id, "against"),)), None)
        cycle.generate_year(s, net, date.today().year - 1, None)
        bank.add_item(s, net.id, dict(title="Программа", public=True), actor_id=None,
                      author_org_id=tool.org_id)
        event = events.create_event(s, net, dict(
            title="Вебинар", starts_at=datetime.now(UTC) + timedelta(days=2)),
            organiser_org_id=tool.org_id, organiser_person_id=me.id)
        year, term = monitoring.current_term(date.today())
        monitoring.save(s, net.id, tool.org_id, year, term,
                        dict(lessons_total=10, lessons_with_eor=6), None)
        net.level = "regional"  # its page then offers to take networks in
        pid, mid, eid = net.public_id, meeting.public_id, event.public_id
    paths = ["/app/network/", f"/app/network/{pid}", f"/app/network/{pid}/council/",
             f"/app/network/{pid}/council/meetings/{mid}", f"/app/network/{pid}/cycle/",
             f"/app/network/{pid}/bank/", f"/app/network/{pid}/events/",
             f"/app/network/{pid}/events/{eid}", f"/app/network/{pid}/monitoring/"]
    for lang in ("ru", "en"):
        for path in paths:
            resp = requests.get(tool.base + path, params={"lt": lt, "lang": lang}, timeout=30)
            assert resp.status_code == 200, (lang, path, resp.status_code)
            assert "%(" not in resp.text and "%%" not in resp.text, (lang, path)
        for path in ("/network/n/registry", "/network/n/bank"):
            resp = requests.get(tool.base + path, params={"lang": lang}, timeout=30)
            assert resp.status_code == 200 and "%(" not in resp.text, (lang, path)
    english = requests.get(tool.base + f"/app/network/{pid}/council/",
                           params={"lt": lt, "lang": "en"}, timeout=30).text
    assert "Coordination council" in english and "more than 50 % of those present" in english
    regional = requests.get(tool.base + f"/app/network/{pid}", params={"lt": lt, "lang": "en"},
                            timeout=30).text
    assert "Take a network into the regional one" in regional
