"""Build an adapter from a stored connection: the only place the app names adapter classes.

Imports are lazy so a deployment without, say, Moodle never loads its client.
"""

from __future__ import annotations

from typing import Any


def build(kind: str, settings: dict[str, Any], secret: str, *, public_urls_only: bool = False,
          **tuning: Any) -> Any:
    """``tuning`` passes through to the adapter (timeouts in tests, page sizes in benches).

    The server URL was typed by a school admin: the adapter's session follows no redirect
    and, with ``public_urls_only`` (MARSHRUT_ALLOW_PRIVATE_URLS off), connects only to public
    addresses, checked at every connection, not only when the form was saved.
    """
    from adapters.outbound import guard_session

    if kind == "netschool":
        from adapters.netschool.adapter import NetSchoolSource

        ns = NetSchoolSource(base_url=settings["base_url"], login=settings["login"],
                             password=secret, school=settings["school"], **tuning)
        guard_session(ns.client.http, allow_private=not public_urls_only)
        return ns
    if kind == "moodle":
        from adapters.moodle.adapter import MoodleSource

        moodle = MoodleSource(base_url=settings["base_url"], token=secret, **tuning)
        guard_session(moodle.client.session, allow_private=not public_urls_only)
        return moodle
    if kind == "oneroster":
        from adapters.oneroster.adapter import OneRosterSource

        return OneRosterSource(settings["path"])
    raise ValueError(f"unknown source kind {kind!r}")
