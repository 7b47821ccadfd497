"""Network course exchange rules: pure, no I/O, tested without a database (hypothesis).

What the seed 004 regulation asks and what is decided here: a request needs both the home
school's and the host school's consent (either order; a refusal needs a reason); a group
never takes more students than the course's capacity; a network lesson may not overlap the
student's home timetable or another network course; marks go to the home school at least
monthly, a correction as a new version that says what changed; a package is sent once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import orjson

from lti_tool.core.retry import MAX_ATTEMPTS

LEVELS = ("basic", "advanced")
FORMATS = ("on_site", "distance")

# --- requests -----------------------------------------------------------------------------

REQUESTED, HOME_APPROVED, HOST_APPROVED = "requested", "home_approved", "host_approved"
ENROLLED, REFUSED, WITHDRAWN = "enrolled", "refused", "withdrawn"
STATES = (REQUESTED, HOME_APPROVED, HOST_APPROVED, ENROLLED, REFUSED, WITHDRAWN)
OPEN_STATES = (REQUESTED, HOME_APPROVED, HOST_APPROVED)
HOME, HOST, STUDENT = "home", "host", "student"


class RuleError(ValueError):
    """A refused step; ``code`` is a stable reason the page turns into a Russian message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def transition(state: str, action: str, side: str, reason: str = "") -> str:
    """The request's next state, or RuleError. ``action``: approve | refuse | withdraw."""
    if state not in OPEN_STATES:
        raise RuleError("request_closed", state=state)
    if action == "withdraw":
        if side != STUDENT:
            raise RuleError("not_allowed")
        return WITHDRAWN
    if side not in (HOME, HOST):
        raise RuleError("not_allowed")
    if action == "refuse":
        if not reason.strip():
            raise RuleError("reason_required")
        return REFUSED
    if action != "approve":
        raise RuleError("unknown_action")
    if (state, side) in ((HOME_APPROVED, HOME), (HOST_APPROVED, HOST)):
        raise RuleError("already_approved")
    if state == REQUESTED:
        return HOME_APPROVED if side == HOME else HOST_APPROVED
    return ENROLLED


def has_room(capacity: int, enrolled: int) -> bool:
    """One more student fits: the group never exceeds the course's capacity."""
    return enrolled < capacity


# --- timetable ----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Slot:
    """A weekly lesson: weekday 1 (Mon) … 7, minutes since midnight [start, end), the
    dates it runs between (a course runs one term or the year)."""

    weekday: int
    start: int
    end: int
    first: date = date.min
    last: date = date.max
    label: str = ""

    def overlaps(self, other: Slot) -> bool:
        return (self.weekday == other.weekday and self.start < other.end
                and other.start < self.end and self.first <= other.last
                and other.first <= self.last)


def minutes(text: str) -> int:
    """«14:30» → 870; RuleError on anything else (the schema reports the field)."""
    try:
        hours, mins = text.strip().split(":")
        h, m = int(hours), int(mins)
    except ValueError as exc:
        raise RuleError("bad_time", value=text) from exc
    if not (0 <= h < 24 and 0 <= m < 60):
        raise RuleError("bad_time", value=text)
    return h * 60 + m


def hhmm(total: int) -> str:
    return f"{total // 60:02d}:{total % 60:02d}"


def clashes(wanted: Iterable[Slot], busy: Iterable[Slot]) -> list[tuple[Slot, Slot]]:
    """Every pair (a wanted lesson, a busy one) that overlap, in order."""
    busy = list(busy)
    return [(w, b) for w in sorted(wanted) for b in busy if w.overlaps(b)]


# --- monthly transfer ---------------------------------------------------------------------

#: A package row's key: student's public id, course's public id, kind «mark»|«absence», ISO
#: day and the lesson's or work's key, joined by :data:`ROW_SEP` (no part holds it, nor a
#: newline): the form stored, compared and hashed, without a tuple per row.
RowKey = str
ROW_SEP = "\x1f"


def row_key(student: str, course: str, kind: str, day: str, key: str) -> RowKey:
    return f"{student}{ROW_SEP}{course}{ROW_SEP}{kind}{ROW_SEP}{day}{ROW_SEP}{key}"


def row_parts(key: RowKey) -> tuple[str, str, str, str, str]:
    student, course, kind, day, work = key.split(ROW_SEP)
    return student, course, kind, day, work


def month_bounds(period: str) -> tuple[date, date]:
    """«2026-09» → (1 Sep, 30 Sep)."""
    try:
        year, month = (int(p) for p in period.split("-"))
        first = date(year, month, 1)
    except ValueError as exc:
        raise RuleError("bad_period", value=period) from exc
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class Changes:
    """What a new version changes against the last one sent."""

    added: tuple[RowKey, ...]
    changed: tuple[RowKey, ...]
    removed: tuple[RowKey, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed),
                "removed": len(self.removed)}


def compare(old: Mapping[RowKey, str], new: Mapping[RowKey, str]) -> Changes:
    return Changes(
        added=tuple(sorted(k for k in new if k not in old)),
        changed=tuple(sorted(k for k in new if k in old and old[k] != new[k])),
        removed=tuple(sorted(k for k in old if k not in new)))


