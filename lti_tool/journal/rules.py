"""Pure diffing of what we hold against what a source returned: the heart of idempotency.

A re-sync with no remote change yields an empty diff, so nothing is written.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class Diff(Generic[K]):
    create: list[K] = field(default_factory=list)
    update: list[K] = field(default_factory=list)
    delete: list[K] = field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.create or self.update or self.delete)


def diff(held: Mapping[K, V], incoming: Mapping[K, V], *, delete_missing: bool = True) -> Diff[K]:
    """Keys to create, update (value differs) and delete (held, no longer returned)."""
    result: Diff[K] = Diff()
    for key, value in incoming.items():
        if key not in held:
            result.create.append(key)
        elif held[key] != value:
            result.update.append(key)
        else:
            result.unchanged += 1
    if delete_missing:
        result.delete = [key for key in held if key not in incoming]
    return result
