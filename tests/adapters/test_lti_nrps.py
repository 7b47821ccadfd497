"""The LMS's course roster (NRPS) as a RosterSource, over HTTP against the demo LMS.

The adapter reads every page (``Link: rel="next"``), keeps several roles per member and
withheld names, and reports the LMS being down or refusing as the port's errors; the tool
applies what it returns with the same reconciliation as the school systems' rosters, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from adapters.base import AuthFailed, RemoteUnavailable
from adapters.lti_nrps import NrpsRoster, members_roster
from lti_tool.lti.connector import connector_for_deployment
from lti_tool.lti.models import Deployment
from lti_tool.people import services as people
from lti_tool.people.models import ClassEnrolment, Membership, Person
from lti_tool.people.roster import pull_roster

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
DESIGNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"


def _deployment_pk(tool: Any) -> int:
    with tool.db.session() as s:
        return int(s.scalars(select(Deployment.id).where(
            Deployment.deployment_id == "dep-school")).one())


def _source(tool: Any, platform: Any, url: str, **kw: Any) -> NrpsRoster:
    with tool.db.session() as s:
        connector = connector_for_deployment(s, _deployment_pk(tool),
                                             tool.app.config["SECRET_KEY"], allow_private=True)
    return NrpsRoster(connector, platform.endpoint(url), issuer=platform.issuer,
                      course_id="algebra-10a", **kw)


def test_every_page_is_read_with_every_role(platform: Any, tool: Any) -> None:
    source = _source(tool, platform, "/courses/algebra-10a/memberships?limit=2")  # 3 pages
    assert source.namespace == platform.issuer
    batch = source.fetch_roster()
    roster = batch.roster
    assert source.fetched == 5 and batch.rejected == [] and not batch.delta
    assert [(c.source_id, c.name) for c in roster.classes] == [("algebra-10a", "Алгебра, 10 А")]
    by_id = {p.source_id: p for p in roster.people}
    assert sorted(by_id) == ["a-smirnova", "s-kuznetsova", "s-petrov", "s-sokolov", "t-ivanova"]
    assert by_id["a-smirnova"].all_roles == ("admin", "teacher")
    assert by_id["a-smirnova"].display_name == "Ольга Викторовна Смирнова"
    assert sorted((e.person_id, e.role) for e in roster.enrolments) == [
        ("a-smirnova", "teacher"), ("s-kuznetsova", "student"), ("s-petrov", "student"),
        ("s-sokolov", "student"), ("t-ivanova", "teacher")]
    assert "Алгебра, 10 А" in source.check() and "5" in source.check()


def test_lms_down_or_unknown_course_is_a_remote_error(platform: Any, tool: Any) -> None:
    platform.services_down = True
    try:
        with pytest.raises(RemoteUnavailable) as down:
            _source(tool, platform, "/courses/algebra-10a/memberships").fetch_roster()
        assert down.value.status == 503 and down.value.retryable
    finally:
        platform.services_down = False
    with pytest.raises(RemoteUnavailable) as missing:
        _source(tool, platform, "/courses/no-such/memberships").fetch_roster()
    assert missing.value.status == 404


def test_a_refused_service_is_auth_failed_and_not_retried(platform: Any, tool: Any) -> None:
    platform.services_refused = True
    try:
        with pytest.raises(AuthFailed) as refused:
            _source(tool, platform, "/courses/algebra-10a/memberships").fetch_roster()
    finally:
        platform.services_refused = False
    assert refused.value.status == 403 and not refused.value.retryable


def test_pull_applies_the_roster_and_ends_who_left(platform: Any, tool: Any) -> None:
    with tool.db.session() as s:
        group = people.upsert_class(s, tool.org_id, source="lti", namespace=platform.issuer,
                                    external_id="algebra-10a", title="Алгебра, 10 А")
        first = pull_roster(s, group=group, deployment_pk=_deployment_pk(tool),
                            memberships_url=platform.endpoint(
                                "/courses/algebra-10a/memberships?limit=2"),
                            issuer=platform.issuer, secret_key=tool.app.config["SECRET_KEY"],
                            allow_private=True)
        s.commit()
        assert (first.fetched, first.added, first.deactivated) == (5, 5, 0)
        admin = people.person_by_identity(s, "lti", platform.issuer, "a-smirnova")
        assert admin is not None
        assert set(s.scalars(select(Membership.role).where(
            Membership.person_id == admin.id, Membership.organisation_id == tool.org_id))) == {
            "admin", "teacher"}

        platform.courses["algebra-10a"].members.remove("s-sokolov")
        again = pull_roster(s, group=group, deployment_pk=_deployment_pk(tool),
                            memberships_url=platform.endpoint("/courses/algebra-10a/memberships"),
                            issuer=platform.issuer, secret_key=tool.app.config["SECRET_KEY"],
                            allow_private=True)
        s.commit()
        assert (again.fetched, again.added, again.deactivated) == (4, 0, 1)
        active = {(p.display_name, e.active) for e, p in s.execute(
            select(ClassEnrolment, Person).join(Person, Person.id == ClassEnrolment.person_id)
            .where(ClassEnrolment.class_id == group.id, ClassEnrolment.role == "student"))}
        assert active == {("Алексей Петров", True), ("Дарья Кузнецова", True),
                          ("Илья Соколов", False)}


def test_members_map_to_records_without_io() -> None:
    roster, rejected, seen = members_roster([
        {"user_id": "u1", "roles": [LEARNER]},  # names withheld by the LMS
        {"user_id": "u2", "given_name": "Анна", "family_name": "Попова",
         "roles": [INSTRUCTOR, LEARNER]},
        {"user_id": "u3", "name": "Ушедший", "roles": [LEARNER], "status": "Inactive"},
        {"user_id": "u4", "name": "Дизайнер", "roles": [DESIGNER]},
        {"user_id": "u5", "name": "Я" * 300, "roles": [LEARNER]},
        {"name": "без id", "roles": [LEARNER]},
    ], course_id="c1", course_title="Курс")
    assert seen == 6
    by_id = {p.source_id: p for p in roster.people}
    assert sorted(by_id) == ["u1", "u2", "u4"]
    assert (by_id["u1"].display_name, by_id["u1"].role) == ("", "student")
    assert by_id["u2"].display_name == "Попова Анна"
    assert by_id["u2"].all_roles == ("student", "teacher")
    assert (by_id["u4"].role, by_id["u4"].all_roles) == ("", ())
    assert sorted((e.person_id, e.role) for e in roster.enrolments) == [
        ("u1", "student"), ("u2", "student"), ("u2", "teacher")]
    assert [r.source for r in rejected] == ["member u5"]
    assert "full_name" in rejected[0].errors
