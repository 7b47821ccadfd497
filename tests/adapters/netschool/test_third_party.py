"""Public Сетевой город clients, unchanged, against the sandbox over HTTP.

If they log in and read through it, the sandbox speaks the protocol real servers speak.

- **netschoolpy 9.6.3** (PyPI): login by school name — ``schools/search?name=``,
  ``logindata``, ``auth/getdata``, ``login`` (form ``loginType, scid, un, pw, pw2, lt, ver``),
  then ``student/diary/init``, ``years/current``, ``grade/assignment/types``; reads
  ``student/diary``, ``student/diary/assigns/{id}``, ``student/diary/pastMandatory``,
  ``schools/{id}/card``, ``announcements``, ``reports/studentgrades``, ``years``;
  ``auth/logout`` on close; a 401 makes it log in again. Its 409 handling tells a wrong
  password, a lockout and maintenance apart by the message, as ours does.
  Not covered: Госуслуги (ЕСИА) login, mail, report files over SignalR, attachments'
  contents — they need ЕСИА or parts of the server the sandbox does not serve.
- **netschoolapi 1.12.2** (npm, run by ``node tests/compat/node/run.js``; installed by
  ``make compat-node``, which ``make test`` runs first): ``logindata``, ``auth/getData``,
  ``schools/search`` (403 without a name, then ``?name=У``), ``prepareloginform``, ``login``
  (form with ``cid, sid, pid, cn, sft, scid``), ``sysInfo`` (text), ``context``,
  ``reports/studentGrades``, ``v2/reports/studentgrades/initfilters``,
  ``schools/{id}/card``, ``context/expired``, ``mysettings``, ``grade/assignment/types``,
  ``student/diary``, ``student/diary/get-attachments``, ``student/diary/assigns/{id}``,
  ``auth/logout``; it passes the ``/asp/SecurityWarning.asp`` page by itself.
  Not covered: schedules, journal and report-file methods (HTML reports over SignalR).
- **netschoolapi 11.0.5** (PyPI) is not run: it pins ``httpx==0.23.3`` and
  ``marshmallow==3.19.0`` (this project needs marshmallow ≥ 3.20), and it calls
  ``schools/search`` without a name, which today's servers — and the sandbox — refuse
  with 403, so it only logs in with a numeric school id. netschoolpy is its maintained
  successor with the same login.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.netschool.sandbox import DEMO_PASSWORD
from tests.adapters.netschool.conftest import SCHOOL, SCHOOL_ID, Sandbox

netschoolpy = pytest.importorskip("netschoolpy")
NODE_DIR = Path(__file__).resolve().parents[2] / "compat" / "node"
WEEK = date(2026, 9, 14)


def truth(sb: Sandbox, sid: int, monday: date) -> dict[int, Any]:
    w = sb.world
    out = {}
    for lesson in w.week(w.class_of(sid).id, w.week_index(monday)).lessons:
        for aid, *_ in lesson.assignments:
            mark = sb.state.mark(aid, sid)
            if mark is not None and not mark["dutyMark"]:
                out[aid] = mark["mark"]
    return out


async def _netschoolpy_session(sb: Sandbox, login: str) -> dict[str, Any]:
    from netschoolpy import NetSchool

    ns = NetSchool(sb.base, timeout=20)
    await ns.login(login, DEMO_PASSWORD, SCHOOL)
    out: dict[str, Any] = {"students": sorted(s.id for s in ns.students), "diaries": {}}
    for index, _ in enumerate(ns.students):
        student = await ns.switch_student(index)
        diary = await ns.diary(WEEK)
        marks = {a.id: (a.mark if a.mark is not None else a.mark_text)
                 for d in diary.schedule for lesson in d.lessons for a in lesson.assignments
                 if a.mark_text}
        out["diaries"][student.id] = (len(diary.schedule), marks)
        first = diary.schedule[0].lessons[0].assignments[0]
        out["details"] = await ns.assignment_details(first.id)
    out["school"] = await ns.school_info()
    out["announcements"] = await ns.announcements()
    out["overdue"] = await ns.overdue(date(2026, 9, 1), date(2026, 10, 25))
    out["periods"] = await ns.reporting_periods()
    out["years"] = await ns.school_years()
    sb.state.expire_tokens()  # netschoolpy logs in again by itself after a 401
    out["after_expiry"] = len((await ns.diary(WEEK)).schedule)
    await ns.close()
    return out


def test_netschoolpy_parent_logs_in_and_reads_everything(sandbox: Sandbox) -> None:
    login, kids = sandbox.family(children=2)
    out = asyncio.run(_netschoolpy_session(sandbox, login))
    assert out["students"] == sorted(kids)
    for sid in kids:
        days, marks = out["diaries"][sid]
        assert days == 5 and marks == truth(sandbox, sid, WEEK)
    assert out["school"].name.endswith("«МБОУ СОШ №37»") and out["school"].director
    klass = sandbox.world.class_of(kids[-1]).name
    assert out["details"].teachers and out["details"].subject_group.endswith(f", {klass}")
    assert len(out["announcements"]) == 5 and out["announcements"][0].author.full_name
    assert all(a.is_duty for a in out["overdue"])
    assert [p.name for p in out["periods"]][:2] == ["1 четверть", "2 четверть"]
    assert out["years"][0].start == date(2026, 9, 1)
    assert out["after_expiry"] == 5 and sandbox.state.logins == 2
    assert ("POST", "/webapi/auth/logout") in sandbox.state.requests


@pytest.mark.parametrize(("fault", "error"), [
    ({}, "InvalidCredentials"), ({"maintenance": True}, "ServerUnavailable")])
def test_netschoolpy_reads_the_sandboxs_refusals(sandbox: Sandbox, fault: dict[str, Any],
                                                 error: str) -> None:
    from netschoolpy import NetSchool, exceptions

    sandbox.state.faults.update(fault)

    async def attempt(password: str) -> None:
        ns = NetSchool(sandbox.base, timeout=10)
        try:
            await ns.login("zavuch1001", password, SCHOOL_ID)
        finally:
            await ns._http.close()

    with pytest.raises(getattr(exceptions, error)):
        asyncio.run(attempt("wrong" if not fault else DEMO_PASSWORD))
    if not fault:  # two more wrong passwords lock the account, as on real servers
        for _ in range(2):
            with pytest.raises(exceptions.InvalidCredentials):
                asyncio.run(attempt("wrong"))
        with pytest.raises(exceptions.AccountLocked):
            asyncio.run(attempt(DEMO_PASSWORD))


def _node(sb: Sandbox, login: str, school: str | int) -> dict[str, Any]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not (NODE_DIR / "node_modules" / "netschoolapi").is_dir():
        pytest.skip("npm client not installed: run `make compat-node`")
    proc = subprocess.run(["node", str(NODE_DIR / "run.js"), sb.base, login, DEMO_PASSWORD,
                           str(school)], capture_output=True, text=True, timeout=60)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert lines, proc.stdout + proc.stderr
    result: dict[str, Any] = json.loads(lines[-1])
    assert proc.returncode == 0 and "error" not in result, result
    return result


def test_npm_netschoolapi_parent_logs_in_and_reads(sandbox: Sandbox) -> None:
    login, kids = sandbox.family(children=2)
    out = _node(sandbox, login, SCHOOL)
    assert sorted(out["students"]) == sorted(kids)
    assert out["year"] == "2026/2027" and out["schoolName"] == "МБОУ СОШ №37"
    assert out["terms"][0] == ["1 четверть", "2026-09-01"] and out["types"] == 10
    for diary in out["diaries"]:
        assert diary["days"] == 5 and diary["lessons"] == 30
        assert {a: m for a, m in diary["marks"]} == truth(sandbox, diary["studentId"], WEEK)
    assert out["card"]["teacher"] and out["loggedOut"]
    assert ("POST", "/webapi/auth/logout") in sandbox.state.requests


def test_npm_netschoolapi_passes_the_security_warning(sandbox: Sandbox) -> None:
    sandbox.state.faults.security_warning = True
    sid = sandbox.world.students_of(SCHOOL_ID)[0]
    out = _node(sandbox, sandbox.world.people[sid].login, SCHOOL_ID)
    assert out["students"] == [sid]
    assert ("POST", "/asp/securitywarning.asp") in sandbox.state.requests
