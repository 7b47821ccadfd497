"""account sessions and sign-in attempts (sign-in without an LMS, issue 10)

Revision ID: e4a7c2d9b1f3
Revises: c35e26354817
Create Date: 2026-12-05 18:30:00
"""
from alembic import op
import sqlalchemy as sa
import lti_tool.db


revision = 'e4a7c2d9b1f3'
down_revision = 'c35e26354817'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'account_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=24), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('roles', sa.JSON(), nullable=False),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('public_id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_account_session_person_id', 'account_session', ['person_id'])
    op.create_table(
        'signin_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=10), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_signin_attempt_key_at', 'signin_attempt', ['scope', 'key', 'at'])


def downgrade() -> None:
    op.drop_index('ix_signin_attempt_key_at', table_name='signin_attempt')
    op.drop_table('signin_attempt')
    op.drop_index('ix_account_session_person_id', table_name='account_session')
    op.drop_table('account_session')
