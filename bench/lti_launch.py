"""LTI 1.3 launch throughput: Marshrut against a bare pylti1p3 Flask handler, side by side.

One launch = OIDC login (GET /lti/login → 302) + launch (POST id_token) + the first page,
measured from the client. Both tools are served the same way (gunicorn, the same worker and
thread counts, access log off) and driven by the same client code, which signs id_tokens
with the demo LMS's key (``lti_tool/sandbox/platform.py``; its JWKS is served by the demo
LMS app, fetched once per tool process).

The bare handler is pylti1p3's own Flask example reduced to the minimum: ``FlaskOIDCLogin``,
``FlaskMessageLaunch``, a dict ``ToolConfDict``, an in-memory cache, no database, no extra
checks; its launch POST answers with the page itself.

    .venv/bin/python bench/lti_launch.py [--seconds 8] [--workers 1] [--threads 8]

Prints a table and a last ``RESULT ...`` line; exits 1 when the target is missed: our
throughput ≥ 0.7 × the bare handler's and our p99 ≤ 1.5 × its p99, at 1 and 20 clients.
"""

from __future__ import annotations

import argparse
import os
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
CLIENT_ID = "bench-client"
DEPLOYMENT = "bench-dep"
C = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
TARGET_THROUGHPUT, TARGET_P99 = 0.7, 1.5


# -- the bare pylti1p3 handler (imported by gunicorn from this file) -----------------------

class _MemoryCache:
    """The in-memory cache pylti1p3's Flask example gets from flask-caching's SimpleCache."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            entry = self._data.get(key)
        if entry is None or (entry[0] and entry[0] < time.time()):
            return None
        return entry[1]

    def set(self, key: str, value: Any, exp: int | None = None) -> bool:
        with self._lock:
            self._data[key] = (time.time() + exp if exp else 0.0, value)
        return True

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._data.pop(key, None) is not None


def bare_app() -> Any:
    """pylti1p3's Flask example shape: login, launch (renders the page), nothing else."""
    from flask import Flask, request
    from pylti1p3.contrib.flask import (
        FlaskCacheDataStorage,
        FlaskMessageLaunch,
        FlaskOIDCLogin,
        FlaskRequest,
    )
    from pylti1p3.tool_config import ToolConfDict

    issuer = os.environ["BENCH_ISSUER"]
    conf = ToolConfDict({issuer: [{
        "default": True, "client_id": CLIENT_ID, "auth_login_url": issuer + "/auth",
        "auth_token_url": issuer + "/token", "key_set_url": issuer + "/jwks", "key_set": None,
        "deployment_ids": [DEPLOYMENT]}]})
    conf.set_private_key(issuer, os.environ["BENCH_TOOL_KEY"], client_id=CLIENT_ID)
    cache = _MemoryCache()
    app = Flask("bare")
    app.secret_key = secrets.token_hex(16)

    @app.route("/lti/login", methods=["GET", "POST"])
    def login() -> Any:
        storage = FlaskCacheDataStorage(cache)
        flask_request = FlaskRequest()
        oidc = FlaskOIDCLogin(flask_request, conf, launch_data_storage=storage)
        return oidc.redirect(flask_request.get_param("target_link_uri"))

    @app.post("/lti/launch")
    def launch() -> Any:
        storage = FlaskCacheDataStorage(cache)
        message = FlaskMessageLaunch(FlaskRequest(), conf, launch_data_storage=storage)
        message.set_public_key_caching(storage)
        data = message.get_launch_data()
        return (f"<!doctype html><title>Bare</title><h1>Здравствуйте, "
                f"{data.get('name', '')}</h1><p>{request.host}</p>")

    return app


# -- serving ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _gunicorn(app: str, port: int, env: dict[str, str], args: argparse.Namespace,
              log: Path) -> subprocess.Popen[bytes]:
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "-b", f"127.0.0.1:{port}",
           "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads),
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


def _marshrut(tmp: Path, issuer: str) -> dict[str, str]:
    """A migrated SQLite database with the demo LMS registered; env for the tool."""
    from lti_tool.db import Database
    from lti_tool.lti import registry
    from lti_tool.lti.keys import ensure_keys
    from lti_tool.migrate import upgrade
    from lti_tool.people.models import Organisation

    url = f"sqlite:///{tmp / 'marshrut.sqlite'}"
    secret = secrets.token_urlsafe(32)
    upgrade(url)
    db = Database(url)
    with db.session() as s:
        org = Organisation(slug="school", name="Школа")
        s.add(org)
        s.flush()
        registry.add_platform(s, issuer=issuer, client_id=CLIENT_ID, organisation_id=org.id,
                              auth_login_url=issuer + "/auth", auth_token_url=issuer + "/token",
                              jwks_url=issuer + "/jwks", deployment_ids=[DEPLOYMENT])
        ensure_keys(s, secret)
    db.engine.dispose()
    return {"MARSHRUT_DATABASE_URL": url, "MARSHRUT_SECRET_KEY": secret,
            "MARSHRUT_INSTANCE_PATH": str(tmp / "instance"), "MARSHRUT_LOG_LEVEL": "WARNING"}


# -- the client ---------------------------------------------------------------------------

