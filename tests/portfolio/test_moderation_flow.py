"""The whole round over HTTP against the real tool (SQLite and PostgreSQL): a student adds
an achievement with a file, it is unconfirmed everywhere; the curator rejects it with a
reason the student reads, the student corrects it, the curator confirms; the parent's
consent puts it on the class and public pages and revoking takes it off at once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from lti_tool.core.audit import AuditEntry
from lti_tool.people.models import ClassGroup
from lti_tool.portfolio.models import Achievement, Evidence
from tests.portfolio.helpers import PDF, add, launch, make_parent, person_id


def _class_public_id(tool) -> str:
    with tool.db.session() as s:
        return s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.external_id == "algebra-10a",
            ClassGroup.organisation_id == tool.org_id)).one()


def test_add_moderate_consent_publish(platform, tool, tmp_path: Path):
    student = launch(platform, tool, "student", "s-petrov", name="Алексей Петров")
    teacher = launch(platform, tool, "teacher", "t-ivanova", name="Мария Иванова")
    admin = launch(platform, tool, "admin", "a-smirnova")
    parent = launch(platform, tool, "parent", "p-petrova", name="Елена Петрова")
    make_parent(tool, "p-petrova", "s-petrov")
    _, student_pid = person_id(tool, "s-petrov")
    _, teacher_pid = person_id(tool, "t-ivanova")
    klass = _class_public_id(tool)

    # The admin makes the algebra teacher the class's curator.
    assert teacher.get("/app/portfolio/queue").status_code == 403
    resp = admin.post("/app/admin/portfolio/curators", {"tutor": teacher_pid, "class": klass})
    assert resp.status_code == 303

    item = add(student)
    page = student.get(f"/app/portfolio/p/{student_pid}")
    assert page.status_code == 200 and 'data-status="unconfirmed"' in page.text
    with tool.db.session() as s:
        row = s.scalars(select(Evidence)).one()
        stored = list((tmp_path / "evidence").rglob(row.storage_key))
        assert stored and stored[0].read_bytes() == PDF  # outside the web root, random key
        assert row.name == "диплом.pdf" and row.media_type == "application/pdf"
        file_id = row.public_id
    assert student.get(f"/app/portfolio/e/{file_id}").content == PDF
    assert teacher.get(f"/app/portfolio/e/{file_id}").content == PDF

    queue = teacher.get("/app/portfolio/queue")
    assert queue.status_code == 200 and "Призёр олимпиады" in queue.text
    # Rejection without a reason is refused; with one, the student reads it.
    teacher.post(f"/app/portfolio/a/{item}/moderate", {"action": "reject", "reason": " "})
    with tool.db.session() as s:
        assert s.scalars(select(Achievement.status)).one() == "unconfirmed"
    teacher.post(f"/app/portfolio/a/{item}/moderate",
                 {"action": "reject", "reason": "Приложите диплом, а не грамоту участника"})
    seen = student.get(f"/app/portfolio/a/{item}")
    assert 'data-status="rejected"' in seen.text
    assert "Приложите диплом, а не грамоту участника" in seen.text

    resp = student.post(f"/app/portfolio/a/{item}/edit", {
        "section": "study", "title": "Призёр регионального этапа ВсОШ по математике",
        "level": "regional", "result": "prizewinner", "achieved_on": "2026-10-15"})
    assert resp.status_code == 303
    assert 'data-status="unconfirmed"' in student.get(f"/app/portfolio/a/{item}").text

    # The curator's own edit keeps the student's original beside it.
    resp = teacher.post(f"/app/portfolio/a/{item}/edit?as=moderator", {
        "section": "study", "title": "Призёр регионального этапа ВсОШ (математика)",
        "level": "regional", "result": "prizewinner", "achieved_on": "2026-10-15",
        "as": "moderator"})
    assert resp.status_code == 303, resp.text[:500]
    teacher.post(f"/app/portfolio/a/{item}/moderate", {"action": "confirm"})
    with tool.db.session() as s:
        row = s.scalars(select(Achievement)).one()
        assert row.status == "confirmed"
        assert row.original["title"] == "Призёр регионального этапа ВсОШ по математике"
        assert row.title == "Призёр регионального этапа ВсОШ (математика)"
        actions = set(s.scalars(select(AuditEntry.action)))
        assert {"portfolio.add", "portfolio.reject", "portfolio.edit", "portfolio.confirm",
                "portfolio.curator.assign"} <= actions

    # Confirmed but not consented: on no public page.
    assert "ВсОШ" not in student.get(f"/app/portfolio/class/{klass}").text
    assert student.get(f"/portfolio/{student_pid}").status_code == 404
    # The student cannot consent for themself; the parent can.
    assert student.post(f"/app/portfolio/a/{item}/consent", {"on": "1"}).status_code == 403
    assert parent.post(f"/app/portfolio/a/{item}/consent", {"on": "1"}).status_code == 303
    assert "ВсОШ (математика)" in student.get(f"/app/portfolio/class/{klass}").text
    public = student.get(f"/portfolio/{student_pid}")
    assert public.status_code == 200 and "ВсОШ (математика)" in public.text
    assert file_id not in public.text  # evidence never goes public

    parent.post(f"/app/portfolio/a/{item}/consent", {"on": "0"})
    assert "ВсОШ" not in teacher.get(f"/app/portfolio/class/{klass}").text
    assert teacher.get(f"/portfolio/{student_pid}").status_code == 404
    with tool.db.session() as s:
        assert {"portfolio.consent.grant", "portfolio.consent.revoke"} <= set(
            s.scalars(select(AuditEntry.action)))
