"""End to end over HTTP: the demo LMS platform (lti1p3platform) launches the real tool."""

from __future__ import annotations

import requests
from lxml import html
from sqlalchemy import func, select

from lti_tool.lms_scores.models import OutboxScore
from lti_tool.lms_scores.services import deliver_due
from lti_tool.lti.models import Launch
from lti_tool.people.models import ClassEnrolment, IdentityLink, Membership, Person
from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR, LEARNER
from tests.e2e.flow import accepted, follow, get, launch_token, page_url
from tests.e2e.lti_helpers import (
    DROP,
    add_link,
    begin_login,
    launch,
    post_launch,
    sign,
    valid_claims,
)


def _text(resp: requests.Response) -> str:
    return " ".join(html.fromstring(resp.text).text_content().split())


def _class_path(resp: requests.Response) -> str:
    return page_url(resp).split("?")[0].replace(page_url(resp).split("/app/")[0], "")


def test_teacher_resource_link_launch_opens_class_overview(platform, tool):
    link = add_link(platform)
    resp = launch(requests.Session(), platform, link, "t-ivanova")
    assert resp.status_code == 200
    assert "/app/class/" in page_url(resp)
    assert "Алгебра, 10 А" in _text(resp)
    with tool.db.session() as s:
        person = s.scalars(select(Person).join(IdentityLink).where(
            IdentityLink.external_id == "t-ivanova")).one()
        assert person.display_name == "Мария Петровна Иванова"
        roles = set(s.scalars(select(Membership.role).where(Membership.person_id == person.id)))
        assert roles == {"teacher"}
        assert s.scalar(select(func.count(Launch.id))) == 1


def test_student_launch_sees_only_own_page(platform, tool):
    link = add_link(platform)
    resp = launch(requests.Session(), platform, link, "s-petrov")
    assert resp.status_code == 200
    assert page_url(resp).split("?")[0].endswith("/app/")
    assert "Здравствуйте, Алексей Петров" in _text(resp)


def test_launch_data_is_not_in_the_cookie(platform, tool):
    client = requests.Session()
    launch(client, platform, add_link(platform), "t-ivanova")
    cookie = client.cookies.get("marshrut_session") or ""
    assert 0 < len(cookie) < 200  # only the launch token, never the claims
    assert "Иванова" not in cookie and "algebra" not in cookie


def test_pages_work_without_any_cookie(platform, tool):
    """Third-party cookies blocked: the launch token in our links carries the session."""
    resp = launch(requests.Session(), platform, add_link(platform), "t-ivanova")
    cookieless = requests.get(page_url(resp), timeout=30)
    assert cookieless.status_code == 200
    assert "Алгебра, 10 А" in _text(cookieless)
    stripped = requests.get(page_url(resp).split("?")[0], timeout=30)
    assert stripped.status_code == 401


def test_nrps_roster_pull_and_ags_score_through_outbox(platform, tool):
    client = requests.Session()
    link = add_link(platform)
    resp = launch(client, platform, link, "t-ivanova")
    token, path = launch_token(resp), _class_path(resp)
    resp = client.post(tool.base + path + "/roster", data={"lt": token})
    assert "получено 5, добавлено 4" in _text(resp)  # 3 students + admin-teacher + self
    doc = html.fromstring(resp.text)
    students = doc.xpath('//input[@name="student"]/@value')
    assert len(students) == 3
    resp = client.post(tool.base + path + "/scores",
                       data={"lt": token, "student": students[0], "score": "4.5"})
    assert "в очереди" in _text(resp) or "доставлен" in _text(resp)
    counts = deliver_due(tool.db, tool.app.config["SECRET_KEY"], allow_private=True)
    item = platform.lineitems[link.lineitem_id]
    delivered = {**counts}
    # the embedded job may already have sent it; either way exactly one score landed
    assert delivered["failed"] == 0
    assert len(item.scores) == 1
    assert next(iter(item.scores.values()))["scoreGiven"] == 4.5
    with tool.db.session() as s:
        assert s.scalars(select(OutboxScore.status)).all() == ["sent"]


def test_deep_linking_places_class_overview_and_it_launches(platform, tool):
    client = requests.Session()
    resp = get(client, f"{platform.issuer}/deeplink/algebra-10a?user=t-ivanova")
    assert "Что разместить в курсе" in _text(resp)
    token = launch_token(resp)
    resp = follow(client, client.post(tool.base + "/lti/deeplink/",
                                      data={"lt": token, "target": "class_overview"}))
    assert "Добавлено в курс" in _text(resp), _text(resp)
    placed = [lk for lk in platform.links.values() if lk.custom.get("target")]
    assert len(placed) == 1
    resp = launch(requests.Session(), platform, placed[0], "t-ivanova")
    assert "/app/class/" in page_url(resp)


def test_deep_linking_refused_to_students(platform, tool):
    client = requests.Session()
    resp = get(client, f"{platform.issuer}/deeplink/algebra-10a?user=s-petrov")
    assert resp.status_code == 403


