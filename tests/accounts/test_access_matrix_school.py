"""A school's own staff routes with sign-in sessions only (no LMS): the sync admin pages,
ending one of one's sessions, removing a tutor, a teacher's answer to a УУД rating request.

Actors of school 1001: its завуч as admin through «Сетевой город» and a local admin (TOTP),
a pupil (signed in twice), their parent and another family's parent (Сетевой город); local
accounts of the teacher asked for the pupil's УУД rating, another teacher, a tutor and the
partner coordinator; outside: the other school's local admin and a parent there. Objects
are made through the pages by the allowed actors (CSRF token); then every route: allowed
200, the school's others 403 (404 where the object is somebody's own), the other school 404
(403 by role first on admin pages), every POST refused without CSRF and for those not
allowed, no table changed; then the allowed actors act and the change is seen.
SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import requests
from sqlalchemy import select

from lti_tool.accounts.models import AccountSession
from lti_tool.pathways.models import TutorAssignment
from lti_tool.people.models import Person
from lti_tool.portfolio import uud
from lti_tool.portfolio.models import UudAsk
from lti_tool.sync.models import SourceConnection, SyncRun, UnmatchedPerson
from tests.accounts.access_catalogue import LIVE_SCHOOL
from tests.accounts.conftest import (
    SignIn,
    csrf_for,
    local_session,
    netschool_admin,
    person_named,
)
from tests.accounts.staff_matrix import Case, check
from tests.accounts.test_signin_family_pages import _family, _signed
from tests.sync.launches import launch_token

ADMINS = {"zavuch", "head"}
OUTSIDE = {"other_head", "other_mum"}
ROLE_FIRST = {"other_mum": 403}  # admin pages refuse a parent by role before any lookup


def _external(signin: SignIn, login: str) -> str:
    return str(next(p.id for p in signin.state.world.people.values() if p.login == login))


def _teaches(tool: Any, student_id: int, email: str) -> None:
    """The invited teacher teaches the pupil's class (as a launch from the class's course
    would record it): the teacher a УУД rating is asked of."""
    from lti_tool.accounts.models import LocalAccount
    from lti_tool.people import services as people
    from lti_tool.people.models import ClassEnrolment, ClassGroup

    with tool.db.session() as s:
        group = s.scalars(select(ClassGroup).join(
            ClassEnrolment, ClassEnrolment.class_id == ClassGroup.id).where(
            ClassEnrolment.person_id == student_id)).first()
        teacher = s.get(Person, s.scalars(select(LocalAccount.person_id).where(
            LocalAccount.email == email)).one())
        assert group is not None and teacher is not None
        people.enrol(s, group, teacher, "teacher")
        s.commit()


def _post(tool: Any, client: requests.Session, path: str, **data: Any) -> requests.Response:
    resp = client.post(tool.base + path, data={**data, "csrf_token": csrf_for(
        client, tool.base)}, allow_redirects=False, timeout=30)
    assert resp.status_code == 303, (path, resp.status_code, resp.text[:800])
    return resp


def test_school_staff_routes_by_sign_in(platform, signin: SignIn):
    tool = signin.tool
    parent, child, stranger, elsewhere = _family(signin)
    school_lt = launch_token(platform, tool, "admin")
    a = {"zavuch": _signed(signin, netschool_admin(signin)),
         "head": local_session(tool, school_lt, "head@school.ru"),
         "kid": _signed(signin, child), "kid_phone": _signed(signin, child),
         "mum": _signed(signin, parent), "stranger": _signed(signin, stranger),
         "teacher": local_session(tool, school_lt, "teacher@school.ru", "teacher"),
         "tutor": local_session(tool, school_lt, "tutor@school.ru", "tutor"),
         "partner": local_session(tool, school_lt, "coord@school.ru", "partner"),
         "other_head": local_session(tool, launch_token(
             platform, tool, "admin", deployment="dep-other"), "head@other.ru"),
         "other_mum": _signed(signin, elsewhere, "other")}
    kid = person_named(tool, _external(signin, child))
    a["asked"] = local_session(tool, school_lt, "asked@school.ru", "teacher")
    _teaches(tool, kid.id, "asked@school.ru")
    # The admin makes the asked teacher the pupil's tutor and asks the pupil's teachers
    # for a УУД rating (both through the pages).
    asked_to = f"/app/portfolio/uud/p/{kid.public_id}/request"
    _post(tool, a["zavuch"], asked_to)
    with tool.db.session() as s:
        ask = s.scalars(select(UudAsk).where(UudAsk.student_id == kid.id)
                        .order_by(UudAsk.id)).first()
        assert ask is not None
        ask_id, teacher_pid = ask.id, person_of(s, ask.teacher_id)
    _post(tool, a["zavuch"], "/app/routes/tutors/student", tutor=teacher_pid,
          student=kid.public_id)
    with tool.db.session() as s:
        conn = s.scalars(select(SourceConnection).where(
            SourceConnection.public_id == signin.schools["school"])).one()
        run = s.scalars(select(SyncRun.public_id).where(
            SyncRun.connection_id == conn.id)).first()
        # A row no key could match (as a sync leaves it): the admin links it by hand.
        unmatched = UnmatchedPerson(connection_id=conn.id, person_id=kid.id,
                                    external_id="77", display_name="Без пары", role="student")
        s.add(unmatched)
        s.flush()
        ids = {"conn": conn.public_id, "run": run, "unmatched": unmatched.public_id,
               "aid": s.scalars(select(TutorAssignment.id)).one(), "ask_id": ask_id,
               "own_session": s.scalars(select(AccountSession.public_id).where(
                   AccountSession.person_id == kid.id).order_by(
                   AccountSession.id.desc())).first()}
        s.commit()
    c, u = {"public_id": ids["conn"]}, {"public_id": ids["unmatched"]}
    r = {"public_id": ids["run"]}
    mine = {"public_id": ids["own_session"]}
    cases = [Case(e, "GET", args, ADMINS, codes=ROLE_FIRST) for e, args in (
        ("sync_admin.detail", c), ("sync_admin.edit", c), ("sync_admin.report", r),
        ("sync_admin.progress", r))] + [
        Case(e, "POST", args, ADMINS, data=data, codes=ROLE_FIRST) for e, args,
        data in (("sync_admin.edit", c, {"title": "Чужая правка"}), ("sync_admin.run", c, {}),
                 ("sync_admin.test", c, {}), ("sync_admin.remove", c, {}),
                 ("sync_admin.upload", c, {}), ("sync_admin.link", u, {"person": kid.public_id}),
                 ("sync_admin.unlink", u, {}))] + [
        # One's own sessions only: somebody else's is not there for anyone.
        Case("accounts.end_one", "POST", mine, {"kid", "kid_phone"}, refused=404),
        Case("pathways.unassign_tutor", "POST", {"aid": ids["aid"]}, ADMINS, codes=ROLE_FIRST),
        # The rating is asked of one teacher: the school's others are refused.
        Case("portfolio.uud_answer", "POST", {"ask_id": ids["ask_id"]}, {"asked"}),
    ]
    check(tool, a, cases, outsiders=OUTSIDE, forger="zavuch", endpoints=LIVE_SCHOOL)
    # The allowed actors, with the token: the pupil ends the phone's session, the teacher
    # answers, the admin removes the tutor; each change is seen.
    _post(tool, a["kid"], f"/account/sessions/{ids['own_session']}/end")
    assert a["kid_phone"].get(tool.base + "/app/", allow_redirects=False,
                              timeout=30).status_code in (302, 303, 401)
    with tool.db.session() as s:
        items = [i.id for i in uud.items(s, tool.org_id)]  # the framework, made on first use
        s.commit()
    _post(tool, a["asked"], f"/app/portfolio/uud/asks/{ids['ask_id']}",
          **{f"item-{i}": "2" for i in items})
    _post(tool, a["head"], f"/app/routes/tutors/{ids['aid']}/remove")
    # The завуч signed in through Сетевой город tests the school's connection to it.
    tested = a["zavuch"].post(tool.base + f"/app/admin/sync/{ids['conn']}/test", data={
        "csrf_token": csrf_for(a["zavuch"], tool.base)}, timeout=60)
    assert tested.status_code == 200 and "Соединение работает" in tested.text
    with tool.db.session() as s:
        answered = s.get(UudAsk, ids["ask_id"])
        assert answered is not None and answered.answered_at is not None
        assert s.scalars(select(TutorAssignment)).first() is None


def person_of(s: Any, person_id: int) -> str:
    found = s.get(Person, person_id)
    assert found is not None
    return str(found.public_id)
