"""Set-up for ``bench/lti_launch.py``: Marshrut's database (SQLite, or PostgreSQL through
pgserver as a region runs it), the demo LMS registered, and a class with a year of marks
for the teacher launch. Not a benchmark itself (``make bench`` skips ``bench/_*.py``)."""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

CLIENT_ID = "bench-client"
DEPLOYMENT = "bench-dep"
SUBJECTS = ["Алгебра", "Геометрия", "Физика", "Химия", "Биология", "История", "Обществознание",
            "Литература", "Русский язык", "Английский язык", "Информатика", "География",
            "Физкультура", "ОБЖ", "Астрономия"]
YEAR_START, WEEKS = date(2026, 9, 7), 36


def postgres_url(folder: Path) -> tuple[Any, str]:
    """A pgserver cluster in ``folder`` and a fresh database in it (psycopg 3 URL)."""
    import pgserver

    server = pgserver.get_server(str(folder), cleanup_mode="stop")
    name = "bench_" + secrets.token_hex(4)
    admin = create_engine(server.get_uri(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    url = make_url(server.get_uri()).set(drivername="postgresql+psycopg", database=name)
    return server, url.render_as_string(hide_password=False)


def marshrut_env(url: str, tmp: Path, issuer: str) -> dict[str, str]:
    """Migrate ``url``, register the demo LMS; the environment for the tool's gunicorn."""
    from lti_tool.db import Database
    from lti_tool.lti import registry
    from lti_tool.lti.keys import ensure_keys
    from lti_tool.migrate import upgrade
    from lti_tool.people.models import Organisation

    secret = secrets.token_urlsafe(32)
    upgrade(url)
    db = Database(url)
    with db.session() as s:
        org = Organisation(slug="school", name="Школа")
        s.add(org)
        s.flush()
        registry.add_platform(s, issuer=issuer, client_id=CLIENT_ID, organisation_id=org.id,
                              auth_login_url=issuer + "/auth", auth_token_url=issuer + "/token",
                              jwks_url=issuer + "/jwks", deployment_ids=[DEPLOYMENT])
        ensure_keys(s, secret)
    db.engine.dispose()
    instance = tmp / ("instance-" + secrets.token_hex(3))
    return {"MARSHRUT_DATABASE_URL": url, "MARSHRUT_SECRET_KEY": secret,
            "MARSHRUT_INSTANCE_PATH": str(instance), "MARSHRUT_LOG_LEVEL": "WARNING",
            "MARSHRUT_ALLOW_PRIVATE_URLS": "1"}  # the demo LMS is on loopback


def seed_year_of_marks(url: str, class_title: str, pupil_subs: list[str]) -> int:
    """A school year of marks (every subject, weekly work) for the pupils of the class the
    benchmark's pupils launched into; returns how many marks were written."""
    from lti_tool.db import Database
    from lti_tool.journal.models import Assignment, Mark
    from lti_tool.people.models import ClassGroup, IdentityLink

    rnd = random.Random(37)
    db = Database(url)
    with db.session() as s:
        group = s.scalars(select(ClassGroup).where(ClassGroup.title == class_title)).one()
        pupils = list(s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.external_id.in_(pupil_subs), IdentityLink.source == "lti")))
        assert len(pupils) == len(pupil_subs), "every pupil launched once before seeding"
        tasks = [dict(organisation_id=group.organisation_id, source="netschool",
                      namespace="bench", external_id=f"{subject}-{week}", class_id=group.id,
                      subject=subject, title=f"Работа {week + 1}",
                      weight=rnd.choice([1.0, 1.0, 1.5, 2.0]), type_name="", max_mark=5,
                      due=YEAR_START + timedelta(weeks=week, days=rnd.randint(0, 4)))
                 for subject in SUBJECTS for week in range(WEEKS)]
        ids = list(s.scalars(insert(Assignment).returning(
            Assignment.id, sort_by_parameter_order=True), tasks))
        marks = [dict(assignment_id=a, student_id=p, value=rnd.choice([2, 3, 4, 4, 5, 5]),
                      code=None, debt=False, date=task["due"], comment="")
                 for a, task in zip(ids, tasks, strict=True) for p in pupils
                 if rnd.random() < 0.8]
        s.execute(insert(Mark), marks)
    db.engine.dispose()
    return len(marks)
