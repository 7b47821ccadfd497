"""OneRoster drops come by upload from the web, never as a server path (issue 7, High: a
school admin could probe the server's disk or import another school's file)."""

from __future__ import annotations

import io
import zipfile

import requests
from sqlalchemy import func, select

from lti_tool.sync.models import SourceConnection
from tests.adapters.oneroster.sets import BULK
from tests.sync.launches import launch_token


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in BULK.items():
            archive.writestr(name, text)
    return buf.getvalue()


def _post(tool, lt: str, url: str, files=None, **data: str) -> requests.Response:
    return requests.post(tool.base + url, data={"lt": lt, **data}, files=files, timeout=30)


def _count(tool) -> int:
    with tool.db.session() as s:
        return int(s.scalar(select(func.count(SourceConnection.id))) or 0)


def test_a_typed_server_path_is_ignored_and_a_file_is_required(platform, tool, tmp_path):
    secret = tmp_path / "other-school.zip"
    secret.write_bytes(_zip())
    lt = launch_token(platform, tool, "admin")
    resp = _post(tool, lt, "/app/admin/sync/", kind="oneroster", title="SIS", path=str(secret))
    assert resp.status_code == 400
    assert "Загрузите zip-архив выгрузки OneRoster" in resp.text
    assert _count(tool) == 0


def test_an_uploaded_drop_is_stored_in_the_schools_folder(platform, tool):
    lt = launch_token(platform, tool, "admin")
    resp = _post(tool, lt, "/app/admin/sync/", kind="oneroster", title="SIS",
                 files={"file": ("roster.zip", _zip(), "application/zip")})
    assert resp.status_code == 200, resp.text
    with tool.db.session() as s:
        conn = s.scalars(select(SourceConnection)).one()
        path = conn.settings["path"]
    assert f"/uploads/oneroster/org{tool.org_id}/" in path and path.endswith(".zip")
    assert path not in resp.text  # the server's disk layout is not shown
    not_zip = _post(tool, lt, f"/app/admin/sync/{conn.public_id}/upload",
                    files={"file": ("roster.zip", b"not a zip", "application/zip")})
    assert not_zip.status_code == 400 and "Это не zip-архив" in not_zip.text
    with tool.db.session() as s:
        assert s.get(SourceConnection, conn.id).settings["path"] == path  # unchanged


def test_another_schools_admin_cannot_upload_to_our_connection(platform, tool):
    lt = launch_token(platform, tool, "admin")
    _post(tool, lt, "/app/admin/sync/", kind="oneroster", title="SIS",
          files={"file": ("roster.zip", _zip(), "application/zip")})
    with tool.db.session() as s:
        conn = s.scalars(select(SourceConnection)).one()
        public_id, path = conn.public_id, conn.settings["path"]
    theirs = launch_token(platform, tool, "admin", deployment="dep-other")
    resp = _post(tool, theirs, f"/app/admin/sync/{public_id}/upload",
                 files={"file": ("roster.zip", _zip(), "application/zip")})
    assert resp.status_code == 404
    teacher = launch_token(platform, tool, "teacher")
    assert _post(tool, teacher, f"/app/admin/sync/{public_id}/upload",
                 files={"file": ("r.zip", _zip(), "application/zip")}).status_code == 403
    with tool.db.session() as s:
        assert s.get(SourceConnection, conn.id).settings["path"] == path
