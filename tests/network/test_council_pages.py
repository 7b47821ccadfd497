"""The council over HTTP with real launches: the coordinator convenes the first meeting, the
council elects its chair and secretary, the tool refuses (with figures) what the rules do not
allow, an organisation is admitted only by decision, the minutes are signed and printed."""

from __future__ import annotations

import io
from datetime import date

import requests
from pypdf import PdfReader
from sqlalchemy import func, select

from lti_tool.network import services as network_services
from lti_tool.network.council.models import CouncilDecision, CouncilMeeting, CouncilMember
from lti_tool.people.models import IdentityLink, Organisation, Person
from tests.sync.launches import launch_token


def _post(tool, path: str, lt: str, **data) -> requests.Response:
    return requests.post(tool.base + path, data={"lt": lt, **data}, timeout=30)


def _get(tool, path: str, lt: str) -> requests.Response:
    return requests.get(tool.base + path, params={"lt": lt}, timeout=30)


def _person(tool, sub: str) -> str:
    with tool.db.session() as s:
        return s.scalars(select(Person.public_id).join(IdentityLink).where(
            IdentityLink.external_id == sub)).one()


def _counts(tool) -> tuple[int, int, int, list[str]]:
    with tool.db.session() as s:
        return (s.scalar(select(func.count(CouncilDecision.id))) or 0,
                s.scalar(select(func.count(CouncilMeeting.id))) or 0,
                s.scalar(select(func.count(CouncilMember.id))) or 0,
                [m.status for m in s.scalars(select(CouncilMeeting).order_by(CouncilMeeting.id))])


def _setup(platform, tool):
    with tool.db.session() as s:
        net = network_services.create_network(
            s, slug="net", name="Сеть школы № 37", coordinator_id=tool.org_id,
            joined_on=date(2025, 9, 1))
        network_services.admit_by_decision(s, net, tool.other_org_id, decision_ref="founding",
                                           joined_on=date(2025, 9, 1))
        s.add(Organisation(slug="s5", name="МБОУ СШ № 5"))
        pid = net.public_id
    lts = {"coord": launch_token(platform, tool, "admin", name="Смирнова Анна"),
           "teacher": launch_token(platform, tool, "teacher", name="Ковалёв Пётр"),
           "other": launch_token(platform, tool, "admin", deployment="dep-other",
                                 name="Иванов Иван")}
    return pid, lts


