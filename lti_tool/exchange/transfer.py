"""The monthly transfer: a host school's marks and attendance of one home school's network
students, as a versioned package the home school confirms (seed 004 §4.9, §4.11).

A package is made from the host's journal (``lti_tool.journal.queries``) and stored as a
snapshot (rows and what its files print, :mod:`lti_tool.exchange.snapshot`) before anything
is sent, so nothing is lost; its files are rendered from the snapshot, the same bytes
whenever (:mod:`lti_tool.exchange.package_files`), and stored by the send that delivers
them. A send moves it queued → sending → sent in short transactions with a conditional
UPDATE, so two workers never both send it; a correction is the next version and records
what changed against the last one sent. Delivery is a port (:data:`Deliver`): the in-tool
inbox by default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from lti_tool.core import heap
from lti_tool.core.audit import AuditEntry, audit
from lti_tool.db import Database, any_of, bulk, public_id, utcnow
from lti_tool.exchange import notices, package_files, rules
from lti_tool.exchange.collecting import (  # noqa: F401 (the transfer's vocabulary)
    Collected,
    collect,
    collect_month,
    course_marks,
    network_students,
    plan_month,
    read_cells,
)
from lti_tool.exchange.models import TransferPackage
from lti_tool.exchange.rules import RuleError
from lti_tool.people import queries as people
from lti_tool.people.services import organisation_names

log = logging.getLogger("marshrut.exchange")
#: Deliver a package to its home school; raise to fail the attempt (it is retried).
Deliver = Callable[[TransferPackage], None]
STALE_SENDING = timedelta(minutes=10)  # a worker that died mid-send: the package is retried


def inbox(_package: TransferPackage) -> None:
    """The default delivery: the package is in the home school's inbox once it is «sent»."""


def home_schools(session: Session, host_org_id: int) -> list[Row[Any]]:
    """(``id``, ``slug``, ``name``) of the schools this host's network students come from."""
    return people.organisation_rows(session, {h for _, _, h in network_students(
        session, host_org_id)})


def last_package(session: Session, host_org_id: int, home_org_id: int, period: str,
                 states: Sequence[str] | None = None) -> TransferPackage | None:
    query = select(TransferPackage).where(
        TransferPackage.host_org_id == host_org_id, TransferPackage.home_org_id == home_org_id,
        TransferPackage.period == period)
    if states is not None:
        query = query.where(TransferPackage.state.in_(list(states)))
    return session.scalars(query.order_by(TransferPackage.version.desc())).first()


@dataclass(frozen=True)
class Latest:
    """What the month's earlier versions of a pair say about the next one."""

    version: int = 0
    fingerprint: str = ""
    state: str = ""
    package_id: int | None = None
    sent_id: int | None = None  # the last version sent (or confirmed): a correction's base


def latest_of(session: Session, period: str, hosts: Sequence[int],
              home: int | None = None) -> dict[tuple[int, int], Latest]:
    """Per host → home pair, its latest version of the month and the last one sent."""
    query = select(TransferPackage.host_org_id, TransferPackage.home_org_id,
                   TransferPackage.version, TransferPackage.fingerprint, TransferPackage.state,
                   TransferPackage.id).where(TransferPackage.period == period,
                                             any_of(TransferPackage.host_org_id, hosts))
    if home is not None:
        query = query.where(TransferPackage.home_org_id == home)
    out: dict[tuple[int, int], Latest] = {}
    for host_id, home_id, version, digest, state, package_id in session.connection().execute(
            query.order_by(TransferPackage.version)):
        sent = package_id if state in (rules.SENT, rules.CONFIRMED) else None
        before = out.get((host_id, home_id), Latest())
        out[(host_id, home_id)] = Latest(version, digest, state, package_id,
                                         sent or before.sent_id)
    return out


