"""A school admin edits and deletes a connection (issue 7: connections could be neither)."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.crypto import decrypt
from lti_tool.people.models import Person
from lti_tool.sync import services
from lti_tool.sync.models import SourceConnection, SyncRun
from tests.sync.launches import launch_token

FORM = dict(kind="netschool", title="Сетевой город", base_url="https://sgo.example.ru",
            school="МБОУ СОШ № 37", login="zavuch", password="Секрет-123",
            match_keys="email, name", interval_minutes="60", lookback_weeks="2")


def _post(tool, lt: str, url: str, **data: str) -> requests.Response:
    return requests.post(tool.base + url, data={"lt": lt, **data}, timeout=30)


def _made(tool) -> tuple[int, str]:
    with tool.db.session() as s:
        conn = services.create_connection(s, tool.org_id, FORM, tool.app.config["SECRET_KEY"],
                                          None)
        s.add(SyncRun(connection_id=conn.id, status="done"))
        s.add(Person(display_name="Ученик из источника"))
        return conn.id, conn.public_id


def test_edit_keeps_the_secret_when_left_blank_and_is_audited(platform, tool):
    conn_id, public_id = _made(tool)
    lt = launch_token(platform, tool, "admin")
    page = requests.get(f"{tool.base}/app/admin/sync/{public_id}/edit", params={"lt": lt},
                        timeout=30)
    assert page.status_code == 200 and "zavuch" in page.text and "Секрет" not in page.text
    resp = _post(tool, lt, f"/app/admin/sync/{public_id}/edit", title="СГО школы",
                 base_url="https://sgo.example.ru", school="МБОУ СОШ № 37", login="zavuch2",
                 password="", match_keys="name", interval_minutes="0", lookback_weeks="3",
                 kind="moodle")
    assert resp.status_code == 200 and "Изменения сохранены" in resp.text
    with tool.db.session() as s:
        conn = s.get_one(SourceConnection, conn_id)
        assert (conn.kind, conn.title, conn.settings["login"], conn.match_keys,
                conn.lookback_weeks) == ("netschool", "СГО школы", "zavuch2", ["name"], 3)
        assert decrypt(conn.secret, tool.app.config["SECRET_KEY"]) == "Секрет-123"
        assert "password" not in conn.settings and "token" not in conn.settings
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "sync.edit")).one()
        assert "login" in entry.details["changed"] and "Секрет" not in str(entry.details)


def test_an_invalid_edit_names_the_field_and_changes_nothing(platform, tool):
    conn_id, public_id = _made(tool)
    lt = launch_token(platform, tool, "admin")
    resp = _post(tool, lt, f"/app/admin/sync/{public_id}/edit", title="x", base_url="ftp://x",
                 school="", login="", match_keys="shoe_size", interval_minutes="-1",
                 lookback_weeks="2")
    assert resp.status_code == 400
    assert "Адрес сервера должен начинаться с https://" in resp.text and "shoe_size" in resp.text
    with tool.db.session() as s:
        conn = s.get_one(SourceConnection, conn_id)
        assert conn.title == "Сетевой город" and conn.interval_minutes == 60


def test_delete_asks_for_confirmation_and_keeps_what_was_synced(platform, tool):
    conn_id, public_id = _made(tool)
    lt = launch_token(platform, tool, "admin")
    unconfirmed = _post(tool, lt, f"/app/admin/sync/{public_id}/delete")
    assert unconfirmed.status_code == 400 and "Да, удалить" in unconfirmed.text
    with tool.db.session() as s:
        assert s.get(SourceConnection, conn_id) is not None
    done = _post(tool, lt, f"/app/admin/sync/{public_id}/delete", confirm="yes")
    assert done.status_code == 200 and public_id not in done.text
    with tool.db.session() as s:
        assert s.get(SourceConnection, conn_id) is None
        assert s.scalar(select(func.count(SyncRun.id))) == 0
        assert s.scalar(select(func.count(Person.id)).where(
            Person.display_name == "Ученик из источника")) == 1  # the data stays
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "sync.delete")).one()


def test_others_cannot_edit_or_delete(platform, tool):
    conn_id, public_id = _made(tool)
    theirs = launch_token(platform, tool, "admin", deployment="dep-other")
    teacher = launch_token(platform, tool, "teacher")
    for lt, status in ((theirs, 404), (teacher, 403)):
        assert _post(tool, lt, f"/app/admin/sync/{public_id}/edit",
                     title="чужое").status_code == status
        assert _post(tool, lt, f"/app/admin/sync/{public_id}/delete",
                     confirm="yes").status_code == status
    with tool.db.session() as s:
        conn = s.get_one(SourceConnection, conn_id)
        assert conn.title == "Сетевой город"
