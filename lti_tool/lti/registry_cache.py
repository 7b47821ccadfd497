"""Active registrations (platform + client, deployments) kept per process for a few seconds.

Every login and launch needs the client's platform URLs and the deployment's organisation;
reading them is two of the launch's statements, yet they change only when an administrator
registers, approves or edits a platform. Only *active* registrations are cached, and only
found ones: a pending client, an unknown issuer or deployment is read afresh every time, so
an approval or a new deployment works at once. Any ORM change to a ``Platform``,
``PlatformClient`` or ``Deployment`` in this process empties the cache (at flush and again
at commit); other processes see a change within ``TTL`` seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from lti_tool.lti.models import Deployment, Platform, PlatformClient

TTL = 5.0
_WATCHED = (Platform, PlatformClient, Deployment)
_TABLES = frozenset(str(m.__tablename__) for m in _WATCHED)


@dataclass(frozen=True)
class ClientInfo:
    """What login and launch read of a registration: plain values, safe to share."""

    id: int
    client_id: str
    status: str
    organisation_id: int
    issuer: str
    auth_login_url: str
    jwks_url: str


@dataclass(frozen=True)
class DeploymentInfo:
    id: int
    organisation_id: int


_lock = threading.Lock()
_entries: dict[tuple[Any, ...], tuple[float, Any]] = {}


def clear() -> None:
    with _lock:
        _entries.clear()


def _get(key: tuple[Any, ...]) -> Any:
    with _lock:
        entry = _entries.get(key)
    if entry is not None and time.monotonic() - entry[0] < TTL:
        return entry[1]
    return None


def _put(key: tuple[Any, ...], value: Any) -> None:
    with _lock:
        _entries[key] = (time.monotonic(), value)


_CLIENT_COLUMNS = (PlatformClient.id, PlatformClient.client_id, PlatformClient.status,
                   PlatformClient.organisation_id, Platform.issuer, Platform.auth_login_url,
                   Platform.jwks_url)


def _client_query() -> Any:
    return select(*_CLIENT_COLUMNS).join(Platform, Platform.id == PlatformClient.platform_id)


def _remember(info: ClientInfo) -> ClientInfo:
    if info.status == "active":
        _put(("pk", info.id), info)
        _put(("iss", info.issuer, info.client_id), info)
    return info


def find_client(session: Session, issuer: str, client_id: str | None) -> ClientInfo | None:
    """The registration a login names; without client_id only an issuer's single client."""
    if client_id:
        cached = _get(("iss", issuer, client_id))
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        row = session.execute(_client_query().where(
            Platform.issuer == issuer, PlatformClient.client_id == client_id)).first()
        return _remember(ClientInfo(*row)) if row is not None else None
    rows = session.execute(_client_query().where(Platform.issuer == issuer).limit(2)).all()
    return _remember(ClientInfo(*rows[0])) if len(rows) == 1 else None


def client_by_pk(session: Session, pk: int) -> ClientInfo:
    cached = _get(("pk", pk))
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    return _remember(ClientInfo(*session.execute(
        _client_query().where(PlatformClient.id == pk)).one()))


def find_deployment(session: Session, client: ClientInfo, deployment_id: str
                    ) -> DeploymentInfo | None:
    key = ("dep", client.id, deployment_id)
    cached = _get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    row = session.execute(select(Deployment.id, Deployment.organisation_id).where(
        Deployment.client_pk == client.id, Deployment.deployment_id == deployment_id)).first()
    if row is None:
        return None
    info = DeploymentInfo(*row)
    if client.status == "active":
        _put(key, info)
    return info


def frame_origins(session: Session) -> tuple[str, ...]:
    """Origins of the active platforms (issuer and login URL): the only sites allowed to
    frame the tool (CSP frame-ancestors)."""
    cached = _get(("frame-origins",))
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    rows = session.execute(select(Platform.issuer, Platform.auth_login_url).join(
        PlatformClient, PlatformClient.platform_id == Platform.id).where(
        PlatformClient.status == "active").distinct()).all()
    origins = sorted({_origin(url) for row in rows for url in row if _origin(url)})
    _put(("frame-origins",), tuple(origins))
    return tuple(origins)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


# -- invalidation ----------------------------------------------------------------------------

@event.listens_for(Session, "before_flush")
def _on_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _WATCHED):
            session.info["registry_changed"] = True
            clear()
            return


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _TABLES:
            state.session.info["registry_changed"] = True
            clear()


@event.listens_for(Session, "after_commit")
def _on_commit(session: Session) -> None:
    # Cleared again after commit: a reader between our flush and commit may have cached
    # the old committed row.
    if session.info.pop("registry_changed", False):
        clear()


@event.listens_for(Session, "after_rollback")
def _on_rollback(session: Session) -> None:
    session.info.pop("registry_changed", None)
