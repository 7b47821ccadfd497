"""Launch tokens for sync pages: a real signed launch through the tool, as any role, in
either school (``dep-school`` or ``dep-other``)."""

from __future__ import annotations

import requests

from lti_tool.sandbox.platform import ADMIN, INSTRUCTOR, LEARNER
from tests.e2e.flow import accepted
from tests.e2e.lti_helpers import begin_login, post_launch, sign, valid_claims

ROLES = {"admin": [ADMIN, INSTRUCTOR], "teacher": [INSTRUCTOR], "student": [LEARNER]}


def launch_token(platform, tool, role: str, *, sub: str | None = None,
                 deployment: str = "dep-school", name: str = "") -> str:
    client = requests.Session()
    auth = begin_login(client, platform, tool.base)
    claims = valid_claims(platform, auth, sub=sub or f"{role}-{deployment}",
                          name=name or f"{role} {deployment}", lti_roles=ROLES[role],
                          lti_deployment_id=deployment)
    resp = post_launch(client, tool.base, sign(platform, claims), auth["state"])
    return accepted(resp)
