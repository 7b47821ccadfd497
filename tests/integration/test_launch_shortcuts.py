"""The launch's shortcuts must never serve stale facts: the per-process registry cache and
the one-statement "nothing changed" check for a returning user, on both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from lti_tool.db import Database
from lti_tool.lti import registry, registry_cache
from lti_tool.lti.models import PlatformClient
from lti_tool.people import services as people
from lti_tool.people.models import ClassEnrolment, ClassGroup, Organisation, Person

ISS = "https://lms.example"
CTX = ("course-1", "Алгебра", "10А")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    registry_cache.clear()
    database = Database(database_url)
    yield database
    database.engine.dispose()
    registry_cache.clear()


def _org(db: Database, slug: str = "school") -> int:
    with db.session() as s:
        org = Organisation(slug=slug, name=slug)
        s.add(org)
        s.flush()
        return org.id


def _register(db: Database, org_id: int, status: str = "active") -> int:
    with db.session() as s:
        return registry.add_platform(
            s, issuer=ISS, client_id="c1", organisation_id=org_id, status=status,
            auth_login_url=ISS + "/auth", auth_token_url=ISS + "/token", jwks_url=ISS + "/jwks",
            deployment_ids=["d1"]).id


def test_active_client_is_cached_and_dropped_on_change(db):
    pk = _register(db, _org(db))
    with db.session() as s:
        first = registry_cache.find_client(s, ISS, "c1")
        assert first is not None and first.status == "active"
        assert registry_cache.find_client(s, ISS, "c1") is first  # served from the cache
    with db.session() as s:  # an ORM change anywhere in the process empties it
        s.get_one(PlatformClient, pk).status = "pending"
    with db.session() as s:
        again = registry_cache.find_client(s, ISS, "c1")
        assert again is not None and again.status == "pending"
    with db.session() as s:  # so does a Core UPDATE run through a session
        s.execute(update(PlatformClient).values(status="active"))
    with db.session() as s:
        assert registry_cache.client_by_pk(s, pk).status == "active"


def test_pending_client_and_unknown_deployment_are_read_afresh(db):
    pk = _register(db, _org(db), status="pending")
    with db.session() as s:
        assert registry_cache.client_by_pk(s, pk).status == "pending"
    # Approved by another process: nothing of the pending client was cached.
    other = Database(db.url)
    with other.engine.begin() as conn:  # no Session here: nothing tells our cache
        conn.execute(update(PlatformClient.__table__).values(status="active"))
    other.engine.dispose()
    with db.session() as s:
        client = registry_cache.client_by_pk(s, pk)
        assert client.status == "active"
        assert registry_cache.find_deployment(s, client, "d2") is None
        registry.add_deployment(s, s.get_one(PlatformClient, pk), "d2")
    with db.session() as s:
        assert registry_cache.find_deployment(s, client, "d2") is not None


def _identity(db: Database, org_id: int, roles: list[str]) -> tuple[int, int]:
    with db.session() as s:
        person = people.upsert_person(s, source="lti", namespace=ISS, external_id="u1",
                                      display_name="Анна")
        people.ensure_roles(s, person, org_id, roles)
        group = people.upsert_class(s, org_id, source="lti", namespace=ISS,
                                    external_id=CTX[0], title=CTX[1], label=CTX[2])
        people.enrol(s, group, person, "student")
        s.flush()
        return person.id, group.id


def _check(db: Database, org_id: int, **kw: object) -> tuple[int, int | None] | None:
    args: dict[str, object] = dict(org_id=org_id, namespace=ISS, external_id="u1",
                                   display_name="Анна", roles=["student"], context=CTX,
                                   enrol_as={"student"})
    args.update(kw)
    with db.session() as s:
        return people.unchanged_launch_identity(s, **args)  # type: ignore[arg-type]


def test_unchanged_identity_is_recognised(db):
    org = _org(db)
    person_id, class_id = _identity(db, org, ["student"])
    assert _check(db, org) == (person_id, class_id)
    assert _check(db, org, context=None, enrol_as=set()) == (person_id, None)
    assert _check(db, org, display_name="") == (person_id, class_id)  # no name: keep ours


@pytest.mark.parametrize("change", [
    {"external_id": "u2"}, {"display_name": "Анна Петрова"},
    {"roles": ["student", "teacher"], "enrol_as": {"student", "teacher"}},
    {"context": ("course-2", "", "")}, {"context": ("course-1", "Геометрия", "")},
])
def test_any_difference_takes_the_full_path(db, change):
    org = _org(db)
    _identity(db, org, ["student"])
    assert _check(db, org, **change) is None


def test_rows_changed_elsewhere_are_put_right(db):
    org = _org(db)
    person_id, class_id = _identity(db, org, ["student"])
    with db.session() as s:  # a roster pull dropped the pupil from the class
        s.execute(update(ClassEnrolment).values(active=False))
    assert _check(db, org) is None
    with db.session() as s:
        s.execute(update(ClassEnrolment).values(active=True))
        s.execute(update(Person).values(display_name="Другое имя"))
    assert _check(db, org) is None
    with db.session() as s:
        s.execute(update(Person).values(display_name="Анна"))
        s.execute(update(ClassGroup).values(label="11Б"))
    assert _check(db, org) is None
    assert _check(db, _org(db, "other")) is None  # another school: not on record there
