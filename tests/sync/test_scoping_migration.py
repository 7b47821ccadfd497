"""The migration that scopes sync ids by school keeps existing data findable (a school's
next sync must find its rows, not create them again), and leaves LTI rows alone."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from lti_tool.migrate import alembic_config, upgrade


def test_existing_rows_get_their_school_and_lti_rows_stay(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade(url, "7a1e5c3d9b20")
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO organisation (id, slug, name, kind, created_at) "
                       "VALUES (7, 's', 'S', 'school', '2026-01-01')"))
        c.execute(text("INSERT INTO person (id, public_id, display_name, created_at) "
                       "VALUES (1, 'p1', 'Иван', '2026-01-01'), (2, 'p2', 'Мария', '2026-01-01')"))
        c.execute(text("INSERT INTO membership (person_id, organisation_id, role) "
                       "VALUES (1, 7, 'student'), (2, 7, 'teacher')"))
        c.execute(text("INSERT INTO identity_link (person_id, source, namespace, external_id, "
                       "created_at) VALUES (1, 'oneroster', 'oneroster:sch', 's1', '2026-01-01'), "
                       "(2, 'lti', 'https://lms', 'u2', '2026-01-01')"))
        c.execute(text("INSERT INTO class_group (id, public_id, organisation_id, source, "
                       "namespace, external_id, title, label) VALUES "
                       "(3, 'c3', 7, 'oneroster', 'oneroster:sch', 'k1', '10А', '10А')"))
    upgrade(url)
    with engine.connect() as c:
        links = dict(c.execute(text("SELECT source, namespace FROM identity_link")).all())
        group = c.execute(text("SELECT namespace FROM class_group")).scalar()
    assert links == {"oneroster": "oneroster:sch@org7", "lti": "https://lms"}
    assert group == "oneroster:sch@org7"
    command.downgrade(alembic_config(url), "7a1e5c3d9b20")
    with engine.connect() as c:
        assert c.execute(text("SELECT namespace FROM class_group")).scalar() == "oneroster:sch"
    engine.dispose()
