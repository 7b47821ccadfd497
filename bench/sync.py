"""Sync benchmark, side by side in one run, against the Сетевой город sandbox (own process):

(a) raw fetch of the year's weekly diaries with a plain ``requests`` loop — the same session
    settings as the tool's client (``trust_env=False``, environment read once) and the same
    concurrency — vs the full first sync (fetch + validate + write)  → ratio ≥ 0.8
    (alternating rounds, each sync into a fresh database; totals compared)
(b) the sync's database write rate of marks vs a plain bulk insert of the same rows
                                                                    → ratio ≥ 0.5
(c) the full-year re-sync with nothing changed at the remote vs the first sync, compared per
    diary request (both ask for the same year)                      → ≥ 10× faster, 0 rows
    (the incremental window a schedule takes is shown too, not judged: it asks fewer weeks)

The validation memos are cleared before every sync, so no run profits from the one before.

Size: МБОУ СОШ №37 of the sandbox: 312 students in 12 classes of grades 10–11, 15 subjects,
the whole 2026/27 school year. ``--quick`` (or ``BENCH_QUICK=1``) takes the first 3 weeks
and one round: a smoke run that the script works, its figures judge nothing.
Prints a table, then the RESULT line (exit 1 when missed).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.netschool import mapping  # noqa: E402
from adapters.netschool.client import NetSchoolClient  # noqa: E402
from adapters.netschool.sandbox import DEMO_PASSWORD  # noqa: E402
from lti_tool.db import Database  # noqa: E402
from lti_tool.journal.models import Mark  # noqa: E402
from lti_tool.migrate import upgrade  # noqa: E402
from lti_tool.people.models import Organisation  # noqa: E402
from lti_tool.sync import services  # noqa: E402
from lti_tool.sync.engine import SyncOptions  # noqa: E402
from lti_tool.sync.models import SyncRun  # noqa: E402
from schemas import record_schemas  # noqa: E402

SCHOOL, LOGIN = "МБОУ СОШ №37", "zavuch1001"
YEAR_START, YEAR_END = date(2026, 9, 1), date(2027, 5, 31)
CONCURRENCY = 4
ROUNDS = 2  # (a) alternates plain loop and first sync this many times
QUICK_WEEKS = 3
SECRET = "bench-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sandbox() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "lti_tool.cli", "sandbox", "netschool",
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(base + "/webapi/logindata", timeout=1)
            return proc, base
        except requests.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("sandbox did not start")


def weeks(today: date) -> list[date]:
    """The Mondays of the weeks a full sync on ``today`` asks for (``rules.sync_window``)."""
    end = min(YEAR_END, today + timedelta(days=7))
    monday = YEAR_START - timedelta(days=YEAR_START.weekday())
    out = []
    while monday <= end:
        out.append(monday)
        monday += timedelta(weeks=1)
    return out


def clear_caches() -> None:
    """Validation memos live per process: each sync starts as a fresh worker would."""
    record_schemas._load_memo.cache_clear()
    mapping._valid_assignment.cache_clear()


def plain_session(token: str, base: str) -> requests.Session:
    """A plain session set up as ``NetSchoolClient`` sets up its own (environment read once)."""
    http = requests.Session()
    http.proxies.update(requests.utils.get_environ_proxies(base))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        http.verify = bundle
    http.trust_env = False
    http.headers["at"] = token
    return http


def raw_fetch(base: str, today: date) -> tuple[float, int, int]:
    """The floor: every diary week of every student, plain requests, no parsing beyond JSON."""
    client = NetSchoolClient(base, LOGIN, DEMO_PASSWORD, SCHOOL)
    students = [s["studentId"] for s in client.diary_init()["students"]]
    year_id = client.year()["id"]
    token = client.http.headers["at"]
    jobs = [(sid, monday) for monday in weeks(today) for sid in students]
    local = threading.local()

    def one(job: tuple[int, date]) -> int:
        if not hasattr(local, "http"):
            local.http = plain_session(token, base)
        sid, monday = job
        resp = local.http.get(base + "/webapi/student/diary", params={
            "studentId": sid, "yearId": year_id, "weekStart": monday.isoformat(),
            "weekEnd": (monday + timedelta(days=6)).isoformat()}, timeout=30)
        resp.raise_for_status()
        return len(resp.json().get("weekDays") or [])

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(one, jobs))
    took = time.perf_counter() - started
    client.close()
    return took, len(jobs), len(students)


def fresh_db(folder: Path) -> Database:
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    upgrade(url)
    return Database(url)


def fresh_connection(folder: Path, base: str) -> tuple[Database, int]:
    db = fresh_db(folder)
    with db.session() as s:
        org = Organisation(slug="school-37", name=SCHOOL)
        s.add(org)
        s.flush()
        conn = services.create_connection(s, org.id, dict(
            kind="netschool", base_url=base, school=SCHOOL, login=LOGIN,
            password=DEMO_PASSWORD), SECRET, None)
        return db, conn.id


def bulk_insert_rate(db_file: Path, rows: list[dict[str, object]]) -> float:
    """The same mark rows, one plain executemany in one transaction into an emptied table."""
    engine = create_engine(f"sqlite:///{db_file}")
    with engine.begin() as conn:
        conn.execute(text("PRAGMA journal_mode=WAL"))
        conn.execute(text("DELETE FROM journal_mark"))
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(Mark.__table__), rows)
    took = time.perf_counter() - started
    engine.dispose()
    return len(rows) / took


def _written(counts: dict[str, int]) -> int:
    return sum(v for k, v in counts.items()
               if k.endswith((".created", ".updated", ".deleted")) and not k.startswith("summary."))


def _requests_of(db: Database, run_id: int) -> int:
    """Diary requests a run made: one per chunk (a student's week) it fetched."""
    with db.session() as s:
        run = s.get(SyncRun, run_id)
        assert run is not None
        return int(run.chunks_total or 0)


def _timed_sync(db: Database, conn_id: int, options: SyncOptions) -> tuple[float, Any]:
    clear_caches()
    started = time.perf_counter()
    result = services.sync_now(db, conn_id, SECRET, options)
    took = time.perf_counter() - started
    assert result.status == "done", result.message
    return took, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("BENCH_QUICK") == "1",
                        help=f"smoke run: the first {QUICK_WEEKS} weeks, one round")
    args = parser.parse_args()
    rounds = 1 if args.quick else ROUNDS
    # the sync's clock: the whole year, as on the day it ends (quick: its first weeks)
    today = YEAR_START + timedelta(weeks=QUICK_WEEKS - 1) if args.quick else YEAR_END
    sandbox, base = start_sandbox()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # (a) in alternating rounds (loop, sync, loop, sync…) into fresh databases, so a
            # neighbour's load on a shared machine falls on both sides alike; sums compared.
            raw_s = first_s = write_s = 0.0
            created = first_requests = 0
            for round_no in range(rounds):
                raw_took, requests_made, students = raw_fetch(base, today)
                folder = Path(tmp) / f"round-{round_no}"
                folder.mkdir()
                db, conn_id = fresh_connection(folder, base)
                took, first = _timed_sync(db, conn_id, SyncOptions(
                    full=True, today=today, concurrency=CONCURRENCY))
                print(f"round {round_no + 1}: raw loop {raw_took:.2f} s, first sync {took:.2f} s"
                      f" (ratio {raw_took / took:.2f})", flush=True)
                raw_s, first_s = raw_s + raw_took, first_s + took
                write_s += first.write_seconds
                created += first.counts.get("marks.created", 0)
                first_requests += _requests_of(db, first.run_id)
                if round_no < rounds - 1:
                    db.engine.dispose()
            with db.session() as s:
                marks = s.scalar(select(func.count(Mark.id)))
                rows = [dict(assignment_id=r.assignment_id, student_id=r.student_id,
                             value=r.value, code=r.code, debt=r.debt, date=r.date,
                             comment=r.comment) for r in s.scalars(select(Mark))]
            sync_rate = created / write_s if write_s else 0.0
            bulk_rate = bulk_insert_rate(folder / "bench.sqlite", rows)
            # put the marks back for the re-syncs
            with db.session() as s:
                s.execute(text("DELETE FROM journal_mark"))
                s.execute(insert(Mark), rows)
            # (c) the same year again with nothing changed at the remote
            full_again_s, full_again = _timed_sync(db, conn_id, SyncOptions(
                full=True, today=today, concurrency=CONCURRENCY))
            full_requests = _requests_of(db, full_again.run_id)
            written = _written(full_again.counts)
            # shown, not judged: the scheduled re-sync (weeks since the last success + lookback)
            again_s, again = _timed_sync(db, conn_id, SyncOptions(
                today=today, concurrency=CONCURRENCY))
            again_requests = _requests_of(db, again.run_id)
            db.engine.dispose()
    finally:
        sandbox.terminate()
        sandbox.wait(10)

    fetch_ratio = raw_s / first_s
    write_ratio = sync_rate / bulk_rate if bulk_rate else 0.0
    first_ms = first_s / max(first_requests, 1) * 1000
    again_ms = full_again_s / max(full_requests, 1) * 1000
    speedup = first_ms / again_ms
    print(f"school: {students} students, {len(weeks(today))} weeks, {requests_made} diary "
          f"requests, {marks} marks; concurrency {CONCURRENCY}, SQLite"
          + (" — QUICK smoke run, figures judge nothing" if args.quick else ""))
    print(f"{'measure':52} {'value':>12}")
    print(f"{f'(a) raw requests loop, s ({rounds} rounds)':52} {raw_s:12.2f}")
    print(f"{f'(a) full first sync, s ({rounds} rounds)':52} {first_s:12.2f}")
    print(f"{'(a) ratio raw/sync (≥ 0.8)':52} {fetch_ratio:12.2f}")
    print(f"{'(b) sync write rate, marks/s':52} {sync_rate:12.0f}")
    print(f"{'(b) plain bulk insert, marks/s':52} {bulk_rate:12.0f}")
    print(f"{'(b) ratio (≥ 0.5)':52} {write_ratio:12.2f}")
    print(f"{'(c) first sync, ms per diary request':52} {first_ms:12.3f}")
    print(f"{'(c) full-year re-sync, no change, s':52} {full_again_s:12.2f}")
    print(f"{f'(c) … its diary requests (first sync: {first_requests // rounds})':52} "
          f"{full_requests:12d}")
    print(f"{'(c) … ms per diary request':52} {again_ms:12.3f}")
    print(f"{'(c) speed-up per request (≥ 10)':52} {speedup:12.1f}")
    print(f"{'(c) rows written by the re-sync (= 0)':52} {written:12d}")
    print(f"{'    scheduled re-sync (window + lookback), s':52} {again_s:12.2f}")
    print(f"{'    … its diary requests / rows written':52} "
          f"{f'{again_requests} / {_written(again.counts)}':>12}")
    met = fetch_ratio >= 0.8 and write_ratio >= 0.5 and speedup >= 10 and written == 0
    print(f"RESULT fetch_ratio={fetch_ratio:.2f} write_ratio={write_ratio:.2f} "
          f"resync_speedup={speedup:.1f} resync_rows_written={written} "
          f"quick={int(args.quick)} target={'met' if met else 'missed'}")
    return 0 if met else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
