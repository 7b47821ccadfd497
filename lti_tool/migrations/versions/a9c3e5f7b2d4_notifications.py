"""notifications (in-app list, e-mail state) and per-person e-mail preference

Revision ID: a9c3e5f7b2d4
Revises: 555238f7a4e1
Create Date: 2026-12-05 18:50:00
"""
from alembic import op
import sqlalchemy as sa
import lti_tool.db


revision = 'a9c3e5f7b2d4'
down_revision = '555238f7a4e1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=24), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('endpoint', sa.String(length=80), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('about_person_id', sa.Integer(), nullable=True),
        sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('read_at', lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('email_state', sa.String(length=10), nullable=False),
        sa.Column('emailed_at', lti_tool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('email_attempts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['about_person_id'], ['person.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('person_id', 'key'),
        sa.UniqueConstraint('public_id'),
    )
    op.create_index('ix_notification_person_read', 'notification', ['person_id', 'read_at'])
    op.create_index('ix_notification_email_state', 'notification', ['email_state'])
    op.create_table(
        'notification_preference',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('email_mode', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('person_id'),
    )


def downgrade() -> None:
    op.drop_table('notification_preference')
    op.drop_index('ix_notification_email_state', table_name='notification')
    op.drop_index('ix_notification_person_read', table_name='notification')
    op.drop_table('notification')