def test_the_council_from_first_meeting_to_signed_minutes(platform, tool):
    pid, lt = _setup(platform, tool)
    base = f"/app/network/{pid}/council"
    assert "Координационный совет" in _get(tool, f"/app/network/{pid}", lt["coord"]).text
    for sub, position in (("admin-dep-school", "director"), ("teacher-dep-school", "class_teacher"),
                          ("admin-dep-other", "director")):
        resp = _post(tool, base + "/members", lt["coord"], person=_person(tool, sub),
                     position=position, since="2025-09-01")
        assert resp.status_code == 200 and "Член совета добавлен" in resp.text, resp.text
    page = _get(tool, base + "/", lt["coord"])
    assert "Нет заседания в четверти" in page.text  # no meeting yet: the reminder
    resp = _post(tool, base + "/meetings", lt["coord"], held_on="2025-09-15",
                 place="Лицей № 1, каб. 12", agenda="Выборы председателя\nПриём школы № 5")
    assert resp.status_code == 200 and "Заседание назначено" in resp.text
    with tool.db.session() as s:
        mid = s.scalars(select(CouncilMeeting.public_id)).one()
        ids = {m.person.display_name: m.public_id for m in s.scalars(select(CouncilMember))}
        school5 = s.scalars(select(Organisation.id).where(Organisation.slug == "s5")).one()
    mpath = f"{base}/meetings/{mid}"
    # Only one of three present: not competent, every decision refused with the figures.
    _post(tool, mpath + "/attendance", lt["coord"], present=[ids["Смирнова Анна"]])
    refused = _post(tool, mpath + "/decisions", lt["coord"], kind="elect_chair",
                    text="Избрать председателем Смирнову А.", votes_for="1", outcome="adopted",
                    subject_member=ids["Смирнова Анна"])
    assert refused.status_code == 422
    assert ("Заседание неправомочно: присутствует 1 из 3 членов совета, нужно больше половины"
            " — не меньше 2") in refused.text
    assert _counts(tool)[0] == 0
    resp = _post(tool, mpath + "/attendance", lt["coord"],
                 present=[ids["Смирнова Анна"], ids["Ковалёв Пётр"]])
    assert "Присутствуют 2 из 3" in resp.text
    for kind, who in (("elect_chair", "Смирнова Анна"), ("elect_secretary", "Ковалёв Пётр")):
        resp = _post(tool, mpath + "/decisions", lt["coord"], kind=kind, text=f"Избрать {who}",
                     votes_for="2", outcome="adopted", subject_member=ids[who])
        assert resp.status_code == 200 and "Решение записано" in resp.text, resp.text
    # Exactly 50 % of those present is not a majority: refused, nothing recorded.
    before = _counts(tool)
    short = _post(tool, mpath + "/decisions", lt["coord"], kind="admit",
                  text="Принять МБОУ СШ № 5", votes_for="1", votes_against="1",
                  outcome="adopted", subject_org=str(school5))
    assert short.status_code == 422 and ("«за» 1 из 2 присутствующих (50 %), нужно больше"
                                         " 50 % — не меньше 2") in short.text
    with tool.db.session() as s:
        assert not network_services.is_member(s, 1, school5, on=date(2025, 9, 15))
    # Removing a member needs two thirds of the whole council (2 of 3): 1 is refused.
    removal = _post(tool, mpath + "/decisions", lt["coord"], kind="remove_member",
                    text="Вывести Иванова И.", votes_for="1", votes_against="1",
                    outcome="adopted", subject_member=ids["Иванов Иван"])
    assert removal.status_code == 422 and "не меньше двух третей всего состава — 2" in removal.text
    assert _counts(tool) == before
    ok = _post(tool, mpath + "/decisions", lt["coord"], kind="admit", text="Принять МБОУ СШ № 5",
               votes_for="2", outcome="adopted", subject_org=str(school5))
    assert ok.status_code == 200
    with tool.db.session() as s:
        net = network_services.network_by_public_id(s, pid)
        assert net is not None and network_services.is_member(s, net.id, school5)
    # The secretary (a teacher) may not sign as chair; each signs as themself.
    assert _post(tool, mpath + "/sign", lt["teacher"], office="chair").status_code == 403
    assert _post(tool, mpath + "/sign", lt["coord"], office="chair").status_code == 200
    done = _post(tool, mpath + "/sign", lt["teacher"], office="secretary")
    assert done.status_code == 200 and "Протокол подписан" in done.text
    assert _counts(tool)[3] == ["signed"]
    late = _post(tool, mpath + "/decisions", lt["teacher"], text="Ещё одно", votes_for="2",
                 outcome="adopted")
    assert late.status_code == 403 or "Протокол подписан: изменять его нельзя" in late.text
    pdf = _get(tool, mpath + "/minutes.pdf", lt["teacher"])
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for part in ("Протокол № 1", "Сеть школы № 37", "Смирнова Анна", "Ковалёв Пётр",
                 "Иванов Иван", "Принять МБОУ СШ № 5", "Решение принято",
                 "Председатель", "Секретарь", "«за» — 2"):
        assert part in text, part


def test_forbidden_council_paths_change_nothing(platform, tool):
    pid, lt = _setup(platform, tool)
    base = f"/app/network/{pid}/council"
    _post(tool, base + "/members", lt["coord"], person=_person(tool, "admin-dep-school"),
          position="director", since="2025-09-01")
    _post(tool, base + "/meetings", lt["coord"], held_on="2025-09-15", agenda="Вопрос")
    with tool.db.session() as s:
        mid = s.scalars(select(CouncilMeeting.public_id)).one()
    before = _counts(tool)
    student = launch_token(platform, tool, "student")
    outsider_lt = launch_token(platform, tool, "admin", deployment="dep-other")
    with tool.db.session() as s:  # make the other school an outsider
        net = network_services.network_by_public_id(s, pid)
        assert net is not None
        network_services.exit_by_decision(s, net, tool.other_org_id, decision_ref="x",
                                          left_on=date(2025, 10, 1))
    mpath = f"{base}/meetings/{mid}"
    for who, code in ((lt["teacher"], 403), (student, 404)):  # staff read; pupils see nothing
        assert _get(tool, mpath, who).status_code == (200 if code == 403 else 404)
        assert _post(tool, mpath + "/decisions", who, text="x", votes_for="1",
                     outcome="adopted").status_code == code
        assert _post(tool, mpath + "/attendance", who).status_code == code
        assert _post(tool, base + "/meetings", who, held_on="2025-10-01",
                     agenda="x").status_code == code
        assert _post(tool, base + "/members", who, person="x", position="director",
                     since="2025-09-01").status_code == code
        assert _post(tool, mpath + "/sign", who, office="chair").status_code == code
    for path in (base + "/", mpath, mpath + "/minutes.pdf"):
        assert _get(tool, path, outsider_lt).status_code == 404
    assert _post(tool, mpath + "/decisions", outsider_lt, text="x", votes_for="1",
                 outcome="adopted").status_code == 404
    assert _counts(tool) == before
