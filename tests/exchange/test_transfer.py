"""The monthly transfer end to end between two schools: request → both approvals → a month
of marks in the host's journal → package (CSV + XLSX) → a failed send and a retry with no
duplicate → confirmation at home → a correction as version 2 that says what changed."""

from __future__ import annotations

import csv
import io
import threading
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lti_tool.core.audit import AuditEntry
from lti_tool.exchange import package_files, rules, transfer
from lti_tool.exchange.jobs import DELIVER, DeliveryFailed
from lti_tool.exchange.models import TransferPackage
from lti_tool.journal.models import Assignment, Attendance, Mark
from lti_tool.notifications.models import Notification
from lti_tool.people.models import IdentityLink
from tests.exchange.test_requests_http import _decide, _request

PERIOD = "2026-10"


def _enrolled(net) -> tuple[str, int]:
    course = net.add_course()
    _request(net, course, net.token("student"))
    (req,) = net.requests()
    _decide(net, req.public_id, net.token("admin", "school"))
    _decide(net, req.public_id, net.token("admin", "other"))
    assert net.requests()[0].state == "enrolled"
    return course, req.student_id


def _journal(net, student_id: int, marks=((5, 6), (4, 13), (3, 20))) -> None:
    """A month of the host's journal for the network student (as a sync would write it)."""
    with net.tool.db.session() as s:
        for n, (value, day) in enumerate(marks):
            a = Assignment(organisation_id=net.tool.other_org_id, source="netschool",
                           namespace="https://sgo.example/1002", external_id=f"a{n}",
                           subject="Химия", title=f"Работа {n}", type_name="Ответ на уроке",
                           weight=1.0, due=date(2026, 10, day))
            s.add(a)
            s.flush()
            s.add(Mark(assignment_id=a.id, student_id=student_id, value=value,
                       date=date(2026, 10, day)))
        s.add(Attendance(organisation_id=net.tool.other_org_id, source="netschool",
                         namespace="https://sgo.example/1002", student_id=student_id,
                         date=date(2026, 10, 8), lesson=6, subject="Химия", code="Н"))
        # another subject at the host and another month: not in the package
        a = Assignment(organisation_id=net.tool.other_org_id, source="netschool",
                       namespace="https://sgo.example/1002", external_id="other",
                       subject="Физика", title="", type_name="", weight=1.0,
                       due=date(2026, 10, 7))
        s.add(a)
        s.flush()
        s.add(Mark(assignment_id=a.id, student_id=student_id, value=2, date=date(2026, 10, 7)))
        s.commit()


