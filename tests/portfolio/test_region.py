"""Region-level portfolio figures and «who can mentor» (seed 002), over HTTP with real
launches: the regional admin reads the region's schools side by side (counts only, no pupil
names, small schools' pupil figures withheld) and the teachers the rule qualifies; a school
admin reads their own school only; everyone else is refused and nothing changes."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import requests
from openpyxl import load_workbook
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.lti import registry
from lti_tool.lti.models import PlatformClient
from lti_tool.network import services as network
from lti_tool.people import services as people
from lti_tool.people.models import Organisation
from lti_tool.portfolio import rules, services
from lti_tool.portfolio.models import Achievement
from tests.portfolio.helpers import launch, snapshot

TODAY = date.today()
RECENT = TODAY - timedelta(days=200)


def _person(s, org: int, sub: str, name: str, role: str):
    person = people.upsert_person(s, source="lti", namespace="test", external_id=sub,
                                  display_name=name, organisation_id=org)
    people.ensure_roles(s, person, org, [role])
    s.flush()
    return person


def _confirmed(s, org: int, owner, kind: str, section: str, level: str, result: str,
               on: date = RECENT) -> None:
    sec = services.section_by_key(s, org, kind, section)
    s.add(Achievement(organisation_id=org, owner_id=owner.id, section_id=sec.id,
                      title=f"{section} {level}", level=level, result=result, achieved_on=on,
                      status=rules.CONFIRMED))


@pytest.fixture
def region(platform, tool):
    """School № 37 (6 pupils) and School № 3 (2 pupils) in a regional network coordinated
    by the regional institute; Гимназия № 1 outside it."""
    with tool.db.session() as s:
        authority = Organisation(slug="iro", name="Институт развития образования",
                                 kind="authority")
        third = Organisation(slug="school-3", name="Школа № 3")
        s.add_all([authority, third])
        s.flush()
        client = s.get_one(PlatformClient, tool.client_pk)
        registry.add_deployment(s, client, "dep-region").organisation_id = authority.id
        top = network.create_network(s, slug="region", name="Региональная сеть",
                                     coordinator_id=authority.id)
        network.create_network(s, slug="local", name="Сеть школы № 37",
                                coordinator_id=tool.org_id, parent=top,
                                founders=[network.Founder(third.id)])
        for n in range(6):
            pupil = _person(s, tool.org_id, f"pupil-{n}", f"Ученица Номер{n}", "student")
            if n < 3:
                _confirmed(s, tool.org_id, pupil, "student", "study", "regional",
                           "winner" if n == 0 else "participant")
        for n in range(2):
            pupil = _person(s, third.id, f"pupil3-{n}", f"Ученик Малый{n}", "student")
            _confirmed(s, third.id, pupil, "student", "sport", "federal", "winner")
        strong = _person(s, tool.org_id, "t-strong", "Анна Сильная", "teacher")
        _confirmed(s, tool.org_id, strong, "teacher", "methods", "regional", "winner")
        weak = _person(s, tool.org_id, "t-weak", "Борис Начинающий", "teacher")
        for _ in range(2):
            _confirmed(s, tool.org_id, weak, "teacher", "methodical", "municipal",
                       "participant")
        old = _person(s, tool.org_id, "t-old", "Вера Давняя", "teacher")
        _confirmed(s, tool.org_id, old, "teacher", "contests", "federal", "winner",
                   on=TODAY.replace(year=TODAY.year - 6))
        broad = _person(s, third.id, "t-broad", "Галина Широкая", "teacher")
        for _ in range(3):
            _confirmed(s, third.id, broad, "teacher", "methodical", "municipal",
                       "participant")
        outside = _person(s, tool.other_org_id, "t-outside", "Дмитрий Чужой", "teacher")
        _confirmed(s, tool.other_org_id, outside, "teacher", "methods", "federal", "winner")
        s.commit()
    return launch(platform, tool, "admin", "a-region", deployment="dep-region",
                  course="region-office")


def test_regional_admin_sees_the_region_side_by_side_without_pupil_names(tool, region):
    page = region.get("/app/admin/portfolio/region")
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert "Школа № 37" in text and "Школа № 3" in text
    assert "Гимназия № 1" not in text and "Дмитрий Чужой" not in text
    assert "Ученица" not in text and "Ученик Малый" not in text  # no minors' names
    assert "Анна Сильная" in text and "Галина Широкая" in text
    assert "Борис Начинающий" not in text and "Вера Давняя" not in text
    only = region.get("/app/admin/portfolio/region", topic="methods").text
    assert "Анна Сильная" in only and "Галина Широкая" not in only

    before = len(_audit(tool))
    resp = region.get("/app/admin/portfolio/region.xlsx")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(resp.content))
    schools = {r[0]: r for r in book["Школы"].iter_rows(min_row=3, values_only=True)}
    assert set(schools) == {"Школа № 37", "Школа № 3"}
    # 37: 6 pupils, 3 with a confirmed achievement (50 %), 1 of them placed regionally.
    assert schools["Школа № 37"][1:6] == (6, 50, 3, 3, 1)
    # School № 3 has 2 pupils: its pupil figures are withheld.
    assert schools["Школа № 3"][1:6] == (2, None, None, None, None)
    assert schools["Школа № 37"][8] == 1 and schools["Школа № 3"][8] == 1
    mentors = list(book["Наставники"].iter_rows(min_row=2, values_only=True))
    assert [(m[0], m[2]) for m in mentors] == [
        ("Анна Сильная", "Методики и технологии"),
        ("Галина Широкая", "Методическая деятельность")]
    assert len(_audit(tool)) == before + 1 and _audit(tool)[-1] == "portfolio.region.xlsx"


def _audit(tool) -> list[str]:
    with tool.db.session() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_bad_topic_is_refused_by_name(region):
    resp = region.get("/app/admin/portfolio/region", topic="../etc")
    assert resp.status_code == 422 and "Тема: Выберите тему из списка." in resp.text
    assert region.get("/app/admin/portfolio/region.xlsx", topic="x").status_code == 422


def test_school_admin_reads_own_school_only(platform, tool, region):
    admin = launch(platform, tool, "admin", "a-smirnova")
    page = admin.get("/app/admin/portfolio/mentors")
    assert page.status_code == 200
    assert "Анна Сильная" in page.text
    assert "Галина Широкая" not in page.text and "Школа № 3<" not in page.text
    assert "Дмитрий Чужой" not in page.text
    book = load_workbook(io.BytesIO(admin.get("/app/admin/portfolio/mentors.xlsx").content))
    assert [r[0] for r in book["Школы"].iter_rows(min_row=3, values_only=True)] == [
        "Школа № 37"]


def test_everyone_else_is_refused_the_region_and_nothing_changes(platform, tool, region):
    refused = {
        "school admin": (launch(platform, tool, "admin", "a-smirnova"), 403),
        "other school's admin": (launch(platform, tool, "admin", "a-other",
                                        deployment="dep-other", course="physics-11b"), 403),
        "teacher": (launch(platform, tool, "teacher", "t-ivanova"), 403),
        "student": (launch(platform, tool, "student", "s-petrov"), 403),
        "parent": (launch(platform, tool, "parent", "p-petrova"), 403),
    }
    before = snapshot(tool)
    for who, (viewer, status) in refused.items():
        for path in ("/app/admin/portfolio/region", "/app/admin/portfolio/region.xlsx"):
            resp = viewer.get(path)
            assert resp.status_code == status, (who, path, resp.status_code)
            assert "Анна Сильная" not in resp.text and b"PK" not in resp.content[:2]
    for who in ("teacher", "student", "parent"):
        assert refused[who][0].get("/app/admin/portfolio/mentors.xlsx").status_code == 403
    for path in ("/app/admin/portfolio/region", "/app/admin/portfolio/mentors.xlsx"):
        assert requests.get(tool.base + path, timeout=30,
                            allow_redirects=False).status_code == 401
    assert snapshot(tool) == before


def test_a_school_that_left_the_network_drops_out(tool, region):
    with tool.db.session() as s:
        third = s.scalars(select(Organisation.id).where(Organisation.slug == "school-3")).one()
        local = network.network_by_slug(s, "local")
        assert local is not None
        network.exit_by_decision(s, local, third, decision_ref="test", left_on=TODAY)
        s.commit()
        assert s.scalar(select(func.count()).select_from(Organisation)) >= 4
    text = region.get("/app/admin/portfolio/region").text
    assert "Школа № 3<" not in text and "Галина Широкая" not in text
