"""Build an adapter from a stored connection: the only place the app names adapter classes.

Imports are lazy so a deployment without, say, Moodle never loads its client.
"""

from __future__ import annotations

from typing import Any


def build(kind: str, settings: dict[str, Any], secret: str, **tuning: Any) -> Any:
    """``tuning`` passes through to the adapter (timeouts in tests, page sizes in benches)."""
    if kind == "netschool":
        from adapters.netschool.adapter import NetSchoolSource

        return NetSchoolSource(base_url=settings["base_url"], login=settings["login"],
                               password=secret, school=settings["school"], **tuning)
    if kind == "moodle":
        from adapters.moodle.adapter import MoodleSource

        return MoodleSource(base_url=settings["base_url"], token=secret, **tuning)
    if kind == "oneroster":
        from adapters.oneroster.adapter import OneRosterSource

        return OneRosterSource(settings["path"])
    raise ValueError(f"unknown source kind {kind!r}")
