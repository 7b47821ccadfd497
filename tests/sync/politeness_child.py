"""One sync in its own process (``python -m tests.sync.politeness_child DB URL SCHOOL LOGIN
REDIS``): a second worker process of the Redis queue, for the politeness test."""

from __future__ import annotations

import sys

from adapters.netschool.sandbox import DEMO_PASSWORD
from lti_tool.db import Database
from lti_tool.people.models import Organisation
from lti_tool.sync import services
from lti_tool.sync.engine import SyncOptions
from tests.sync.conftest import FAST, SINCE, TODAY


def main(database_url: str, base: str, school: str, login: str, redis_url: str) -> int:
    db = Database(database_url)
    with db.session() as s:
        org = Organisation(slug="school", name=school)
        s.add(org)
        s.flush()
        conn = services.create_connection(s, org.id, dict(
            kind="netschool", title=school, base_url=base, school=school, login=login,
            password=DEMO_PASSWORD), "child-key", None)
        conn_id = conn.id
    result = services.sync_now(db, conn_id, "child-key", SyncOptions(
        since=SINCE, today=TODAY, concurrency=4, redis_url=redis_url or None, **FAST),
        timeout=(2, 5))
    print(result.status, result.message)
    return 0 if result.status == "done" else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
