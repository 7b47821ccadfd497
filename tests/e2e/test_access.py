"""Forbidden paths over HTTP against the real tool. One policy everywhere:

* 401 — no launch token, or one that is tampered with, forged or expired;
* 404 — a class that does not exist *for this viewer*: a wrong id or another school's class
  (so nobody learns which ids are real elsewhere);
* 403 — it exists in the viewer's school, but the role or relation does not allow it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select, update

from lti_tool.crypto import signing_keys
from lti_tool.lti.models import Launch
from lti_tool.people.models import ClassGroup, IdentityLink, Person
from lti_tool.sandbox.platform import Course
from tests.e2e.flow import launch_token, page_url
from tests.e2e.lti_helpers import add_link, launch


@dataclass
class Session:
    """One person launched into one course: the token and the class page they landed on."""

    token: str
    url: str


def _launch(platform, user: str, course: str) -> Session:
    resp = launch(requests.Session(), platform, add_link(platform, course), user)
    assert resp.status_code == 200, resp.text
    return Session(launch_token(resp), page_url(resp).split("?")[0])


def _class_id(tool, external_id: str) -> str:
    with tool.db.session() as s:
        return s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.external_id == external_id)).one()


def _person_id(tool, sub: str) -> str:
    with tool.db.session() as s:
        return s.scalars(select(Person.public_id).join(
            IdentityLink, IdentityLink.person_id == Person.id).where(
            IdentityLink.external_id == sub)).one()


@pytest.fixture
def school(platform, tool):
    """Algebra (t-ivanova) and geometry (t-orlov) in one school; physics in the other."""
    platform.courses["geometry-10b"] = Course(
        "geometry-10b", "Геометрия, 10 Б", "ГЕО-10Б", "dep-school", ["t-orlov", "s-popova"])
    people = {
        "teacher": _launch(platform, "t-ivanova", "algebra-10a"),
        "student": _launch(platform, "s-petrov", "algebra-10a"),
        "colleague": _launch(platform, "t-orlov", "geometry-10b"),
        "other_pupil": _launch(platform, "s-popova", "geometry-10b"),
        "other_school": _launch(platform, "t-orlov", "physics-11b"),
        "admin": _launch(platform, "a-smirnova", "algebra-10a"),
    }
    return people, {k: _class_id(tool, k) for k in ("algebra-10a", "geometry-10b",
                                                    "physics-11b")}


def _get(tool, path: str, token: str | None = None, **kw) -> requests.Response:
    params = {"lt": token} if token else {}
    return requests.get(tool.base + path, params=params, timeout=30, allow_redirects=False,
                        **kw)


def _api(tool, path: str, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(tool.base + "/api/v1" + path, headers=headers, timeout=30)


def test_teacher_sees_own_class_as_the_baseline(tool, school):
    people, classes = school
    assert _get(tool, f"/app/class/{classes['algebra-10a']}",
                people["teacher"].token).status_code == 200
    assert _api(tool, f"/classes/{classes['algebra-10a']}/roster",
                people["teacher"].token).status_code == 200


def test_student_cannot_open_class_overview(tool, school):
    people, classes = school
    resp = _get(tool, f"/app/class/{classes['algebra-10a']}", people["student"].token)
    assert resp.status_code == 403
    assert "Алексей Петров" not in resp.text and "Кузнецова" not in resp.text


def test_teacher_cannot_open_another_class_of_the_same_school(tool, school):
    people, classes = school
    resp = _get(tool, f"/app/class/{classes['geometry-10b']}", people["teacher"].token)
    assert resp.status_code == 403
    assert "Попова" not in resp.text


def test_teacher_cannot_open_a_class_of_another_school(tool, school):
    people, classes = school
    assert _get(tool, f"/app/class/{classes['physics-11b']}",
                people["teacher"].token).status_code == 404


def test_score_for_a_student_not_in_the_class_is_refused(tool, school, platform):
    people, classes = school
    for stranger in (_person_id(tool, "s-popova"), "no-such-pupil"):
        resp = requests.post(tool.base + f"/app/class/{classes['algebra-10a']}/scores",
                             data={"lt": people["teacher"].token, "student": stranger,
                                   "score": "5"}, timeout=30, allow_redirects=False)
        assert resp.status_code == 403
    assert platform.score_posts == 0


def test_score_form_for_another_class_or_school_is_refused(tool, school):
    people, classes = school
    pupil = _person_id(tool, "s-petrov")
    cases = [(people["colleague"], "algebra-10a", 403),   # same school, not their class
             (people["other_school"], "algebra-10a", 404),  # another school's class
             (people["student"], "algebra-10a", 403)]       # a pupil grading
    for who, course, status in cases:
        resp = requests.post(tool.base + f"/app/class/{classes[course]}/scores",
                             data={"lt": who.token, "student": pupil, "score": "5"},
                             timeout=30, allow_redirects=False)
        assert resp.status_code == status, (course, resp.status_code)
        resp = requests.post(tool.base + f"/app/class/{classes[course]}/roster",
                             data={"lt": who.token}, timeout=30, allow_redirects=False)
        assert resp.status_code == status, (course, resp.status_code)


def test_admin_lti_page_only_for_admins(tool, school):
    people, _ = school
    assert _get(tool, "/app/admin/lti/").status_code == 401
    for who in ("teacher", "student"):
        assert _get(tool, "/app/admin/lti/", people[who].token).status_code == 403
        resp = requests.post(tool.base + "/app/admin/lti/invite",
                             data={"lt": people[who].token}, timeout=30)
        assert resp.status_code == 403
    assert _get(tool, "/app/admin/lti/", people["admin"].token).status_code == 200


def test_api_without_token_is_401(tool, school):
    _, classes = school
    assert _api(tool, "/me").status_code == 401
    resp = _api(tool, f"/classes/{classes['algebra-10a']}/roster")
    assert resp.status_code == 401
    assert resp.json()["code"] == 401


def test_api_roster_refused_to_student_and_other_school(tool, school):
    people, classes = school
    path = f"/classes/{classes['algebra-10a']}/roster"
    assert _api(tool, "/me", people["student"].token).json()["roles"] == ["student"]
    assert _api(tool, path, people["student"].token).status_code == 403
    assert _api(tool, path, people["colleague"].token).status_code == 403
    assert _api(tool, path, people["other_school"].token).status_code == 404


def test_tampered_forged_or_expired_launch_token_is_refused(tool, school):
    people, classes = school
    token, path = people["teacher"].token, f"/app/class/{classes['algebra-10a']}"
    payload, _, sig = token.rpartition(".")
    # The first character: the last one of base64 has unused bits, so changing it may
    # leave the decoded signature as it was (the test then failed now and then).
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    forged = URLSafeTimedSerializer("not-our-secret", salt="marshrut-launch").dumps(
        URLSafeTimedSerializer(list(signing_keys(tool.app.config["SECRET_KEY"])),
                               salt="marshrut-launch").loads(token))
    for bad in (payload + "." + flipped, token[:-4], forged, "garbage"):
        assert _get(tool, path, bad).status_code == 401
        assert _api(tool, "/me", bad).status_code == 401
    with tool.db.session() as s:
        s.execute(update(Launch).values(expires_at=Launch.created_at))
    assert _get(tool, path, token).status_code == 401
    assert _api(tool, "/me", token).status_code == 401


def test_class_ids_cannot_be_guessed(tool, school):
    people, classes = school
    token = people["admin"].token
    for public in classes.values():
        assert len(public) >= 16 and not public.isdigit()
    with tool.db.session() as s:
        pks = list(s.scalars(select(ClassGroup.id)))
    for guess in [*map(str, pks), "0", "-1", "..%2F1"]:
        assert _get(tool, f"/app/class/{guess}", token).status_code == 404
        assert _api(tool, f"/classes/{guess}/roster", token).status_code == 404
