"""Transfer packages keep a snapshot and get their files when they are sent (issue 12)

Revision ID: a9c3e5f7b1d2
Revises: e5c7a9b1d3f6
Create Date: 2026-12-06 05:30:00

``exchange_package.content`` holds what the files print besides the rows (schools, courses,
pupils' names, assignment titles); ``oneroster_zip`` and ``xlsx`` may be empty until the
delivery renders and stores them. Packages made before keep their files (and no content).
The fingerprint is now one hash over the rows as plain text (``exchange.rules.
fingerprint``); stored ones are recomputed from the stored rows so that an unchanged month
is still recognised as unchanged. The formula is written out here, not imported: a
migration must mean the same whatever the code becomes.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = 'a9c3e5f7b1d2'
down_revision = 'e5c7a9b1d3f6'
branch_labels = None
depends_on = None


def _rows(value: Any) -> dict[str, str]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def upgrade() -> None:
    with op.batch_alter_table("exchange_package", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", sa.JSON(), nullable=True))
        batch_op.alter_column("oneroster_zip", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.alter_column("xlsx", existing_type=sa.LargeBinary(), nullable=True)
    conn = op.get_bind()
    package = sa.table("exchange_package", sa.column("id", sa.Integer),
                       sa.column("rows", sa.JSON), sa.column("fingerprint", sa.String))
    for package_id, rows in conn.execute(sa.select(package.c.id, package.c.rows)).all():
        lines = sorted(f"{key}\x1f{value}" for key, value in _rows(rows).items())
        conn.execute(package.update().where(package.c.id == package_id).values(
            fingerprint=hashlib.sha256("\n".join(lines).encode()).hexdigest()))


def downgrade() -> None:
    """Back to files stored at making: a package without files gets empty ones (its rows are
    kept), and the fingerprints of the JSON-per-row formula."""
    conn = op.get_bind()
    package = sa.table("exchange_package", sa.column("id", sa.Integer),
                       sa.column("rows", sa.JSON), sa.column("fingerprint", sa.String),
                       sa.column("oneroster_zip", sa.LargeBinary),
                       sa.column("xlsx", sa.LargeBinary))
    encode = json.JSONEncoder(ensure_ascii=False).encode
    for package_id, rows in conn.execute(sa.select(package.c.id, package.c.rows)).all():
        stored = _rows(rows)
        text = "".join(encode([*key.split("\x1f"), stored[key]]) for key in sorted(
            stored, key=lambda k: tuple(k.split("\x1f"))))
        conn.execute(package.update().where(package.c.id == package_id).values(
            fingerprint=hashlib.sha256(text.encode()).hexdigest()))
    conn.execute(package.update().where(package.c.oneroster_zip.is_(None)).values(
        oneroster_zip=b""))
    conn.execute(package.update().where(package.c.xlsx.is_(None)).values(xlsx=b""))
    with op.batch_alter_table("exchange_package", schema=None) as batch_op:
        batch_op.alter_column("xlsx", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.alter_column("oneroster_zip", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("content")
