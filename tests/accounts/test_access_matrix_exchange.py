"""The exchange's requests and monthly transfers with sign-in sessions only: a pupil and
parents of school 1001 through «Сетевой город», the home and host schools' admins, a
teacher and the partner coordinator of the home school through local accounts, an admin
outside the network. The pupil requests a partner's course; both schools decide; the host
sends the month's package and the home school confirms it — each step by the allowed actor
with the session's CSRF token, every other actor refused and nothing changed.
SQLite and PostgreSQL."""

from __future__ import annotations

import requests
from sqlalchemy import select

from lti_tool.exchange import transfer
from lti_tool.exchange.models import CourseRequest, NetworkCourse, TransferPackage
from tests.accounts.access_catalogue import LIVE_EXCHANGE
from tests.accounts.conftest import SignIn, csrf_for, local_session
from tests.accounts.staff_matrix import Case, check
from tests.accounts.test_signin_family_pages import _family, _signed
from tests.exchange.conftest import Net, net  # noqa: F401 - the fixture
from tests.exchange.test_transfer import PERIOD, _journal

REQUESTS = frozenset({"exchange.decide", "exchange.withdraw"})
FAMILY = ("kid", "mum", "stranger", "teacher", "partner")


def _actors(signin: SignIn, nw: Net) -> dict[str, requests.Session]:
    parent, child, stranger, _ = _family(signin)
    school, other = nw.token("admin", "school"), nw.token("admin", "other")
    tool = nw.tool
    return {
        "kid": _signed(signin, child), "mum": _signed(signin, parent),
        "stranger": _signed(signin, stranger),
        "home": local_session(tool, school, "head@school.ru"),
        "host": local_session(tool, other, "head@other.ru"),
        "teacher": local_session(tool, school, "teacher@school.ru", "teacher"),
        "partner": local_session(tool, school, "coord@school.ru", "partner"),
        "outsider": local_session(tool, nw.token("admin", "outside"), "head@outside.ru"),
    }


def _post(nw: Net, client: requests.Session, path: str, **data: str) -> None:
    resp = client.post(nw.tool.base + path, data={**data, "csrf_token": csrf_for(
        client, nw.tool.base)}, allow_redirects=False, timeout=30)
    assert resp.status_code == 303, (path, resp.status_code, resp.text[:800])


def _request(nw: Net, kid: requests.Session, title: str) -> CourseRequest:
    course = nw.add_course(title=title)  # at the partner school ``other``
    _post(nw, kid, f"/app/exchange/courses/{course}/request", note="хочу в медицинский")
    with nw.tool.db.session() as s:
        return s.scalars(select(CourseRequest).join(
            NetworkCourse, NetworkCourse.id == CourseRequest.course_id).where(
            NetworkCourse.title == title)).one()


def test_exchange_requests_and_transfers_by_sign_in(signin: SignIn, net: Net):  # noqa: F811
    a = _actors(signin, net)
    # The pupil's own request: withdrawn by the pupil.
    spare = _request(net, a["kid"], "Астрономия")
    _post(net, a["kid"], f"/app/exchange/requests/{spare.public_id}/withdraw")
    req = _request(net, a["kid"], "Химия в медицине")
    rid = {"public_id": req.public_id}
    related = {"kid": 403, "mum": 403}  # they see the request, they do not decide
    check(net.tool, a, [
        Case("exchange.decide", "POST", rid, {"home", "host"}, refused=404, codes=related,
             data={"action": "approve", "reason": ""}),
        Case("exchange.withdraw", "POST", rid, {"kid"}, refused=404,
             codes={**related, "home": 403, "host": 403}),
    ], outsiders={"outsider"}, forger="kid", endpoints=REQUESTS)
    for school in ("home", "host"):
        _post(net, a[school], f"/app/exchange/requests/{req.public_id}/decide",
              action="approve", reason="")
    with net.tool.db.session() as s:
        states = dict(s.execute(select(CourseRequest.public_id, CourseRequest.state)).all())
    assert states == {spare.public_id: "withdrawn", req.public_id: "enrolled"}
    # A month of marks at the host; the host's admin sends the package, the home's confirms.
    _journal(net, req.student_id)
    with net.tool.db.session() as s:
        pkg = transfer.prepare(s, net.tool.other_org_id, net.tool.org_id, PERIOD, None)
        s.commit()
        pid, public = pkg.id, pkg.public_id
    _post(net, a["host"], f"/app/exchange/transfers/{public}/send")
    assert transfer.send(net.tool.db, pid, lambda p: None) == "sent"
    ids = {"public_id": public}
    admins_only = {name: 403 for name in FAMILY}  # coordinators only: other schools' marks
    check(net.tool, a, [
        Case("exchange_transfer.package", "GET", ids, {"home", "host"}, codes=admins_only),
        Case("exchange_transfer.download", "GET", {**ids, "kind": "journal.xlsx"},
             {"home", "host"}, codes=admins_only),
        Case("exchange_transfer.send", "POST", ids, {"host"}),
        Case("exchange_transfer.confirm", "POST", ids, {"home"}),
    ], outsiders={"outsider"}, forger="home", endpoints=LIVE_EXCHANGE - REQUESTS)
    _post(net, a["home"], f"/app/exchange/transfers/{public}/confirm")
    with net.tool.db.session() as s:
        assert s.get(TransferPackage, pid).state == "confirmed"
