"""The school admin's sync page over HTTP: who may open it, form validation in Russian,
secrets never shown or stored in clear, another school's objects simply not found."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from lti_tool.people.models import Person
from lti_tool.sync import services
from lti_tool.sync.models import SourceConnection, SyncRun, UnmatchedPerson
from tests.sync.launches import launch_token

FORM = dict(kind="netschool", title="Сетевой город", base_url="https://sgo.example.ru",
            school="МБОУ СОШ № 37", login="zavuch", password="Секрет-123",
            match_keys="email, name", interval_minutes="60", lookback_weeks="2")


def _page(tool, path: str, lt: str, method: str = "get", **data: str) -> requests.Response:
    return requests.request(method, tool.base + path, params={"lt": lt}, data=data or None,
                            timeout=30)


def test_admin_connects_a_source_and_the_password_stays_secret(platform, tool):
    lt = launch_token(platform, tool, "admin")
    assert "Источники данных школы" in _page(tool, "/app/admin/sync/", lt).text
    resp = _page(tool, "/app/admin/sync/", lt, "post", **FORM)
    assert resp.status_code == 200 and "Подключение сохранено" in resp.text
    assert "Секрет-123" not in resp.text
    with tool.db.session() as s:
        conn = s.scalars(select(SourceConnection)).one()
        assert conn.organisation_id == tool.org_id
        assert conn.secret and "Секрет" not in conn.secret and "password" not in conn.settings
        assert conn.match_keys == ["email", "name"] and conn.interval_minutes == 60
    detail = _page(tool, f"/app/admin/sync/{conn.public_id}", lt)
    assert detail.status_code == 200 and "zavuch" in detail.text and "Секрет" not in detail.text


def test_invalid_form_names_each_field_and_saves_nothing(platform, tool):
    lt = launch_token(platform, tool, "admin")
    resp = _page(tool, "/app/admin/sync/", lt, "post", kind="netschool", base_url="ftp://x",
                 match_keys="email, shoe_size", interval_minutes="-5", password="Секрет-123")
    assert resp.status_code == 400
    for text in ("Логин: обязательное поле", "Школа: обязательное поле",
                 "Адрес сервера должен начинаться с https://", "shoe_size",
                 "От 0 (только вручную) до 10080 минут"):
        assert text in resp.text, text
    assert "Секрет-123" not in resp.text  # the typed password is not echoed back
    with tool.db.session() as s:
        assert s.scalar(select(func.count(SourceConnection.id))) == 0


def test_unknown_kind_is_refused(platform, tool):
    lt = launch_token(platform, tool, "admin")
    resp = _page(tool, "/app/admin/sync/", lt, "post", kind="dnevnik.ru")
    assert resp.status_code == 400 and "Выберите источник из списка" in resp.text


def test_teachers_students_and_strangers_are_refused(platform, tool):
    for role in ("teacher", "student"):
        lt = launch_token(platform, tool, role)
        assert _page(tool, "/app/admin/sync/", lt).status_code == 403
        assert _page(tool, "/app/admin/sync/", lt, "post", **FORM).status_code == 403
    assert requests.get(tool.base + "/app/admin/sync/", timeout=30).status_code == 401
    assert _page(tool, "/app/admin/sync/", "forged.token").status_code == 401
    with tool.db.session() as s:
        assert s.scalar(select(func.count(SourceConnection.id))) == 0


def test_another_schools_admin_finds_nothing_of_ours(platform, tool):
    with tool.db.session() as s:
        conn = services.create_connection(s, tool.org_id, FORM, tool.app.config["SECRET_KEY"],
                                          None)
        run = SyncRun(connection_id=conn.id, status="done")
        person = Person(display_name="Ученик из Сетевого города")
        s.add_all([run, person])
        s.flush()
        item = UnmatchedPerson(connection_id=conn.id, person_id=person.id, external_id="77",
                               display_name=person.display_name, role="student")
        s.add(item)
        s.flush()
        ids = conn.public_id, run.public_id, item.public_id
    theirs = launch_token(platform, tool, "admin", deployment="dep-other")
    assert _page(tool, f"/app/admin/sync/{ids[0]}", theirs).status_code == 404
    assert _page(tool, f"/app/admin/sync/{ids[0]}/run", theirs, "post").status_code == 404
    assert _page(tool, f"/app/admin/sync/{ids[0]}/test", theirs, "post").status_code == 404
    assert _page(tool, f"/app/admin/sync/runs/{ids[1]}", theirs).status_code == 404
    assert _page(tool, f"/app/admin/sync/unmatched/{ids[2]}/link", theirs, "post",
                 person="x").status_code == 404
    assert ids[0] not in _page(tool, "/app/admin/sync/", theirs).text
    ours = launch_token(platform, tool, "admin")
    assert _page(tool, f"/app/admin/sync/runs/{ids[1]}", ours).status_code == 200


def test_no_one_is_preselected_for_linking_and_an_empty_choice_links_nothing(platform, tool):
    """Issue 7: each unmatched row preselected a (wrong) person, so one click joined two
    different children."""
    with tool.db.session() as s:
        conn = services.create_connection(s, tool.org_id, FORM, tool.app.config["SECRET_KEY"],
                                          None)
        person = Person(display_name="Ученик из Сетевого города")
        s.add(person)
        s.flush()
        item = UnmatchedPerson(connection_id=conn.id, person_id=person.id, external_id="77",
                               display_name=person.display_name, role="student")
        s.add(item)
        s.flush()
        conn_id, item_id = conn.public_id, item.public_id
    lt = launch_token(platform, tool, "admin")
    page = _page(tool, f"/app/admin/sync/{conn_id}", lt).text
    assert '<option value="" selected>' in page and 'name="person" aria-label' in page
    resp = _page(tool, f"/app/admin/sync/unmatched/{item_id}/link", lt, "post", person="")
    assert resp.status_code == 400 and "Выберите человека" in resp.text
    with tool.db.session() as s:
        assert s.scalars(select(UnmatchedPerson)).one().resolved is False


def test_a_running_sync_shows_live_progress_to_its_admin_only(platform, tool):
    """Issue 7: progress appeared only on reload. The page polls a small JSON endpoint."""
    with tool.db.session() as s:
        conn = services.create_connection(s, tool.org_id, FORM, tool.app.config["SECRET_KEY"],
                                          None)
        run = SyncRun(connection_id=conn.id, status="running", chunks_total=200,
                      chunks_done=50)
        s.add(run)
        s.flush()
        conn_id, run_id = conn.public_id, run.public_id
    lt = launch_token(platform, tool, "admin")
    page = _page(tool, f"/app/admin/sync/{conn_id}", lt).text
    assert f"/app/admin/sync/runs/{run_id}/progress" in page and "25 %" in page
    got = requests.get(f"{tool.base}/app/admin/sync/runs/{run_id}/progress", timeout=30,
                       headers={"X-Marshrut-Launch": lt})
    assert got.json() == {"status": "running", "done": 50, "total": 200, "percent": 25}
    theirs = launch_token(platform, tool, "admin", deployment="dep-other")
    assert _page(tool, f"/app/admin/sync/runs/{run_id}/progress", theirs).status_code == 404
    teacher = launch_token(platform, tool, "teacher")
    assert _page(tool, f"/app/admin/sync/runs/{run_id}/progress", teacher).status_code == 403


def test_every_unmatched_person_is_reachable_and_candidates_show_their_class(platform, tool):
    """Issue 7: only 50 of 312 rows were reachable, and identical names could not be told
    apart. Paging over all rows; each candidate shows their classes."""
    from lti_tool.people.models import ClassEnrolment, ClassGroup, Membership

    with tool.db.session() as s:
        conn = services.create_connection(s, tool.org_id, FORM, tool.app.config["SECRET_KEY"],
                                          None)
        group = ClassGroup(organisation_id=tool.org_id, title="10 А", label="10А",
                           source="lti", namespace="x", external_id="10a")
        known = Person(display_name="Иванов Иван")
        s.add_all([group, known])
        s.flush()
        s.add(Membership(person_id=known.id, organisation_id=tool.org_id, role="student"))
        s.add(ClassEnrolment(class_id=group.id, person_id=known.id, role="student"))
        for n in range(60):
            p = Person(display_name=f"Ученик {n:02d}")
            s.add(p)
            s.flush()
            s.add(UnmatchedPerson(connection_id=conn.id, person_id=p.id, external_id=str(n),
                                  display_name=p.display_name, role="student"))
        conn_id = conn.public_id
    lt = launch_token(platform, tool, "admin")
    first = _page(tool, f"/app/admin/sync/{conn_id}", lt).text
    second = requests.get(f"{tool.base}/app/admin/sync/{conn_id}",
                          params={"lt": lt, "page": "2"}, timeout=30).text
    assert first.count('name="person"') == 50 and second.count('name="person"') == 10
    assert "Страница 2 из 2" in second and "Ученик 59" in second and "Ученик 59" not in first
    assert "Иванов Иван" not in first  # not offered to everyone: a choice, not the school
    row = first.split('id="u-')[1].split('"')[0]
    found = requests.get(f"{tool.base}/app/admin/sync/{conn_id}",
                         params={"lt": lt, "find": row, "q": "иванов"}, timeout=30).text
    assert found.count("Иванов Иван — 10А") == 1  # in the searched row only, with the class
    nobody = requests.get(f"{tool.base}/app/admin/sync/{conn_id}",
                          params={"lt": lt, "find": row, "q": "Петров"}, timeout=30).text
    assert "Никого не нашлось" in nobody


def test_a_link_made_by_hand_is_undone_by_its_admin_only(platform, tool):
    """Issue 7: a wrong hand-made link could not be undone. The undo gives the source's
    data back to a person of their own, is audited, and is refused to anyone else."""
    from lti_tool.core.audit import AuditEntry
    from lti_tool.people.models import IdentityLink, Membership

    with tool.db.session() as s:
        conn = services.create_connection(s, tool.org_id, FORM, tool.app.config["SECRET_KEY"],
                                          None)
        known, temp = Person(display_name="Сидорова Анна"), Person(display_name="Сидорова А.")
        s.add_all([known, temp])
        s.flush()
        s.add_all([Membership(person_id=known.id, organisation_id=tool.org_id, role="student"),
                   Membership(person_id=temp.id, organisation_id=tool.org_id, role="student"),
                   IdentityLink(person_id=temp.id, source=conn.kind, namespace="ns@x",
                                external_id="501")])
        item = UnmatchedPerson(connection_id=conn.id, person_id=temp.id, external_id="501",
                               display_name=temp.display_name, role="student")
        s.add(item)
        s.flush()
        conn_id, item_id, known_id, target = conn.public_id, item.public_id, known.id, \
            known.public_id
    lt = launch_token(platform, tool, "admin")
    assert _page(tool, f"/app/admin/sync/unmatched/{item_id}/link", lt, "post",
                 person=target).status_code == 200
    page = _page(tool, f"/app/admin/sync/{conn_id}", lt).text
    assert "Связаны вручную" in page and "Сидорова А. → Сидорова Анна" in page
    for who in (launch_token(platform, tool, "teacher"),):
        assert _page(tool, f"/app/admin/sync/unmatched/{item_id}/unlink", who,
                     "post").status_code == 403
    theirs = launch_token(platform, tool, "admin", deployment="dep-other")
    assert _page(tool, f"/app/admin/sync/unmatched/{item_id}/unlink", theirs,
                 "post").status_code == 404
    with tool.db.session() as s:  # the refusals changed nothing
        assert s.scalars(select(UnmatchedPerson)).one().resolved is True
        assert s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.external_id == "501")).one() == known_id
    done = _page(tool, f"/app/admin/sync/unmatched/{item_id}/unlink", lt, "post")
    assert done.status_code == 200 and "отменена" in done.text
    with tool.db.session() as s:
        back = s.scalars(select(UnmatchedPerson)).one()
        assert back.resolved is False and back.person_id != known_id
        assert s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.external_id == "501")).one() == back.person_id
        assert s.get(Person, known_id) is not None and s.scalars(select(Membership.role).where(
            Membership.person_id == known_id)).all() == ["student"]
        assert s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("sync.%link_by_hand"))).all() == [
            "sync.link_by_hand", "sync.unlink_by_hand"]
    again = _page(tool, f"/app/admin/sync/unmatched/{item_id}/unlink", lt, "post")
    assert again.status_code == 404  # nothing left to undo
