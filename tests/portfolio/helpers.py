"""Portfolio test helpers: real signed launches as any role (parents included), small
files with real signatures, and a snapshot of everything a refused request must not touch."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import requests
from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.people.models import Guardianship, IdentityLink, Person
from lti_tool.portfolio.models import Achievement, Consent, Evidence, ModerationEvent
from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR, LEARNER
from tests.e2e.flow import accepted
from tests.e2e.lti_helpers import begin_login, post_launch, sign, valid_claims

MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
ROLES = {"admin": [ADMIN, INSTRUCTOR], "teacher": [INSTRUCTOR], "student": [LEARNER],
         "parent": [MENTOR]}
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class Who:
    lt: str
    sub: str
    base: str

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(self.base + path, params={"lt": self.lt, **params}, timeout=30,
                            allow_redirects=False)

    def post(self, path: str, data: dict[str, Any] | None = None,
             files: Any = None) -> requests.Response:
        return requests.post(self.base + path, data={"lt": self.lt, **(data or {})},
                             files=files, timeout=30, allow_redirects=False)


def launch(platform: Any, tool: Any, role: str, sub: str, *, deployment: str = "dep-school",
           course: str = "algebra-10a", name: str = "") -> Who:
    client = requests.Session()
    auth = begin_login(client, platform, tool.base)
    claims = valid_claims(platform, auth, sub=sub, name=name or sub, lti_roles=ROLES[role],
                          lti_deployment_id=deployment,
                          lti_context={"id": course, "title": course})
    resp = post_launch(client, tool.base, sign(platform, claims), auth["state"])
    return Who(accepted(resp), sub, tool.base)


def person_id(tool: Any, sub: str) -> tuple[int, str]:
    with tool.db.session() as s:
        row = s.execute(select(Person.id, Person.public_id).join(
            IdentityLink, IdentityLink.person_id == Person.id).where(
            IdentityLink.external_id == sub)).one()
        return int(row[0]), str(row[1])


def make_parent(tool: Any, parent_sub: str, child_sub: str) -> None:
    """A guardianship as the school system's roster brings it."""
    with tool.db.session() as s:
        parent, child = person_id(tool, parent_sub)[0], person_id(tool, child_sub)[0]
        s.add(Guardianship(parent_id=parent, child_id=child))
        s.commit()


def item_ids(resp: requests.Response) -> str:
    found = re.search(r"/app/portfolio/a/([A-Za-z0-9_-]+)", resp.headers.get("Location", ""))
    assert found, (resp.status_code, resp.text[:500])
    return found.group(1)


def snapshot(tool: Any) -> dict[str, Any]:
    """Everything a refused request could have changed."""
    with tool.db.session() as s:
        items = [(a.public_id, a.status, a.title, a.description, a.reject_reason,
                  a.published, a.original) for a in s.scalars(
            select(Achievement).order_by(Achievement.id))]
        consents = [(c.id, c.revoked_at) for c in s.scalars(select(Consent))]
        return {"items": items, "consents": consents,
                "events": s.scalar(select(func.count()).select_from(ModerationEvent)),
                "files": s.scalar(select(func.count()).select_from(Evidence)),
                "audit": s.scalar(select(func.count()).select_from(AuditEntry))}


def add(who: Who, title: str = "Призёр олимпиады по математике", **extra: Any) -> str:
    data = {"section": "study", "title": title, "level": "regional", "result": "prizewinner",
            "achieved_on": "2026-10-15", "description": "Региональный этап ВсОШ", **extra}
    resp = who.post("/app/portfolio/new", data,
                    files=[("files", ("диплом.pdf", PDF, "application/pdf"))])
    assert resp.status_code == 303, resp.text[:800]
    return item_ids(resp)
