"""pathways: rule editions added by a regional authority

Revision ID: c7e9a1b3d5f7
Revises: e7c1a9f3b5d2
Create Date: 2026-12-05 22:30:00
"""
from alembic import op
import sqlalchemy as sa
import lti_tool.db


revision = 'c7e9a1b3d5f7'
down_revision = 'e7c1a9f3b5d2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pathway_edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('based_on', sa.String(length=40), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('source_date', sa.Date(), nullable=False),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('certainty', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['organisation.id'], name=op.f('fk_pathway_edition_authority_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['person.id'], name=op.f('fk_pathway_edition_created_by_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway_edition')),
    sa.UniqueConstraint('public_id', name=op.f('uq_pathway_edition_public_id'))
    )
    with op.batch_alter_table('pathway_edition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pathway_edition_authority_id'), ['authority_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pathway_edition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pathway_edition_authority_id'))
    op.drop_table('pathway_edition')
