"""Regional editions on SQLite and PostgreSQL: the regional authority's admin adds one (audited),
a school of that region is checked against it on every path through ``services.verdict``, a
school outside is not; school admins, teachers and another region's admin are refused and
nothing changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.core.viewer import Viewer
from lti_tool.network import services as network
from lti_tool.pathways import regional, services
from lti_tool.pathways.editions import FOP_2024
from lti_tool.pathways.models import RegionalEdition, Route
from lti_tool.pathways.rules import params_of
from lti_tool.people.models import Membership, Organisation, Person
from tests.integration.test_pathways_routes import School, new_route, plan_data, roles
from tests.integration.test_pathways_routes import school as school  # noqa: F401  (fixture)


@dataclass
class Region:
    school: School
    authority: Viewer
    other_authority: Viewer
    outside_route: str


def form(**changes: Any) -> dict[str, Any]:
    values = {**params_of(FOP_2024), "title": "Региональный учебный план 2025",
              "effective": "2025-09-01", "source_name": "Приказ министерства образования № 7",
              "source_date": "2025-06-01", "source_url": "https://example.org/prikaz-7",
              "certainty": "act"}
    return {**{k: v if isinstance(v, list) else str(v) for k, v in values.items()}, **changes}


@pytest.fixture
def region(school: School) -> Region:
    with school.db.session() as s:
        r1, r2 = (Organisation(slug="min-1", name="Министерство 1"),
                  Organisation(slug="min-2", name="Министерство 2"))
        a1, a2 = Person(display_name="Regional1"), Person(display_name="Regional2")
        s.add_all([r1, r2, a1, a2])
        s.flush()
        s.add_all([Membership(person_id=a1.id, organisation_id=r1.id, role="admin"),
                   Membership(person_id=a2.id, organisation_id=r2.id, role="admin"),
                   Membership(person_id=school.ids["admin"], organisation_id=school.org,
                              role="admin")])
        top = network.create_network(s, slug="rn1", name="Сеть области 1", coordinator_id=r1.id,
                                     region="Область 1")
        network.create_network(s, slug="ln1", name="Сеть района", coordinator_id=school.org,
                               parent=top)  # the school is in region 1 through a district
        other = network.create_network(
            s, slug="rn2", name="Сеть области 2", coordinator_id=r2.id, region="Область 2",
            founders=[network.Founder(school.other_org)])
        other.level = "regional"
        ids = (a1.id, r1.id, a2.id, r2.id)
    # a route of the other region's school
    with school.db.session() as s:
        student_b = Person(display_name="student_b")
        s.add(student_b)
        s.flush()
        viewer_b = Viewer(student_b.id, school.other_org, frozenset({"student"}), None, 0)
        outside = services.start_route(s, viewer_b, date(2025, 9, 1), plan_data()).public_id
    return Region(school, Viewer(ids[0], ids[1], frozenset({"admin"}), None, 0),
                  Viewer(ids[2], ids[3], frozenset({"admin"}), None, 0), outside)


def state(school: School) -> tuple[Any, ...]:
    with school.db.session() as s:
        return (s.scalar(select(func.count()).select_from(RegionalEdition)),
                s.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action == "edition.create")))


def verdict_of(school: School, rid: str) -> Any:
    with school.db.session() as s:
        route = s.scalars(select(Route).where(Route.public_id == rid)).one()
        v = services.verdict(s, route)
        return v.edition.key if v.edition else None, [x.code for x in v.violations]


def test_regional_admin_adds_an_edition_that_checks_the_regions_schools(region: Region
                                                                        ) -> None:
    school = region.school
    inside = new_route(school)
    assert verdict_of(school, inside) == (FOP_2024.key, [])
    with school.db.session() as s:
        row = regional.create(s, region.authority, FOP_2024.key,
                              form(min_hours="2600", max_hours="2700", max_week6="40"))
        key = f"region-{row.public_id}"
    edition, codes = verdict_of(school, inside)
    assert edition == key and codes == ["hours_min"]
    assert verdict_of(school, region.outside_route) == (FOP_2024.key, [])  # another region
    with school.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "edition.create")).one()
        assert entry.actor_id == region.authority.person_id
        assert entry.details["based_on"] == FOP_2024.key
        stored = s.scalars(select(RegionalEdition)).one()
        assert (stored.region, stored.source_name, stored.certainty) == (
            "Область 1", "Приказ министерства образования № 7", "act")
        assert regional.applying(s, school.org, date(2025, 9, 1)).key == key  # type: ignore[union-attr]
        assert regional.applying(s, school.org, date(2025, 8, 1)).key == FOP_2024.key  # type: ignore[union-attr]
        # a copy of the region's own edition keeps its figures unless changed
        copy = regional.create(s, region.authority, key, form(
            min_hours="2600", max_hours="2700", max_week6="40", min_subjects="12",
            effective="2026-09-01", title="Региональный учебный план 2026"))
        assert copy.based_on == FOP_2024.key and copy.params["min_subjects"] == 12


@pytest.mark.parametrize("who", ["admin", "teacher", "tutor", "student", "admin_b"])
def test_only_the_regional_admin_adds_and_nothing_changes(region: Region, who: str) -> None:
    before = state(region.school)
    with region.school.db.session() as s, pytest.raises(regional.Forbidden):
        regional.create(s, roles(region.school)[who], FOP_2024.key, form())
    assert state(region.school) == before


def test_another_regions_admin_cannot_copy_or_reach_this_region(region: Region) -> None:
    school = region.school
    with school.db.session() as s:
        key = f"region-{regional.create(s, region.authority, FOP_2024.key, form()).public_id}"
    before = state(school)
    with school.db.session() as s, pytest.raises(regional.Invalid) as refused:
        regional.create(s, region.other_authority, key, form())
    assert "base" in refused.value.errors and state(school) == before
    with school.db.session() as s:  # their own edition does not reach region 1's school
        regional.create(s, region.other_authority, FOP_2024.key, form(min_subjects="14"))
        assert regional.applying(s, school.org, date(2025, 9, 1)).key == key  # type: ignore[union-attr]


@pytest.mark.parametrize("changes,field,words", [
    ({"min_hours": "2600", "max_hours": "2500"}, "min_hours", "больше максимума"),
    ({"min_hours": "99"}, "min_hours", ""),
    ({"max_week6": "90"}, "max_week6", ""),
    ({"project_first": "2", "project_last": "1"}, "project_first", "от больше"),
    ({"effective": "когда-нибудь"}, "effective", ""),
    ({"source_name": ""}, "source_name", ""),
    ({"certainty": "sure"}, "certainty", ""),
    ({"mandatory": ["astronomy"]}, "mandatory", ""),
])
def test_invalid_figures_are_refused_naming_the_field(region: Region, changes: dict[str, Any],
                                                      field: str, words: str) -> None:
    before = state(region.school)
    with region.school.db.session() as s, pytest.raises(regional.Invalid) as refused:
        regional.create(s, region.authority, FOP_2024.key, form(**changes))
    assert field in refused.value.errors and words in " ".join(refused.value.errors[field])
    assert regional.LABELS[field] in str(refused.value)
    assert state(region.school) == before


def test_demo_region_has_an_edition_that_every_demo_plan_passes(database_url: str,
                                                                  tmp_path: Any) -> None:
    from lti_tool.db import Database
    from lti_tool.pathways.editions import PROFILES
    from lti_tool.pathways.examples import worked_plan
    from lti_tool.pathways.rules import check
    from lti_tool.people import services as people
    from lti_tool.sandbox.demo_network import seed_demo_network
    from lti_tool.sandbox.demo_pathways import seed_regional_edition

    db = Database(database_url)
    with db.session() as s:
        seed_demo_network(s, "http://demo.example/demo", tmp_path, date(2026, 12, 5))
        assert seed_regional_edition(s) is True
    with db.session() as s:
        assert seed_regional_edition(s) is False  # a second start adds nothing
        school = people.organisation_by_slug(s, "school-37-kostroma")
        assert school is not None
        edition = regional.applying(s, school.id, date(2026, 9, 1))
        assert edition is not None and edition.region == "Костромская область"
        assert edition.max_week[6].value == 36 and edition.min_hours.source.certainty == "assumed"
        found = regional.editions_for(s, school.id)
        for profile in PROFILES:
            for days in (5, 6):
                plan = worked_plan(profile, date(2026, 9, 1), days)
                assert check(plan, regional=found).ok, (profile, days)
    db.engine.dispose()
