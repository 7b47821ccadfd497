"""An LTI launch is a session: its signed token finds the ``Launch`` row and makes the viewer.

Registered with :mod:`lti_tool.core.viewer` as a loader, so the shared viewer code never
imports this feature (other ways in register their own loaders).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g
from sqlalchemy import Table, bindparam, select

from lti_tool.core import viewer as viewers
from lti_tool.core.viewer import Viewer
from lti_tool.db import db_session, utcnow
from lti_tool.lti.models import Launch

_LAUNCH_TABLE: Table = Launch.__table__  # type: ignore[assignment]
_LAUNCH_BY_TOKEN = select(_LAUNCH_TABLE).where(_LAUNCH_TABLE.c.token_id == bindparam("token_id"))


def sign_launch(launch: Launch) -> str:
    return viewers.sign_token(launch.token_id)


def viewer_of(launch: Launch) -> Viewer:
    return Viewer(person_id=launch.person_id, organisation_id=launch.organisation_id,
                  roles=frozenset(launch.roles), class_id=launch.class_id, launch_id=launch.id,
                  locale=launch.locale)


@viewers.register_loader
def _load(token_id: str) -> Viewer | None:
    row = db_session().execute(_LAUNCH_BY_TOKEN, {"token_id": token_id}).first()
    if row is None or row.expires_at < utcnow():
        return None
    # Every page asks this first: a Core row made into a detached Launch costs a fraction of
    # an ORM load, and nothing changes a launch after it is recorded.
    launch = Launch(**row._mapping)
    g.launch = launch
    return viewer_of(launch)


def adopt_launch(launch: Launch, token: str) -> None:
    """Make a launch just accepted the current one, as if its token came with the request."""
    g.launch = launch
    viewers.adopt(viewer_of(launch), token)


def current_launch() -> Launch | None:
    """The launch behind the current viewer (None for a viewer who came in another way)."""
    viewers.current_viewer()
    return g.get("launch")  # type: ignore[no-any-return]


@dataclass(frozen=True)
class LmsContext:
    """What another feature needs of the launch behind a request, so it never reads
    ``lti.models``: the deployment (its key reaches the LMS's services), the class the launch
    named, and the LMS services it offered, by name (``ags``, ``nrps``: the claims' data)."""

    deployment_pk: int
    class_id: int | None
    services: dict[str, Any]


def current_lms_context() -> LmsContext | None:
    """The LMS side of the current launch; None for a viewer who came in another way."""
    launch = current_launch()
    if launch is None:
        return None
    return LmsContext(launch.deployment_pk, launch.class_id, dict(launch.services or {}))
