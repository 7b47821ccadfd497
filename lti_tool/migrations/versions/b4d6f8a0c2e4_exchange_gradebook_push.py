"""exchange: final marks pushed into the home school's LMS gradebook (AGS or Moodle WS)

Revision ID: b4d6f8a0c2e4
Revises: c7e9a1b3d5f7
Create Date: 2026-12-06 02:30:00
"""
from alembic import op
import sqlalchemy as sa
import lti_tool.db


revision = 'b4d6f8a0c2e4'
down_revision = 'c7e9a1b3d5f7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exchange_gradebook_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('home_org_id', sa.Integer(), nullable=False),
    sa.Column('deployment_pk', sa.Integer(), nullable=True),
    sa.Column('issuer', sa.String(length=1000), nullable=False),
    sa.Column('lineitems_url', sa.String(length=1000), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.String(length=40), nullable=False),
    sa.Column('updated_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['exchange_course.id'], name=op.f('fk_exchange_gradebook_link_course_id_exchange_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['home_org_id'], ['organisation.id'], name=op.f('fk_exchange_gradebook_link_home_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deployment_pk'], ['lti_deployment.id'], name=op.f('fk_exchange_gradebook_link_deployment_pk_lti_deployment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['connection_id'], ['sync_connection.id'], name=op.f('fk_exchange_gradebook_link_connection_id_sync_connection'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_gradebook_link')),
    sa.UniqueConstraint('course_id', 'home_org_id', name=op.f('uq_exchange_gradebook_link_course_id'))
    )
    with op.batch_alter_table('exchange_gradebook_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_gradebook_link_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_gradebook_link_home_org_id'), ['home_org_id'], unique=False)

    op.create_table('exchange_mark_push',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('home_org_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('mark', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=2000), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', lti_tool.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['exchange_report_card.id'], name=op.f('fk_exchange_mark_push_card_id_exchange_report_card'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['home_org_id'], ['organisation.id'], name=op.f('fk_exchange_mark_push_home_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['person.id'], name=op.f('fk_exchange_mark_push_created_by_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_mark_push')),
    sa.UniqueConstraint('card_id', 'version', name=op.f('uq_exchange_mark_push_card_id'))
    )
    with op.batch_alter_table('exchange_mark_push', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_mark_push_card_id'), ['card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_mark_push_home_org_id'), ['home_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_mark_push_state'), ['state'], unique=False)


def downgrade() -> None:
    op.drop_table('exchange_mark_push')
    op.drop_table('exchange_gradebook_link')
