"""Every forbidden path, over HTTP: the request is refused AND nothing changed or leaked
(the achievement rows, consents, history, files and audit are as before).

401 without a launch; 404 for what does not exist for this viewer (a wrong or guessed id,
another school's item or file, a file its viewer may not see); 403 for an item of this
school the viewer may not see or act on.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_tool.people.models import ClassGroup
from lti_tool.portfolio.models import Evidence
from tests.portfolio.helpers import PDF, add, launch, make_parent, person_id, snapshot

EDIT = {"section": "study", "title": "Взлом", "level": "federal", "result": "winner",
        "achieved_on": "2026-10-01"}


@pytest.fixture
def world(platform, tool):
    people = {
        "owner": launch(platform, tool, "student", "s-petrov"),
        "classmate": launch(platform, tool, "student", "s-kuznetsova"),
        "teacher": launch(platform, tool, "teacher", "t-ivanova"),
        "stranger_teacher": launch(platform, tool, "teacher", "t-orlov", course="geometry-10b"),
        "parent": launch(platform, tool, "parent", "p-petrova"),
        "other_parent": launch(platform, tool, "parent", "p-kuznetsov"),
        "other_admin": launch(platform, tool, "admin", "a-other", deployment="dep-other",
                              course="physics-11b"),
        "other_student": launch(platform, tool, "student", "s-popova", deployment="dep-other",
                                course="physics-11b"),
        "admin": launch(platform, tool, "admin", "a-smirnova"),
    }
    make_parent(tool, "p-petrova", "s-petrov")
    make_parent(tool, "p-kuznetsov", "s-kuznetsova")
    with tool.db.session() as s:
        klass = s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.external_id == "algebra-10a")).one()
    people["admin"].post("/app/admin/portfolio/curators",
                         {"tutor": person_id(tool, "t-ivanova")[1], "class": klass})
    item = add(people["owner"])
    with tool.db.session() as s:
        file_id = s.scalars(select(Evidence.public_id)).one()
    return people, item, file_id, person_id(tool, "s-petrov")[1]


READERS = {"classmate": 403, "stranger_teacher": 403, "other_parent": 403,
           "other_admin": 404, "other_student": 404}


@pytest.mark.parametrize("who", sorted(READERS))
def test_nobody_else_reads_the_item_its_file_or_the_portfolio(tool, world, who):
    people, item, file_id, owner_pid = world
    viewer = people[who]
    before = snapshot(tool)
    page = viewer.get(f"/app/portfolio/a/{item}")
    assert page.status_code == READERS[who]
    assert "олимпиады" not in page.text
    person = viewer.get(f"/app/portfolio/p/{owner_pid}")
    assert person.status_code == READERS[who] and "олимпиады" not in person.text
    got = viewer.get(f"/app/portfolio/e/{file_id}")
    assert got.status_code == 404 and PDF not in got.content
    assert snapshot(tool) == before


@pytest.mark.parametrize("who", sorted(READERS))
def test_nobody_else_changes_it(tool, world, who):
    people, item, _, _ = world
    viewer = people[who]
    before = snapshot(tool)
    assert viewer.post(f"/app/portfolio/a/{item}/edit", EDIT).status_code == READERS[who]
    assert viewer.post(f"/app/portfolio/a/{item}/edit?as=moderator",
                       EDIT).status_code == READERS[who]
    for action in ("confirm", "reject", "revoke"):
        resp = viewer.post(f"/app/portfolio/a/{item}/moderate",
                           {"action": action, "reason": "x"})
        assert resp.status_code == READERS[who]
    assert viewer.post(f"/app/portfolio/a/{item}/consent",
                       {"on": "1"}).status_code == READERS[who]
    assert snapshot(tool) == before


def test_people_who_see_it_still_cannot_do_what_is_not_theirs(tool, world):
    people, item, _, _ = world
    before = snapshot(tool)
    owner, parent, teacher = people["owner"], people["parent"], people["teacher"]
    # The owner does not moderate their own item, nor consent for it.
    assert owner.post(f"/app/portfolio/a/{item}/moderate",
                      {"action": "confirm"}).status_code == 403
    assert owner.post(f"/app/portfolio/a/{item}/consent", {"on": "1"}).status_code == 403
    # A parent sees but neither edits nor moderates; a subject teacher does not moderate.
    assert parent.get(f"/app/portfolio/a/{item}").status_code == 200
    assert parent.post(f"/app/portfolio/a/{item}/edit", EDIT).status_code == 403
    assert parent.post(f"/app/portfolio/a/{item}/moderate",
                       {"action": "confirm"}).status_code == 403
    stranger = people["stranger_teacher"]
    assert stranger.get("/app/portfolio/queue").status_code == 403
    # Consent to an unconfirmed item is refused (nothing goes public before confirmation).
    parent.post(f"/app/portfolio/a/{item}/consent", {"on": "1"})
    assert snapshot(tool) == before
    assert owner.get(f"/portfolio/{person_id(tool, 's-petrov')[1]}").status_code == 404
    del teacher


def test_without_a_launch_and_by_guessing(tool, world):
    people, item, file_id, owner_pid = world
    import requests

    before = snapshot(tool)
    for path in (f"/app/portfolio/e/{file_id}", f"/app/portfolio/a/{item}",
                 f"/app/portfolio/p/{owner_pid}", "/app/portfolio/queue"):
        resp = requests.get(tool.base + path, timeout=30)
        assert resp.status_code == 401 and PDF not in resp.content
    resp = requests.post(tool.base + f"/app/portfolio/a/{item}/moderate",
                         data={"action": "confirm"}, timeout=30)
    assert resp.status_code == 401
    owner = people["owner"]
    for guess in (file_id[:-1] + ("A" if file_id[-1] != "A" else "B"), "1", "../../etc/passwd",
                  "%2e%2e%2fmarshrut.sqlite"):
        assert owner.get(f"/app/portfolio/e/{guess}").status_code == 404
    assert snapshot(tool) == before


def test_other_school_admin_sees_no_queue_item_and_cannot_set_curators(tool, world):
    people, item, _, owner_pid = world
    other = people["other_admin"]
    before = snapshot(tool)
    assert "олимпиады" not in other.get("/app/portfolio/queue").text
    with tool.db.session() as s:
        klass = s.scalars(select(ClassGroup.public_id).where(
            ClassGroup.external_id == "algebra-10a")).one()
    resp = other.post("/app/admin/portfolio/curators",
                      {"tutor": person_id(tool, "a-other")[1], "class": klass})
    assert resp.status_code == 303  # refused with a message: the class is not theirs
    assert other.get(f"/app/portfolio/a/{item}/moderate").status_code in (404, 405)
    assert snapshot(tool) == before
    del owner_pid


@pytest.mark.parametrize(("name", "data", "why"), [
    ("диплом.pdf", b"<html><script>alert(1)</script></html>", "lying"),
    ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "oversized"),
    ("run.exe", b"MZ\x90\x00" + b"\x00" * 100, "wrong type"),
])
def test_refused_uploads_store_nothing(tool, world, tmp_path, name, data, why):
    people, *_ = world
    before = snapshot(tool)
    files_before = sorted(p.name for p in (tmp_path / "evidence").rglob("*"))
    resp = people["owner"].post("/app/portfolio/new", {
        "section": "sport", "title": "Первенство города", "level": "municipal",
        "result": "winner", "achieved_on": "2026-09-20"},
        files=[("files", (name, data, "application/pdf"))])
    assert resp.status_code == 422, why
    assert "Файл" in resp.text
    assert snapshot(tool) == before
    assert sorted(p.name for p in (tmp_path / "evidence").rglob("*")) == files_before


def test_a_name_with_path_separators_is_only_a_name(tool, world, tmp_path):
    people, *_ = world
    resp = people["owner"].post("/app/portfolio/new", {
        "section": "sport", "title": "Первенство города", "level": "municipal",
        "result": "winner", "achieved_on": "2026-09-20"},
        files=[("files", ("../../../../tmp/evil.pdf", PDF, "application/pdf"))])
    assert resp.status_code == 303
    with tool.db.session() as s:
        names = set(s.scalars(select(Evidence.name)))
    assert "evil.pdf" in names
    stored = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to((tmp_path / "evidence").resolve()) for p in stored)
    assert not any("evil" in p.name for p in stored)
