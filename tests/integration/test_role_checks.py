"""Issue 8: roles in an organisation and in a class are checked by the database, on SQLite
and PostgreSQL; the migration goes both ways; every role the code can write is allowed."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from lti_tool.accounts.rules import INVITE_ROLES
from lti_tool.db import Database
from lti_tool.migrate import alembic_config, upgrade
from lti_tool.people import services as people
from lti_tool.people.models import (
    CLASS_ROLES,
    MEMBERSHIP_ROLES,
    ClassEnrolment,
    Membership,
    Organisation,
)
from schemas.lti_roles import map_roles
from schemas.records import ROLES

BEFORE = "b4d6f8a0c2e4"
EVERY_LTI_ROLE = [f"http://purl.imsglobal.org/vocab/lis/v2/{k}" for k in (
    "membership#Instructor", "membership#Learner", "membership#Mentor",
    "membership#Administrator", "system/person#SysAdmin")]


def test_the_code_writes_only_allowed_roles() -> None:
    assert set(map_roles(EVERY_LTI_ROLE)) <= set(MEMBERSHIP_ROLES)
    assert set(ROLES) | set(INVITE_ROLES) <= set(MEMBERSHIP_ROLES)
    assert set(CLASS_ROLES) <= set(MEMBERSHIP_ROLES)


def test_unknown_roles_are_refused_by_the_database(database_url: str) -> None:
    command.downgrade(alembic_config(database_url), BEFORE)
    upgrade(database_url)  # down and up again: both directions run on this backend
    db = Database(database_url)
    with db.session() as s:
        org = Organisation(slug="s", name="Школа")
        s.add(org)
        s.flush()
        person = people.add_guardian(s, org.id, source="lti", namespace="iss",
                                     external_id="u1", display_name="Иванова", child_ids=[])
        people.ensure_roles(s, person, org.id, MEMBERSHIP_ROLES)
        group = people.upsert_class(s, org.id, source="lti", namespace="iss", external_id="c1")
        for role in CLASS_ROLES:
            people.enrol(s, group, person, role)
        s.commit()
        assert sorted(s.scalars(select(Membership.role))) == sorted(MEMBERSHIP_ROLES)
        assert sorted(s.scalars(select(ClassEnrolment.role))) == sorted(CLASS_ROLES)
        for check, sql in (
                ("ck_membership_role", "UPDATE membership SET role = 'director'"),
                ("ck_class_enrolment_role", "UPDATE class_enrolment SET role = 'parent'")):
            with pytest.raises(IntegrityError, match=check):
                s.execute(text(sql))
                s.flush()
            s.rollback()
        # Nothing changed by the refused writes.
        assert sorted(s.scalars(select(ClassEnrolment.role))) == sorted(CLASS_ROLES)
    db.engine.dispose()
