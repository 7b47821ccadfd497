"""The one access sequence every page and JSON call about a thing asks (Indico's
``_check_access``): load by public id → 404 when absent *or another organisation's* (nobody
learns which ids are real elsewhere) → 403 when it exists here but this viewer may not.

The *decision* stays with the entity's feature (``can_view_class``, ``can_edit_route``...);
this module only fixes the order and the answers, so a page and the API cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.viewer import Viewer

T = TypeVar("T")
#: (session, viewer, entity) → may this viewer do it?
Check = Callable[[Session, Viewer, T], bool]


def load_or_404(session: Session, model: type[T], public_id: str, viewer: Viewer,
                *checks: Check[T]) -> T:
    """The entity of this organisation with this public id, if every check allows it."""
    column: Any = getattr(model, "public_id")  # noqa: B009 (any model with a public id)
    entity: Any = session.scalars(select(model).where(column == public_id)).first()
    if entity is None or entity.organisation_id != viewer.organisation_id:
        abort(404)
    if not all(check(session, viewer, entity) for check in checks):
        abort(403)
    return entity  # type: ignore[no-any-return]
