"""OneRoster connections typed in the web form lose a server path they may still hold

Revision ID: c5d1e7a9f3b2
Revises: b3e8c1d2f4a7
Create Date: 2026-12-05 18:40:00

Before OneRoster drops came as uploads (lti_tool/sync/uploads.py), the web form took a
folder or zip *path on the server*: a school admin could make the sync read any file the
server can read, another school's export included. The form no longer takes a path, but
connections saved through it keep theirs. This clears every OneRoster path that is neither
an upload of the connection's own school (``…/uploads/oneroster/org<id>/…``) nor set by the
operator's CLI (the connection's ``sync.connect`` audit entry has no actor); the school
uploads the file again, and the audit log says why the path went.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = 'c5d1e7a9f3b2'
down_revision = 'b3e8c1d2f4a7'
branch_labels = None
depends_on = None


def _settings(value: object) -> dict:
    if isinstance(value, str):
        return json.loads(value or "{}")
    return dict(value or {})


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, public_id, organisation_id, settings FROM sync_connection "
        "WHERE kind = 'oneroster'")).all()
    for conn_id, public_id, org_id, raw in rows:
        settings = _settings(raw)
        path = str(settings.get("path") or "")
        if not path or f"/uploads/oneroster/org{org_id}/" in path.replace("\\", "/"):
            continue
        by_operator = bind.execute(sa.text(
            "SELECT COUNT(*) FROM audit_entry WHERE action = 'sync.connect' "
            "AND entity_id = :pid AND actor_id IS NULL"), {"pid": public_id}).scalar()
        if by_operator:
            continue
        settings["path"] = ""
        bind.execute(sa.text("UPDATE sync_connection SET settings = :s WHERE id = :id")
                     .bindparams(sa.bindparam("s", type_=sa.JSON)),
                     {"s": settings, "id": conn_id})
        now = datetime.now(timezone.utc)
        bind.execute(sa.text(
            "INSERT INTO audit_entry (at, actor_id, organisation_id, action, entity, "
            "entity_id, details) VALUES (:at, NULL, :org, 'sync.path_cleared', "
            "'sync_connection', :pid, :details)").bindparams(
                sa.bindparam("details", type_=sa.JSON)),
            {"at": now if bind.dialect.name == "postgresql" else now.replace(tzinfo=None),
             "org": org_id, "pid": public_id,
             "details": {"reason": "a server path typed in the web form; upload the file"}})


def downgrade() -> None:
    """The cleared paths are not restored: they were the hole."""
