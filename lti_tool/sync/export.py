"""A school's data as a OneRoster 1.2 bulk set: what the school gives another system (a new
SIS, a partner school's import, the region), built from what Marshrut holds.

People and classes come from ``people``'s services, assignments and marks from ``journal``'s
queries; ``adapters.oneroster.export`` writes the files. Our public ids name everyone, so no
source's own ids leave the school, and a re-export names the same rows the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from adapters.oneroster.export import ExportSet, write_zip
from lti_tool.core.audit import audit
from lti_tool.journal.queries import journal_records
from lti_tool.people import export as people_export
from lti_tool.people import services as people


@dataclass(frozen=True)
class Exported:
    people: int
    classes: int
    assignments: int
    marks: int


def export_oneroster(session: Session, org_id: int, target: str | Path | IO[bytes], *,
                     since: date | None = None, until: date | None = None,
                     actor_id: int | None = None) -> Exported:
    """Write the organisation's set to ``target``; audited (whose data left, how much)."""
    roster = people_export.roster_records(session, org_id)
    ids = people.public_ids(session, org_id)
    assignments, marks = journal_records(session, org_id, ids.people, ids.classes,
                                         since, until)
    write_zip(ExportSet(roster=roster, assignments=assignments, marks=marks), target)
    done = Exported(len(roster.people), len(roster.classes), len(assignments), len(marks))
    audit(session, actor_id, org_id, "export.oneroster", "organisation", org_id,
          people=done.people, classes=done.classes, assignments=done.assignments,
          marks=done.marks, since=since.isoformat() if since else "",
          until=until.isoformat() if until else "")
    return done
