"""A fresh Сетевой город sandbox per test, served over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from adapters.netschool.adapter import NetSchoolSource
from adapters.netschool.sandbox import DEMO_PASSWORD, SandboxApp, State, World, create_app
from tests.servers import serve

SCHOOL = "МБОУ СОШ №37"
SCHOOL_ID = 1001


@dataclass
class Sandbox:
    base: str
    app: SandboxApp

    @property
    def state(self) -> State:
        return self.app.state

    @property
    def world(self) -> World:
        return self.app.state.world

    def control(self, method: str, path: str, **body: Any) -> Any:
        """The control API over HTTP, as the demo and other processes use it."""
        resp = requests.request(method, f"{self.base}/sandbox/{path}", json=body, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def family(self, children: int = 2, school: int = SCHOOL_ID) -> tuple[str, list[int]]:
        """Login of a parent with at least ``children`` children, and the children."""
        for parent, kids in self.world.children_of.items():
            if len(kids) >= children and self.world.people[parent].school_id == school:
                return self.world.people[parent].login, list(kids)
        raise LookupError("no such family in the demo data")

    def source(self, login: str = "zavuch1001", password: str = DEMO_PASSWORD,
               school: str | int = SCHOOL, **kw: Any) -> NetSchoolSource:
        return NetSchoolSource(self.base, login, password, school, **kw)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with serve(lambda base: create_app()) as (base, app):
        yield Sandbox(base, app)
