"""Two schools whose OneRoster exports share ids keep apart (issue 7, High: the second
import renamed the first school's pupils and deleted or overwrote its marks)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from lti_tool.db import Database
from lti_tool.journal.models import Assignment, Mark
from lti_tool.people.models import Membership, Organisation, Person
from lti_tool.sync.engine import SyncOptions
from lti_tool.sync.services import create_connection, sync_now
from tests.adapters.oneroster.sets import BULK, write_folder

SECRET = "test-secret"


def _options() -> SyncOptions:
    return SyncOptions(today=date(2026, 11, 20), full=True, backoff_initial=0.01,
                       backoff_max=0.02, attempts=2)


def _school(db: Database, slug: str, folder: Path) -> tuple[int, int]:
    with db.session() as s:
        org = Organisation(slug=slug, name=slug)
        s.add(org)
        s.flush()
        conn = create_connection(s, org.id, {"kind": "oneroster", "title": slug,
                                             "path": str(folder)}, SECRET, None)
        return org.id, conn.id


def _names(db: Database, org_id: int) -> list[str]:
    with db.session() as s:
        return sorted(s.scalars(select(Person.display_name).join(
            Membership, Membership.person_id == Person.id).where(
            Membership.organisation_id == org_id)).unique())


def _marks(db: Database, org_id: int) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Mark).join(
            Assignment, Assignment.id == Mark.assignment_id).where(
            Assignment.organisation_id == org_id)) or 0)


def test_two_schools_with_the_same_ids_do_not_touch_each_other(database_url, tmp_path):
    db = Database(database_url)
    first_org, first = _school(db, "first", write_folder(tmp_path / "a", BULK))
    header, *rows = BULK["users.csv"].splitlines()
    given = header.split(",").index("givenName")
    renamed = [",".join(c if i != given else "Другой" for i, c in enumerate(r.split(",")))
               for r in rows]
    other = {**BULK, "users.csv": "\n".join([header, *renamed]) + "\n",
             "results.csv": BULK["results.csv"].splitlines()[0] + "\n"}  # no marks yet
    second_org, second = _school(db, "second", write_folder(tmp_path / "b", other))

    assert sync_now(db, first, SECRET, _options()).status == "done"
    before = _names(db, first_org)
    assert _marks(db, first_org) == 4 and before

    result = sync_now(db, second, SECRET, _options())
    assert result.status == "done", result.message
    assert _names(db, first_org) == before  # nobody of the first school renamed
    assert _marks(db, first_org) == 4  # and none of its marks deleted or moved
    assert _marks(db, second_org) == 0
    assert all("Другой" in n for n in _names(db, second_org) if n)

    again = sync_now(db, first, SECRET, _options())
    assert again.status == "done" and again.counts.get("marks.created", 0) == 0
    assert _names(db, first_org) == before and _marks(db, first_org) == 4
    db.engine.dispose()
