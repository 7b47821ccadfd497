"""Drive LTI flows over HTTP like a browser without JavaScript would: follow redirects and
submit the auto-posting forms (the platform's launch form, the tool's deep-link reply)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

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


def launch_token(resp: requests.Response) -> str:
    """The signed launch token the tool put into its own links after the launch."""
    from urllib.parse import parse_qs, urlparse

    token = parse_qs(urlparse(resp.url).query).get("lt", [""])[0]
    assert token, f"no launch token in {resp.url}"
    return token
