"""login state: how the browser is bound (platform storage target) and how to start again

Revision ID: 7a1e5c3d9b20
Revises: 4c2b25f35a47
Create Date: 2026-12-05 10:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '7a1e5c3d9b20'
down_revision = '4c2b25f35a47'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lti_login_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('storage_target', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('login_query', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lti_login_state', schema=None) as batch_op:
        batch_op.drop_column('login_query')
        batch_op.drop_column('storage_target')