def test_month_package_sent_once_confirmed_and_corrected(net):
    _, student_id = _enrolled(net)
    _journal(net, student_id)
    db = net.tool.db
    with db.session() as s:
        pkg = transfer.prepare(s, net.tool.other_org_id, net.tool.org_id, PERIOD, None)
        s.commit()
        pid, public = pkg.id, pkg.public_id
        assert (pkg.version, pkg.students, pkg.marks, pkg.absences) == (1, 1, 3, 1)
        zipped, book = package_files.files(s, pkg)
        results = list(csv.DictReader(io.StringIO(zipfile.ZipFile(io.BytesIO(
            zipped)).read("results.csv").decode())))
        assert sorted(r["score"] or r["textScore"] for r in results) == ["3", "4", "5", "Н"]
        sheet = load_workbook(io.BytesIO(book)).worksheets[0]
        grid = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        assert grid[3][:2] == ("№", "Ученик") and "06.10" in grid[3]
        assert grid[4][1] == "Student 1 school" and grid[4][grid[3].index("06.10")] == "5"
        assert grid[4][-1] == 1  # one absence
        with pytest.raises(rules.RuleError):  # nothing changed: no second version
            transfer.prepare(s, net.tool.other_org_id, net.tool.org_id, PERIOD, None)

    calls = []

    def broken(_pkg):
        calls.append("broken")
        raise ConnectionError("сеть недоступна")

    def ok(_pkg):
        calls.append("ok")

    home = net.token("admin", "school")  # the home coordinator exists before the package arrives
    # nobody asked to send it yet: nothing goes
    assert transfer.send(db, pid, ok) == rules.PREPARED and calls == []
    assert list(transfer.due_for_sending(db)) == []
    with db.session() as s:
        transfer.queue(s, s.get_one(TransferPackage, pid), None)
        s.commit()
    assert transfer.send(db, pid, broken) == rules.QUEUED
    with db.session() as s:
        failed = s.get(TransferPackage, pid)
        assert (failed.attempts, failed.state) == (1, "queued")
        assert "сеть недоступна" in failed.last_error
    assert transfer.send(db, pid, ok) == rules.SENT
    assert transfer.send(db, pid, ok) == rules.SENT  # a second send delivers nothing
    assert list(transfer.due_for_sending(db)) == []
    assert calls == ["broken", "ok"]
    with db.session() as s:
        sent = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "exchange.package.sent")).all()
        assert len(sent) == 1
        told = s.scalars(select(Notification).where(Notification.kind == "transfer.received")).all()
        assert len(told) == 1 and PERIOD in told[0].title  # once, for the one delivery
        assert told[0].organisation_id == net.tool.org_id

    # the home school confirms receipt over HTTP
    page = net.get(f"/app/exchange/transfers/{public}", home)
    assert page.status_code == 200 and "Подтвердить получение" in page.text
    assert net.post(f"/app/exchange/transfers/{public}/confirm", home).status_code == 303
    with db.session() as s:
        assert s.get(TransferPackage, pid).state == "confirmed"

    # a mark corrected at the host: version 2 says what changed
    with db.session() as s:
        mark = s.scalars(select(Mark).where(Mark.value == 3)).one()
        mark.value = 4
        s.commit()
    with db.session() as s:
        v2 = transfer.prepare(s, net.tool.other_org_id, net.tool.org_id, PERIOD, None)
        s.commit()
        assert v2.version == 2
        assert {k: v2.changes[k] for k in ("against", "added", "changed", "removed")} == {
            "against": 1, "added": 0, "changed": 1, "removed": 0}
        book = load_workbook(io.BytesIO(package_files.files(s, v2)[1]))
        changes = list(book["Изменения"].iter_rows(values_only=True))
        assert changes[1][0] == "изменено" and changes[1][4:] == ("3", "4")
        assert s.get(TransferPackage, pid).state == "confirmed"  # v1 stays as it was


def test_two_workers_claim_a_package_once(net):
    _, student_id = _enrolled(net)
    _journal(net, student_id)
    with net.tool.db.session() as s:
        pkg = transfer.prepare(s, net.tool.other_org_id, net.tool.org_id, PERIOD, None)
        transfer.queue(s, pkg, None)
        s.commit()
        pid = pkg.id
    calls, barrier = [], threading.Barrier(4)

    def worker():
        barrier.wait()
        transfer.send(net.tool.db, pid, lambda p: calls.append(p.id))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [pid]


def test_the_job_retries_a_failed_delivery(net):
    _, student_id = _enrolled(net)
    _journal(net, student_id)
    with net.tool.db.session() as s:
        pkg = transfer.prepare(s, net.tool.other_org_id, net.tool.org_id, PERIOD, None)
        transfer.queue(s, pkg, None)
        s.commit()
        pid = pkg.id
    app, jobs = net.tool.app, net.tool.app.extensions["marshrut.jobs"]

    def down(_pkg):
        raise TimeoutError("школа недоступна")

    app.extensions[DELIVER] = down
    with pytest.raises(DeliveryFailed):  # Huey retries a task that raises
        jobs.deliver_package.call_local(pid)
    app.extensions.pop(DELIVER)
    assert jobs.deliver_waiting_packages.call_local() == [pid]  # the sweep queues it again
    assert jobs.deliver_package.call_local(pid) == "sent"  # the retry
    assert jobs.deliver_waiting_packages.call_local() == []
    with net.tool.db.session() as s:
        assert s.get(TransferPackage, pid).state == "sent"