@dataclass
class Signer:
    issuer: str
    kid: str
    key: Any

    def id_token(self, auth: dict[str, str], tool: str, sub: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": sub,
            "iat": now, "exp": now + 60, "nonce": auth["nonce"], "name": f"Ученик {sub}",
            C + "message_type": "LtiResourceLinkRequest", C + "version": "1.3.0",
            C + "deployment_id": DEPLOYMENT, C + "target_link_uri": tool + "/lti/launch",
            C + "resource_link": {"id": "rl-1"}, C + "roles": [LEARNER],
            C + "context": {"id": "algebra-10a", "title": "Алгебра, 10 А"},
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


def one_launch(tool: str, signer: Signer, sub: str) -> None:
    client = requests.Session()
    resp = client.get(tool + "/lti/login", allow_redirects=False, timeout=30, params={
        "iss": signer.issuer, "login_hint": sub, "target_link_uri": tool + "/lti/launch",
        "client_id": CLIENT_ID, "lti_message_hint": "rl-1"})
    if resp.status_code != 302:
        raise RuntimeError(f"login {resp.status_code}: {resp.text[:300]}")
    auth = {k: v[0] for k, v in parse_qs(urlparse(resp.headers["Location"]).query).items()}
    resp = client.post(tool + "/lti/launch", timeout=30, data={
        "id_token": signer.id_token(auth, tool, sub), "state": auth["state"]})
    if resp.status_code != 200 or "Здравствуйте" not in resp.text:
        raise RuntimeError(f"launch {resp.status_code}: {resp.text[:300]}")


@dataclass
class Run:
    name: str
    clients: int
    launches: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.launches / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def measure(name: str, launch: Callable[[str], None], clients: int, seconds: float) -> Run:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    start_gate = threading.Barrier(clients + 1)

    def worker(n: int) -> None:
        mine: list[float] = []
        i = 0
        start_gate.wait()
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                launch(f"s-{n}-{i % 25}")
            except Exception as exc:  # counted and shown, the run goes on
                with lock:
                    errors.append(str(exc))
            else:
                mine.append(time.perf_counter() - t0)
            i += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    start_gate.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        print(f"  {name} c={clients}: {len(errors)} errors, first: {errors[0]}", file=sys.stderr)
    return Run(name, clients, len(latencies), elapsed, latencies, len(errors))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (both)")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads (both)")
    parser.add_argument("--clients", default="1,20", help="concurrency levels")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per level")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

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
    with tempfile.TemporaryDirectory() as tmpdir, serve(build) as (issuer, _):
        tmp = Path(tmpdir)
        state = holder["state"]
        signer = Signer(issuer, state.jwks()["keys"][-1]["kid"],
                        serialization.load_pem_private_key(
                            state.key.export_to_pem(private_key=True, password=None), None))
        ours_port, bare_port = _free_port(), _free_port()
        ours_env = _marshrut(tmp, issuer)
        ours_env["MARSHRUT_BASE_URL"] = f"http://127.0.0.1:{ours_port}"
        try:
            procs.append(_gunicorn("lti_tool.app:create_app()", ours_port, ours_env, args,
                                   tmp / "marshrut.log"))
            procs.append(_gunicorn("lti_launch:bare_app()", bare_port,
                                   {"BENCH_ISSUER": issuer, "BENCH_TOOL_KEY": tool_key}, args,
                                   tmp / "bare.log"))
            tools = {"marshrut": f"http://127.0.0.1:{ours_port}",
                     "bare-pylti1p3": f"http://127.0.0.1:{bare_port}"}
            for base in tools.values():  # warm up: JWKS fetched, code paths loaded
                for i in range(20):
                    one_launch(base, signer, f"warm-{i}")
            runs: list[Run] = []
            for clients in (int(c) for c in args.clients.split(",")):
                # Alternate short rounds, so a neighbour's load on a shared machine falls on
                # both handlers alike instead of on whichever ran at that moment.
                parts: dict[str, list[Run]] = {name: [] for name in tools}
                for _ in range(args.rounds):
                    for name, base in tools.items():
                        parts[name].append(measure(
                            name, lambda sub, b=base: one_launch(b, signer, sub), clients,
                            args.seconds / args.rounds))
                runs += [Run(name, clients, sum(r.launches for r in rs),
                             sum(r.seconds for r in rs), [x for r in rs for x in r.latencies],
                             sum(r.errors for r in rs)) for name, rs in parts.items()]
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(10)
    return report(runs, args)


def report(runs: list[Run], args: argparse.Namespace) -> int:
    print(f"gunicorn gthread, {args.workers} worker(s) × {args.threads} threads each; "
          f"{args.seconds:g} s per row in {args.rounds} alternating rounds; "
          f"CPUs: {os.cpu_count()}")
    print(f"{'handler':<15}{'clients':>8}{'launches':>10}{'per s':>9}{'p50 ms':>9}"
          f"{'p99 ms':>9}{'errors':>8}")
    for r in runs:
        print(f"{r.name:<15}{r.clients:>8}{r.launches:>10}{r.rate:>9.1f}{r.pct(0.5):>9.1f}"
              f"{r.pct(0.99):>9.1f}{r.errors:>8}")
    parts, met = [], True
    for clients in sorted({r.clients for r in runs}):
        ours = next(r for r in runs if r.clients == clients and r.name == "marshrut")
        bare = next(r for r in runs if r.clients == clients and r.name != "marshrut")
        ratio = ours.rate / bare.rate if bare.rate else 0.0
        p99 = ours.pct(0.99) / bare.pct(0.99) if bare.latencies else float("inf")
        ok = (ratio >= TARGET_THROUGHPUT and p99 <= TARGET_P99 and not ours.errors
              and not bare.errors and bool(ours.latencies))
        met = met and ok
        parts += [f"c{clients}_ours_rps={ours.rate:.1f}", f"c{clients}_bare_rps={bare.rate:.1f}",
                  f"c{clients}_rps_ratio={ratio:.2f}",
                  f"c{clients}_ours_p99_ms={ours.pct(0.99):.1f}",
                  f"c{clients}_bare_p99_ms={bare.pct(0.99):.1f}",
                  f"c{clients}_p99_ratio={p99:.2f}"]
    print("RESULT " + " ".join(parts) + f" target={'met' if met else 'missed'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
