"""Network events over HTTP: a coordinator schedules, a teacher of another member school
registers and reads the time in her region, attendance is marked, the certificate PDF says
the right things in Cyrillic; iCalendar; forbidden paths refused with nothing changed."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jwt
import pytest
import requests
from icalendar import Calendar
from openbadgeslib.ob3 import resolve_did
from pypdf import PdfReader
from sqlalchemy import func, select

from lti_tool.network import services as network_services
from lti_tool.network.events import rules, services
from lti_tool.network.events.calendar_feed import feed_key
from lti_tool.network.events.models import EventRegistration, NetworkEvent
from lti_tool.portfolio import services as portfolio
from tests.sync.launches import launch_token

ROOT = Path(__file__).resolve().parents[2]


def _post(tool, path: str, lt: str, **data) -> requests.Response:
    return requests.post(tool.base + path, data={"lt": lt, **data}, timeout=30)


def _get(tool, path: str, lt: str, **params) -> requests.Response:
    return requests.get(tool.base + path, params={"lt": lt, **params}, timeout=30)


def _counts(tool) -> tuple[int, int, list[bool | None]]:
    with tool.db.session() as s:
        return (s.scalar(select(func.count(NetworkEvent.id))) or 0,
                s.scalar(select(func.count(EventRegistration.id))) or 0,
                [r.attended for r in s.scalars(select(EventRegistration))])


def _standards() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent, Path("/work/shared")):
        candidate = base / "standards" if base.name == "shared" else base / "shared" / "standards"
        if (candidate / "ob3").is_dir():
            return candidate
    pytest.skip("../shared/standards (the 1EdTech schemas) is not beside the repository")


def _check_badge(token: str) -> None:
    """Signed by the organiser school's did:key (EdDSA), valid against both OB 3.0 sets."""
    from jsonschema import FormatChecker, validators

    claims = jwt.decode(token, options={"verify_signature": False})
    did = claims["issuer"]["id"]
    assert did.startswith("did:key:")
    jwt.decode(token, resolve_did(did), algorithms=["EdDSA"],
               options={"verify_aud": False, "verify_iat": False})
    vc = {k: v for k, v in claims.items() if k not in ("iss", "sub", "jti", "nbf", "exp")}
    assert vc["credentialSubject"]["achievement"]["name"] == (
        "Мастер-класс «Цифровая лаборатория на уроке»")
    for name in ("ob3/ob_v3p0_achievementcredential_schema.json",
                 "ob3/formal/achievementcredential.json"):
        schema = json.loads((_standards() / name).read_text(encoding="utf-8"))
        validator = validators.validator_for(schema)(schema, format_checker=FormatChecker())
        assert [e.message for e in validator.iter_errors(vc)] == [], name


def test_registration_rules() -> None:
    now = datetime(2026, 12, 5, 10, tzinfo=UTC)
    later = now + timedelta(days=1)
    ok = dict(status="planned", starts_at=later, now=now, taken=0, capacity=0, already=False)
    assert rules.registration_problem(**ok) is None
    assert rules.registration_problem(**{**ok, "taken": 30, "capacity": 30}) == "full"
    assert rules.registration_problem(**{**ok, "now": later}) == "started"
    assert rules.registration_problem(**{**ok, "already": True}) == "already"
    assert rules.local(datetime(2026, 12, 10, 12, tzinfo=UTC), "Asia/Yekaterinburg").hour == 17
    assert rules.portfolio_hours(20) == 16 and rules.portfolio_hours(-1) == 0


