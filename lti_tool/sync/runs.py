"""A sync run's life: refuse a second concurrent run, notice a dead one, resume it, report.

A run records its owner (host and pid) and a heartbeat. A run still marked ``running``
whose process is gone (SIGKILL, power cut) is *interrupted*; the next run adopts its window
and skips the chunks it had finished, so a killed sync continues where it stopped.
"""

from __future__ import annotations

import os
import socket
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.sync.messages import Message, msg
from lti_tool.sync.models import SyncRejection, SyncRun
from lti_tool.sync.rules import STALE_AFTER
from schemas.records import RecordRejected

MAX_REJECTIONS_KEPT = 1000
SUMMARY = ("fetched", "created", "updated", "unchanged", "deleted", "rejected")


class SyncRefused(Exception):
    """Another run of the same connection is still alive."""


def owner_tag() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_alive(run: SyncRun, now: datetime) -> bool:
    """Same host: ask the OS about the pid. Elsewhere (or our own pid): trust the heartbeat."""
    host, _, pid = run.owner.rpartition(":")
    fresh = now - run.heartbeat_at < STALE_AFTER
    if host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid():
        return _pid_alive(int(pid)) and fresh
    return fresh


def begin(session: Session, connection_id: int, trigger: str) -> tuple[SyncRun, list[int]]:
    """Open a run; returns it and the ids of the interrupted runs it resumes (newest first)."""
    now = utcnow()
    runs = session.scalars(select(SyncRun).where(SyncRun.connection_id == connection_id)
                           .order_by(SyncRun.id.desc()).limit(20)).all()
    for run in runs:
        if run.status == "running":
            if is_alive(run, now):
                raise SyncRefused(run.public_id)
            run.status = "interrupted"
            run.finished_at = now
            if not run.message and not run.message_data:
                run.message_data = msg("run.interrupted")
    chain: list[int] = []
    for run in runs:  # newest first: resume the unbroken tail of unfinished runs
        if run.status in ("interrupted", "failed"):
            chain.append(run.id)
        else:
            break
    run = SyncRun(connection_id=connection_id, trigger=trigger, status="running",
                  owner=owner_tag(), resumed_from_id=chain[0] if chain else None)
    if chain:
        previous = next(r for r in runs if r.id == chain[0])
        run.window_start, run.window_end = previous.window_start, previous.window_end
    session.add(run)
    session.flush()
    return run, chain


def summary(counts: Mapping[str, int]) -> dict[str, int]:
    """The six numbers the admin reads: fetched / created / updated / unchanged / deleted /
    rejected, summed over record kinds (detailed ``kind.op`` counts stay in the report)."""
    out = {k: int(counts.get(k, 0)) for k in ("fetched", "rejected")}
    for op in ("created", "updated", "unchanged", "deleted"):
        out[op] = sum(int(v) for k, v in counts.items() if k.endswith("." + op))
    out["created"] += int(counts.get("people.linked", 0))
    return out


def record_rejections(session: Session, run: SyncRun, rejected: list[RecordRejected],
                      counts: Counter[str]) -> None:
    counts["rejected"] += len(rejected)
    room = MAX_REJECTIONS_KEPT - int(run.counts.get("rejected", 0) if run.counts else 0)
    rows = [dict(run_id=run.id, kind=_text(r.kind), source=_text(r.source)[:300],
                 reason=_text(r.reason()), reason_data=_clean(r.reason_data()))
            for r in rejected[:max(room, 0)]]
    if rows:
        session.execute(insert(SyncRejection), rows)


def record_coded_rejection(session: Session, run: SyncRun, kind: str, source: str,
                           reason: Message, counts: Counter[str]) -> None:
    """A record the journal could not place (an unknown pupil): its reason as a code."""
    counts["rejected"] += 1
    if int(run.counts.get("rejected", 0) if run.counts else 0) < MAX_REJECTIONS_KEPT:
        session.add(SyncRejection(run_id=run.id, kind=kind, source=source[:300], reason="",
                                  reason_data=reason))


def finish(run: SyncRun, status: str, counts: Counter[str],
           message: Message | None = None) -> None:
    """Close the run; its message is kept as a code, rendered in the reader's language."""
    run.status = status
    run.finished_at = utcnow()
    run.heartbeat_at = run.finished_at
    run.counts = {**dict(counts), **{"summary." + k: v for k, v in summary(counts).items()}}
    if message:
        run.message_data, run.message = _clean(message), ""


def _text(value: str) -> str:
    """Reasons and messages quote remote values, and PostgreSQL refuses NUL in text: one
    such byte in a rejected row aborted the whole run. It is never meaningful: dropped."""
    return value.replace("\x00", "") if "\x00" in value else value


def _clean(value: Any) -> Any:
    """A message's parameters without NUL (see :func:`_text`), nested messages included."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
