"""LTI 1.3 launch throughput: Marshrut against a bare pylti1p3 Flask handler, side by side.

One launch = OIDC login (GET /lti/login → 302) + launch (POST id_token) + the first page,
measured from the client. Both tools are served the same way (gunicorn, the same worker and
thread counts, access log off) and driven by the same client code, which signs id_tokens
with the demo LMS's key (``lti_tool/sandbox/platform.py``; its JWKS is served by the demo
LMS app, fetched once per tool process).

Two launches: a **student** of a course with an empty journal (the first page is their home)
and a **teacher** whose class has 25 pupils with a school year of marks in 15 subjects (the
first page is the class overview). Each client thread cycles through 25 users per round:
their first launch creates them (**first-time**), later ones find them (**returning**);
the two are reported apart. Two set-ups of ours: SQLite with the bare handler's serving
(judged), and the regional one — PostgreSQL (pgserver) behind 2 gunicorn workers — shown
beside it, not judged (bare keeps its state in one process's memory, so it cannot run 2).

The bare handler is pylti1p3's own Flask example reduced to the minimum: ``FlaskOIDCLogin``,
``FlaskMessageLaunch``, a dict ``ToolConfDict``, an in-memory cache, no database, no extra
checks; its launch POST answers with the page itself.

    .venv/bin/python bench/lti_launch.py [--seconds 8] [--workers 1] [--threads 8] [--quick]

``--quick`` (or ``BENCH_QUICK=1``): 1 s rows, 1 round, 1 and 4 clients — a smoke run.
Prints a table and a last ``RESULT ...`` line; exits 1 when the target is missed: our
throughput ≥ 0.7 × the bare handler's and our p99 ≤ 1.5 × its p99, at 1 and 20 clients,
for both launches.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _launch_setup import (  # noqa: E402
    CLIENT_ID,
    DEPLOYMENT,
    marshrut_env,
    postgres_url,
    seed_year_of_marks,
)

C = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TARGET_THROUGHPUT, TARGET_P99 = 0.7, 1.5
USERS = 25  # per client thread and round: the first launch of each is a first-time user


@dataclass(frozen=True)
class Scenario:
    name: str
    role: str
    context_id: str
    context_title: str


SCENARIOS = [Scenario("student", LEARNER, "algebra-10a", "Алгебра, 10 А"),
             Scenario("teacher", INSTRUCTOR, "physics-10b", "Физика, 10 Б")]
TEACHERS_CLASS = SCENARIOS[1]


# -- serving ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _gunicorn(app: str, port: int, env: dict[str, str], args: argparse.Namespace,
              log: Path, workers: int) -> subprocess.Popen[bytes]:
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "-b", f"127.0.0.1:{port}",
           "-w", str(workers), "-k", "gthread", "--threads", str(args.threads),
           "--chdir", str(ROOT / "bench"), "--pythonpath", str(ROOT), app]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=out, stderr=out)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"{app} did not start:\n{log.read_text()}") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{app} did not start in 60 s")


# -- the client ---------------------------------------------------------------------------

@dataclass
class Signer:
    issuer: str
    kid: str
    key: Any

    def id_token(self, auth: dict[str, str], tool: str, sub: str, who: Scenario) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": sub,
            "iat": now, "exp": now + 60, "nonce": auth["nonce"], "name": f"Пользователь {sub}",
            C + "message_type": "LtiResourceLinkRequest", C + "version": "1.3.0",
            C + "deployment_id": DEPLOYMENT, C + "target_link_uri": tool + "/lti/launch",
            C + "resource_link": {"id": "rl-" + who.context_id}, C + "roles": [who.role],
            C + "context": {"id": who.context_id, "title": who.context_title},
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


def one_launch(tool: str, signer: Signer, sub: str, who: Scenario = SCENARIOS[0]) -> None:
    client = requests.Session()
    resp = client.get(tool + "/lti/login", allow_redirects=False, timeout=30, params={
        "iss": signer.issuer, "login_hint": sub, "target_link_uri": tool + "/lti/launch",
        "client_id": CLIENT_ID, "lti_message_hint": "rl-1"})
    if resp.status_code != 302:
        raise RuntimeError(f"login {resp.status_code}: {resp.text[:300]}")
    auth = {k: v[0] for k, v in parse_qs(urlparse(resp.headers["Location"]).query).items()}
    resp = client.post(tool + "/lti/launch", timeout=30, data={
        "id_token": signer.id_token(auth, tool, sub, who), "state": auth["state"]})
    # a student's home greets them; a teacher's launch ends on their class (its title)
    marker = "Здравствуйте" if who.role == LEARNER else who.context_title
    if resp.status_code != 200 or marker not in resp.text:
        page = " ".join(re.sub(r"<[^>]+>", " ", resp.text).split())
        raise RuntimeError(f"launch {resp.status_code}: {page[:300]}")


@dataclass
class Run:
    name: str  # handler / set-up
    scenario: str
    clients: int
    seconds: float
    first: list[float]  # first-time users' launches, s
    returning: list[float]  # returning users' launches, s
    errors: int

    @property
    def latencies(self) -> list[float]:
        return self.first + self.returning

    @property
    def launches(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.launches / self.seconds if self.seconds else 0.0

    @staticmethod
    def pct_of(values: list[float], q: float) -> float:
        ordered = sorted(values)
        if not ordered:  # e.g. no returning user within a short row
            return float("nan")
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def pct(self, q: float) -> float:
        return self.pct_of(self.latencies, q)


def measure(name: str, scenario: str, launch: Callable[[str], None], clients: int,
            seconds: float) -> Run:
    returning: list[float] = []
    first: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    start_gate = threading.Barrier(clients + 1)
    tag = secrets.token_hex(3)  # new users every round: each round has its first-timers

    def worker(n: int) -> None:
        mine: list[float] = []  # returning
        mine_first: list[float] = []
        i = 0
        start_gate.wait()
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                launch(f"{scenario[0]}-{tag}-{n}-{i % USERS}")
            except Exception as exc:  # counted and shown, the run goes on
                with lock:
                    errors.append(str(exc))
            else:
                took = time.perf_counter() - t0
                (mine_first if i < USERS else mine).append(took)
            i += 1
        with lock:
            returning.extend(mine)
            first.extend(mine_first)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    start_gate.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        print(f"  {name} {scenario} c={clients}: {len(errors)} errors, first: {errors[0]}",
              file=sys.stderr)
    return Run(name, scenario, clients, elapsed, first, returning, len(errors))


def _merge(parts: list[Run]) -> Run:
    head = parts[0]
    return Run(head.name, head.scenario, head.clients, sum(r.seconds for r in parts),
               [x for r in parts for x in r.first], [x for r in parts for x in r.returning],
               sum(r.errors for r in parts))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (both)")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads (both)")
    parser.add_argument("--clients", default="1,20", help="concurrency levels")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per level")
    parser.add_argument("--regional-workers", type=int, default=2,
                        help="gunicorn workers of the PostgreSQL set-up")
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("BENCH_QUICK") == "1", help="smoke run")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds, args.clients = 1.0, 1, "1,4"
    return args


def main() -> int:
    args = _arguments()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from lti_tool.sandbox.platform import PlatformState
    from lti_tool.sandbox.views import create_platform_app
    from tests.servers import serve

    tool_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    holder: dict[str, PlatformState] = {}

    def build(base: str) -> Any:
        holder["state"] = PlatformState(issuer=base, tool_base_url="")
        return create_platform_app(holder["state"])

    procs: list[subprocess.Popen[bytes]] = []
    pg: Any = None
    with tempfile.TemporaryDirectory() as tmpdir, serve(build) as (issuer, _):
        tmp = Path(tmpdir)
        state = holder["state"]
        signer = Signer(issuer, state.jwks()["keys"][-1]["kid"],
                        serialization.load_pem_private_key(
                            state.key.export_to_pem(private_key=True, password=None), None))
        try:
            pg, pg_url = postgres_url(tmp / "pg")
            setups = {"marshrut": (f"sqlite:///{tmp / 'marshrut.sqlite'}", args.workers),
                      f"marshrut-pg-{args.regional_workers}w": (pg_url, args.regional_workers)}
            tools: dict[str, str] = {}
            marks = 0
            for name, (url, workers) in setups.items():
                port = _free_port()
                env = marshrut_env(url, tmp, issuer)
                env["MARSHRUT_BASE_URL"] = f"http://127.0.0.1:{port}"
                procs.append(_gunicorn("lti_tool.app:create_app()", port, env, args,
                                       tmp / f"{name}.log", workers))
                tools[name] = f"http://127.0.0.1:{port}"
                # the teacher's class: 25 pupils launch once, then a year of their marks
                pupils = [f"pupil-{k}" for k in range(25)]
                for sub in pupils:
                    one_launch(tools[name], signer, sub, Scenario(
                        "pupil", LEARNER, TEACHERS_CLASS.context_id,
                        TEACHERS_CLASS.context_title))
                marks = seed_year_of_marks(url, TEACHERS_CLASS.context_title, pupils)
            bare_port = _free_port()
            procs.append(_gunicorn("_launch_bare:bare_app()", bare_port,
                                   {"BENCH_ISSUER": issuer, "BENCH_TOOL_KEY": tool_key}, args,
                                   tmp / "bare.log", args.workers))
            tools["bare-pylti1p3"] = f"http://127.0.0.1:{bare_port}"
            for base in tools.values():  # warm up: JWKS fetched, code paths loaded
                for i in range(20):
                    one_launch(base, signer, f"warm-{i}", SCENARIOS[i % 2])
            runs: list[Run] = []
            for who in SCENARIOS:
                for clients in (int(c) for c in args.clients.split(",")):
                    # Alternate short rounds, so a neighbour's load on a shared machine falls
                    # on every handler alike instead of on whichever ran at that moment.
                    parts: dict[str, list[Run]] = {name: [] for name in tools}
                    for _ in range(args.rounds):
                        for name, base in tools.items():
                            parts[name].append(measure(
                                name, who.name,
                                lambda sub, b=base, w=who: one_launch(b, signer, sub, w),
                                clients, args.seconds / args.rounds))
                    runs += [_merge(rs) for rs in parts.values()]
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(10)
            if pg is not None:
                pg.cleanup()
    return report(runs, args, marks)


def report(runs: list[Run], args: argparse.Namespace, marks: int) -> int:
    print(f"gunicorn gthread, {args.workers} worker(s) × {args.threads} threads each (the PG "
          f"set-up: {args.regional_workers} workers); {args.seconds:g} s per row in "
          f"{args.rounds} alternating rounds; CPUs: {os.cpu_count()}; teacher's class: 25 "
          f"pupils, {marks} marks" + (" — QUICK smoke run, figures judge nothing"
                                      if args.quick else ""))
    print(f"{'handler':<18}{'launch':>8}{'clients':>8}{'launches':>9}{'per s':>8}{'p50 ms':>8}"
          f"{'p99 ms':>8}{'1st p50':>8}{'1st p99':>8}{'ret p50':>8}{'ret p99':>8}{'err':>5}")
    for r in runs:
        ret = r.returning
        print(f"{r.name:<18}{r.scenario:>8}{r.clients:>8}{r.launches:>9}{r.rate:>8.1f}"
              f"{r.pct(0.5):>8.1f}{r.pct(0.99):>8.1f}{r.pct_of(r.first, 0.5):>8.1f}"
              f"{r.pct_of(r.first, 0.99):>8.1f}{r.pct_of(ret, 0.5):>8.1f}"
              f"{r.pct_of(ret, 0.99):>8.1f}{r.errors:>5}")
    parts, met = [], True
    for who in SCENARIOS:
        for clients in sorted({r.clients for r in runs}):
            here = [r for r in runs if r.clients == clients and r.scenario == who.name]
            bare = next(r for r in here if r.name == "bare-pylti1p3")
            for ours in (r for r in here if r is not bare):
                ratio = ours.rate / bare.rate if bare.rate else 0.0
                p99 = ours.pct(0.99) / bare.pct(0.99) if bare.latencies else float("inf")
                p99 = p99 if p99 == p99 else float("inf")  # nan: ours made no launch
                judged = ours.name == "marshrut"  # same serving as bare; the PG row is shown
                ok = (ratio >= TARGET_THROUGHPUT and p99 <= TARGET_P99 and not ours.errors
                      and not bare.errors and bool(ours.latencies))
                met = met and (ok or not judged)
                key = f"{who.name}_c{clients}" + ("" if judged else "_pg")
                parts += [f"{key}_ours_rps={ours.rate:.1f}", f"{key}_bare_rps={bare.rate:.1f}",
                          f"{key}_rps_ratio={ratio:.2f}", f"{key}_p99_ratio={p99:.2f}",
                          f"{key}_first_p50_ms={ours.pct_of(ours.first, 0.5):.1f}",
                          f"{key}_ret_p50_ms={ours.pct_of(ours.returning, 0.5):.1f}"]
    print("RESULT " + " ".join(parts) + f" quick={int(args.quick)} "
          f"target={'met' if met else 'missed'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
