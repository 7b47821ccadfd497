"""portfolio: pupils marked «совершеннолетний» by the school admin (no birth dates)

Revision ID: a1d7f3c5e9b2
Revises: 7c4e2a9d1f60
Create Date: 2026-12-05 22:05:00
"""
from alembic import op
import sqlalchemy as sa
import lti_tool.db


revision = 'a1d7f3c5e9b2'
down_revision = '7c4e2a9d1f60'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('portfolio_adult_pupil',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', lti_tool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_portfolio_adult_pupil_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_portfolio_adult_pupil_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by'], ['person.id'], name=op.f('fk_portfolio_adult_pupil_set_by_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_adult_pupil')),
    sa.UniqueConstraint('organisation_id', 'person_id', name=op.f('uq_portfolio_adult_pupil_organisation_id'))
    )
    with op.batch_alter_table('portfolio_adult_pupil', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portfolio_adult_pupil_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('portfolio_adult_pupil', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portfolio_adult_pupil_person_id'))

    op.drop_table('portfolio_adult_pupil')
