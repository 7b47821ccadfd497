"""Migration a9c3e5f7b1d2: packages made before keep their files and rows; their fingerprints
are recomputed by the new formula, so an unchanged month is still recognised as unchanged;
down and up again keeps every row."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from lti_tool.db import Database
from lti_tool.exchange import rules
from lti_tool.migrate import alembic_config, upgrade
from lti_tool.people.models import Organisation

BEFORE = "e5c7a9b1d3f6"
ROWS = {rules.row_key("p1", "c1", "mark", "2026-10-05", "k1"): "5",
        rules.row_key("p1", "c1", "absence", "2026-10-07", "lesson-3"): "Н"}
PACKAGE = sa.table("exchange_package", *(sa.column(c) for c in (
    "public_id", "host_org_id", "home_org_id", "period", "version", "state", "fingerprint",
    "rows", "changes", "students", "marks", "absences", "oneroster_zip", "xlsx", "attempts",
    "last_error", "created_at")))


def _old_fingerprint(rows: dict[str, str]) -> str:
    encode = json.JSONEncoder(ensure_ascii=False).encode
    return hashlib.sha256("".join(encode([*key.split("\x1f"), rows[key]]) for key in sorted(
        rows, key=lambda k: tuple(k.split("\x1f")))).encode()).hexdigest()


def _stored_at(database_url: str, revision: str, fingerprint: str,
               files: tuple[bytes | None, bytes | None]) -> None:
    """The database back at ``revision`` with one sent package of ROWS stored as then."""
    command.downgrade(alembic_config(database_url), revision)
    db = Database(database_url)
    with db.session() as s:
        host, home = Organisation(slug="gym", name="Гимназия"), Organisation(slug="s", name="Ш")
        s.add_all([host, home])
        s.flush()
        s.execute(PACKAGE.insert().values(
            public_id="pkg-old", host_org_id=host.id, home_org_id=home.id, period="2026-10",
            version=1, state="sent", fingerprint=fingerprint,
            rows=json.dumps(ROWS, ensure_ascii=False), changes="{}", students=1, marks=1,
            absences=1, oneroster_zip=files[0], xlsx=files[1], attempts=1, last_error="",
            created_at=datetime(2026, 11, 1, tzinfo=UTC).replace(tzinfo=None)))
        s.commit()
    db.engine.dispose()


def test_packages_made_before_keep_files_and_get_the_new_fingerprint(
        database_url: str) -> None:
    config = alembic_config(database_url)
    _stored_at(database_url, BEFORE, _old_fingerprint(ROWS), (b"PK-zip", b"PK-xlsx"))

    upgrade(database_url)
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT fingerprint, rows, oneroster_zip, xlsx, content "
                                   "FROM exchange_package")).one()
    stored = row.rows if isinstance(row.rows, dict) else json.loads(row.rows)
    assert stored == ROWS and row.fingerprint == rules.fingerprint(ROWS)
    assert (bytes(row.oneroster_zip), bytes(row.xlsx), row.content) == (
        b"PK-zip", b"PK-xlsx", None)

    command.downgrade(config, BEFORE)  # back: the old formula, the files kept
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT fingerprint, oneroster_zip FROM exchange_package"
                                   )).one()
    assert row.fingerprint == _old_fingerprint(ROWS) and bytes(row.oneroster_zip) == b"PK-zip"
    engine.dispose()
    upgrade(database_url)


def _lines_fingerprint(rows: dict[str, str]) -> str:
    return hashlib.sha256("\n".join(sorted(
        f"{key}\x1f{value}" for key, value in rows.items())).encode()).hexdigest()


def test_fingerprints_of_the_lines_formula_become_the_sorted_json_one_and_back(
        database_url: str) -> None:
    """Migration b3d5f7a9c1e4: a package stored under a9c3e5f7b1d2's formula is recognised as
    unchanged after the upgrade (its fingerprint is the one the month run now computes)."""
    config = alembic_config(database_url)
    _stored_at(database_url, "a9c3e5f7b1d2", _lines_fingerprint(ROWS), (None, None))
    engine = sa.create_engine(database_url)
    fingerprint = sa.text("SELECT fingerprint FROM exchange_package")
    upgrade(database_url)
    with engine.connect() as conn:
        assert conn.execute(fingerprint).scalar_one() == rules.fingerprint(ROWS)
    command.downgrade(config, "a9c3e5f7b1d2")
    with engine.connect() as conn:
        assert conn.execute(fingerprint).scalar_one() == _lines_fingerprint(ROWS)
    engine.dispose()
    upgrade(database_url)
