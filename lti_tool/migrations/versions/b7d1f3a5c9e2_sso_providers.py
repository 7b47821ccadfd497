"""regional OpenID Connect providers (per organisation, secret encrypted at rest)

Revision ID: b7d1f3a5c9e2
Revises: db8e6c722bb1
Create Date: 2026-12-05 19:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d1f3a5c9e2'
down_revision = 'db8e6c722bb1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sso_provider',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=24), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('issuer', sa.String(length=300), nullable=False),
        sa.Column('client_id', sa.String(length=200), nullable=False),
        sa.Column('client_secret', sa.String(length=600), nullable=False),
        sa.Column('claim', sa.String(length=80), nullable=False),
        sa.Column('scope', sa.String(length=200), nullable=False),
        sa.Column('link_source', sa.String(length=20), nullable=False),
        sa.Column('link_namespace', sa.String(length=300), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('public_id'),
    )
    op.create_index('ix_sso_provider_organisation_id', 'sso_provider', ['organisation_id'])


def downgrade() -> None:
    op.drop_index('ix_sso_provider_organisation_id', table_name='sso_provider')
    op.drop_table('sso_provider')