def test_package_pages_refuse_every_other_school_and_role(net):
    _, student_id = _enrolled(net)
    _journal(net, student_id)
    with net.tool.db.session() as s:
        pkg = transfer.prepare(s, net.tool.other_org_id, net.tool.org_id, PERIOD, None)
        s.commit()
        public = pkg.public_id
    host, home = net.token("admin", "other"), net.token("admin", "school")
    assert net.get(f"/app/exchange/transfers/{public}", host).status_code == 200
    assert net.get("/app/exchange/transfers/", host).status_code == 200
    before = net.snapshot()
    refused = [
        (net.get(f"/app/exchange/transfers/{public}", home), 404),  # not sent yet
        (net.post(f"/app/exchange/transfers/{public}/confirm", home), 404),
        (net.post(f"/app/exchange/transfers/{public}/confirm", host), 403),
        (net.get(f"/app/exchange/transfers/{public}", net.token("admin", "outside")), 404),
        (net.get(f"/app/exchange/transfers/{public}/journal.xlsx",
                 net.token("admin", "outside")), 404),
        (net.post(f"/app/exchange/transfers/{public}/send", net.token("admin", "outside")), 404),
        (net.get("/app/exchange/transfers/", net.token("student")), 403),
        (net.get(f"/app/exchange/transfers/{public}/journal.xlsx", net.token("student")), 403),
        (net.get(f"/app/exchange/transfers/{public}", net.token("teacher", "other")), 403),
        (net.post("/app/exchange/transfers/prepare", home,
                  {"home": "school", "period": PERIOD}), 404),  # home is no host of it
        (net.post("/app/exchange/transfers/prepare", net.token("admin", "outside"),
                  {"home": "school", "period": PERIOD}), 404),
    ]
    for resp, status in refused:
        assert resp.status_code == status, (resp.request.method, resp.url, resp.status_code)
    assert net.snapshot() == before
    assert net.post(f"/app/exchange/transfers/{public}/send", home).status_code == 404
    assert net.post(f"/app/exchange/transfers/{public}/send", host).status_code == 303
    assert transfer.send(net.tool.db, pkg.id) == "sent"  # the queued job, run here
    xlsx = net.get(f"/app/exchange/transfers/{public}/journal.xlsx", home)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    with net.tool.db.session() as s:
        assert s.scalars(select(IdentityLink)).first() is not None


def test_the_network_teacher_s_journal_page_feeds_the_package(net):
    course, student_id = _enrolled(net)
    host = net.token("admin", "other")
    page = net.get(f"/app/exchange/courses/{course}/journal", host, period=PERIOD)
    assert page.status_code == 200 and "06.10" in page.text  # Tuesdays and Thursdays
    cell = f"c-{student_id}-20261006"
    before = net.snapshot()
    for token, status in ((net.token("admin", "school"), 403), (net.token("student"), 403),
                          (net.token("admin", "outside"), 404)):
        resp = net.post(f"/app/exchange/courses/{course}/journal", token,
                        {"period": PERIOD, cell: "5"})
        assert resp.status_code == status
    bad = net.post(f"/app/exchange/courses/{course}/journal", host,
                   {"period": PERIOD, cell: "7"})
    assert bad.status_code == 303
    assert net.snapshot() == before
    assert net.post(f"/app/exchange/courses/{course}/journal", host, {
        "period": PERIOD, cell: "5", f"c-{student_id}-20261008": "н",
        f"c-{student_id}-20261013": "4"}).status_code == 303
    page = net.get(f"/app/exchange/courses/{course}/journal", host, period=PERIOD)
    assert 'value="5"' in page.text and 'value="Н"' in page.text
    with net.tool.db.session() as s:
        pkg = transfer.prepare(s, net.tool.other_org_id, net.tool.org_id, PERIOD, None)
        assert (pkg.marks, pkg.absences) == (2, 1)
        s.rollback()
    # emptying a cell deletes the mark
    net.post(f"/app/exchange/courses/{course}/journal", host, {
        "period": PERIOD, cell: "5", f"c-{student_id}-20261008": "н",
        f"c-{student_id}-20261013": ""})
    with net.tool.db.session() as s:
        pkg = transfer.prepare(s, net.tool.other_org_id, net.tool.org_id, PERIOD, None)
        assert (pkg.marks, pkg.absences) == (1, 1)
