"""pathways: the periods a school follows routes by (полугодия or четверти)

Revision ID: b4d6f8a0c2e5
Revises: d3f5a7c9e1b4
Create Date: 2026-12-05 21:40:00

Progress was measured over the whole route only; schools follow it per term, senior grades
usually per half-year, so the school chooses and existing schools get полугодия.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b4d6f8a0c2e5'
down_revision = 'd3f5a7c9e1b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pathway_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term_scheme', sa.String(length=10), nullable=False,
                                      server_default='halves'))


def downgrade() -> None:
    with op.batch_alter_table('pathway_offer', schema=None) as batch_op:
        batch_op.drop_column('term_scheme')
