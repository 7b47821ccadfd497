"""sync ids scoped by school: every namespace a sync wrote gets its organisation

Revision ID: 9d4b2f6e8a11
Revises: 7a1e5c3d9b20
Create Date: 2026-12-05 10:40:00

Rows a sync wrote (sources netschool, moodle, oneroster) were keyed by the remote system's
id space alone, so two schools whose exports share ids overwrote each other. From now on
the engine writes ``<namespace>@org<organisation id>`` (lti_tool/sync/rules.py,
``scoped_namespace``); this migration gives existing rows the same form, so a school's next
sync finds its own rows instead of creating them again. LTI rows are not touched (their
namespace is the platform's issuer, shared across its schools on purpose).
"""
from alembic import op
import sqlalchemy as sa


revision = '9d4b2f6e8a11'
down_revision = '7a1e5c3d9b20'
branch_labels = None
depends_on = None

SOURCES = "('netschool', 'moodle', 'oneroster')"
OWNED = ("journal_assignment", "journal_attendance", "journal_final_mark", "class_group")


def upgrade() -> None:
    for table in OWNED:
        op.execute(f"UPDATE {table} SET namespace = namespace || '@org' || "
                   f"CAST(organisation_id AS VARCHAR(20)) WHERE source IN {SOURCES} "
                   f"AND namespace NOT LIKE '%@org%'")
    # An identity link has no organisation of its own: the school whose member the person is
    # (the sync made them a member when it linked them).
    op.execute(
        "UPDATE identity_link SET namespace = namespace || '@org' || CAST(("
        "SELECT MIN(m.organisation_id) FROM membership m "
        "WHERE m.person_id = identity_link.person_id) AS VARCHAR(20)) "
        f"WHERE source IN {SOURCES} AND namespace NOT LIKE '%@org%' AND EXISTS ("
        "SELECT 1 FROM membership m WHERE m.person_id = identity_link.person_id)")


def downgrade() -> None:
    bind = op.get_bind()
    for table in (*OWNED, "identity_link"):
        rows = bind.execute(sa.text(
            f"SELECT id, namespace FROM {table} WHERE source IN {SOURCES} "
            "AND namespace LIKE '%@org%'")).all()
        for row_id, namespace in rows:
            bind.execute(sa.text(f"UPDATE {table} SET namespace = :ns WHERE id = :id"),
                         {"ns": namespace.rsplit("@org", 1)[0], "id": row_id})
