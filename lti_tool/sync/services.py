"""Use cases of the sync feature: connect a source, test it, run a sync, read the reports,
link unmatched people. Views, the CLI and the job queue all come through here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from adapters.base import RemoteError
from adapters.outbound import RefusedURL, check_public_host
from lti_tool.core.audit import audit
from lti_tool.crypto import decrypt, encrypt, reencrypt
from lti_tool.db import Database, utcnow
from lti_tool.people import queries as people_q
from lti_tool.people import services as people_services
from lti_tool.people.services import Person
from lti_tool.sync import politeness, sources
from lti_tool.sync.engine import Progress, RunResult, SyncOptions, run_sync
from lti_tool.sync.identity import link_by_hand, unlink_by_hand
from lti_tool.sync.models import (
    SourceConnection,
    SyncCheckpoint,
    SyncRejection,
    SyncRun,
    UnmatchedPerson,
)
from lti_tool.sync.rules import explain, scoped_namespace
from lti_tool.sync.schemas import SECRET_FIELD, ConnectionSchema


def create_connection(session: Session, org_id: int, form: dict[str, Any], secret_key: str,
                      actor_id: int | None, *, public_urls_only: bool = False
                      ) -> SourceConnection:
    """``form`` is validated here; marshmallow.ValidationError names the fields in Russian.

    ``public_urls_only``: a server URL typed in the web form must not point at the tool's
    own network (SSRF); the operator's CLI may.
    """
    data = _validated(form, public_urls_only)
    secret = _take_secret(data, data["kind"])
    conn = SourceConnection(
        organisation_id=org_id, kind=data.pop("kind"), title=data.pop("title"),
        match_keys=data.pop("match_keys"), interval_minutes=data.pop("interval_minutes"),
        lookback_weeks=data.pop("lookback_weeks"),
        secret=encrypt(secret, secret_key) if secret else "", settings=data)
    session.add(conn)
    session.flush()
    audit(session, actor_id, org_id, "sync.connect", "sync_connection", conn.public_id,
          kind=conn.kind, settings=conn.settings)  # the secret is never in the audit
    return conn


def _validated(form: dict[str, Any], public_urls_only: bool) -> dict[str, Any]:
    data: dict[str, Any] = ConnectionSchema().load(form)
    if public_urls_only and data.get("base_url"):
        try:
            check_public_host(data["base_url"])
        except RefusedURL as exc:
            raise ValidationError({"base_url": [_("Этот адрес не принимается: %(why)s.",
                                                  why=str(exc))]}) from exc
    return data


def _take_secret(data: dict[str, Any], kind: str) -> str:
    """The kind's password or token, and no secret-like field left in ``data`` (settings
    are shown on pages and written to the audit log)."""
    secret = str(data.get(SECRET_FIELD.get(kind, ""), "") or "")
    for name in set(SECRET_FIELD.values()) - {""}:
        data.pop(name, None)
    return secret


_KEEP = "\x00keep-the-stored-secret"


def update_connection(session: Session, conn: SourceConnection, form: dict[str, Any],
                      secret_key: str, actor_id: int | None, *,
                      public_urls_only: bool = False) -> SourceConnection:
    """Change a connection's settings. The kind stays; a blank password or token keeps the
    stored one; a OneRoster file changes only by upload. Audited with the changed fields."""
    secret_field = SECRET_FIELD.get(conn.kind, "")
    form = {**form, "kind": conn.kind, "path": conn.settings.get("path", "")}
    keep = secret_field and conn.secret and not str(form.get(secret_field) or "").strip()
    if keep:  # the stored one satisfies «required»; it is not decrypted for that
        form[secret_field] = _KEEP
    data = _validated(form, public_urls_only)
    secret = _take_secret(data, conn.kind)
    if secret == _KEEP:
        secret = ""
    data.pop("kind")
    changed = [k for k in ("title", "match_keys", "interval_minutes", "lookback_weeks")
               if getattr(conn, k) != data[k]]
    for key in ("title", "match_keys", "interval_minutes", "lookback_weeks"):
        setattr(conn, key, data.pop(key))
    changed += [k for k in data if conn.settings.get(k) != data[k]]
    conn.settings = data
    if secret:
        conn.secret = encrypt(secret, secret_key)
        changed.append(secret_field)
    audit(session, actor_id, conn.organisation_id, "sync.edit", "sync_connection",
          conn.public_id, changed=sorted(changed))  # names only: never a secret's value
    return conn


def delete_connection(session: Session, conn: SourceConnection, actor_id: int | None) -> None:
    """Remove the connection with its runs, reports, checkpoints and unmatched list. What it
    brought in (people, classes, marks) stays: the school's journal is not undone."""
    if session.scalar(select(func.count(SyncRun.id)).where(
            SyncRun.connection_id == conn.id, SyncRun.status == "running")):
        raise ValueError("running")
    runs_of = select(SyncRun.id).where(SyncRun.connection_id == conn.id)
    session.execute(delete(SyncRejection).where(SyncRejection.run_id.in_(runs_of)))
    session.execute(delete(SyncRun).where(SyncRun.connection_id == conn.id))
    session.execute(delete(SyncCheckpoint).where(SyncCheckpoint.connection_id == conn.id))
    session.execute(delete(UnmatchedPerson).where(UnmatchedPerson.connection_id == conn.id))
    audit(session, actor_id, conn.organisation_id, "sync.delete", "sync_connection",
          conn.public_id, kind=conn.kind, title=conn.title)
    session.delete(conn)
    session.flush()


