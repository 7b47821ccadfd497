"""A OneRoster 1.2 CSV set (zip or folder) as a roster source and a grade source.

The whole set is read and validated once, on first use: a broken set fails before anything
is returned. A *bulk* set is the whole truth, so grade chunks are calendar months covering
everyone. A *delta* set speaks only for the rows it lists: its one grade chunk has an empty
coverage (``start`` after ``end``), so the engine upserts what it returns and deletes
nothing by absence; what the delta deletes is in the batches' ``deleted`` fields.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from adapters.base import Chunk, GradeSource, JournalBatch, RosterBatch, RosterSource
from adapters.oneroster import mapping
from adapters.oneroster.mapping import Deletions
from adapters.oneroster.reader import ImportRefused, Parsed, read
from schemas.record_schemas import Batch
from schemas.records import (
    AssignmentRecord,
    EnrolmentRecord,
    MarkRecord,
    RecordRejected,
    Roster,
)


@dataclass
class OneRosterRosterBatch(RosterBatch):
    """A RosterBatch that knows whether it is a delta, and what the delta deletes. A delta
    roster is not a snapshot: people and enrolments it does not list are unchanged."""

    delta: bool = False
    deleted: Deletions = field(default_factory=Deletions)

    @property
    def deleted_enrolments(self) -> list[EnrolmentRecord]:
        return list(self.deleted.enrolments)


@dataclass
class OneRosterJournalBatch(JournalBatch):
    deleted_assignments: list[str] = field(default_factory=list)
    deleted_marks: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Journal:
    assignments: list[AssignmentRecord]
    marks: list[MarkRecord]
    rejected: list[RecordRejected]


class OneRosterSource(RosterSource, GradeSource):
    kind = "oneroster"

    def __init__(self, path: str | Path, *, namespace: str = "") -> None:
        self.path = Path(path)
        self._namespace = namespace
        self._parsed: Parsed | None = None
        self._roster: OneRosterRosterBatch | None = None
        self._journal: _Journal | None = None
        self._first_key = ""

    @property
    def namespace(self) -> str:
        """The school, not the file: next month's export (or a delta) speaks of the same ids.

        A set too broken to name its school gets a path-based name: the run fails on
        fetch_roster with the reasons, and nothing is linked under it."""
        if self._namespace:
            return self._namespace
        try:
            school = mapping.school_id(self.parsed())
        except ImportRefused:
            return f"oneroster:{self.path.resolve()}"
        return f"oneroster:{school or self.path.resolve()}"

    def parsed(self) -> Parsed:
        if self._parsed is None:
            self._parsed = read(self.path)
        return self._parsed

    def check(self) -> str:
        parsed = self.parsed()
        counts = ", ".join(f"{f} {len(rows)}" for f, rows in parsed.rows.items() if rows)
        kind = "delta" if parsed.delta else "bulk"
        return (f"OneRoster 1.2 ({kind}) «{self.path.name}»: {counts}; "
                f"отклонено строк: {len(parsed.rejected)}")

    # --- roster ---------------------------------------------------------------------------

    def fetch_roster(self) -> OneRosterRosterBatch:
        if self._roster is None:
            parsed = self.parsed()
            batch = Batch()
            classes = mapping.classes(parsed, batch)
            people = mapping.people(parsed, batch)
            roster = Roster(mapping.organisation(parsed), tuple(classes), tuple(people),
                            tuple(mapping.enrolments(parsed, batch, people, classes)))
            year = mapping.year(parsed, batch)
            rows = [r for r in parsed.rejected if r.file not in ("lineItems.csv", "results.csv")]
            self._roster = OneRosterRosterBatch(
                roster=roster, year=year, rejected=[*rows, *batch.rejected],
                delta=parsed.delta, deleted=mapping.deletions(parsed))
        return self._roster

    # --- grades ---------------------------------------------------------------------------

    def journal(self) -> _Journal:
        """Every assignment and mark of the set (chunks pick theirs by due date)."""
        if self._journal is None:
            parsed = self.parsed()
            batch = Batch()
            known = list(self.fetch_roster().roster.classes)
            assignments, line_items = mapping.assignments(parsed, known, batch)
            marks = mapping.marks(parsed, line_items, batch)
            rows = [r for r in parsed.rejected if r.file in ("lineItems.csv", "results.csv")]
            self._journal = _Journal(assignments, marks, [*rows, *batch.rejected])
        return self._journal

    def chunks(self, start: date, end: date, roster: Roster) -> list[Chunk]:
        parsed = self.parsed()
        if "lineItems.csv" not in parsed.rows and "results.csv" not in parsed.rows:
            return []
        if parsed.delta:
            digest = _digest(self.path)
            self._first_key = f"oneroster-delta/{digest}"
            return [Chunk(key=self._first_key, start=end + timedelta(days=1), end=end)]
        out: list[Chunk] = []
        first = date(start.year, start.month, 1)
        while first <= end:
            following = (first + timedelta(days=32)).replace(day=1)
            out.append(Chunk(key=f"oneroster/{first:%Y-%m}", start=max(first, start),
                             end=min(following - timedelta(days=1), end)))
            first = following
        self._first_key = out[0].key if out else ""
        return out

    def fetch_grades(self, chunk: Chunk) -> OneRosterJournalBatch:
        journal = self.journal()
        parsed = self.parsed()
        result = OneRosterJournalBatch(chunk=chunk)
        if chunk.start > chunk.end:  # a delta: everything it lists
            result.assignments = list(journal.assignments)
            result.marks = list(journal.marks)
            deleted = mapping.deletions(parsed)
            result.deleted_assignments = list(deleted.assignments)
            result.deleted_marks = list(deleted.marks)
        else:
            result.assignments = [a for a in journal.assignments
                                  if chunk.start <= a.due <= chunk.end]
            ids = {a.source_id for a in result.assignments}
            result.marks = [m for m in journal.marks if m.assignment_id in ids]
        if chunk.key == self._first_key or not self._first_key:
            result.rejected = list(journal.rejected)  # reported once, with the first chunk
        result.fetched = len(result.assignments) + len(result.marks) + len(result.rejected)
        return result


def _digest(path: Path) -> str:
    """Content hash: two delta files never share a chunk key, a re-import of one does."""
    sha = hashlib.sha256()
    files = sorted(path.rglob("*.csv")) if path.is_dir() else [path]
    for file in files:
        sha.update(file.read_bytes())
    return sha.hexdigest()[:16]
