"""What a teacher can place in a course by Deep Linking. Feature modules register targets.

A target is a key carried in the placed link's custom parameter ``target``; launching the
link opens the target's endpoint for the launching user's role.
"""

from __future__ import annotations

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


_TARGETS: dict[str, Target] = {}


def register(target: Target) -> Target:
    _TARGETS[target.key] = target
    return target


def get(key: str) -> Target | None:
    return _TARGETS.get(key)


def all_targets() -> list[Target]:
    return list(_TARGETS.values())
