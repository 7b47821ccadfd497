"""Ports the sync engine talks to; each adapter implements the ones its remote can serve.

Cosmic Python style: small abstract classes, adapters behind them, service functions that
take them as arguments (a test passes the sandbox-backed adapter, nothing is mocked).
Adapters never import the app: they speak in :mod:`schemas.records` and raise the errors
below, and ``lti_tool/sync`` decides what to store, retry or report.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from schemas.records import (
    AcademicYearRecord,
    AssignmentRecord,
    AttendanceRecord,
    EnrolmentRecord,
    FinalMarkRecord,
    MarkRecord,
    RecordRejected,
    Roster,
)

# --- errors -------------------------------------------------------------------------------


class RemoteError(Exception):
    """The remote failed. ``retryable`` tells the engine whether backing off may help.

    ``message`` is safe to show to a school admin: never a password or a token.
    """

    retryable = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class RemoteUnavailable(RemoteError):
    """5xx, timeout, refused connection: try again later."""

    retryable = True


class MalformedResponse(RemoteError):
    """The remote answered with something that is not the documented shape (bad JSON...)."""

    retryable = True


class AuthFailed(RemoteError):
    """Login refused. ``reason``: wrong_credentials | unknown_school | locked | maintenance |
    forbidden | expired."""

    def __init__(self, message: str, *, reason: str, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.reason = reason
        # Maintenance ends by itself; a wrong password or a lockout needs a person.
        self.retryable = reason == "maintenance"


# --- units of work ------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One fetch the engine can schedule, checkpoint and retry on its own.

    ``key`` is stable across runs (e.g. ``"2026-09-07/st-123"``) so a killed sync resumes
    at the first chunk it had not finished. The chunk *covers* marks of ``scope`` (a student
    source id, or ``""`` for everyone the source returns) for work due in ``start..end``: the
    engine replaces what it stored for that coverage with what the chunk returned, which is
    how a mark deleted at the remote disappears here too.
    """

    key: str
    start: date
    end: date
    scope: str = ""


@dataclass
class JournalBatch:
    """What one chunk returned; ``rejected`` are malformed remote records, already skipped."""

    chunk: Chunk
    assignments: list[AssignmentRecord] = field(default_factory=list)
    marks: list[MarkRecord] = field(default_factory=list)
    attendance: list[AttendanceRecord] = field(default_factory=list)
    final_marks: list[FinalMarkRecord] = field(default_factory=list)
    rejected: list[RecordRejected] = field(default_factory=list)
    includes_attendance: bool = False
    fetched: int = 0  # remote records seen, valid or not
    # Removals named by a delta source (OneRoster ``tobedeleted``): remote ids of
    # assignments, and (assignment id, student id) of marks, to delete whatever the coverage.
    deleted_assignments: list[str] = field(default_factory=list)
    deleted_marks: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RosterBatch:
    """A roster. A full one (``delta`` False) is a snapshot: enrolments it does not list end.
    A delta lists only changes; what it ends is in :attr:`deleted_enrolments`."""

    roster: Roster
    year: AcademicYearRecord | None = None
    rejected: list[RecordRejected] = field(default_factory=list)
    delta: bool = False

    @property
    def deleted_enrolments(self) -> list[EnrolmentRecord]:
        return []


@dataclass(frozen=True)
class GradePush:
    """A grade to write into a remote gradebook (Moodle course module, AGS line item)."""

    activity_id: str
    student_id: str
    grade: float | None
    feedback: str = ""
    # AGS sends a score out of a maximum, stamped with when it was given; Moodle's push
    # writes the raw grade on the activity's own scale and ignores both.
    maximum: float | None = None
    timestamp: str = ""


@dataclass(frozen=True)
class PushOutcome:
    """``ok``: the grade was written. ``feedback_delivered``: None when the push had no
    feedback, else whether it reached the remote (a sink may take grades but not feedback)."""

    push: GradePush
    ok: bool
    message: str = ""
    feedback_delivered: bool | None = None


# --- ports --------------------------------------------------------------------------------


class Connection(abc.ABC):
    """Every adapter: a name for reports, a connection check for the admin page, close()."""

    kind: str = ""

    @property
    @abc.abstractmethod
    def namespace(self) -> str:
        """Where the source's ids live (server URL + school): the identity link namespace."""

    @abc.abstractmethod
    def check(self) -> str:
        """Log in and read something small; return a human description or raise RemoteError."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release sessions (log out). Safe to call twice."""

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class RosterSource(Connection):
    @abc.abstractmethod
    def fetch_roster(self) -> RosterBatch:
        """The organisation, its classes, people and enrolments for the current year."""


class GradeSource(Connection):
    @abc.abstractmethod
    def chunks(self, start: date, end: date, roster: Roster) -> list[Chunk]:
        """Split ``start..end`` into independent fetches, in the order they should run."""

    @abc.abstractmethod
    def fetch_grades(self, chunk: Chunk) -> JournalBatch:
        """Assignments and marks of one chunk (with attendance when ``includes_attendance``)."""


class AttendanceSource(Connection):
    @abc.abstractmethod
    def fetch_attendance(self, chunk: Chunk) -> JournalBatch:
        """Attendance of one chunk, for sources that serve it apart from marks."""


class GradeSink(Connection):
    @abc.abstractmethod
    def push_grades(self, pushes: list[GradePush]) -> list[PushOutcome]:
        """Write grades; one outcome per push, in order. Raises RemoteError for the whole call."""
