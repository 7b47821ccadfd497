"""Sync benchmark, side by side in one run, against the Сетевой город sandbox (own process):

(a) raw fetch of a school year of weekly diaries with a plain ``requests`` loop at the same
    concurrency vs the full first sync (fetch + validate + write)   → ratio ≥ 0.8
    (two alternating rounds of each, each sync into a fresh database; totals compared)
(b) the sync's database write rate of marks vs a plain bulk insert of the same rows
                                                                    → ratio ≥ 0.5
(c) a re-sync with no remote change (the incremental window a scheduled run takes) vs the
    first sync                                                      → ≥ 10× faster, 0 rows

Size: МБОУ СОШ №37 of the sandbox: 312 students in 12 classes of grades 10–11, 15 subjects,
the whole 2026/27 school year. Prints a table, then the RESULT line (exit 1 when missed).
"""

from __future__ import annotations

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

import requests
from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.netschool.client import NetSchoolClient  # noqa: E402
from adapters.netschool.sandbox import DEMO_PASSWORD  # noqa: E402
from lti_tool.db import Database  # noqa: E402
from lti_tool.journal.models import Mark  # noqa: E402
from lti_tool.migrate import upgrade  # noqa: E402
from lti_tool.people.models import Organisation  # noqa: E402
from lti_tool.sync import services  # noqa: E402
from lti_tool.sync.engine import SyncOptions  # noqa: E402

SCHOOL, LOGIN = "МБОУ СОШ №37", "zavuch1001"
YEAR_START, YEAR_END = date(2026, 9, 1), date(2027, 5, 31)
CONCURRENCY = 4
ROUNDS = 2  # (a) alternates plain loop and first sync this many times
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


def weeks() -> list[date]:
    monday = YEAR_START - timedelta(days=YEAR_START.weekday())
    out = []
    while monday <= YEAR_END:
        out.append(monday)
        monday += timedelta(weeks=1)
    return out


def raw_fetch(base: str) -> tuple[float, int, int]:
    """The floor: every diary week of every student, plain requests, no parsing beyond JSON."""
    client = NetSchoolClient(base, LOGIN, DEMO_PASSWORD, SCHOOL)
    students = [s["studentId"] for s in client.diary_init()["students"]]
    year_id = client.year()["id"]
    token = client.http.headers["at"]
    jobs = [(sid, monday) for monday in weeks() for sid in students]
    local = threading.local()

    def one(job: tuple[int, date]) -> int:
        if not hasattr(local, "http"):
            local.http = requests.Session()
            local.http.headers["at"] = token
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


def main() -> int:
    sandbox, base = start_sandbox()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # (a) in alternating rounds (loop, sync, loop, sync…) into fresh databases, so a
            # neighbour's load on a shared machine falls on both sides alike; sums compared.
            raw_s = first_s = write_s = 0.0
            created = 0
            for round_no in range(ROUNDS):
                raw_took, requests_made, students = raw_fetch(base)
                folder = Path(tmp) / f"round-{round_no}"
                folder.mkdir()
                db, conn_id = fresh_connection(folder, base)
                # the first sync: the whole year, as on the day the year ends
                options = SyncOptions(full=True, today=YEAR_END, concurrency=CONCURRENCY)
                started = time.perf_counter()
                first = services.sync_now(db, conn_id, SECRET, options)
                took = time.perf_counter() - started
                assert first.status == "done", first.message
                print(f"round {round_no + 1}: raw loop {raw_took:.2f} s, first sync {took:.2f} s"
                      f" (ratio {raw_took / took:.2f})", flush=True)
                raw_s, first_s = raw_s + raw_took, first_s + took
                write_s += first.write_seconds
                created += first.counts.get("marks.created", 0)
                if round_no < ROUNDS - 1:
                    db.engine.dispose()
            with db.session() as s:
                marks = s.scalar(select(func.count(Mark.id)))
                rows = [dict(assignment_id=r.assignment_id, student_id=r.student_id,
                             value=r.value, code=r.code, debt=r.debt, date=r.date,
                             comment=r.comment) for r in s.scalars(select(Mark))]
            sync_rate = created / write_s
            bulk_rate = bulk_insert_rate(folder / "bench.sqlite", rows)
            # put the marks back for the re-syncs
            with db.session() as s:
                s.execute(text("DELETE FROM journal_mark"))
                s.execute(insert(Mark), rows)
            # (c) the scheduled re-sync: weeks since the last success + lookback
            started = time.perf_counter()
            again = services.sync_now(db, conn_id, SECRET, SyncOptions(
                today=YEAR_END, concurrency=CONCURRENCY))
            again_s = time.perf_counter() - started
            written = sum(v for k, v in again.counts.items()
                          if k.endswith((".created", ".updated", ".deleted"))
                          and not k.startswith("summary."))
            # also: the whole year again with no change (not the target, shown for honesty)
            started = time.perf_counter()
            full_again = services.sync_now(db, conn_id, SECRET, SyncOptions(
                full=True, today=YEAR_END, concurrency=CONCURRENCY))
            full_again_s = time.perf_counter() - started
            full_written = sum(v for k, v in full_again.counts.items()
                               if k.endswith((".created", ".updated", ".deleted"))
                               and not k.startswith("summary."))
            db.engine.dispose()
    finally:
        sandbox.terminate()
        sandbox.wait(10)

    fetch_ratio = raw_s / first_s
    write_ratio = sync_rate / bulk_rate
    speedup = first_s / ROUNDS / again_s
    print(f"school: {students} students, {len(weeks())} weeks, {requests_made} diary requests, "
          f"{marks} marks; concurrency {CONCURRENCY}, SQLite")
    print(f"{'measure':44} {'value':>12}")
    print(f"{f'(a) raw requests loop, s ({ROUNDS} rounds)':44} {raw_s:12.2f}")
    print(f"{f'(a) full first sync, s ({ROUNDS} rounds)':44} {first_s:12.2f}")
    print(f"{'(a) ratio raw/sync (≥ 0.8)':44} {fetch_ratio:12.2f}")
    print(f"{'(b) sync write rate, marks/s':44} {sync_rate:12.0f}")
    print(f"{'(b) plain bulk insert, marks/s':44} {bulk_rate:12.0f}")
    print(f"{'(b) ratio (≥ 0.5)':44} {write_ratio:12.2f}")
    print(f"{'(c) incremental re-sync, no change, s':44} {again_s:12.2f}")
    print(f"{'(c) speed-up vs first sync (≥ 10)':44} {speedup:12.1f}")
    print(f"{'(c) rows written by the re-sync (= 0)':44} {written:12d}")
    print(f"{'    full-year re-sync, no change, s':44} {full_again_s:12.2f}")
    print(f"{'    rows written by it':44} {full_written:12d}")
    met = fetch_ratio >= 0.8 and write_ratio >= 0.5 and speedup >= 10 and written == 0
    print(f"RESULT fetch_ratio={fetch_ratio:.2f} write_ratio={write_ratio:.2f} "
          f"resync_speedup={speedup:.1f} resync_rows_written={written} "
          f"target={'met' if met else 'missed'}")
    return 0 if met else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
