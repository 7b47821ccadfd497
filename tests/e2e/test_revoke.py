"""A launch token can be ended before its 8 hours are up (issue 7: no way to revoke one)."""

from __future__ import annotations

import requests
from click.testing import CliRunner
from sqlalchemy import select

from lti_tool.cli import main
from lti_tool.core.audit import AuditEntry
from lti_tool.people.models import IdentityLink, Person
from tests.sync.launches import launch_token


def _cli(tool, tmp_path, *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={
        "MARSHRUT_DATABASE_URL": tool.db.url, "MARSHRUT_SECRET_KEY": tool.app.config["SECRET_KEY"],
        "MARSHRUT_BASE_URL": tool.base, "MARSHRUT_INSTANCE_PATH": str(tmp_path / "cli")})
    assert result.exit_code == 0, result.output
    return result.output


def _opens(tool, token: str) -> bool:
    return requests.get(tool.base + "/app/", params={"lt": token}, timeout=30).status_code == 200


def test_revoking_a_person_ends_their_tokens_only(platform, tool, tmp_path):
    theirs = launch_token(platform, tool, "student", sub="leaked")
    other = launch_token(platform, tool, "student", sub="someone-else")
    assert _opens(tool, theirs) and _opens(tool, other)
    with tool.db.session() as s:
        public_id = s.scalar(select(Person.public_id).join(
            IdentityLink, IdentityLink.person_id == Person.id).where(
            IdentityLink.external_id == "leaked"))
    out = _cli(tool, tmp_path, "lti", "revoke", "--org", "school", "--person", public_id)
    assert "revoked 1" in out
    assert not _opens(tool, theirs) and _opens(tool, other)
    with tool.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "lti.revoke_launches")).one()
        assert entry.entity_id == public_id and entry.organisation_id == tool.org_id


def test_revoking_a_school_leaves_the_other_school_alone(platform, tool, tmp_path):
    ours = launch_token(platform, tool, "teacher")
    theirs = launch_token(platform, tool, "teacher", deployment="dep-other")
    _cli(tool, tmp_path, "lti", "revoke", "--org", "school", "--all")
    assert not _opens(tool, ours) and _opens(tool, theirs)


def test_a_school_admin_ends_all_sessions_of_the_school_from_the_page(platform, tool):
    admin = launch_token(platform, tool, "admin")
    pupil = launch_token(platform, tool, "student")
    teacher = launch_token(platform, tool, "teacher")
    elsewhere = launch_token(platform, tool, "admin", deployment="dep-other")
    page = requests.get(tool.base + "/app/admin/lti/", params={"lt": admin}, timeout=30)
    assert "Завершить все сеансы школы" in page.text
    # Not for a teacher, and never without the token in the request (CSRF).
    assert requests.post(tool.base + "/app/admin/lti/revoke", data={"lt": teacher},
                         timeout=30).status_code == 403
    assert requests.post(tool.base + "/app/admin/lti/revoke", timeout=30).status_code == 401
    assert _opens(tool, pupil) and _opens(tool, teacher)
    done = requests.post(tool.base + "/app/admin/lti/revoke", data={"lt": admin}, timeout=30)
    assert done.status_code == 200 and "Завершено сеансов: 3." in done.text
    assert not any(_opens(tool, t) for t in (admin, pupil, teacher))
    assert _opens(tool, elsewhere)  # another school's sessions go on
    with tool.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "lti.revoke_launches")).one()
        assert entry.entity_id == "*" and entry.organisation_id == tool.org_id
