"""Drive LTI flows over HTTP like a browser without JavaScript would: follow redirects and
submit the auto-posting forms (the platform's launch form, the tool's deep-link reply)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import requests
from lxml import html


def autosubmit_form(resp: requests.Response) -> tuple[str, dict[str, str]] | None:
    if "text/html" not in resp.headers.get("Content-Type", ""):
        return None
    doc = html.fromstring(resp.text)
    forms = doc.xpath('//form[@id="autosubmit"]')
    if not forms:
        return None
    form = forms[0]
    fields = {i.get("name"): i.get("value", "") for i in form.xpath(".//input[@name]")}
    return urljoin(resp.url, form.get("action")), fields


def follow(client: requests.Session, resp: requests.Response, limit: int = 10) -> requests.Response:
    """Submit auto-posting forms until a normal page (or an error) comes back."""
    for _ in range(limit):
        found = autosubmit_form(resp)
        if found is None:
            return resp
        action, fields = found
        resp = client.post(action, data=fields, timeout=30)
    raise AssertionError("too many auto-submitted forms")


def get(client: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    return follow(client, client.get(url, timeout=30, **kwargs))


PAGE_URL = re.compile(r"history\.replaceState\(null, '', \"([^\"]+)\"\)")


def page_url(resp: requests.Response) -> str:
    """Where the browser shows the page: a redirect's target, the address an in-response
    first page gives itself (``history.replaceState``), or the address it was fetched from."""
    if resp.is_redirect:
        return urljoin(resp.url, resp.headers["Location"])
    found = PAGE_URL.search(resp.text)
    return urljoin(resp.url, json.loads(f'"{found.group(1)}"')) if found else resp.url


def launch_token(resp: requests.Response) -> str:
    """The signed launch token the tool put into its own links after the launch."""
    url = page_url(resp)
    token = parse_qs(urlparse(url).query).get("lt", [""])[0]
    assert token, f"no launch token in {url}"
    return token


def accepted(resp: requests.Response) -> str:
    """An accepted launch answers with its first page (or a redirect: a deep-linking launch
    to the picker, a teacher's home to the class); returns the launch token. A refusal
    fails here with the tool's error page."""
    assert resp.status_code == 200 or resp.is_redirect, resp.text
    assert "/app/" in page_url(resp) or "/lti/deeplink" in page_url(resp), page_url(resp)
    return launch_token(resp)
