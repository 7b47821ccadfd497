"""The council over HTTP with real launches: the coordinator convenes the first meeting, the
council elects its chair and secretary by roll-call, the tool computes each outcome from the
members' ballots and refuses (with figures) what the rules do not allow, an organisation is
admitted only by decision, the minutes are signed, locked and printed."""

from __future__ import annotations

import io
from datetime import date

import requests
from pypdf import PdfReader
from sqlalchemy import func, select

from lti_tool.network import services as network_services
from lti_tool.network.council.models import (
    CouncilBallot,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
)
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


def _counts(tool) -> tuple[int, int, int, list[str], int]:
    with tool.db.session() as s:
        return (s.scalar(select(func.count(CouncilDecision.id))) or 0,
                s.scalar(select(func.count(CouncilMeeting.id))) or 0,
                s.scalar(select(func.count(CouncilMember.id))) or 0,
                [m.status for m in s.scalars(select(CouncilMeeting).order_by(CouncilMeeting.id))],
                s.scalar(select(func.count(CouncilBallot.id))) or 0)


def _ballots(ids: dict[str, str], **votes: str) -> dict[str, str]:
    """Form fields of a roll-call: {"Смирнова Анна": "for"} → {"ballot-<member pid>": "for"}."""
    names = {"smirnova": "Смирнова Анна", "kovalev": "Ковалёв Пётр", "ivanov": "Иванов Иван"}
    return {f"ballot-{ids[names[k]]}": v for k, v in votes.items()}


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
        ids = {s.get_one(Person, m.person_id).display_name: m.public_id
               for m in s.scalars(select(CouncilMember))}
        school5 = s.scalars(select(Organisation.id).where(Organisation.slug == "s5")).one()
    mpath = f"{base}/meetings/{mid}"
    # Only one of three present: not competent, every decision refused with the figures.
    _post(tool, mpath + "/attendance", lt["coord"], present=[ids["Смирнова Анна"]])
    refused = _post(tool, mpath + "/decisions", lt["coord"], kind="elect_chair",
                    text="Избрать председателем Смирнову А.", subject_member=ids["Смирнова Анна"],
                    **_ballots(ids, smirnova="for"))
    assert refused.status_code == 422
    assert ("Заседание неправомочно: присутствует 1 из 3 членов совета, нужно больше половины"
            " — не меньше 2") in refused.text
    assert _counts(tool)[0] == 0 and _counts(tool)[4] == 0
    resp = _post(tool, mpath + "/attendance", lt["coord"],
                 present=[ids["Смирнова Анна"], ids["Ковалёв Пётр"]])
    assert "Присутствуют 2 из 3" in resp.text
    for kind, who in (("elect_chair", "Смирнова Анна"), ("elect_secretary", "Ковалёв Пётр")):
        resp = _post(tool, mpath + "/decisions", lt["coord"], kind=kind, text=f"Избрать {who}",
                     subject_member=ids[who], **_ballots(ids, smirnova="for", kovalev="for"))
        assert resp.status_code == 200 and "Решение записано: принято" in resp.text, resp.text
    with tool.db.session() as s:
        chair = s.scalars(select(CouncilDecision).order_by(CouncilDecision.id)).first()
        assert chair is not None and chair.tally_source == "ballots"
        assert sorted((s.get_one(Person, b.member.person_id).display_name, b.choice,
                        b.organisation_id)
                      for b in chair.ballots) == [("Ковалёв Пётр", "for", tool.org_id),
                                                  ("Смирнова Анна", "for", tool.org_id)]
        assert (chair.votes_for, chair.votes_against, chair.present) == (2, 0, 2)
    # Exactly 50 % of those present is not a majority: recorded as NOT adopted, with the rule.
    short = _post(tool, mpath + "/decisions", lt["coord"], kind="admit",
                  text="Принять МБОУ СШ № 5", subject_org=str(school5),
                  **_ballots(ids, smirnova="for", kovalev="against"))
    assert short.status_code == 200 and "Решение записано: не принято" in short.text
    assert ("«за» 1 из 2 присутствующих (50 %), нужно больше 50 % — не меньше 2"
            in short.text)
    with tool.db.session() as s:
        assert not network_services.is_member(s, 1, school5, on=date(2025, 9, 15))
    # Removing a member needs two thirds of the whole council (2 of 3): 1 is not enough.
    removal = _post(tool, mpath + "/decisions", lt["coord"], kind="remove_member",
                    text="Вывести Иванова И.", subject_member=ids["Иванов Иван"],
                    **_ballots(ids, smirnova="for", kovalev="abstain"))
    assert "не меньше двух третей всего состава — 2" in removal.text
    with tool.db.session() as s:
        ivanov = s.scalars(select(CouncilMember).where(
            CouncilMember.public_id == ids["Иванов Иван"])).one()
        assert ivanov.until is None
    ok = _post(tool, mpath + "/decisions", lt["coord"], kind="admit", text="Принять МБОУ СШ № 5",
               subject_org=str(school5), **_ballots(ids, smirnova="for", kovalev="for"))
    assert ok.status_code == 200 and "Решение записано: принято" in ok.text
    with tool.db.session() as s:
        net = network_services.network_by_public_id(s, pid)
        assert net is not None and network_services.is_member(s, net.id, school5)
    page = _get(tool, mpath, lt["teacher"]).text
    assert "против: Ковалёв Пётр" in page and "воздержались: Ковалёв Пётр" in page
    # The secretary (a teacher) may not sign as chair; each signs as themself.
    assert _post(tool, mpath + "/sign", lt["teacher"], office="chair").status_code == 403
    assert _post(tool, mpath + "/sign", lt["coord"], office="chair").status_code == 200
    done = _post(tool, mpath + "/sign", lt["teacher"], office="secretary")
    assert done.status_code == 200 and "Протокол подписан" in done.text
    locked = _counts(tool)
    assert locked[3] == ["signed"]
    # A locked minute changes no more: no new vote, no attendance, nothing stored.
    late = _post(tool, mpath + "/decisions", lt["teacher"], text="Ещё одно",
                 **_ballots(ids, smirnova="for", kovalev="for"))
    assert late.status_code == 422 and "Протокол подписан: изменять его нельзя" in late.text
    again = _post(tool, mpath + "/attendance", lt["teacher"], present=[ids["Иванов Иван"]])
    assert again.status_code == 409 and "Протокол подписан" in again.text
    assert _counts(tool) == locked
    with tool.db.session() as s:
        m = s.scalars(select(CouncilMeeting)).one()
        assert sorted(a.present for a in m.attendance) == [False, True, True]
    pdf = _get(tool, mpath + "/minutes.pdf", lt["teacher"])
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for part in ("Протокол № 1", "Сеть школы № 37", "Смирнова Анна", "Ковалёв Пётр",
                 "Иванов Иван", "Принять МБОУ СШ № 5", "Решение принято",
                 "Председатель", "Секретарь", "«за» — 2", "против: Ковалёв Пётр"):
        assert part in text, part


