"""Panels other parts of the network feature add to a network's page (council, calendar).

Kept as a small registry so the network page does not import every sub-feature's views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lti_tool.core.viewer import Viewer
from lti_tool.network.models import Network


@dataclass(frozen=True)
class Panel:
    title: str
    template: str
    context: dict[str, Any]
    order: int = 100  # smaller first: the calendar (overdue tasks) leads


_PROVIDERS: list[Callable[[Any, Viewer, Network], Panel | None]] = []


def provide(fn: Callable[[Any, Viewer, Network], Panel | None]
            ) -> Callable[[Any, Viewer, Network], Panel | None]:
    _PROVIDERS.append(fn)
    return fn


def panels(dbs: Any, viewer: Viewer, network: Network) -> list[Panel]:
    found = [p for p in (fn(dbs, viewer, network) for fn in _PROVIDERS) if p is not None]
    return sorted(found, key=lambda p: p.order)
