"""Pure sync rules: the window a run covers, batch digests, identity matching keys.

No I/O here; ``tests/unit/test_sync_rules.py`` covers them without a database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from adapters.base import RemoteError
from schemas.records import PersonRecord

# "name": the full name, word order free; "name_partial": the known person's name is two or
# more words of the source's full name (LMS names often lack the patronymic); plus
# "link:<source>": the same id in another source.
MATCH_KEYS = ("email", "name", "name_partial")
STALE_AFTER = timedelta(minutes=2)  # a running run without a heartbeat this long is dead


def sync_window(
    today: date, year_start: date, year_end: date, *, last_success: datetime | None,
    lookback_weeks: int, since: date | None = None, full: bool = False,
) -> tuple[date, date]:
    """Which dates a run fetches.

    The first run and ``--full`` take the whole school year; later runs take the weeks since
    the last successful run plus ``lookback_weeks`` (teachers put marks in late, and
    Сетевой город has no change feed to ask instead). ``--since`` overrides the start.
    The end is a week ahead of today, because diaries carry homework set for next week.
    """
    end = min(year_end, today + timedelta(days=7))
    if since is not None:
        start = since
    elif full or last_success is None:
        start = year_start
    else:
        start = last_success.date() - timedelta(weeks=lookback_weeks)
    start = max(start, year_start)
    return (start, max(start, end))


def digest(records: Iterable[Any], memo: dict[int, tuple[Any, str]] | None = None) -> str:
    """A stable fingerprint of a chunk's records: equal digest means nothing changed.

    Records are frozen dataclasses of strings, numbers, dates and marks, whose ``repr`` is
    deterministic and complete, so no serialiser is needed. ``memo`` keeps the repr of
    records shared between chunks (a class's assignment in every student's diary); it holds
    the record itself so its id cannot be reused while the memo lives.
    """
    rows = []
    for r in records:
        if memo is None:
            rows.append(repr(r))
            continue
        hit = memo.get(id(r))
        if hit is None:
            hit = memo[id(r)] = (r, repr(r))
        rows.append(hit[1])
    rows.sort()
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def normalise_name(name: str) -> str:
    """Names compare the way people read them: case, «ё», spaces and word order do not
    matter («Иванова Мария Петровна» is «Мария Петровна Иванова»)."""
    return " ".join(sorted(re.sub(r"\s+", " ", name.strip().lower().replace("ё", "е")).split()))


def _partial(known: str, full: str) -> bool:
    words, full_words = set(normalise_name(known).split()), set(normalise_name(full).split())
    return len(words) >= 2 and words <= full_words


@dataclass(frozen=True)
class Candidate:
    """A person already known in the organisation, by the keys matching can use."""

    person_id: int
    email: str = ""
    name: str = ""
    links: frozenset[tuple[str, str]] = frozenset()  # (source, external id) elsewhere


def record_keys(record: PersonRecord) -> dict[str, str]:
    return {
        "email": record.email.strip().lower(),
        "name": normalise_name(record.display_name),
    }


def candidate_keys(candidate: Candidate) -> dict[str, str]:
    return {
        "email": candidate.email.strip().lower(),
        "name": normalise_name(candidate.name),
    }


@dataclass(frozen=True)
class Match:
    person_id: int | None
    key: str = ""
    ambiguous: tuple[int, ...] = ()


def match_person(record: PersonRecord, candidates: Sequence[Candidate],
                 keys: Sequence[str]) -> Match:
    """Try each configured key in order; link only on exactly one candidate.

    Several candidates on a key (two «Иванов Иван» in a school) stop the search and are
    reported as ambiguous: a person is never merged on a guess.
    """
    wanted = record_keys(record)
    for key in keys:
        if key.startswith("link:"):
            other = (key.removeprefix("link:"), record.source_id)
            hits = [c.person_id for c in candidates if other in c.links]
        elif key == "name_partial":
            hits = [c.person_id for c in candidates if _partial(c.name, record.display_name)]
        elif key in MATCH_KEYS and wanted.get(key):
            hits = [c.person_id for c in candidates if candidate_keys(c).get(key) == wanted[key]]
        else:
            continue
        if len(hits) == 1:
            return Match(hits[0], key)
        if len(hits) > 1:
            return Match(None, key, tuple(sorted(hits)))
    return Match(None)


def explain(exc: RemoteError) -> str:
    """A message for the school admin: what happened and what to do; never a secret."""
    from lti_tool.sync.messages import describe, render

    return render(describe(exc))


def scoped_namespace(conn: Any, source: Any) -> str:
    """Where a connection's remote ids live: the source's own id space *within the school*.

    Remote ids are chosen by the remote system (a OneRoster export may call its school
    «1», as the next school's does): two schools' data must never meet under one key, so
    the organisation is part of every key the sync writes (people links, classes, journal).
    """
    return f"{source.namespace}@org{conn.organisation_id}"
