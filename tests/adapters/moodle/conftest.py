"""A fresh sandbox Moodle over real HTTP for every test, with its state at hand."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from adapters.moodle.client import MoodleClient
from adapters.moodle.sandbox import TOKEN, MoodleState, create_app, seeded
from tests.servers import serve


@dataclass
class Moodle:
    base: str
    state: MoodleState

    def client(self, token: str = TOKEN, **kwargs: object) -> MoodleClient:
        return MoodleClient(self.base, token, **kwargs)  # type: ignore[arg-type]

    def calls(self, function: str) -> list[tuple[str, int, int]]:
        return [c for c in self.state.calls if c[0] == function]


@pytest.fixture
def moodle() -> Iterator[Moodle]:
    state = seeded()
    with serve(lambda base: create_app(state)) as (base, _app):
        yield Moodle(base, state)
