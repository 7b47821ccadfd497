"""A Moodle user who launched the tool from that Moodle is one person (issue 7): Moodle's
LTI launches name users by ``sub`` = Moodle user id under the site's issuer, and the Moodle
WS serves the same user id — the sync links them instead of making a second person, even
when the default match key (email) finds nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.moodle.sandbox import TOKEN, create_app, seeded
from lti_tool.db import Database
from lti_tool.people.models import IdentityLink, Membership, Organisation, Person
from lti_tool.sync.models import SourceConnection, UnmatchedPerson
from lti_tool.sync.services import sync_now
from tests.adapters.test_sync_engine import SECRET, _connect, _options
from tests.servers import serve


@pytest.fixture
def db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "marshrut.sqlite"
    shutil.copy(sqlite_template, target)
    database = Database(f"sqlite:///{target}")
    yield database
    database.engine.dispose()


def _launched(db: Database, org_id: int, issuer: str, sub: str, name: str) -> int:
    """Someone an LTI launch brought in: no email (Moodle may withhold it), the LMS's name."""
    with db.session() as s:
        person = Person(display_name=name)
        s.add(person)
        s.flush()
        s.add_all([Membership(person_id=person.id, organisation_id=org_id, role="student"),
                   IdentityLink(person_id=person.id, source="lti", namespace=issuer,
                                external_id=sub)])
        return person.id


def test_a_moodle_user_who_launched_the_tool_is_not_doubled(db: Database) -> None:
    state = seeded()
    pupil, other, stranger = sorted(u for (c, u), r in state.roles.items()
                                    if c == 2 and r == "student")[:3]
    with serve(lambda base: create_app(state)) as (base, _):
        conn = _connect(db, {"kind": "moodle", "base_url": base + "/", "token": TOKEN})
        with db.session() as s:
            stored = s.get(SourceConnection, conn)
            assert stored is not None and stored.match_keys == ["email"]
            org_id = stored.organisation_id
            s.add(Organisation(slug="other", name="Другая школа"))
        same_site = _launched(db, org_id, base, str(pupil), "Ученик из LMS")
        elsewhere = _launched(db, org_id, "https://other-moodle.example", str(other), "Тёзка")
        with db.session() as s:
            other_org = s.scalars(select(Organisation.id).where(
                Organisation.slug == "other")).one()
        foreign = _launched(db, other_org, base, str(stranger), "Чужая школа")
        result = sync_now(db, conn, SECRET, _options())
    assert result.status == "done", result.message
    assert result.counts["people.linked"] == 1 and result.counts["people.created"] == 59
    with db.session() as s:
        def moodle_person(uid: int) -> int:
            return s.scalars(select(IdentityLink.person_id).where(
                IdentityLink.source == "moodle", IdentityLink.external_id == str(uid))).one()

        assert moodle_person(pupil) == same_site
        assert moodle_person(other) != elsewhere  # another Moodle's user 129 is not ours
        assert moodle_person(stranger) != foreign  # nor another school's launch
        assert s.scalar(select(func.count()).select_from(UnmatchedPerson).where(
            UnmatchedPerson.person_id == same_site)) == 0
        assert s.get(Person, same_site).display_name != "Ученик из LMS"  # Moodle's name now


@pytest.mark.parametrize(("a", "b", "same"), [
    ("https://Moodle.School.ru:443/", "https://moodle.school.ru", True),
    ("https://school.ru/moodle/", "https://school.ru/moodle", True),
    ("https://school.ru/moodle", "https://school.ru", False),
    ("http://moodle.school.ru", "https://moodle.school.ru", False),
    ("https://moodle.school.ru@evil.example", "https://moodle.school.ru", False),
    ("https://moodle.school.ru:8443", "https://moodle.school.ru", False),
])
def test_site_addresses_compare_as_moodle_issuers(a: str, b: str, same: bool) -> None:
    from lti_tool.people.sites import site

    assert (site(a) == site(b)) is same and site(a) != ""


def test_a_first_launch_after_the_sync_finds_the_synced_person(db: Database) -> None:
    """The other order: the school synced Moodle first, then a pupil launches the tool from
    that Moodle — the launch's find-or-create (lti.services._upsert_identity) takes the
    synced person instead of making a second one; another site's launch does not."""
    from lti_tool.lti.services import _upsert_identity

    state = seeded()
    pupil = min(u for (c, u), r in state.roles.items() if c == 2 and r == "student")
    with serve(lambda base: create_app(state)) as (base, _):
        conn = _connect(db, {"kind": "moodle", "base_url": base, "token": TOKEN})
        assert sync_now(db, conn, SECRET, _options()).status == "done"
    with db.session() as s:
        org_id = s.get(SourceConnection, conn).organisation_id
        synced = s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.source == "moodle", IdentityLink.external_id == str(pupil))).one()
        people_before = s.scalar(select(func.count()).select_from(Person))
        launched, _ = _upsert_identity(s, org_id, base + "/", str(pupil), "Ученик из LMS",
                                       ["student"], None, {"student"})
        elsewhere, _ = _upsert_identity(s, org_id, "https://other-moodle.example", str(pupil),
                                        "Тёзка", ["student"], None, {"student"})
    assert launched == synced and elsewhere != synced
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == people_before + 1
        assert s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.source == "lti", IdentityLink.namespace == base + "/")).one() == synced
