"""Roles in an organisation and in a class are checked by the database (issue 8)

Revision ID: e5c7a9b1d3f6
Revises: b4d6f8a0c2e4
Create Date: 2026-12-06 02:45:00

``membership.role`` and ``class_enrolment.role`` were free strings explained in comments.
The allowed values are the tuples in ``people/models.py`` (``MEMBERSHIP_ROLES``,
``CLASS_ROLES``): every role the code writes comes from the LTI role map, the school
systems' records (``schemas.records.ROLES``) or the invitation form (partner, tutor), all
inside them, so rows already stored pass.
"""
from __future__ import annotations

from alembic import op

revision = 'e5c7a9b1d3f6'
down_revision = 'b4d6f8a0c2e4'
branch_labels = None
depends_on = None

CHECKS = (
    ("membership", "role",
     "role IN ('student', 'teacher', 'parent', 'admin', 'partner', 'tutor')"),
    ("class_enrolment", "role", "role IN ('student', 'teacher')"),
)


def upgrade() -> None:
    for table, name, condition in CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)


def downgrade() -> None:
    for table, name, _condition in reversed(CHECKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
