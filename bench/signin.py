"""A signed-in page against the same page reached through an LTI launch token.

The page is a parent's home — the session check plus the overview of their two children's
marks (a school year: 15 subjects × 36 weeks, ≈ 80 % of the works marked). The same parent
is reached two ways, on the same server: a first-party sign-in session (cookie
``marshrut_signin``, a server-side row checked on every request) and an LTI launch token
(``?lt=``, a launch row checked on every request). Served by gunicorn (1 worker × 8 gthreads,
as ``bench/lti_launch.py``), SQLite, driven by N client threads for a fixed time each.

    .venv/bin/python bench/signin.py [--seconds 8] [--quick]

Target: the signed-in page's throughput ≥ 0.9 × the launch-token page's and its p99 ≤ 1.2 ×,
at 1 and 20 clients (ratios of one run). Last line ``RESULT ...``; exit 1 when missed.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _launch_setup import SUBJECTS, WEEKS, YEAR_START, marshrut_env  # noqa: E402
from lti_launch import _free_port, _gunicorn  # noqa: E402

TARGET_THROUGHPUT, TARGET_P99 = 0.9, 1.2


def seed(url: str, secret: str) -> tuple[str, str, str]:
    """A parent with two children and a year of their marks; returns (cookie secret, launch
    token, a child's name)."""
    from itsdangerous import URLSafeTimedSerializer
    from sqlalchemy import insert, select

    from lti_tool.accounts.models import AccountSession
    from lti_tool.accounts.rules import token_hash
    from lti_tool.crypto import signing_keys
    from lti_tool.db import Database, utcnow
    from lti_tool.journal.models import Assignment, Mark
    from lti_tool.lti.models import Deployment, Launch
    from lti_tool.people.models import (
        ClassEnrolment,
        ClassGroup,
        Guardianship,
        Membership,
        Organisation,
        Person,
    )

    rnd = random.Random(37)
    db = Database(url)
    with db.session() as s:
        org = s.scalars(select(Organisation)).one()
        group = ClassGroup(organisation_id=org.id, title="10 А", source="netschool",
                           namespace="bench", external_id="10a")
        parent = Person(display_name="Петрова Анна Сергеевна")
        kids = [Person(display_name="Петров Алексей"), Person(display_name="Петрова Дарья")]
        s.add_all([group, parent, *kids])
        s.flush()
        s.add_all([Membership(person_id=parent.id, organisation_id=org.id, role="parent"),
                   *(Membership(person_id=k.id, organisation_id=org.id, role="student")
                     for k in kids),
                   *(ClassEnrolment(class_id=group.id, person_id=k.id, role="student")
                     for k in kids),
                   *(Guardianship(parent_id=parent.id, child_id=k.id) for k in kids)])
        tasks = [dict(organisation_id=org.id, source="netschool", namespace="bench",
                      external_id=f"{subject}-{week}", class_id=group.id, subject=subject,
                      title=f"Работа {week + 1}", weight=1.0, type_name="", max_mark=5,
                      due=YEAR_START + timedelta(weeks=week, days=rnd.randint(0, 4)))
                 for subject in SUBJECTS for week in range(WEEKS)]
        ids = list(s.scalars(insert(Assignment).returning(
            Assignment.id, sort_by_parameter_order=True), tasks))
        s.execute(insert(Mark), [
            dict(assignment_id=a, student_id=k.id, value=rnd.choice([2, 3, 4, 4, 5, 5]),
                 code=None, debt=False, date=t["due"], comment="")
            for a, t in zip(ids, tasks, strict=True) for k in kids if rnd.random() < 0.8])
        cookie = secrets.token_urlsafe(32)
        now = utcnow()
        s.add(AccountSession(token_hash=token_hash(cookie), person_id=parent.id,
                             organisation_id=org.id, roles=["parent"], method="netschool",
                             created_at=now, last_seen_at=now,
                             expires_at=now + timedelta(hours=12)))
        token_id = secrets.token_urlsafe(24)
        s.add(Launch(token_id=token_id, person_id=parent.id, organisation_id=org.id,
                     deployment_pk=s.scalars(select(Deployment.id)).first(), class_id=None,
                     roles=["parent"], message_type="LtiResourceLinkRequest",
                     expires_at=now + timedelta(hours=8)))
    db.engine.dispose()
    lt = URLSafeTimedSerializer(list(signing_keys(secret)), salt="marshrut-launch").dumps(
        token_id)
    return cookie, lt, kids[0].display_name


def run(url: str, clients: int, seconds: float, *, cookie: str | None = None,
        lt: str | None = None, expect: str = "") -> tuple[int, float, list[float]]:
    """(requests, elapsed s, latencies) of GET /app/ by ``clients`` threads."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        http = requests.Session()
        if cookie:
            http.cookies.set("marshrut_signin", cookie)
        params = {"lt": lt} if lt else None
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            resp = http.get(url + "/app/", params=params, timeout=30)
            latencies[n].append(time.perf_counter() - t0)
            if resp.status_code != 200 or expect not in resp.text:
                errors.append(f"{resp.status_code}")
                return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"page failed: {errors[:3]}")
    flat = [x for lat in latencies for x in lat]
    return len(flat), elapsed, flat


SLICES = 4  # the two ways alternate in slices: the shared machine's load drifts


def _summary(slices: list[tuple[int, float, list[float]]]) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p99 ms) over one way's slices."""
    count, elapsed, flat = 0, 0.0, []
    for n, e, lat in slices:
        count, elapsed, flat = count + n, elapsed + e, flat + lat
    flat.sort()
    p99 = flat[min(len(flat) - 1, int(len(flat) * 0.99))]
    return count / elapsed, statistics.median(flat) * 1000, p99 * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads")
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("BENCH_QUICK") == "1")
    args = parser.parse_args()
    seconds = 2.0 if args.quick else args.seconds
    levels = (1, 4) if args.quick else (1, 20)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        url = f"sqlite:///{tmp / 'bench.sqlite'}"
        env = marshrut_env(url, tmp, "https://lms.example")
        cookie, lt, child = seed(url, env["MARSHRUT_SECRET_KEY"])
        port = _free_port()
        proc = _gunicorn("lti_tool.app:create_app()", port, env, args, tmp / "gunicorn.log", 1)
        base = f"http://127.0.0.1:{port}"
        results: dict[tuple[str, int], tuple[float, float, float]] = {}
        try:
            run(base, 2, 0.5, cookie=cookie, expect=child)  # warm both paths once
            run(base, 2, 0.5, lt=lt, expect=child)
            for clients in levels:
                slices: dict[str, list[tuple[int, float, list[float]]]] = {"token": [],
                                                                          "signin": []}
                for n in range(SLICES):  # alternate, and alternate which goes first
                    order = ("token", "signin") if n % 2 == 0 else ("signin", "token")
                    for way in order:
                        slices[way].append(run(base, clients, seconds / SLICES, expect=child,
                                               **({"lt": lt} if way == "token"
                                                  else {"cookie": cookie})))
                for way, got in slices.items():
                    results[(way, clients)] = _summary(got)
        finally:
            proc.terminate()
            proc.wait(10)
    print(f"{'page':<8}{'clients':>8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for (way, clients), (rps, p50, p99) in sorted(results.items(), key=lambda x: (x[0][1],
                                                                                   x[0][0])):
        print(f"{way:<8}{clients:>8}{rps:>10.1f}{p50:>10.1f}{p99:>10.1f}")
    met, parts = True, []
    for clients in levels:
        s, t = results[("signin", clients)], results[("token", clients)]
        tput, p99 = s[0] / t[0], s[2] / t[2]
        met = met and tput >= TARGET_THROUGHPUT and p99 <= TARGET_P99
        parts += [f"throughput_ratio_{clients}={tput:.2f}", f"p99_ratio_{clients}={p99:.2f}",
                  f"signin_rps_{clients}={s[0]:.1f}", f"token_rps_{clients}={t[0]:.1f}"]
    quick = " quick=1" if args.quick else ""
    print(f"RESULT {' '.join(parts)}{quick} target={'met' if met else 'missed'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
