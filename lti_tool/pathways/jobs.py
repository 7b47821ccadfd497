"""Progress rows as a job: every 30 minutes each school's routes are measured against the
journal again (marks arrive by sync), so the tutor's class page and its alerts read stored
rows; a route change refreshes its own row at once (``services.act``)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from huey import crontab

from lti_tool import jobs as queue

log = logging.getLogger("marshrut.pathways")


def refresh_all(db: object) -> int:
    from sqlalchemy import select

    from lti_tool.db import Database
    from lti_tool.pathways import services
    from lti_tool.pathways.models import Route

    assert isinstance(db, Database)
    with db.session() as session:
        orgs = sorted(set(session.scalars(select(Route.organisation_id))))
    done = 0
    for org in orgs:
        with db.session() as session:
            done += services.refresh_progress(session, org, None, date.today())
    return done


@queue.register
def _tasks(jobs: queue.Jobs) -> dict[str, Any]:
    app = jobs.app

    @jobs.huey.periodic_task(crontab(minute="*/30"))
    def refresh_progress_periodic() -> int:
        from lti_tool.db import get_db

        with app.app_context():
            count = refresh_all(get_db())
        log.info("pathway progress refreshed", extra={"students": count})
        return count

    return {"refresh_progress": refresh_progress_periodic}
