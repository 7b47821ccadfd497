"""What a teacher can place in a course by Deep Linking. Feature modules register targets.

A target is a key carried in the placed link's custom parameter ``target``; launching the
link opens the target's endpoint for the launching user's role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import LazyString


@dataclass(frozen=True)
class Target:
    key: str
    title: LazyString | str
    description: LazyString | str
    endpoint: str
    #: Only for a target that posts one score per student to its own placement (an
    #: assignment): the LMS then gets a gradebook column (AGS line item) with this maximum.
    #: None for everything else, or every placement adds a column nobody fills.
    score_maximum: float | None = None
    #: For a target that places one of many things (a network course): lists (argument,
    #: title) the current viewer may place; the link carries ``key:argument`` and the
    #: endpoint reads the argument from the launch's target (:func:`argument`).
    choices: Callable[[], list[tuple[str, str]]] | None = None


_TARGETS: dict[str, Target] = {}


def register(target: Target) -> Target:
    _TARGETS[target.key] = target
    return target


def get(key: str) -> Target | None:
    """A target by its key; ``key:argument`` finds the target that takes choices."""
    found = _TARGETS.get(key)
    if found is None and ":" in key:
        base = _TARGETS.get(key.split(":", 1)[0])
        found = base if base is not None and base.choices is not None else None
    return found


def argument(key: str) -> str:
    """The chosen thing of a ``key:argument`` placement ("" for a plain target)."""
    return key.split(":", 1)[1] if ":" in key else ""


def all_targets() -> list[Target]:
    return list(_TARGETS.values())