def open_source(conn: SourceConnection, secret_key: str, **tuning: Any) -> Any:
    """``tuning`` may say ``public_urls_only=True`` (the app's setting; see sources.build)."""
    secret = decrypt(conn.secret, secret_key) if conn.secret else ""
    return sources.build(conn.kind, dict(conn.settings), secret, **tuning)


def test_connection(conn: SourceConnection, secret_key: str, **tuning: Any) -> tuple[bool, str]:
    try:
        with open_source(conn, secret_key, **tuning) as source:
            return True, source.check()
    except RemoteError as exc:
        return False, explain(exc)


def sync_now(db: Database, connection_id: int, secret_key: str,
             options: SyncOptions | None = None, progress: Progress | None = None,
             **tuning: Any) -> RunResult:
    with db.session() as s:
        conn = s.get(SourceConnection, connection_id)
        if conn is None:
            raise LookupError(connection_id)
        source = open_source(conn, secret_key, **tuning)
    options = options or SyncOptions()
    try:
        return run_sync(db, connection_id, source, options, progress)
    finally:  # logging out is a request to the server too: within the politeness bound
        with politeness.slot(source, options.concurrency, options.redis_url):
            source.close()


def connections(session: Session, org_id: int, kind: str | None = None
                ) -> Sequence[SourceConnection]:
    query = select(SourceConnection).where(SourceConnection.organisation_id == org_id)
    if kind:
        query = query.where(SourceConnection.kind == kind)
    return session.scalars(query.order_by(SourceConnection.id)).all()


def connection_of(session: Session, org_id: int, public_id: str) -> SourceConnection | None:
    """Only the organisation's own connections: another school's id is simply not found."""
    return session.scalars(select(SourceConnection).where(
        SourceConnection.organisation_id == org_id,
        SourceConnection.public_id == public_id)).first()


def recent_runs(session: Session, connection_id: int, limit: int = 10) -> Sequence[SyncRun]:
    return session.scalars(select(SyncRun).where(SyncRun.connection_id == connection_id)
                           .order_by(SyncRun.id.desc()).limit(limit)).all()


