"""Regional editions through real LTI launches (SQLite and PostgreSQL): the admin of the region's
authority copies an edition with changed figures; the school's teacher and admin then read that
it applies to their school, and the student's plan is checked against it on the route page and
in the JSON API. A school admin is refused (403) and another region's admin cannot copy this
region's edition (404); nothing changes."""

from __future__ import annotations

import re
from typing import Any

import requests
from lxml import html
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.network import services as network
from lti_tool.pathways.editions import FOP_2024
from lti_tool.pathways.models import RegionalEdition
from lti_tool.pathways.rules import params_of
from lti_tool.people.models import Membership
from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR, LEARNER
from tests.e2e.test_pathways_pages import builder_form, launch, page, person, post


def held(tool: Any) -> tuple[Any, ...]:
    with tool.db.session() as s:
        return (s.scalar(select(func.count()).select_from(RegionalEdition)),
                s.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action == "edition.create")))


def test_regional_admin_adds_an_edition_the_school_is_checked_against(tool: Any, platform: Any
                                                                      ) -> None:
    regional = launch(platform, tool, "region-admin", [ADMIN, INSTRUCTOR], dep="dep-other")
    admin = launch(platform, tool, "admin-a", [ADMIN, INSTRUCTOR])
    teacher = launch(platform, tool, "teacher-a", [INSTRUCTOR])
    student = launch(platform, tool, "pupil-r", [LEARNER])
    with tool.db.session() as s:  # the organisation the regional admin launched into
        authority = s.scalars(select(Membership.organisation_id).where(
            Membership.person_id == person(tool, "region-admin"),
            Membership.organisation_id != tool.org_id)).first()
    assert authority is not None
    # the other deployment's organisation coordinates the region; the school is in it
    # through a district network
    with tool.db.session() as s:
        top = network.create_network(s, slug="region-e", name="Сеть области",
                                     coordinator_id=authority, region="Область Е")
        network.create_network(s, slug="district-e", name="Сеть района",
                               coordinator_id=tool.org_id, parent=top)
    built = post(tool, student, "/app/routes/start", {"start": "2025-09-01"})
    rid = re.search(r"/app/routes/([\w-]+)/edit", built.url).group(1)  # type: ignore[union-attr]
    post(tool, student, f"/app/routes/{rid}/edit", builder_form(built, "science"))

    def api_edition() -> str:
        return str(requests.get(tool.base + "/api/v1/routes", timeout=30, headers={
            "Authorization": f"Bearer {student}"}).json()[0]["edition"])

    assert api_edition() == FOP_2024.key
    form = {**{k: v for k, v in params_of(FOP_2024).items() if k != "mandatory"},
            "min_hours": 2600, "max_hours": 2700, "max_week6": 40,
            "title": "Региональный учебный план", "effective": "2025-09-01",
            "source_name": "Приказ министерства № 7", "source_date": "2025-06-01",
            "source_url": "https://example.org/7", "certainty": "act",
            "mandatory": list(FOP_2024.mandatory)}
    new = f"/app/routes/editions/new?base={FOP_2024.key}"
    before = held(tool)
    for lt in (admin, teacher, student):  # the school's own people cannot add
        assert post(tool, lt, new, form).status_code == 403 and held(tool) == before
    shown = page(tool, regional, new)
    assert shown.status_code == 200
    assert html.fromstring(shown.text).xpath('//input[@name="min_hours"]/@value') == [
        str(FOP_2024.min_hours.value)]
    bad = post(tool, regional, new, {**form, "min_hours": 2800})
    assert bad.status_code == 422 and "Часов за 2 года, не менее: Минимум" in bad.text
    assert held(tool) == before
    done = post(tool, regional, new, form)
    assert "Редакция правил региона добавлена." in done.text and held(tool)[0] == 1

    listed = page(tool, teacher, "/app/routes/editions")
    applies = html.fromstring(listed.text).xpath('//*[@data-testid="edition-applies"]')
    assert applies and "Региональный учебный план" in applies[0].text_content()
    assert "Область Е" in applies[0].text_content()
    assert "Региональный учебный план" in page(tool, admin, "/app/routes/editions").text
    assert api_edition().startswith("region-")
    assert "Всего за два года" in page(tool, student, f"/app/routes/{rid}").text

    # the school's organisation now coordinates another region: it still cannot copy this one
    with tool.db.session() as s:
        key = "region-" + s.scalars(select(RegionalEdition.public_id)).one()
        own = network.create_network(s, slug="region-z", name="Сеть области З",
                                     coordinator_id=tool.org_id, region="Область З")
        own.level = "regional"
    before = held(tool)
    assert page(tool, admin, f"/app/routes/editions/new?base={key}").status_code == 404
    assert post(tool, admin, f"/app/routes/editions/new?base={key}", form).status_code == 404
    assert held(tool) == before
