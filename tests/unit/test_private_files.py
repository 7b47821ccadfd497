"""Files holding minors' personal data are private whoever starts us (issue 7): the
instance folder 0700, the databases and the secret key 0600, even under a umask of 022
(gunicorn or a WSGI host started without ``marshrut``'s umask)."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from lti_tool.config import Settings
from lti_tool.db import Database


@pytest.fixture
def open_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_instance_files_are_private_under_an_open_umask(tmp_path, monkeypatch, open_umask):
    for name in ("MARSHRUT_SECRET_KEY", "MARSHRUT_DATABASE_URL", "MARSHRUT_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    settings = Settings.from_env(instance_path=instance)
    db = Database(settings.database_url)
    with db.engine.begin() as conn:  # SQLite writes the file and its journal now
        conn.execute(text("create table t (x integer)"))
        conn.execute(text("insert into t values (1)"))
    db.engine.dispose()
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    for name in ("marshrut.sqlite", "jobs.sqlite", "secret_key"):
        mode = stat.S_IMODE((instance / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
    with_wal = [p for p in instance.iterdir() if p.name.startswith("marshrut.sqlite-")]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in with_wal)