def rows_json(rows: Mapping[RowKey, str]) -> bytes:
    """The rows as JSON with sorted keys: the text a package stores and its fingerprint's
    input, made once (orjson sorts and writes in one pass)."""
    return orjson.dumps(dict(rows), option=orjson.OPT_SORT_KEYS)


def fingerprint(rows: Mapping[RowKey, str] | bytes) -> str:
    """A content hash independent of row order: equal content, equal hash — the SHA-256 of
    :func:`rows_json` (pass that text when it is made anyway)."""
    return hashlib.sha256(rows if isinstance(rows, bytes) else rows_json(rows)).hexdigest()


# Package delivery: prepared → queued (the host asked to send) → sending → sent → confirmed;
# a failed send goes back to queued (to be retried), never to sent; a prepared package is
# never sent unasked; only a sent package can be confirmed.
PREPARED, QUEUED, SENDING, SENT, CONFIRMED, SUPERSEDED = (
    "prepared", "queued", "sending", "sent", "confirmed", "superseded")
PACKAGE_STEPS: Mapping[str, Sequence[str]] = {
    PREPARED: (QUEUED, SUPERSEDED), QUEUED: (SENDING,), SENDING: (SENT, QUEUED),
    SENT: (CONFIRMED, SUPERSEDED), CONFIRMED: (), SUPERSEDED: ()}


def package_step(state: str, to: str) -> str:
    if to not in PACKAGE_STEPS.get(state, ()):
        raise RuleError("package_step", state=state, to=to)
    return to


def due_by(period: str, grace_days: int = 5) -> date:
    """A month's marks are due at the home school ``grace_days`` after the month ends."""
    return month_bounds(period)[1] + timedelta(days=grace_days)


def is_overdue(period: str, state: str | None, today: date, grace_days: int = 5,
               confirm_days: int = 7) -> bool:
    """Not sent by the due day, or sent and not confirmed ``confirm_days`` later."""
    due = due_by(period, grace_days)
    if state in (None, PREPARED, QUEUED, SENDING):
        return today > due
    if state == SENT:
        return today > due + timedelta(days=confirm_days)
    return False


# --- report cards -------------------------------------------------------------------------

CARD_DRAFT, CARD_SIGNED, CARD_DELIVERED, CARD_RECORDED = "draft", "signed", "delivered", "recorded"
CARD_STEPS: Mapping[str, Sequence[str]] = {
    CARD_DRAFT: (CARD_SIGNED,), CARD_SIGNED: (CARD_DELIVERED,),
    CARD_DELIVERED: (CARD_RECORDED,), CARD_RECORDED: ()}


def card_step(state: str, to: str) -> str:
    if to not in CARD_STEPS.get(state, ()):
        raise RuleError("card_step", state=state, to=to)
    return to


def final_mark(values: Sequence[float], weights: Sequence[float] | None = None) -> int | None:
    """A term mark from the period's marks: the weighted average rounded half up (4.5 → 5),
    as Russian schools' journals propose it; None without marks."""
    if not values:
        return None
    weights = weights or [1.0] * len(values)
    total = sum(weights)
    if total <= 0:
        return None
    avg = sum(v * w for v, w in zip(values, weights, strict=True)) / total
    return max(1, min(5, int(avg + 0.5)))


# --- final marks into the home school's LMS gradebook -------------------------------------

CHANNEL_AGS, CHANNEL_MOODLE = "ags", "moodle"
PUSH_PENDING, PUSH_SENDING, PUSH_SENT = "pending", "sending", "sent"
PUSH_FAILED, PUSH_SUPERSEDED = "failed", "superseded"
#: an AGS push handed to the score outbox: the outbox row's state is the truth from there
PUSH_OUTBOX = "outbox"
#: an AGS push that could not be handed over: the student has no id in that LMS yet
NO_LMS_ACCOUNT = "no_lms_account"
#: Moodle pushes stop retrying after as many tries as the score outbox (about 3 days)
PUSH_MAX_ATTEMPTS = MAX_ATTEMPTS


def lms_channel(has_ags: bool, has_moodle: bool) -> str | None:
    """Which way a final mark goes to the home school's LMS, None when it has none.

    AGS first: the home school's own LMS named the course's line items in a launch of the
    placed course, and the tool writes with its registered key; a Moodle Web Services token
    is the sync's (given to read) and a Moodle that launches Marshrut by LTI 1.3 takes AGS
    too, so one gradebook never gets the mark both ways."""
    if has_ags:
        return CHANNEL_AGS
    return CHANNEL_MOODLE if has_moodle else None


def next_version(last: tuple[int, int] | None, mark: int | None) -> int | None:
    """The push version to queue for ``mark`` after ``last`` (version, mark) — None when
    there is nothing to send: no mark, or the last queued version carries this one."""
    if mark is None:
        return None
    if last is None:
        return 1
    return None if last[1] == mark else last[0] + 1