def test_only_present_members_vote_once_each(platform, tool):
    """A non-member, an absent member, a second ballot and an unknown choice are refused and
    store nothing; a decision recorded as counts before the ballots still reads."""
    pid, lt = _setup(platform, tool)
    base = f"/app/network/{pid}/council"
    for sub in ("admin-dep-school", "teacher-dep-school", "admin-dep-other"):
        _post(tool, base + "/members", lt["coord"], person=_person(tool, sub),
              position="director", since="2025-09-01")
    _post(tool, base + "/meetings", lt["coord"], held_on="2025-09-15", agenda="Вопрос")
    with tool.db.session() as s:
        mid = s.scalars(select(CouncilMeeting.public_id)).one()
        ids = {s.get_one(Person, m.person_id).display_name: m.public_id
               for m in s.scalars(select(CouncilMember))}
    mpath = f"{base}/meetings/{mid}"
    _post(tool, mpath + "/attendance", lt["coord"],
          present=[ids["Смирнова Анна"], ids["Ковалёв Пётр"]])
    before = _counts(tool)
    outsider = _person(tool, "admin-dep-school")  # a person's id, not a council seat
    for fields, said in (
            ({f"ballot-{outsider}": "for", **_ballots(ids, smirnova="for")},
             "не член совета: голосовать он не может"),
            (_ballots(ids, smirnova="for", ivanov="for"),
             "Голосуют только присутствующие на заседании члены совета")):
        resp = _post(tool, mpath + "/decisions", lt["coord"], text="Вопрос", **fields)
        assert resp.status_code == 422 and said in resp.text, resp.text
    twice = requests.post(tool.base + mpath + "/decisions", timeout=30, data=[
        ("lt", lt["coord"]), ("text", "Вопрос"), (f"ballot-{ids['Смирнова Анна']}", "for"),
        (f"ballot-{ids['Смирнова Анна']}", "for"), (f"ballot-{ids['Ковалёв Пётр']}", "against")])
    assert twice.status_code == 422 and "голосует по вопросу только один раз" in twice.text
    bad = _post(tool, mpath + "/decisions", lt["coord"], text="Вопрос",
                **_ballots(ids, smirnova="maybe"))
    assert bad.status_code == 400
    assert "Голоса: Выберите «за», «против» или «воздержался»" in bad.text
    none = _post(tool, mpath + "/decisions", lt["coord"], text="Вопрос")
    assert none.status_code == 400 and "Отметьте голос хотя бы одного присутствующего" in none.text
    assert _counts(tool) == before
    # A decision from before the ballots (counts only) stays readable on the page and in the PDF.
    ok = _post(tool, mpath + "/decisions", lt["coord"], text="Старое решение",
               **_ballots(ids, smirnova="for", kovalev="for"))
    assert ok.status_code == 200
    with tool.db.session() as s:
        old = s.scalars(select(CouncilDecision)).one()
        old.tally_source = "counts"
        old.ballots.clear()
        s.commit()
    page = _get(tool, mpath, lt["coord"]).text
    assert "записано числами, без поимённого голосования" in page
    assert "за 2, против 0, воздержались 0" in page
    pdf = _get(tool, mpath + "/minutes.pdf", lt["coord"])
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Старое решение" in text and "«за» — 2" in text


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
        assert _post(tool, mpath + "/decisions", who, text="x",
                     **{"ballot-x": "for"}).status_code == code
        assert _post(tool, mpath + "/attendance", who).status_code == code
        assert _post(tool, base + "/meetings", who, held_on="2025-10-01",
                     agenda="x").status_code == code
        assert _post(tool, base + "/members", who, person="x", position="director",
                     since="2025-09-01").status_code == code
        assert _post(tool, mpath + "/sign", who, office="chair").status_code == code
    for path in (base + "/", mpath, mpath + "/minutes.pdf"):
        assert _get(tool, path, outsider_lt).status_code == 404
    assert _post(tool, mpath + "/decisions", outsider_lt, text="x",
                 **{"ballot-x": "for"}).status_code == 404
    assert _counts(tool) == before
