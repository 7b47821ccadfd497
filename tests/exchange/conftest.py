"""Exchange fixtures: the tool with its two schools (``school`` = home, ``other`` = host),
a third organisation outside the network, launches as any role, and a course at the host."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.exchange.models import (
    CourseRequest,
    GradebookLink,
    MarkPush,
    NetworkCourse,
    NetworkGroup,
    ReportCard,
    TimetableSlot,
    TransferPackage,
)
from lti_tool.lti import registry
from lti_tool.lti.models import PlatformClient
from lti_tool.network import services as network
from lti_tool.people.models import Organisation
from tests.sync.launches import launch_token

COURSE_FORM = {
    "title": "Химия в медицине", "subject": "Химия", "level": "advanced", "grades": "10-11",
    "hours": "34", "format": "on_site", "place": "каб. 214", "capacity": "2",
    "schedule": "Вт 15:00-15:45; Чт 15:00-15:45", "starts_on": "2026-09-01",
    "ends_on": "2027-05-25", "teacher_name": "Орлова Н. В.", "published": "true",
    "prerequisites": "Химия 9 класса", "description": "Лабораторный курс.",
}


@dataclass
class Net:
    tool: Any
    platform: Any
    outsider_org_id: int
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, role: str, school: str = "school", n: int = 1, sub: str = "") -> str:
        key = f"{role}-{school}-{n}{sub}"
        if key not in self.tokens:
            self.tokens[key] = launch_token(
                self.platform, self.tool, role, sub=sub or key,
                name=f"{role.title()} {n} {school}", deployment=f"dep-{school}")
        return self.tokens[key]

    def get(self, path: str, token: str, **params: Any) -> requests.Response:
        return requests.get(self.tool.base + path, params={"lt": token, **params}, timeout=30)

    def post(self, path: str, token: str, data: dict[str, str] | None = None,
             ) -> requests.Response:
        return requests.post(self.tool.base + path, data={"lt": token, **(data or {})},
                             timeout=30, allow_redirects=False)

    def add_course(self, host: str = "other", **changes: str) -> str:
        resp = self.post("/app/exchange/courses/new", self.token("admin", host),
                         {**COURSE_FORM, **changes})
        assert resp.status_code == 303, resp.text[:2000]
        return resp.headers["Location"].split("/courses/")[1].split("?")[0]

    def snapshot(self) -> dict[str, Any]:
        """Everything exchange keeps, to assert that a refused step changed nothing."""
        with self.tool.db.session() as s:
            out: dict[str, Any] = {}
            for model in (NetworkCourse, NetworkGroup, CourseRequest, TimetableSlot,
                          TransferPackage, ReportCard, GradebookLink, MarkPush):
                out[model.__tablename__] = sorted(
                    tuple(sorted((k, repr(v)) for k, v in vars(row).items()
                                 if not k.startswith("_")))
                    for row in s.scalars(select(model)))
            out["audit"] = s.scalar(select(func.count()).select_from(AuditEntry))
            return out

    def requests(self) -> list[CourseRequest]:
        with self.tool.db.session() as s:
            return list(s.scalars(select(CourseRequest).order_by(CourseRequest.id)))


@pytest.fixture
def net(tool, platform) -> Net:
    """Home ``school`` and host ``other`` are partners; ``outside`` is not in the network."""
    with tool.db.session() as s:
        network.create_network(
            s, slug="set-37", name="Сеть школ Костромы", coordinator_id=tool.org_id,
            founders=[network.Founder(tool.other_org_id)], joined_on=date(2026, 1, 1))
        outside = Organisation(slug="outside", name="Лицей № 5")
        s.add(outside)
        s.flush()
        client = s.get(PlatformClient, tool.client_pk)
        dep = registry.add_deployment(s, client, "dep-outside")
        dep.organisation_id = outside.id
        s.commit()
        outsider = outside.id
    return Net(tool, platform, outsider)