def run_of(session: Session, org_id: int, public_id: str) -> SyncRun | None:
    return session.scalars(select(SyncRun).join(
        SourceConnection, SourceConnection.id == SyncRun.connection_id).where(
        SourceConnection.organisation_id == org_id, SyncRun.public_id == public_id)).first()


def rejections(session: Session, run_id: int, limit: int = 200) -> Sequence[SyncRejection]:
    return session.scalars(select(SyncRejection).where(SyncRejection.run_id == run_id)
                           .order_by(SyncRejection.id).limit(limit)).all()


def unmatched(session: Session, connection_id: int) -> Sequence[UnmatchedPerson]:
    return session.scalars(select(UnmatchedPerson).where(
        UnmatchedPerson.connection_id == connection_id, UnmatchedPerson.resolved.is_(False))
        .order_by(UnmatchedPerson.display_name)).all()


CANDIDATES = 30  # people offered per unmatched row: a choice, not the whole school


def school_names(session: Session, org_id: int) -> list[tuple[int, str]]:
    """(person id, name casefolded) of the school's members: read once per page, then
    :func:`link_candidates` picks from it for every unmatched row."""
    return [(pid, (name or "").casefold())
            for pid, name in people_q.member_names(session, org_id, None)]


def link_candidates(session: Session, names: Sequence[tuple[int, str]],
                    item: UnmatchedPerson, query: str = "") -> Sequence[Person]:
    """Who the admin may link to, among the school's people (``names``, from
    :func:`school_names`): the ambiguous matches, then the people whose name shares a word
    with the record's (or, when the admin searched, whose name contains what they typed).
    Compared in Python with ``casefold`` because SQLite's ``lower()`` knows no Cyrillic; a
    school's members fit in memory."""
    first = set(item.candidates)
    wanted = query.casefold().split()
    words = set(item.display_name.casefold().split())
    if wanted:
        chosen = [pid for pid, name in names
                  if pid != item.person_id and all(w in name for w in wanted)]
    else:
        chosen = [pid for pid, name in names
                  if pid != item.person_id and (pid in first or words & set(name.split()))]
    people = people_q.people_by_ids(session, chosen).values()
    return sorted(people, key=lambda p: (p.id not in first, p.display_name))[:CANDIDATES]


def names_of(session: Session, person_ids: set[int]) -> dict[int, str]:
    ids = sorted(person_ids)
    return {pid: name for i in range(0, len(ids), 500)
            for pid, name in people_q.display_names(session, ids[i:i + 500]).items()}


def linked_by_hand(session: Session, connection_id: int,
                   limit: int = 50) -> Sequence[UnmatchedPerson]:
    """The rows an admin has linked, newest first, so a mistake can be undone."""
    return session.scalars(select(UnmatchedPerson).where(
        UnmatchedPerson.connection_id == connection_id, UnmatchedPerson.resolved.is_(True))
        .order_by(UnmatchedPerson.id.desc()).limit(limit)).all()


def class_hints(session: Session, org_id: int, person_ids: set[int]) -> dict[int, str]:
    """Each person's classes in the school («10А, 11Б»): tells two equal names apart."""
    hints: dict[int, list[str]] = {}
    for person_id, name in people_q.class_names_of(session, org_id, person_ids):
        hints.setdefault(person_id, []).append(name)
    return {pid: ", ".join(sorted(set(names))) for pid, names in hints.items()}


def unmatched_item(session: Session, org_id: int, public_id: str) -> UnmatchedPerson | None:
    return session.scalars(select(UnmatchedPerson).join(
        SourceConnection, SourceConnection.id == UnmatchedPerson.connection_id).where(
        SourceConnection.organisation_id == org_id,
        UnmatchedPerson.public_id == public_id)).first()


