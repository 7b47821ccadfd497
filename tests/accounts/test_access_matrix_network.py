"""The network's routes (registry page, agreements, bank, council, annual cycle, events,
monitoring) with sign-in sessions only — local accounts, no LMS: the coordinator (admin of
the coordinating school), the partner school's admin, a teacher, a tutor and the partner
school's coordinator (role ``partner``), and an admin of a school outside the network;
a pupil of a member school and their parent through «Сетевой город» (no part in a network).

The coordinator builds the objects through the pages themselves (with the session's CSRF
token); a teacher registers for an event and gets the certificate. Then every route: the
allowed actors 200, the other members 403 (404 where the object is somebody's own), the
outsider, the pupil and the parent 404; every POST refused without CSRF and for those not
allowed, no table changed. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import select

from lti_tool.network.bank.models import BankItem
from lti_tool.network.council.models import CouncilMeeting
from lti_tool.network.cycle.models import CycleTask
from lti_tool.network.events.models import EventRegistration, NetworkEvent
from lti_tool.network.models import Agreement, Network, NetworkMember
from tests.accounts.access_catalogue import LIVE_NETWORK
from tests.accounts.conftest import SignIn, csrf_for, local_session
from tests.accounts.staff_matrix import Case, check
from tests.accounts.test_signin_family_pages import _family, _signed
from tests.exchange.conftest import Net, net  # noqa: F401 - the fixture

PDF = b"%PDF-1.4\n% signed\n"
MEMBERS = {"coord", "member", "teacher", "tutor", "partner"}
FIGS = dict(teachers_total="40", teachers_in_communities="12", teachers_at_events="9",
            vcs_lessons="15", lessons_total="600", lessons_with_eor="330")


def network_actors(nw: Net) -> dict[str, requests.Session]:
    """Everyone signed in with a local account (admins and the partner with TOTP on)."""
    school, other = nw.token("admin", "school"), nw.token("admin", "other")
    tool = nw.tool
    return {
        "coord": local_session(tool, school, "head@school.ru"),
        "member": local_session(tool, other, "head@other.ru"),
        "teacher": local_session(tool, school, "teacher@school.ru", "teacher"),
        "tutor": local_session(tool, school, "tutor@school.ru", "tutor"),
        "partner": local_session(tool, other, "coord@other.ru", "partner"),
        "outsider": local_session(tool, nw.token("admin", "outside"), "head@outside.ru"),
    }


def _post(nw: Net, client: requests.Session, path: str, files=None, **data) -> str:
    resp = client.post(nw.tool.base + path, data={**data, "csrf_token": csrf_for(
        client, nw.tool.base)}, files=files, allow_redirects=False, timeout=30)
    assert resp.status_code == 200, (path, resp.status_code, resp.text[:800])
    return resp.text


def _build(nw: Net, a: dict[str, requests.Session]) -> dict[str, str]:
    """The objects, made through the pages by the actors allowed to make them."""
    with nw.tool.db.session() as s:
        network = s.scalars(select(Network).where(Network.slug == "set-37")).one()
        rows = {m.organisation_id: m.public_id for m in s.scalars(select(NetworkMember).where(
            NetworkMember.network_id == network.id))}
    pid = network.public_id
    base = f"/app/network/{pid}"
    assert "Соглашение добавлено" in _post(
        nw, a["coord"], base + "/agreements", files={"document": ("s.pdf", PDF, "application/pdf")},
        title="Соглашение о сетевом взаимодействии", number="7", subjects="Химия",
        starts_on="2026-09-01", ends_on="2027-08-31", parties=list(rows.values()))
    assert "Материал добавлен" in _post(
        nw, a["teacher"], base + "/bank/items", files={"document": ("urok.pdf", PDF)},
        title="Урок по робототехнике", kind="lesson", subject="Технология")
    assert "Заседание назначено" in _post(
        nw, a["coord"], base + "/council/meetings", held_on="2026-09-15", place="каб. 12",
        agenda="Выборы председателя")
    assert "Задача добавлена" in _post(
        nw, a["coord"], base + "/cycle/tasks", title="Отчёт о мониторинге",
        due_on="2027-01-15", owner_org=str(nw.tool.other_org_id), owner_name="Иванов И. И.",
        owner_email="ivanov@other.ru")
    day = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    assert "Мероприятие назначено" in _post(
        nw, a["coord"], base + "/events/", kind="master_class", title="Цифровая лаборатория",
        starts_on=day, starts_time="15:00", hours="3", capacity="5",
        room_url="https://telemost.example/j/1", audience="Учителя")
    assert "Показатели сохранены" in _post(
        nw, a["member"], base + "/monitoring/", organisation=str(nw.tool.other_org_id),
        year="2026", term="2", **FIGS)
    with nw.tool.db.session() as s:
        ids = {"network_id": pid, "public_id": pid, "own": rows[nw.tool.org_id],
               "partner_row": rows[nw.tool.other_org_id],
               "agreement_id": s.scalars(select(Agreement.public_id)).one(),
               "item_id": s.scalars(select(BankItem.public_id)).one(),
               "meeting_id": s.scalars(select(CouncilMeeting.public_id)).one(),
               "task_id": s.scalars(select(CycleTask.public_id)).one(),
               "event_id": s.scalars(select(NetworkEvent.public_id)).one()}
    # The teacher registers; the coordinator marks her present: her certificate is due.
    event = f"{base}/events/{ids['event_id']}"
    assert "Вы зарегистрированы" in _post(nw, a["teacher"], event + "/register")
    with nw.tool.db.session() as s:
        rid = s.scalars(select(EventRegistration.public_id)).one()
    assert "Присутствовали: 1" in _post(nw, a["coord"], event + "/attendance", came=[rid])
    return ids


def _cases(ids: dict[str, str], org: str) -> list[Case]:
    n = {"network_id": ids["network_id"]}
    p = {"public_id": ids["public_id"]}
    meeting, event = {**n, "meeting_id": ids["meeting_id"]}, {**n, "event_id": ids["event_id"]}
    staff_write = {"coord", "member", "teacher"}  # teachers and admins; not tutor/partner
    return [
        Case("network.detail", "GET", p, MEMBERS),
        Case("network.agreement_document", "GET", {**p, "agreement_id": ids["agreement_id"]},
             {"coord", "member"}),  # the parties' admins
        Case("network.edit_entry", "POST", {**p, "member_id": ids["own"]}, {"coord"},
             data={"contact_name": "Чужой", "contact_email": "x@x.ru", "note": "правка"}),
        Case("network.add_agreement", "POST", p, {"coord"}, data={"title": "x"}),
        # Not a regional network: nobody attaches or detaches (the regional case: launches).
        Case("network.attach", "POST", p, set(), data={"child": ids["public_id"]}),
        Case("network.detach", "POST", {**p, "child_id": ids["public_id"]}, set()),
        Case("bank.index", "GET", n, MEMBERS),
        Case("bank.document", "GET", {**n, "item_id": ids["item_id"]}, MEMBERS),
        Case("bank.add", "POST", n, staff_write, data={"title": "x", "kind": "lesson"}),
        Case("bank.register_author", "POST", n, staff_write, data={"subjects": "x"}),
        Case("bank.review", "POST", {**n, "item_id": ids["item_id"]}, {"coord"},
             data={"status": "approved"}),
        Case("council.index", "GET", n, MEMBERS),
        Case("council.meeting", "GET", meeting, MEMBERS),
        Case("council.minutes", "GET", meeting, MEMBERS),
        Case("council.add_member", "POST", n, {"coord"}, data={"person": "x"}),
        Case("council.create_meeting", "POST", n, {"coord"}, data={"held_on": "2026-10-01"}),
        Case("council.attendance", "POST", meeting, {"coord"}),
        Case("council.decide", "POST", meeting, {"coord"}, data={"text": "x"}),
        Case("council.sign", "POST", meeting, set(), data={"office": "chair"}),  # no chair yet
        Case("cycle.index", "GET", n, MEMBERS),
        Case("cycle.generate", "POST", n, {"coord"}, data={"year": "2026"}),
        Case("cycle.add", "POST", n, {"coord"}, data={"title": "x"}),
        Case("cycle.done", "POST", {**n, "task_id": ids["task_id"]}, {"coord", "member"}),
        Case("events.index", "GET", n, MEMBERS),
        Case("events.detail", "GET", event, MEMBERS),
        Case("events.ics", "GET", event, MEMBERS),
        # The certificate and the credential are the participant's own: others find none.
        Case("events.certificate_pdf", "GET", event, {"teacher"}, refused=404),
        Case("events.badge", "GET", event, {"teacher"}, refused=404),
        Case("events.create", "POST", n, {"coord", "member"}, data={"title": "x"}),
        Case("events.register", "POST", event, staff_write),
        Case("events.attendance", "POST", event, {"coord"}),
        Case("monitoring.index", "GET", n, MEMBERS),
        Case("monitoring.export", "GET", n, MEMBERS),
        Case("monitoring.school", "GET", {**n, "member_id": ids["partner_row"]}, MEMBERS),
        # Figures of the coordinating school: its coordinator only, not the partner's admin.
        Case("monitoring.save", "POST", n, {"coord"},
             data={"organisation": org, "year": "2026", "term": "2"}),
        Case("monitoring.import_xlsx", "POST", n, {"coord", "member"}),
    ]


def test_network_routes_by_sign_in(signin: SignIn, net: Net):  # noqa: F811
    actors = network_actors(net)
    parent, child, _, _ = _family(signin)
    actors |= {"kid": _signed(signin, child), "mum": _signed(signin, parent)}
    # The partner school's coordinator (no teacher there) finds the network in their list.
    index = actors["partner"].get(net.tool.base + "/app/network/", timeout=30)
    assert index.status_code == 200 and "Сеть школ Костромы" in index.text
    ids = _build(net, actors)
    check(net.tool, actors, _cases(ids, str(net.tool.org_id)), outsiders={"outsider", "kid", "mum"},
          forger="coord", endpoints=LIVE_NETWORK)
    _allowed_act(net, actors, ids)


def _allowed_act(nw: Net, a: dict[str, requests.Session], ids: dict[str, str]) -> None:
    """The allowed actors' own steps on the routes refused to the others (with the token)."""
    from lti_tool.accounts.models import LocalAccount
    from lti_tool.people.models import Person

    base = f"/app/network/{ids['network_id']}"
    with nw.tool.db.session() as s:
        head = s.scalars(select(Person.public_id).join(
            LocalAccount, LocalAccount.person_id == Person.id).where(
            LocalAccount.email == "head@school.ru")).one()
    steps = (
        ("coord", f"{base}/bank/items/{ids['item_id']}/status", {"status": "reviewed"},
         "Статус изменён"),
        ("teacher", f"{base}/bank/authors", {"subjects": "Технология", "skills": "Видеоуроки"},
         "Вы в списке"),
        ("coord", f"{base}/council/members", {"person": head, "position": "director",
                                               "since": "2026-09-01"}, "Член совета добавлен"),
        ("coord", f"{base}/cycle/generate", {"year": "2026"}, "Добавлено задач"),
        ("member", f"{base}/cycle/tasks/{ids['task_id']}/done", {}, "Отметка сохранена"),
        ("coord", f"{base}/monitoring/", {"organisation": str(nw.tool.org_id), "year": "2026",
                                          "term": "2", **FIGS}, "Показатели сохранены"),
        ("coord", f"{base}/members/{ids['partner_row']}", {
            "contact_name": "Иванова", "contact_email": "i@other.ru", "note": ""},
         "Сведения об участнике сохранены"),
    )
    for who, path, data, said in steps:
        assert said in _post(nw, a[who], path, **data), (who, path)
