"""Issue 7: OneRoster connections saved through the old web form held a server path (any
file the server could read). The migration clears such paths, keeps the school's own uploads
and the operator's CLI paths, and says so in the audit log."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from lti_tool.core.audit import AuditEntry
from lti_tool.db import Database
from lti_tool.migrate import alembic_config, upgrade
from lti_tool.people.models import Organisation, Person
from lti_tool.sync.models import SourceConnection

BEFORE = "b3e8c1d2f4a7"


def test_web_typed_paths_are_cleared_uploads_and_operator_paths_stay(database_url):
    command.downgrade(alembic_config(database_url), BEFORE)
    db = Database(database_url)
    with db.session() as s:
        org, admin = Organisation(slug="s", name="Школа"), Person(display_name="Админ")
        s.add_all([org, admin])
        s.flush()
        paths = {"typed": "/etc/marshrut/other-school.zip",
                 "upload": f"/srv/instance/uploads/oneroster/org{org.id}/a1b2.zip",
                 "foreign": "/srv/instance/uploads/oneroster/org999/theirs.zip",
                 "cli": "/srv/drops/school.zip"}
        for title, path in paths.items():
            conn = SourceConnection(organisation_id=org.id, kind="oneroster", title=title,
                                    settings={"path": path}, match_keys=["email"])
            s.add(conn)
            s.flush()
            # the operator's CLI records no actor; a web admin is a person
            s.add(AuditEntry(actor_id=None if title == "cli" else admin.id,
                             organisation_id=org.id, action="sync.connect",
                             entity="sync_connection", entity_id=conn.public_id))
    db.engine.dispose()
    upgrade(database_url)
    db = Database(database_url)
    with db.session() as s:
        now = {c.title: c.settings.get("path") for c in s.scalars(select(SourceConnection))}
        cleared = s.scalars(select(AuditEntry.entity_id).where(
            AuditEntry.action == "sync.path_cleared")).all()
    assert now == {"typed": "", "upload": paths["upload"], "foreign": "", "cli": paths["cli"]}
    assert len(cleared) == 2
    db.engine.dispose()

