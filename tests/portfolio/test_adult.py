"""Pupils of age: no birth dates are stored, so the school admin marks a pupil
«совершеннолетний» (audited). Such a pupil publishes their own confirmed items and a
parent's consent no longer decides; removing the mark hides them again at once. Nobody
else can set the mark, and a refused attempt changes nothing."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.people.models import ClassGroup
from lti_tool.portfolio.models import AdultPupil
from tests.portfolio.helpers import add, launch, make_parent, person_id, snapshot


def _adults(tool) -> int:
    with tool.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AdultPupil)) or 0)


def _world(platform, tool):
    people = {
        "student": launch(platform, tool, "student", "s-petrov"),
        "teacher": launch(platform, tool, "teacher", "t-ivanova"),
        "parent": launch(platform, tool, "parent", "p-petrova"),
        "admin": launch(platform, tool, "admin", "a-smirnova"),
        "other_admin": launch(platform, tool, "admin", "a-other", deployment="dep-other",
                              course="physics-11b"),
    }
    make_parent(tool, "p-petrova", "s-petrov")
    with tool.db.session() as s:
        klass = s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.external_id == "algebra-10a")).one()
    item = add(people["student"], "Победитель городской олимпиады")
    people["admin"].post(f"/app/portfolio/a/{item}/moderate", {"action": "confirm"})
    return people, item, klass


def test_an_adult_pupil_publishes_themself_and_unmarking_hides_it(platform, tool):
    people, item, klass = _world(platform, tool)
    pid = person_id(tool, "s-petrov")[1]
    public = f"/portfolio/{pid}"
    # A minor cannot publish their own item; the parent decides.
    assert people["student"].post(f"/app/portfolio/a/{item}/consent",
                                  {"on": "1"}).status_code == 403

    resp = people["admin"].post(f"/app/admin/portfolio/adult/{pid}", {"on": "1"})
    assert resp.status_code == 303 and _adults(tool) == 1
    with tool.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "portfolio.adult")).one()
        assert entry.actor_id == person_id(tool, "a-smirnova")[0]
    page = people["student"].get(f"/app/portfolio/p/{pid}").text
    assert 'data-testid="adult"' in page
    # Of age: the pupil publishes; the parent no longer consents for them.
    assert people["parent"].post(f"/app/portfolio/a/{item}/consent",
                                 {"on": "1"}).status_code == 403
    assert people["student"].post(f"/app/portfolio/a/{item}/consent",
                                  {"on": "1"}).status_code == 303
    assert requests.get(tool.base + public, timeout=30).status_code == 200
    klass_page = people["teacher"].get(f"/app/portfolio/class/{klass}").text
    assert "Победитель городской олимпиады" in klass_page

    # The mark taken back: what the pupil published is hidden at once.
    people["admin"].post(f"/app/admin/portfolio/adult/{pid}", {"on": "0"})
    assert _adults(tool) == 0
    assert requests.get(tool.base + public, timeout=30).status_code == 404
    assert "Победитель городской олимпиады" not in people["teacher"].get(
        f"/app/portfolio/class/{klass}").text


def test_nobody_else_marks_a_pupil_and_nothing_changes(platform, tool):
    people, _, _ = _world(platform, tool)
    pid = person_id(tool, "s-petrov")[1]
    teacher_pid = person_id(tool, "t-ivanova")[1]
    before, adults = snapshot(tool), _adults(tool)
    for who, path, status in (
            ("student", pid, 403), ("teacher", pid, 403), ("parent", pid, 403),
            ("other_admin", pid, 404),              # another school's pupil: not found
            ("admin", teacher_pid, 404),            # not a pupil
            ("admin", "no-such-person", 404)):
        resp = people[who].post(f"/app/admin/portfolio/adult/{path}", {"on": "1"})
        assert resp.status_code == status, (who, path, resp.status_code)
    assert requests.post(tool.base + f"/app/admin/portfolio/adult/{pid}", data={"on": "1"},
                         timeout=30, allow_redirects=False).status_code == 401
    # A malformed answer is refused by name, nothing stored.
    resp = people["admin"].post(f"/app/admin/portfolio/adult/{pid}", {"on": "maybe"})
    shown = requests.get(tool.base + resp.headers["Location"], timeout=30).text
    assert "Совершеннолетний: Укажите «да» или «нет»." in shown
    assert snapshot(tool) == before and _adults(tool) == adults
