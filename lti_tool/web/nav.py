"""The navigation in every page's header: what this viewer may open, and nothing else.

Each entry asks the same access function its view asks (``people.access``), so a link is
shown exactly when following it is allowed. Links carry the launch token like every link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from lti_tool.db import db_session
from lti_tool.web.security import Viewer, app_url, current_viewer


@dataclass(frozen=True)
class Entry:
    """One link: its label, and the endpoint and values if the viewer may open it."""

    label: Any
    target: Callable[[Any, Viewer], tuple[str, dict[str, Any]] | None]


def _class_overview(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    from lti_tool.people import access

    group = access.home_class(dbs, viewer)
    return None if group is None else ("people.class_overview", {"class_id": group.public_id})


def _my_page(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    from lti_tool.people import access

    # A teacher's or admin's home is their class overview (the view redirects there).
    return None if access.home_class(dbs, viewer) is not None else ("people.home", {})


def _admin(endpoint: str) -> Callable[[Any, Viewer], tuple[str, dict[str, Any]] | None]:
    def target(_dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
        from lti_tool.people import access

        return (endpoint, {}) if access.can_administer(viewer) else None

    return target


def _network(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    from lti_tool.network import access

    # Admins always: it is where a school founds a network.
    return ("network.index", {}) if viewer.has("admin") or access.viewer_networks(
        dbs, viewer) else None


def _routes(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    if viewer.has("student", "parent"):
        return ("pathways.home", {})
    return ("pathways.dashboard", {}) if viewer.has("teacher", "admin") else None


def _exchange(dbs: Any, viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    """Network courses: for a school that has partners (the catalog decides the rest)."""
    from lti_tool.exchange.partners import partner_ids

    if not viewer.has("student", "teacher", "admin"):
        return None
    return ("exchange.catalog", {}) if partner_ids(dbs, viewer.organisation_id) else None


def _my_sessions(_dbs: Any, _viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    from flask import g

    # Only where the person signed in on our site: inside the LMS frame there is no session.
    return ("accounts.sessions_page", {}) if g.get("account_session") else None


def _portfolio(_dbs: Any, _viewer: Viewer) -> tuple[str, dict[str, Any]] | None:
    return ("portfolio.home", {})  # everyone launched has a portfolio or a child's


ENTRIES = (
    Entry(_l("Обзор класса"), _class_overview),
    Entry(_l("Моя страница"), _my_page),
    Entry(_l("Маршруты"), _routes),
    Entry(_l("Сетевые курсы"), _exchange),
    Entry(_l("Портфолио"), _portfolio),
    Entry(_l("Подключения LMS"), _admin("lti_admin.index")),
    Entry(_l("Источники данных"), _admin("sync_admin.index")),
    Entry(_l("Сеть"), _network),
    Entry(_l("Учётные записи"), _admin("accounts.local.admin_accounts")),
    Entry(_l("Уведомления"), lambda _dbs, _viewer: ("notifications.index", {})),
    Entry(_l("Мои сеансы"), _my_sessions),
)


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
    for entry in ENTRIES:
        target = entry.target(dbs, viewer)
        if target is None:
            continue
        endpoint, values = target
        current = request.endpoint == endpoint or (
            endpoint.endswith(".index") and (request.endpoint or "").startswith(
                endpoint.rsplit(".", 1)[0] + "."))
        links.append(Link(str(entry.label), app_url(endpoint, **values), current))
    return links
