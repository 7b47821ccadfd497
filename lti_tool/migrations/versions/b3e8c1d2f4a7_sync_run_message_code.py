"""sync run: the message as a code with parameters, rendered in the reader's language

Revision ID: b3e8c1d2f4a7
Revises: 5f2a9c7e1b34
Create Date: 2026-12-05 10:45:00

Runs written before keep their rendered text in ``message`` and are shown as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3e8c1d2f4a7'
down_revision = '5f2a9c7e1b34'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sync_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_data', sa.JSON(), nullable=True))
    with op.batch_alter_table('sync_rejection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_data', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sync_rejection', schema=None) as batch_op:
        batch_op.drop_column('reason_data')
    with op.batch_alter_table('sync_run', schema=None) as batch_op:
        batch_op.drop_column('message_data')
