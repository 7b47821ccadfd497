"""Transfer package fingerprints: the SHA-256 of the rows as JSON with sorted keys (issue 12)

Revision ID: b3d5f7a9c1e4
Revises: a9c3e5f7b1d2
Create Date: 2026-12-06 08:50:00

The month run writes each package's rows as JSON with sorted keys and hashes that same text
(``exchange.rules.rows_json`` / ``fingerprint``), instead of hashing a second, line-by-line
spelling of the rows: one encoding per package instead of two (bench/exchange.py). Stored
fingerprints are recomputed from the stored rows so that an unchanged month is still
recognised as unchanged. Both formulas are written out here, not imported: a migration must
mean the same whatever the code becomes.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = 'b3d5f7a9c1e4'
down_revision = 'a9c3e5f7b1d2'
branch_labels = None
depends_on = None


def _rows(value: Any) -> dict[str, str]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _sorted_json(rows: dict[str, str]) -> str:
    """orjson's OPT_SORT_KEYS text: compact, UTF-8, keys in code point order."""
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")).encode()).hexdigest()


def _lines(rows: dict[str, str]) -> str:
    """The formula of a9c3e5f7b1d2: sorted «key␟value» lines."""
    return hashlib.sha256("\n".join(sorted(
        f"{key}\x1f{value}" for key, value in rows.items())).encode()).hexdigest()


def _recompute(formula: Callable[[dict[str, str]], str]) -> None:
    conn = op.get_bind()
    package = sa.table("exchange_package", sa.column("id", sa.Integer),
                       sa.column("rows", sa.JSON), sa.column("fingerprint", sa.String))
    for package_id, rows in conn.execute(sa.select(package.c.id, package.c.rows)).all():
        conn.execute(package.update().where(package.c.id == package_id).values(
            fingerprint=formula(_rows(rows))))


def upgrade() -> None:
    _recompute(_sorted_json)


def downgrade() -> None:
    _recompute(_lines)
