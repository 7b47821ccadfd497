"""login state: the client address's hash, to bound live login states per address

Revision ID: 5f2a9c7e1b34
Revises: 9d4b2f6e8a11
Create Date: 2026-12-05 10:50:00

Anyone could call /lti/login about 370 times a second, each writing a row; rows now expire
(swept) and one address may hold only ``login_states_per_address`` live ones.
"""
from alembic import op
import sqlalchemy as sa


revision = '5f2a9c7e1b34'
down_revision = '9d4b2f6e8a11'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lti_login_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_hash', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_lti_login_state_address', ['address_hash', 'expires_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lti_login_state', schema=None) as batch_op:
        batch_op.drop_index('ix_lti_login_state_address')
        batch_op.drop_column('address_hash')
