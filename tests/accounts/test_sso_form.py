"""The admin's regional sign-in form over HTTP: scope and the identity link's source and
namespace are settable, every field is validated with a Russian message naming it, a refused
form stores nothing and never echoes the secret, only an admin reaches it."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from lti_tool.accounts.models import SsoProvider
from lti_tool.crypto import decrypt
from tests.sync.launches import launch_token

GOOD = {"title": "Вход через «Электронную школу»", "issuer": "https://id.edu.region.ru",
        "client_id": "marshrut", "client_secret": "тайна-клиента-42", "claim": "snils",
        "scope": "openid profile snils", "link_source": "netschool",
        "link_namespace": "https://sgo.region.ru/school/37"}


def _post(tool, lt: str, **changes: str) -> requests.Response:
    return requests.post(tool.base + "/app/admin/sso", data={"lt": lt, **GOOD, **changes},
                         timeout=30)


def _count(tool) -> int:
    with tool.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(SsoProvider)) or 0)


def test_scope_and_link_namespace_are_saved(platform, tool):
    lt = launch_token(platform, tool, "admin")
    page = requests.get(tool.base + "/app/admin/sso", params={"lt": lt}, timeout=30)
    assert 'name="scope"' in page.text and 'name="link_namespace"' in page.text
    resp = _post(tool, lt, scope="  openid   profile\tsnils ")
    assert resp.status_code == 200 and "Региональный вход сохранён" in resp.text
    with tool.db.session() as s:
        row = s.scalars(select(SsoProvider)).one()
        assert (row.scope, row.claim, row.link_source, row.link_namespace) == (
            "openid profile snils", "snils", "netschool", "https://sgo.region.ru/school/37")
        assert decrypt(row.client_secret, tool.app.config["SECRET_KEY"]) == GOOD["client_secret"]
    assert "https://sgo.region.ru/school/37" in resp.text
    # Blank optional fields take the defaults: the usual scope, links of its own, the issuer.
    plain = _post(tool, lt, title="Второй", scope="", claim="", link_source="",
                  link_namespace="")
    assert plain.status_code == 200
    with tool.db.session() as s:
        row = s.scalars(select(SsoProvider).where(SsoProvider.title == "Второй")).one()
        assert (row.scope, row.claim, row.link_source, row.link_namespace) == (
            "openid email profile", "sub", "oidc", "")


def test_bad_fields_are_named_and_nothing_is_stored(platform, tool):
    lt = launch_token(platform, tool, "admin")
    cases = {
        "scope": ("profile email", "нужна область openid"),
        "claim": ("имя пользователя", "Утверждение: латинские буквы"),
        "link_source": ("esia", "Связь: выберите систему из списка"),
        "link_namespace": ("a\x01b", "Пространство имён связи"),
        "issuer": ("ftp://id.region.ru", "Издатель: адрес вида https://"),
        "title": ("", "Название: укажите"),
        "client_secret": ("", "Секрет клиента: укажите"),
    }
    for field, (value, message) in cases.items():
        resp = _post(tool, lt, **{field: value})
        assert resp.status_code == 400, field
        assert f'data-error="{field}"' in resp.text and message in resp.text, field
        assert GOOD["client_secret"] not in resp.text  # the secret is never shown back
    wrong_scope = _post(tool, lt, scope='openid "email"')
    assert wrong_scope.status_code == 400 and "слова через пробел" in wrong_scope.text
    assert _count(tool) == 0


def test_only_an_admin_configures_regional_sign_in(platform, tool):
    for role in ("teacher", "student"):
        assert _post(tool, launch_token(platform, tool, role)).status_code == 403
    assert _count(tool) == 0
