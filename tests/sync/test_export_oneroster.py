"""`marshrut export oneroster --org S` (issue 8: the exporter was reachable only from tests):
a synced school's data goes out as a OneRoster set that imports back to the same journal,
names nobody by a source's own id, and leaves another school's data out."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from sqlalchemy import func, select

from adapters.oneroster.adapter import OneRosterSource
from lti_tool.cli import main
from lti_tool.core.audit import AuditEntry
from lti_tool.journal.models import Mark
from lti_tool.people.models import (
    ClassGroup,
    IdentityLink,
    Membership,
    Organisation,
    Person,
)
from schemas.marks import ParsedMark
from tests.sync.conftest import SINCE


def test_a_synced_school_exports_and_the_set_imports_back(env, remote, tmp_path):
    assert env.sync().status == "done"
    with env.db.session() as s:  # another school in the same database: must not leak
        other = Organisation(slug="other", name="Гимназия №2")
        stranger = Person(display_name="Чужой Ученик")
        s.add_all([other, stranger])
        s.flush()
        s.add(Membership(person_id=stranger.id, organisation_id=other.id, role="student"))
        ours = s.scalar(select(func.count(Mark.id)))
        texts = sorted(ParsedMark(value=v, code=c, debt=d).text() for v, c, d in s.execute(
            select(Mark.value, Mark.code, Mark.debt)))
        students = s.scalar(select(func.count(Membership.id)).where(
            Membership.organisation_id == env.org_id, Membership.role == "student"))
        remote_ids = set(s.scalars(select(IdentityLink.external_id).where(
            IdentityLink.source == "netschool")))
        classes = set(s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.organisation_id == env.org_id)))
    out = tmp_path / "school.zip"
    result = CliRunner().invoke(main, ["export", "oneroster", "--org", "school", "--out",
                                       str(out)], env={
        "MARSHRUT_DATABASE_URL": env.url, "MARSHRUT_SECRET_KEY": env.secret_key,
        "MARSHRUT_INSTANCE_PATH": str(tmp_path / "cli")})
    assert result.exit_code == 0, result.output
    assert f"отметок {ours}" in result.output and not (tmp_path / "school.zip.part").exists()

    source = OneRosterSource(out)
    batch = source.fetch_roster()
    assert not batch.rejected
    roster = batch.roster
    assert {c.source_id for c in roster.classes} == classes
    assert sum(p.role == "student" for p in roster.people) == students
    assert "Чужой" not in " ".join(p.last_name + p.first_name for p in roster.people)
    assert not {p.source_id for p in roster.people} & remote_ids  # our ids, not the source's
    marks = []
    for chunk in source.chunks(SINCE, date(2027, 5, 31), roster):  # all the sync fetched
        got = source.fetch_grades(chunk)
        assert not got.rejected
        marks += got.marks
    assert len(marks) == ours > 0
    assert sorted(m.mark.text() for m in marks) == texts
    with env.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "export.oneroster")).one()
        assert entry.organisation_id == env.org_id and entry.details["marks"] == ours


def test_an_unknown_school_is_refused_and_writes_nothing(env, tmp_path):
    out = tmp_path / "x.zip"
    result = CliRunner().invoke(main, ["export", "oneroster", "--org", "nope", "--out",
                                       str(out)], env={
        "MARSHRUT_DATABASE_URL": env.url, "MARSHRUT_SECRET_KEY": env.secret_key,
        "MARSHRUT_INSTANCE_PATH": str(tmp_path / "cli")})
    assert result.exit_code != 0 and "нет организации nope" in result.output
    assert not out.exists()
