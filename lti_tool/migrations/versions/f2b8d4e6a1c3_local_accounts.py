"""local accounts by invitation (argon2id, TOTP) and their single-use e-mail links

Revision ID: f2b8d4e6a1c3
Revises: 6917469c5564
Create Date: 2026-12-05 18:40:00
"""
from alembic import op
import sqlalchemy as sa
import lti_tool.db


revision = 'f2b8d4e6a1c3'
down_revision = '6917469c5564'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'local_account',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('password_hash', sa.String(length=200), nullable=True),
        sa.Column('totp_secret', sa.String(length=300), nullable=True),
        sa.Column('totp_enabled', sa.Boolean(), nullable=False),
        sa.Column('recovery_codes', sa.JSON(), nullable=False),
        sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email'),
        sa.UniqueConstraint('person_id'),
    )
    op.create_index('ix_local_account_organisation_id', 'local_account', ['organisation_id'])
    op.create_table(
        'account_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['local_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_account_token_account_id', 'account_token', ['account_id'])


def downgrade() -> None:
    op.drop_index('ix_account_token_account_id', table_name='account_token')
    op.drop_table('account_token')
    op.drop_index('ix_local_account_organisation_id', table_name='local_account')
    op.drop_table('local_account')