def link_unmatched(session: Session, org_id: int, item_public_id: str,
                   target_public_id: str, actor_id: int) -> UnmatchedPerson:
    item = unmatched_item(session, org_id, item_public_id)
    target = people_services.person_by_public_id(session, target_public_id)
    in_org = target is not None and bool(people_services.roles_in(session, target.id, org_id))
    if item is None or target is None or not in_org or item.resolved:
        raise LookupError("unmatched person or target not found in this organisation")
    link_by_hand(session, item, target.id, actor_id, org_id)
    return item


def unlink_unmatched(session: Session, org_id: int, item_public_id: str,
                     actor_id: int) -> UnmatchedPerson:
    """Undo a link made by hand (:func:`lti_tool.sync.identity.unlink_by_hand`)."""
    item = unmatched_item(session, org_id, item_public_id)
    if item is None or not item.resolved:
        raise LookupError("no link made by hand here")
    unlink_by_hand(session, item, actor_id, org_id)
    return item


def due_for_schedule(session: Session, now: datetime | None = None) -> list[int]:
    """Connections whose interval has passed since their last run started."""
    now = now or utcnow()
    due = []
    for conn in session.scalars(select(SourceConnection).where(
            SourceConnection.enabled.is_(True), SourceConnection.interval_minutes > 0)):
        last = session.scalar(select(func.max(SyncRun.started_at)).where(
            SyncRun.connection_id == conn.id))
        if last is None or now - last >= timedelta(minutes=conn.interval_minutes):
            due.append(conn.id)
    return due


def reencrypt_secrets(session: Session, secret_key: str) -> int:
    """Every connection's password or token under the current secret (after a rotation)."""
    rows = [c for c in session.scalars(select(SourceConnection)) if c.secret]
    for conn in rows:
        conn.secret = reencrypt(conn.secret, secret_key)
    return len(rows)


@dataclass(frozen=True)
class SignInSchool:
    """A school one may sign in to with a «Сетевой город» account: what the sign-in page
    offers (``public_id``, names) and where the login goes (never typed by the visitor)."""

    public_id: str
    title: str
    organisation_id: int
    organisation_name: str
    base_url: str
    school: str
    namespace: str  # where this connection's people are linked (IdentityLink.namespace)


def _sign_in_school(conn: SourceConnection, org_name: str) -> SignInSchool:
    base, school = str(conn.settings["base_url"]).rstrip("/"), str(conn.settings["school"])
    holder = type("Ns", (), {"namespace": f"{base}#{school.strip()}"})()
    return SignInSchool(conn.public_id, conn.title, conn.organisation_id, org_name, base,
                        school.strip(), scoped_namespace(conn, holder))


def sign_in_schools(session: Session) -> list[SignInSchool]:
    """Every enabled Сетевой город connection an admin made, by organisation name."""
    conns = list(session.scalars(select(SourceConnection).where(
        SourceConnection.kind == "netschool", SourceConnection.enabled.is_(True))
        .order_by(SourceConnection.id)))
    names = people_services.organisation_names(session, {c.organisation_id for c in conns})
    return sorted((_sign_in_school(c, names.get(c.organisation_id, "")) for c in conns),
                  key=lambda school: school.organisation_name)


def sign_in_school(session: Session, public_id: str) -> SignInSchool | None:
    return next((s for s in sign_in_schools(session) if s.public_id == public_id), None)


def remote_ids(session: Session, conn: SourceConnection, source: Any,
               person_ids: Sequence[int]) -> dict[int, str]:
    """Each person's id in the connected system (a Moodle user id), as the sync linked
    them: what another feature writing back to that system needs (the exchange's marks)."""
    from lti_tool.sync.identity import linked_people

    wanted = set(person_ids)
    return {person: external for external, person in linked_people(
        session, conn, scoped_namespace(conn, source)).items() if person in wanted}


def connection_by_id(session: Session, org_id: int, connection_id: int
                     ) -> SourceConnection | None:
    """A connection of this organisation only (another school's id is not found)."""
    conn = session.get(SourceConnection, connection_id)
    return conn if conn is not None and conn.organisation_id == org_id else None
