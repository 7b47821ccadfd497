"""A parent signs in with their «Сетевой город» sandbox account in chromium on a phone-sized
screen (360 px) and sees their child's marks; every page they reach fits the width."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.netschool.sandbox import DEMO_PASSWORD
from tests.accounts.conftest import SignIn, signin  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def _fits(page: Any) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > PHONE["width"] + 1:
        print(page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 362)
            .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' +
                 Math.round(e.getBoundingClientRect().right))"""))
        page.screenshot(path="/tmp/phone.png", full_page=True)
    assert width <= PHONE["width"] + 1, f"{page.url} is {width}px wide on a 360px screen"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_parent_signs_in_on_a_phone_and_sees_the_childs_marks(browser, signin: SignIn):  # noqa: F811
    login = signin.parent()
    context = browser.new_context(viewport=PHONE, locale="ru-RU", is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(signin.tool.base + "/signin")
        _fits(page)
        form = page.locator('[data-testid="netschool-signin"] form')
        form.locator("select[name=school]").select_option(signin.schools["school"])
        form.locator("input[name=login]").fill(login)
        form.locator("input[name=password]").fill("неверный")
        form.locator("button[type=submit]").click()
        refusal = page.locator('[data-testid="refusal"]')
        refusal.wait_for()
        assert "Неправильный пароль" in refusal.inner_text()
        _fits(page)
        form.locator("input[name=password]").fill(DEMO_PASSWORD)
        form.locator("button[type=submit]").click()
        page.wait_for_url(signin.tool.base + "/app/")
        child = signin.children_of(login)[0]
        page.get_by_text(child).first.wait_for()
        assert page.locator(".mark").count() > 0  # the child's marks from the school
        _fits(page)
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["marshrut_signin"]["httpOnly"]
        assert cookies["marshrut_signin"]["sameSite"] == "Lax"
        for path in ("/app/notifications/", "/account/sessions"):
            page.goto(signin.tool.base + path)
            page.locator("h1").wait_for()
            _fits(page)
        page.locator('[data-testid="signout"]').click()
        page.wait_for_url(signin.tool.base + "/signin")
        assert page.goto(signin.tool.base + "/app/").status == 401
    finally:
        context.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_roles_main_pages_fit_a_phone(browser, platform, signin: SignIn):  # noqa: F811
    """Student and parent by sign-in, teacher and admin by launch token: the pages their
    navigation offers fit 360 px (a wide table scrolls inside its own box)."""
    import re

    import requests

    from tests.sync.launches import launch_token

    ways: dict[str, dict[str, str]] = {}
    for role in ("teacher", "admin"):
        ways[role] = {"lt": launch_token(platform, signin.tool, role)}
    world = signin.state.world
    for role, login in (("student", world.people[world.students_of(1001)[0]].login),
                        ("parent", signin.parent())):
        client = requests.Session()
        assert signin.sign_in(client, login).status_code == 303
        ways[role] = {"cookie": client.cookies["marshrut_signin"]}
    context = browser.new_context(viewport=PHONE, locale="ru-RU", is_mobile=True)
    context.set_default_timeout(20_000)
    wide = []
    try:
        for role, way in ways.items():
            context.clear_cookies()
            if "cookie" in way:
                context.add_cookies([{"name": "marshrut_signin", "value": way["cookie"],
                                      "url": signin.tool.base}])
            page = context.new_page()
            query = f"?lt={way['lt']}" if "lt" in way else ""
            page.goto(signin.tool.base + "/app/" + query)
            links = [a.get_attribute("href") for a in
                     page.locator('[data-testid="nav"] a').all()]
            for href in [page.url, *links]:
                page.goto(href if href.startswith("http") else signin.tool.base + href)
                width = page.evaluate("document.scrollingElement.scrollWidth")
                if width > PHONE["width"] + 1:
                    culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > 362
                                && !(e.parentElement.closest('.table-wrap')))
                        .slice(0, 4).map(e => e.tagName + '.' + e.className)""")
                    wide.append((role, re.sub(r"lt=[^&]+", "lt=…", page.url), width, culprits))
            page.close()
    finally:
        context.close()
    assert not wide, wide


OFFLINE = {"ru": "Нет связи: это сохранённая копия", "en": "No connection: this is a saved copy"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_installable_and_the_last_seen_page_opens_offline(browser, signin: SignIn,  # noqa: F811
                                                         lang: str):
    import io

    import requests
    from PIL import Image

    manifest = requests.get(signin.tool.base + "/manifest.webmanifest", timeout=30)
    assert manifest.headers["Content-Type"] == "application/manifest+json"
    assert manifest.json()["display"] == "standalone"
    pngs = {i["sizes"]: i["src"] for i in manifest.json()["icons"] if i["type"] == "image/png"}
    assert set(pngs) == {"192x192", "512x512"}  # phones that take no SVG icon
    for sizes, src in pngs.items():
        icon = requests.get(signin.tool.base + src, timeout=30)
        assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/png"
        width, height = Image.open(io.BytesIO(icon.content)).size
        assert f"{width}x{height}" == sizes
    context = browser.new_context(viewport=PHONE, locale="ru-RU")
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(signin.tool.base + "/signin")
        form = page.locator('[data-testid="netschool-signin"] form')
        form.locator("select[name=school]").select_option(signin.schools["school"])
        form.locator("input[name=login]").fill(signin.parent())
        form.locator("input[name=password]").fill(DEMO_PASSWORD)
        form.locator("button[type=submit]").click()
        page.wait_for_url(signin.tool.base + "/app/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.goto(signin.tool.base + f"/app/?lang={lang}")  # controlled now: this copy is kept
        child = signin.children_of(signin.parent())[0]
        page.get_by_text(child).first.wait_for()
        context.set_offline(True)
        page.reload()
        note = page.locator('[data-testid="offline"]')
        note.wait_for()
        assert OFFLINE[lang] in note.inner_text()  # in the kept page's language
        assert child in page.content()
        context.set_offline(False)
        page.goto(signin.tool.base + "/app/")
        assert page.locator('[data-testid="offline"]').count() == 0
    finally:
        context.close()
