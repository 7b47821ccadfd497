"""The navigation in every page's header: what this viewer may open, and nothing else.

Features register their entries (as Deep Linking targets are registered); each entry asks
the same access function its view asks, so a link is shown exactly when following it is
allowed. Links carry the launch token like every link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request

from lti_tool.core.viewer import Viewer, app_url, can_administer, current_viewer
from lti_tool.db import db_session

#: (database session, viewer) → (endpoint, values) if this viewer may open it, else None.
Target = Callable[[Any, Viewer], "tuple[str, dict[str, Any]] | None"]


@dataclass(frozen=True)
class Entry:
    """One link: its label, and the endpoint and values if the viewer may open it. Entries
    are shown by ``order`` (people's pages 10–20, admin pages 100+)."""

    label: Any
    target: Target
    order: int = 50


_ENTRIES: dict[str, Entry] = {}


def register(key: str, entry: Entry) -> Entry:
    _ENTRIES[key] = entry
    return entry


def admin_only(endpoint: str) -> Target:
    """A link to an admin page: shown to whom ``admin_required`` lets in."""
    def target(_dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
        return (endpoint, {}) if can_administer(viewer) else None

    return target


def entries() -> list[Entry]:
    return sorted(_ENTRIES.values(), key=lambda e: e.order)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool


def nav_links() -> list[Link]:
    """The header links for the current viewer (none without a launch)."""
    viewer = current_viewer()
    if viewer is None:
        return []
    dbs, links = db_session(), []
    for entry in entries():
        target = entry.target(dbs, viewer)
        if target is None:
            continue
        endpoint, values = target
        current = request.endpoint == endpoint or (
            endpoint.endswith(".index") and (request.endpoint or "").startswith(
                endpoint.rsplit(".", 1)[0] + "."))
        links.append(Link(str(entry.label), app_url(endpoint, **values), current))
    return links