def build(session: Session, data: Collected, latest: Latest,
          actor_id: int | None) -> dict[str, Any]:
    """The next package's columns: the snapshot (rows and content), fingerprint and changes;
    no files (the send renders them).

    Refused with ``no_change`` when the content equals the latest version, and with
    ``no_students`` when the home school has nobody in the host's courses that month."""
    snap = data.snapshot
    if not snap.students:
        raise RuleError("no_students")
    rows = snap.rows
    text = rules.rows_json(rows)  # stored as it is, and hashed
    digest = rules.fingerprint(text)
    if latest.package_id is not None and latest.fingerprint == digest \
            and latest.state != rules.SUPERSEDED:
        raise RuleError("no_change")
    sent = session.execute(select(TransferPackage.version, TransferPackage.rows).where(
        TransferPackage.id == latest.sent_id)).first() if latest.sent_id else None
    changes: dict[str, Any] = {}
    if sent is not None:
        previous = sent.rows
        found = rules.compare(previous, rows)
        changes = {"against": sent.version, **found.summary(),
                   "items": [[k, previous.get(k), rows.get(k)]
                             for k in (found.added + found.changed + found.removed)][:2000]}
    marks = data.marks
    return dict(
        public_id=public_id(), host_org_id=data.host_id, home_org_id=data.home_id,
        period=snap.period, version=latest.version + 1, state=rules.PREPARED,
        fingerprint=digest, rows=orjson.Fragment(text), content=snap.content(), changes=changes,
        students=len(snap.students), marks=marks, absences=len(rows) - marks,
        attempts=0, last_error="", created_by=actor_id, created_at=utcnow())  # no files yet


def _store(session: Session, made: list[tuple[dict[str, Any], Latest]]) -> list[int]:
    """Write new versions in one multi-row INSERT and their audit entries in another
    (``db.bulk``: one statement a few thousand rows, the ids back by public id); a latest
    version never sent is superseded by its successor."""
    if not made:
        return []
    unsent = [latest.package_id for _, latest in made
              if latest.package_id is not None and latest.state == rules.PREPARED]
    if unsent:
        session.execute(update(TransferPackage).where(any_of(TransferPackage.id, unsent))
                        .values(state=rules.package_step(rules.PREPARED, rules.SUPERSEDED)))
    values = [v for v, _ in made]
    ids_of = bulk.insert_returning_ids(session, TransferPackage, values, "public_id")
    bulk.insert_rows(session, AuditEntry, [dict(
        at=v["created_at"], actor_id=v["created_by"], organisation_id=v["host_org_id"],
        action="exchange.package.prepare", entity="exchange_package",
        entity_id=v["public_id"], details={"period": v["period"], "version": v["version"],
                                           "home": v["home_org_id"]}) for v in values])
    return [ids_of[v["public_id"]] for v in values]


def prepare(session: Session, host_org_id: int, home_org_id: int, period: str,
            actor_id: int | None) -> TransferPackage:
    """Make the month's package, or the next version when the journal changed since
    (refusals: see :func:`build`)."""
    data = collect(session, host_org_id, home_org_id, period)
    latest = latest_of(session, period, [host_org_id], home_org_id).get(
        (host_org_id, home_org_id), Latest())
    values = build(session, data, latest, actor_id)
    [package_id] = _store(session, [(values, latest)])
    package = session.get(TransferPackage, package_id)
    assert package is not None
    return package


def queue(session: Session, package: TransferPackage, actor_id: int | None) -> None:
    """The host asks to send: prepared → queued (the job and the sweep send queued ones)."""
    package.state = rules.package_step(package.state, rules.QUEUED)
    audit(session, actor_id, package.host_org_id, "exchange.package.queue",
          "exchange_package", package.public_id, version=package.version)


def claim(db: Database, package_id: int) -> bool:
    """queued → sending, atomically: only one worker wins a package (or one stuck in
    «sending» by a worker that died)."""
    with db.session() as s:
        stale = utcnow() - STALE_SENDING
        result: Any = s.execute(update(TransferPackage).where(
            TransferPackage.id == package_id,
            (TransferPackage.state == rules.QUEUED) | (
                (TransferPackage.state == rules.SENDING)
                & (TransferPackage.sent_at.is_not(None)) & (TransferPackage.sent_at < stale)))
            .values(state=rules.SENDING, sent_at=utcnow(),
                    attempts=TransferPackage.attempts + 1))
        s.commit()
        return bool(result.rowcount)