def test_deep_link_picker_needs_a_deep_linking_launch(platform, tool):
    client = requests.Session()
    resp = launch(client, platform, add_link(platform), "t-ivanova")
    resp = client.post(tool.base + "/lti/deeplink/",
                       data={"lt": launch_token(resp), "target": "class_overview"})
    assert resp.status_code == 403


def _accepted(platform, tool, **overrides) -> requests.Response:
    client = requests.Session()
    auth = begin_login(client, platform, tool.base)
    resp = post_launch(client, tool.base, sign(platform, valid_claims(platform, auth,
                                                                      **overrides)),
                       auth["state"])
    accepted(resp)
    return resp


def _roles_of(tool, sub: str) -> set[str]:
    with tool.db.session() as s:
        pid = s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.external_id == sub)).one()
        return set(s.scalars(select(Membership.role).where(Membership.person_id == pid)))


def test_several_roles_are_all_mapped(platform, tool):
    _accepted(platform, tool, sub="multi", lti_roles=[INSTRUCTOR, ADMIN, LEARNER])
    assert _roles_of(tool, "multi") == {"teacher", "admin", "student"}


def test_unknown_role_is_ignored(platform, tool):
    _accepted(platform, tool, sub="odd", lti_roles=["http://example.com/role#Wizard"])
    assert _roles_of(tool, "odd") == set()


def test_an_empty_roles_claim_is_accepted(platform, tool):
    """LTI 1.3 requires the roles claim but allows it empty; a launch without it is refused
    (tests/e2e/test_browser_binding.py::test_roles_claim_is_required_but_may_be_empty)."""
    _accepted(platform, tool, sub="norole", lti_roles=[])
    assert _roles_of(tool, "norole") == set()


def test_no_name_and_no_email(platform, tool):
    _accepted(platform, tool, sub="anon", name=DROP)
    with tool.db.session() as s:
        pid = s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.external_id == "anon")).one()
        person = s.get_one(Person, pid)
        assert person.display_name == "" and person.email is None


def test_moodle_style_payload(platform, tool):
    """Claims as Moodle 4.x sends them: list aud with azp, ext/lis claims, custom, short roles."""
    _accepted(platform, tool, sub="2", aud=[platform.client_id], azp=platform.client_id,
              given_name="Иван", family_name="Смирнов", name="Иван Смирнов",
              email="ivan@example.ru", locale="ru",
              lti_roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
                         "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"],
              lti_ext={"user_username": "ivan", "lms": "moodle-2"},
              lti_lis={"person_sourcedid": "", "course_section_sourcedid": ""},
              lti_tool_platform={"product_family_code": "moodle", "version": "2024042200",
                                 "guid": "moodle.school37.ru", "name": "Школа 37"},
              lti_launch_presentation={"locale": "ru", "document_target": "iframe",
                                       "return_url": "https://moodle/mod/lti/return.php"},
              lti_custom={"target": "class_overview"})
    assert _roles_of(tool, "2") == {"teacher", "admin"}


def test_launch_in_another_deployment_lands_in_its_school(platform, tool):
    _accepted(platform, tool, sub="other-kid", lti_deployment_id="dep-other")
    with tool.db.session() as s:
        pid = s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.external_id == "other-kid")).one()
        orgs = set(s.scalars(select(Membership.organisation_id).where(
            Membership.person_id == pid)))
        assert orgs == {tool.other_org_id}


def test_platform_key_rotation_is_followed(platform, tool):
    link = add_link(platform)
    assert "/app/class/" in launch(requests.Session(), platform, link, "t-ivanova").url
    platform.rotate_key()  # the tool has the old JWKS cached; the new kid forces a re-fetch
    assert "/app/class/" in launch(requests.Session(), platform, link, "t-ivanova").url


def test_course_context_becomes_a_class_with_enrolments(platform, tool):
    launch(requests.Session(), platform, add_link(platform), "t-ivanova")
    launch(requests.Session(), platform, add_link(platform), "s-petrov")
    with tool.db.session() as s:
        rows = s.execute(select(ClassEnrolment.role, func.count()).group_by(
            ClassEnrolment.role)).all()
        assert dict(rows) == {"teacher": 1, "student": 1}


def test_healthz_and_openapi(tool):
    assert requests.get(tool.base + "/healthz", timeout=10).json()["status"] == "ok"
    spec = requests.get(tool.base + "/api/v1/openapi.json", timeout=10).json()
    assert "/api/v1/me" in spec["paths"]


def test_launch_presentation_locale_sets_the_first_page_language(platform, tool):
    """The first page comes in the launch's own response: it must already speak the
    language the LMS asked for, and the pages after it too."""
    english = _accepted(platform, tool, sub="en-kid", name="Anna Smith", lti_roles=[LEARNER],
                        lti_launch_presentation={"locale": "en-GB"})
    assert "Hello, Anna Smith" in _text(english)
    assert "Hello, Anna Smith" in _text(requests.get(page_url(english), timeout=30))
    russian = _accepted(platform, tool, sub="ru-kid", name="Анна Смирнова",
                        lti_roles=[LEARNER], lti_launch_presentation={"locale": "ru"})
    assert "Здравствуйте, Анна Смирнова" in _text(russian)