def test_event_from_scheduling_to_certificate(platform, tool):
    with tool.db.session() as s:
        net = network_services.create_network(s, slug="n", name="Сеть школы № 37",
                                              joined_on=date(2020, 1, 1),
                                              coordinator_id=tool.org_id)
        network_services.admit_by_decision(s, net, tool.other_org_id, decision_ref="d",
                                           joined_on=date(2020, 1, 1))
        pid = net.public_id
    base = f"/app/network/{pid}/events"
    coord = launch_token(platform, tool, "admin")
    day = (datetime.now(UTC) + timedelta(days=7)).date()
    bad = _post(tool, base + "/", coord, title="", starts_on=day.isoformat(), starts_time="25:00")
    assert bad.status_code == 400 and "Название:" in bad.text
    assert "Начало (московское время):" in bad.text
    resp = _post(tool, base + "/", coord, kind="master_class",
                 title="Цифровая лаборатория на уроке", starts_on=day.isoformat(),
                 starts_time="15:00", hours="3", capacity="1",
                 room_url="https://telemost.example/j/123", audience="Учителя физики")
    assert resp.status_code == 200 and "Мероприятие назначено" in resp.text
    with tool.db.session() as s:
        event = s.scalars(select(NetworkEvent)).one()
        eid = event.public_id
        assert event.starts_at.astimezone(UTC).hour == 12  # 15:00 Moscow
    teacher = launch_token(platform, tool, "teacher", deployment="dep-other", name="Анна Орлова")
    page = _get(tool, f"{base}/{eid}", teacher, tz="Asia/Yekaterinburg")
    assert "15:00 МСК" in page.text and "17:00 — Екатеринбург" in page.text
    assert "telemost.example" not in page.text  # the room link only for those registered
    student = launch_token(platform, tool, "student")
    outsider_before = _counts(tool)
    assert _post(tool, f"{base}/{eid}/register", student).status_code == 404
    assert _post(tool, f"{base}/{eid}/attendance", teacher).status_code == 403
    assert _counts(tool) == outsider_before
    ok = _post(tool, f"{base}/{eid}/register", teacher, timezone="Asia/Yekaterinburg")
    assert ok.status_code == 200 and "Вы зарегистрированы" in ok.text
    assert "telemost.example" in ok.text
    full = _post(tool, f"{base}/{eid}/register", coord)
    assert full.status_code == 409 and "Мест больше нет" in full.text
    assert _get(tool, f"{base}/{eid}/certificate.pdf", teacher).status_code == 404  # not yet
    with tool.db.session() as s:
        reg = s.scalars(select(EventRegistration)).one()
        rid = reg.public_id
    came = _post(tool, f"{base}/{eid}/attendance", coord, came=[rid],
                 materials="https://bank.example/presentation")
    assert "Присутствовали: 1" in came.text
    pdf = _get(tool, f"{base}/{eid}/certificate.pdf", teacher)
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for part in ("Сертификат участника", "Анна Орлова", "Гимназия № 1", "мастер-классе",
                 "«Цифровая лаборатория на уроке»", "объём 3 ч", "Школа № 37"):
        assert part in text, part
    badge = _get(tool, f"{base}/{eid}/credential.jwt", teacher)
    assert badge.headers["Content-Type"] == "application/vc+jwt"
    _check_badge(badge.text)
    assert _get(tool, f"{base}/{eid}/credential.jwt", coord).status_code == 404  # not hers
    listing = _get(tool, base + "/", teacher)
    assert 'data-testid="my-events"' in listing.text and "3 ч" in listing.text
    with tool.db.session() as s:
        mine = services.participations_of(s, reg.person_id)
        assert [(p.title, p.hours) for p in mine] == [("Цифровая лаборатория на уроке", 3)]
        # … and in her teacher portfolio, unconfirmed, with the certificate attached.
        items = portfolio.items_of(s, tool.other_org_id, reg.person_id)
        assert [(i.title, i.hours, i.status, len(i.evidence)) for i in items] == [
            ("Мастер-класс «Цифровая лаборатория на уроке»", 3, "unconfirmed", 1)]
    _post(tool, f"{base}/{eid}/attendance", coord, came=[rid])  # again: no second item
    with tool.db.session() as s:
        assert len(portfolio.items_of(s, tool.other_org_id, reg.person_id)) == 1
    cal = Calendar.from_ical(_get(tool, f"{base}/{eid}/event.ics", teacher).content)
    vevent = next(iter(cal.walk("VEVENT")))
    assert str(vevent["SUMMARY"]) == "Цифровая лаборатория на уроке"
    assert vevent.decoded("DTSTART").astimezone(UTC).hour == 12
    key = feed_key(tool.app.config["SECRET_KEY"], pid)
    assert requests.get(tool.base + "/network/n/events.ics", params={"key": "x"},
                        timeout=30).status_code == 404
    feed = requests.get(tool.base + "/network/n/events.ics", params={"key": key}, timeout=30)
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.content


def test_outsiders_and_late_registrations(platform, tool):
    with tool.db.session() as s:
        net = network_services.create_network(s, slug="n", name="Сеть", coordinator_id=tool.org_id)
        event = services.create_event(s, net, dict(
            title="Вебинар", starts_at=datetime.now(UTC) + timedelta(days=1)),
            organiser_org_id=tool.org_id, organiser_person_id=None)
        pid, eid = net.public_id, event.public_id
        with pytest.raises(services.EventRefusal) as err:
            services.register(s, event, person_id=1, organisation_id=tool.org_id,
                              display_name="x", timezone="Europe/Moscow",
                              now=datetime.now(UTC) + timedelta(days=2))
        assert err.value.code == "started"
    outsider = launch_token(platform, tool, "admin", deployment="dep-other")
    before = _counts(tool)
    for path in ("/", f"/{eid}", f"/{eid}/event.ics", f"/{eid}/certificate.pdf"):
        assert _get(tool, f"/app/network/{pid}/events{path}", outsider).status_code == 404
    assert _post(tool, f"/app/network/{pid}/events/{eid}/register", outsider).status_code == 404
    assert _post(tool, f"/app/network/{pid}/events/", outsider, title="x").status_code == 404
    assert _counts(tool) == before
