"""Run states, score states and source kinds are checked by the database (issue 8)

Revision ID: d3f5a7c9e1b4
Revises: b7d1f3a5c9e2
Create Date: 2026-12-05 19:50:00

They were free strings explained in comments; a typo in code would have stored a state no
page knows. The allowed values are the tuples in the models (``SOURCE_KINDS``, ``RUN_STATES``,
``SCORE_STATES``); rows already stored all use them (the code never wrote anything else).
"""
from __future__ import annotations

from alembic import op

revision = 'd3f5a7c9e1b4'
down_revision = 'b7d1f3a5c9e2'
branch_labels = None
depends_on = None

CHECKS = (
    ("sync_connection", "kind", "kind IN ('netschool', 'moodle', 'oneroster')"),
    ("sync_run", "status", "status IN ('running', 'done', 'failed', 'interrupted')"),
    ("ags_outbox_score", "status", "status IN ('pending', 'sending', 'sent', 'failed')"),
)


def upgrade() -> None:
    for table, name, condition in CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)


def downgrade() -> None:
    for table, name, _condition in reversed(CHECKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
