"""The sync engine: fetch chunks concurrently, write the differences in groups, checkpoint.

- **Polite**: at most ``concurrency`` requests in flight per remote server (a process-wide
  bound per server host, shared through Redis when the queue runs there — see
  :mod:`lti_tool.sync.politeness`), retryable errors backed off exponentially with jitter
  (tenacity), the run stopped after a few chunks in a row have failed.
- **Idempotent**: each chunk's digest is compared with the one stored last time; equal
  means nothing to write. Otherwise the journal diff writes only what changed.
- **Resumable**: data and the chunk's checkpoint commit in the same transaction, so after a
  SIGKILL the next run (see :mod:`lti_tool.sync.runs`) skips exactly the finished chunks.
- Fetching runs in worker threads; all writes happen on the calling thread, one
  transaction per group of chunks (SQLite has one writer; PostgreSQL gets fewer commits).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from adapters.base import (
    AttendanceSource,
    Chunk,
    GradeSource,
    JournalBatch,
    RemoteError,
    RosterSource,
)
from lti_tool.db import Database, utcnow
from lti_tool.db.bulk import insert_returning_ids, update_rows
from lti_tool.journal.services import Origin, apply_batches
from lti_tool.sync import politeness, rules, runs
from lti_tool.sync.messages import Message, describe, msg, render
from lti_tool.sync.models import SourceConnection, SyncCheckpoint, SyncRun
from lti_tool.sync.roster import apply_roster, known_maps

log = logging.getLogger("marshrut.sync")
T = TypeVar("T")
Progress = Callable[[int, int], None]

@dataclass
class SyncOptions:
    since: date | None = None
    full: bool = False
    today: date | None = None
    trigger: str = "cli"
    concurrency: int = 4
    group_size: int = 400  # chunks per transaction
    flush_seconds: float = 2.0
    attempts: int = 5
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    max_failed_in_row: int = 3
    #: With the job queue on Redis, the per-server bound holds across processes.
    redis_url: str | None = None


@dataclass
class RunResult:
    run_id: int
    public_id: str
    status: str
    counts: dict[str, int]
    message: str
    write_seconds: float = 0.0  # time spent writing to the database (for bench/sync.py)


def default_year(today: date) -> tuple[date, date]:
    """A Russian school year: 1 September to 31 May (used when the source does not say)."""
    start_year = today.year if today.month >= 8 else today.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 5, 31)


class _Sync:
    def __init__(self, db: Database, conn_id: int, source: Any, options: SyncOptions,
                 progress: Progress | None) -> None:
        self.db, self.conn_id, self.source, self.opt = db, conn_id, source, options
        self.progress = progress or (lambda done, total: None)
        self.counts: Counter[str] = Counter()
        self.write_seconds = 0.0
        self.reprs: dict[int, tuple[Any, str]] = {}
        self.slot = politeness.slot(source, options.concurrency, options.redis_url)

    def _call(self, fn: Callable[[], T]) -> T:
        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, RemoteError) and e.retryable),
            wait=wait_exponential_jitter(multiplier=self.opt.backoff_initial,
                                         max=self.opt.backoff_max,
                                         jitter=self.opt.backoff_initial),
            stop=stop_after_attempt(self.opt.attempts), reraise=True)
        for attempt in retrying:
            with attempt, self.slot:
                return fn()
        raise AssertionError("unreachable")  # pragma: no cover

    def run(self) -> RunResult:
        with self.db.session() as s:
            conn = s.get(SourceConnection, self.conn_id)
            assert conn is not None
            run, chain = runs.begin(s, conn.id, self.opt.trigger)
            self.run_id, self.public_id = run.id, run.public_id
        try:
            status, message = self._run(chain)
        except RemoteError as exc:
            status, message = "failed", describe(exc)
        except BaseException as exc:  # KeyboardInterrupt, bugs: leave a resumable run
            with self.db.session() as s:
                broken = s.get(SyncRun, self.run_id)
                assert broken is not None
                runs.finish(broken, "interrupted" if isinstance(exc, KeyboardInterrupt)
                            else "failed", self.counts, msg("run.internal_error",
                                                             error=repr(exc)))
            raise
        with self.db.session() as s:
            ended = s.get(SyncRun, self.run_id)
            conn = s.get(SourceConnection, self.conn_id)
            assert ended is not None and conn is not None
            runs.finish(ended, status, self.counts, message)
            if status == "done":
                # The run's own clock: a back-dated run (tests, benches, catching up a past
                # year) must not make the next incremental window jump to the real today.
                conn.last_success_at = (datetime.combine(self.opt.today, dtime(), UTC)
                                        if self.opt.today else ended.started_at)
            result = RunResult(ended.id, ended.public_id, ended.status, dict(ended.counts),
                               render(ended.message_data, ended.message), self.write_seconds)
        log.info("sync finished", extra={"run": result.public_id, "status": status,
                                         "counts": runs.summary(self.counts)})
        return result

    # --- roster ---------------------------------------------------------------------------

    def _roster(self, s: Session, conn: SourceConnection, run: SyncRun) -> Any:
        namespace = rules.scoped_namespace(conn, self.source)
        batch = self._call(self.source.fetch_roster) if isinstance(
            self.source, RosterSource) else None
        if batch is None:
            self.people, self.classes = known_maps(s, conn, namespace)
            return None
        roster = batch.roster
        self.counts["fetched"] += len(roster.people) + len(roster.classes) + len(
            roster.enrolments) + len(batch.rejected)
        runs.record_rejections(s, run, batch.rejected, self.counts)
        records = [*roster.classes, *roster.people, *roster.enrolments]
        digest = rules.digest(records)
        if self.checkpoints.get("roster") == digest:
            self.people, self.classes = known_maps(s, conn, namespace)
            self.counts["people.unchanged"] += len(roster.people)
            self.counts["classes.unchanged"] += len(roster.classes)
            self.counts["enrolments.unchanged"] += len(roster.enrolments)
        else:
            dropped: list[Any] = []  # enrolments naming nobody we know: reported, not lost
            self.people, self.classes = apply_roster(s, conn, namespace, batch, self.counts,
                                                     dropped)
            runs.record_rejections(s, run, dropped, self.counts)
            if not dropped:  # else the next run applies (and reports) the roster again
                self._checkpoint(s, "roster", digest)
        return batch

    # --- chunks ---------------------------------------------------------------------------

    def _run(self, chain: list[int]) -> tuple[str, Message | None]:
        with self.db.session() as s:
            conn = s.get(SourceConnection, self.conn_id)
            run = s.get(SyncRun, self.run_id)
            assert conn is not None and run is not None
            self.checkpoints, self.checkpoint_ids = {}, {}
            for c in s.execute(select(SyncCheckpoint.id, SyncCheckpoint.chunk_key,
                                      SyncCheckpoint.digest)
                               .where(SyncCheckpoint.connection_id == conn.id)):
                self.checkpoints[c.chunk_key] = c.digest
                self.checkpoint_ids[c.chunk_key] = c.id
            finished = set(s.scalars(select(SyncCheckpoint.chunk_key).where(
                SyncCheckpoint.connection_id == conn.id,
                SyncCheckpoint.run_id.in_(chain or [-1]))))
            batch = self._roster(s, conn, run)
            if not isinstance(self.source, GradeSource):
                return "done", None
            if run.window_start is None or run.window_end is None:
                today = self.opt.today or date.today()
                year = batch.year if batch is not None and batch.year else None
                start, end = (year.start, year.end) if year else default_year(today)
                run.window_start, run.window_end = rules.sync_window(
                    today, start, end, last_success=conn.last_success_at,
                    lookback_weeks=conn.lookback_weeks, since=self.opt.since,
                    full=self.opt.full)
            if batch is None:
                raise TypeError("a grade source must also serve its roster")
            roster = batch.roster
            window = run.window_start, run.window_end  # may ask the server (meta)
            chunks = self._call(lambda: self.source.chunks(*window, roster))
            todo = [c for c in chunks if c.key not in finished]
            run.chunks_total = len(chunks)
            run.chunks_done = len(chunks) - len(todo)
            self.counts["chunks.resumed"] += len(chunks) - len(todo)
            self.origin = Origin(conn.organisation_id, conn.kind,
                                 rules.scoped_namespace(conn, self.source))
        self.done, self.total = len(chunks) - len(todo), len(chunks)
        self.progress(self.done, self.total)
        return self._fetch_all(todo)

    def _fetch_one(self, chunk: Chunk) -> JournalBatch:
        batch: JournalBatch = self._call(lambda: self.source.fetch_grades(chunk))
        if not batch.includes_attendance and isinstance(self.source, AttendanceSource):
            extra: JournalBatch = self._call(lambda: self.source.fetch_attendance(chunk))
            batch.attendance, batch.includes_attendance = extra.attendance, True
            batch.rejected += extra.rejected
            batch.fetched += extra.fetched
        return batch

    def _fetch_all(self, todo: list[Chunk]) -> tuple[str, Message | None]:
        pending: list[tuple[JournalBatch, str]] = []
        failed_in_row, failed, last_flush = 0, 0, time.monotonic()
        message: Message | None = None
        with ThreadPoolExecutor(self.opt.concurrency, thread_name_prefix="sync") as pool:
            # Read ahead by a whole group: fetching goes on while the group before is written.
            ahead = max(self.opt.concurrency * 4, self.opt.group_size)
            for chunk, future in _bounded(pool, self._fetch_one, todo, ahead):
                try:
                    batch = future.result()
                except RemoteError as exc:
                    if not exc.retryable:
                        pool.shutdown(cancel_futures=True)
                        self._flush(pending)
                        raise
                    failed += 1
                    failed_in_row += 1
                    message = describe(exc)
                    log.warning("chunk failed", extra={"chunk": chunk.key, "error": exc.message})
                    if failed_in_row >= self.opt.max_failed_in_row:
                        pool.shutdown(cancel_futures=True)
                        self._flush(pending)
                        return "failed", msg("run.source_down", cause=message)
                    continue
                failed_in_row = 0
                self._take(batch, pending)
                if len(pending) >= self.opt.group_size or (
                        pending and time.monotonic() - last_flush > self.opt.flush_seconds):
                    self._flush(pending)
                    last_flush = time.monotonic()
        self._flush(pending)
        self.counts["chunks.failed"] += failed
        if failed:
            return "failed", msg("run.chunks_failed", failed=failed, total=self.total,
                                 cause=message)
        return "done", None

    def _take(self, batch: JournalBatch, pending: list[tuple[JournalBatch, str]]) -> None:
        self.counts["fetched"] += batch.fetched
        records = [*batch.assignments, *batch.marks, *batch.attendance, *batch.final_marks]
        if len(self.reprs) > 200_000:
            self.reprs.clear()
        digest = rules.digest(records, self.reprs)
        if self.checkpoints.get(batch.chunk.key) == digest and not batch.rejected:
            self.counts["marks.unchanged"] += len(batch.marks)
            self.counts["attendance.unchanged"] += len(batch.attendance)
            self.counts["assignments.unchanged"] += len(batch.assignments)
            self.done += 1
            self.progress(self.done, self.total)
            return
        pending.append((batch, digest))

    def _flush(self, pending: list[tuple[JournalBatch, str]]) -> None:
        if not pending:
            return
        started = time.perf_counter()
        with self.db.session() as s:
            run = s.get(SyncRun, self.run_id)
            assert run is not None
            batches = [b for b, _ in pending]
            apply_batches(s, self.origin, batches, self.people, self.classes, self.counts,
                          lambda kind, src, code, params: runs.record_coded_rejection(
                              s, run, kind, src, msg(f"reject.{code}", **params),
                              self.counts))
            for batch, _ in pending:
                runs.record_rejections(s, run, batch.rejected, self.counts)
            self._checkpoints(s, [(b.chunk.key, d) for b, d in pending])
            self.done += len(pending)
            run.chunks_done = self.done
            run.heartbeat_at = utcnow()
            run.counts = dict(self.counts)
        self.write_seconds += time.perf_counter() - started
        pending.clear()
        self.progress(self.done, self.total)

    def _checkpoint(self, s: Session, key: str, digest: str) -> None:
        self._checkpoints(s, [(key, digest)])

    def _checkpoints(self, s: Session, items: list[tuple[str, str]]) -> None:
        """Stamp chunks done, in the transaction that wrote their data (two executemanys)."""
        now = utcnow()
        known = [dict(id=self.checkpoint_ids[k], digest=d, run_id=self.run_id, done_at=now)
                 for k, d in items if k in self.checkpoint_ids]
        fresh = [dict(connection_id=self.conn_id, chunk_key=k, digest=d, run_id=self.run_id,
                      done_at=now) for k, d in items if k not in self.checkpoint_ids]
        update_rows(s, SyncCheckpoint, known)
        self.checkpoint_ids.update(insert_returning_ids(s, SyncCheckpoint, fresh, "chunk_key"))
        self.checkpoints.update(items)


def _bounded(pool: ThreadPoolExecutor, fn: Callable[[Chunk], T], items: list[Chunk],
             window: int) -> Iterator[tuple[Chunk, Future[T]]]:
    """Submit at most ``window`` items ahead and yield them in submission order, so memory
    stays flat on a year of diaries and results are written in a stable order."""
    queue: deque[tuple[Chunk, Future[T]]] = deque()
    it = iter(items)
    for item in it:
        queue.append((item, pool.submit(fn, item)))
        if len(queue) >= window:
            break
    while queue:
        yield queue.popleft()
        nxt = next(it, None)
        if nxt is not None:
            queue.append((nxt, pool.submit(fn, nxt)))


def run_sync(db: Database, connection_id: int, source: Any, options: SyncOptions | None = None,
             progress: Progress | None = None) -> RunResult:
    """Run one sync of ``connection_id`` reading from ``source`` (an adapter instance)."""
    return _Sync(db, connection_id, source, options or SyncOptions(), progress).run()
