"""network council: one ballot per member per decision

Revision ID: 7c4e2a9d1f60
Revises: b4d6f8a0c2e5
Create Date: 2026-12-05 21:35:00

Decisions were recorded as counts typed by the secretary. Each present member's vote is now a
row (``network_ballot``) and the counts are computed from the ballots. Decisions stored before
keep their counts and are marked ``tally_source = 'counts'`` so the pages say they have no
per-member record; new ones default to ``'ballots'``.
"""
from alembic import op
import sqlalchemy as sa


revision = '7c4e2a9d1f60'
down_revision = 'b4d6f8a0c2e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('network_ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=10), nullable=False),
    sa.CheckConstraint("choice IN ('for', 'against', 'abstain')",
                       name=op.f('ck_network_ballot_choice')),
    sa.ForeignKeyConstraint(['decision_id'], ['network_decision.id'], name=op.f('fk_network_ballot_decision_id_network_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['network_council_member.id'], name=op.f('fk_network_ballot_member_id_network_council_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_network_ballot_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_ballot')),
    sa.UniqueConstraint('decision_id', 'member_id', name=op.f('uq_network_ballot_decision_id'))
    )
    with op.batch_alter_table('network_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_ballot_decision_id'), ['decision_id'], unique=False)
    with op.batch_alter_table('network_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tally_source', sa.String(length=10),
                                      server_default='ballots', nullable=False))
    # Every decision stored so far was typed in as counts.
    op.execute("UPDATE network_decision SET tally_source = 'counts'")


def downgrade() -> None:
    with op.batch_alter_table('network_decision', schema=None) as batch_op:
        batch_op.drop_column('tally_source')
    with op.batch_alter_table('network_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_ballot_decision_id'))
    op.drop_table('network_ballot')
