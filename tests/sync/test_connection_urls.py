"""A sync server URL typed in the web form may not point at the tool's own network (SSRF):
the form is refused with the reason on the field and nothing is stored."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from lti_tool.db import Database
from lti_tool.people.models import Organisation
from lti_tool.sync import services
from lti_tool.sync.models import SourceConnection

FORM = dict(kind="netschool", title="Сетевой город", school="МБОУ СОШ № 37", login="zavuch",
            password="Секрет-123")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "https://localhost",
                                 "http://10.1.2.3", "http://169.254.169.254",
                                 "http://[::1]:5000", "https://admin@sgo.example.ru"])
def test_internal_server_urls_are_refused(database_url, url):
    db = Database(database_url)
    with db.session() as s:
        org = Organisation(slug="school", name="Школа")
        s.add(org)
        s.flush()
        with pytest.raises(ValidationError) as err:
            services.create_connection(s, org.id, {**FORM, "base_url": url}, "k", None,
                                       public_urls_only=True)
        assert "base_url" in err.value.messages
        assert "не принимается" in str(err.value.messages["base_url"])
        s.rollback()
    with db.session() as s:
        assert s.scalar(select(func.count(SourceConnection.id))) == 0
