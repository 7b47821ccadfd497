"""exchange: name the host class of existing network courses where the journal says which

Revision ID: e7c1a9f3b5d2
Revises: a1d7f3c5e9b2
Create Date: 2026-12-05 21:50:00

The course form gained «Класс в журнале школы» (``exchange_course.host_class_id``, a column
that already existed but nothing set). Without it a transfer takes all the host's marks in
the course's subject for the enrolled pupils. Existing courses get the class when their
journal is unambiguous: all the host's marks of the course's enrolled pupils in its subject
(beside the network teacher's own journal page) sit in assignments of one class. Otherwise the course keeps «не указан» (the old behaviour)
for the host to choose. A class that belongs to another school is cleared.
Data only; the downgrade leaves the classes named (the column stays).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'e7c1a9f3b5d2'
down_revision = 'a1d7f3c5e9b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE exchange_course SET host_class_id = NULL WHERE host_class_id IS NOT NULL "
        "AND host_class_id NOT IN (SELECT g.id FROM class_group g "
        "WHERE g.organisation_id = exchange_course.host_org_id)"))
    found = bind.execute(sa.text(
        "SELECT DISTINCT c.id, a.class_id FROM exchange_course c "
        "JOIN exchange_request r ON r.course_id = c.id AND r.state = 'enrolled' "
        "JOIN journal_mark m ON m.student_id = r.student_id "
        "JOIN journal_assignment a ON a.id = m.assignment_id "
        "AND a.organisation_id = c.host_org_id AND a.subject = c.subject "
        # the network teacher's own journal page has no class and counts either way
        "AND NOT (a.source = 'exchange' AND a.namespace = 'journal:' || c.public_id) "
        "WHERE c.host_class_id IS NULL")).all()
    classes: dict[int, set[int | None]] = {}
    for course_id, class_id in found:
        classes.setdefault(course_id, set()).add(class_id)
    for course_id, named in classes.items():
        if len(named) == 1 and None not in named:
            bind.execute(sa.text("UPDATE exchange_course SET host_class_id = :k WHERE id = :c"),
                         {"k": next(iter(named)), "c": course_id})


def downgrade() -> None:
    pass