def send(db: Database, package_id: int, deliver: Deliver = inbox) -> str:
    """One delivery attempt; returns the package's state after it (``queued`` = retry)."""
    if not claim(db, package_id):
        with db.session() as s:
            pkg = s.get(TransferPackage, package_id)
            return pkg.state if pkg is not None else "missing"
    with db.session() as s:
        pkg = s.get(TransferPackage, package_id)
        assert pkg is not None
        try:
            package_files.keep(s, pkg)  # the files sent are the files kept
            deliver(pkg)
        except Exception as exc:  # a failed attempt: back to queued, kept, retried
            s.rollback()
            pkg = s.get(TransferPackage, package_id)
            assert pkg is not None
            pkg.state = rules.package_step(pkg.state, rules.QUEUED)
            pkg.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            s.commit()
            log.warning("package delivery failed", extra={"package": pkg.public_id})
            return pkg.state
        pkg.state = rules.package_step(pkg.state, rules.SENT)
        pkg.sent_at, pkg.last_error = utcnow(), ""
        audit(s, None, pkg.host_org_id, "exchange.package.sent", "exchange_package",
              pkg.public_id, version=pkg.version, attempts=pkg.attempts)
        notices.package_sent(s, pkg, organisation_names(s, [pkg.host_org_id]).get(
            pkg.host_org_id, ""))
        s.commit()
        return pkg.state


def due_for_sending(db: Database) -> Iterator[int]:
    """Packages queued to be sent, or stuck mid-send by a worker that died."""
    with db.session() as s:
        stale = utcnow() - STALE_SENDING
        yield from list(s.scalars(select(TransferPackage.id).where(
            (TransferPackage.state == rules.QUEUED) | (
                (TransferPackage.state == rules.SENDING) & (TransferPackage.sent_at < stale)))
            .order_by(TransferPackage.id)))


def confirm(session: Session, package: TransferPackage, actor_id: int) -> None:
    package.state = rules.package_step(package.state, rules.CONFIRMED)
    package.confirmed_at, package.confirmed_by = utcnow(), actor_id
    audit(session, actor_id, package.home_org_id, "exchange.package.confirm",
          "exchange_package", package.public_id, version=package.version)


def package_by_public_id(session: Session, public_id: str) -> TransferPackage | None:
    return session.scalars(select(TransferPackage).where(
        TransferPackage.public_id == public_id)).first()


def prepare_month(db: Database, period: str, hosts_per_batch: int = 20) -> list[int]:
    """The monthly run: every host → home pair's package for ``period`` (a new version only
    when its journal changed). Hosts go in batches, each read in a few queries and stored in
    one transaction, so the memory held is one batch's and a failure leaves the earlier
    batches made. Returns the new packages' ids."""
    with heap.settled():
        return _prepare_month(db, period, hosts_per_batch)


def _prepare_month(db: Database, period: str, hosts_per_batch: int) -> list[int]:
    made: list[int] = []
    with db.session() as s:  # who takes what, once for the run (a few small reads)
        plan = plan_month(s, period)
    if plan is None:
        return made
    hosts = plan.hosts
    for n in range(0, len(hosts), hosts_per_batch):
        batch = hosts[n:n + hosts_per_batch]
        with db.session() as s:
            latest = latest_of(s, period, batch)
            new: list[tuple[dict[str, Any], Latest]] = []
            for data in read_cells(s, plan, batch):
                pair = latest.get((data.host_id, data.home_id), Latest())
                try:
                    new.append((build(s, data, pair, None), pair))
                except RuleError:  # nothing new, or nobody that month
                    continue
            made += _store(s, new)
            s.commit()
        plan.release(batch)  # the stored batch's cells are let go: memory holds one batch's
    return made
