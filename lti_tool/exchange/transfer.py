"""The monthly transfer: a host school's marks and attendance of one home school's network
students, as a versioned package the home school confirms (seed 004 §4.9, §4.11).

A package is made from the host's journal (``lti_tool.journal.queries``), stored whole
(rows, OneRoster zip, XLSX) before anything is sent, so nothing is lost; a send moves it
prepared → sending → sent in short transactions with a conditional UPDATE, so two workers
never both send it; a correction is the next version and records what changed against the
last one sent. Delivery is a port (:data:`Deliver`): the in-tool inbox by default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.db import Database, utcnow
from lti_tool.exchange import notices, rules
from lti_tool.exchange.models import CourseRequest, NetworkCourse, TransferPackage
from lti_tool.exchange.rules import RuleError
from lti_tool.journal import queries as journal
from lti_tool.people.models import Organisation, Person

log = logging.getLogger("marshrut.exchange")
#: Deliver a package to its home school; raise to fail the attempt (it is retried).
Deliver = Callable[[TransferPackage], None]
STALE_SENDING = timedelta(minutes=10)  # a worker that died mid-send: the package is retried


def inbox(_package: TransferPackage) -> None:
    """The default delivery: the package is in the home school's inbox once it is «sent»."""


@dataclass
class Student:
    id: int
    public_id: str
    name: str


@dataclass
class Cell:
    course: NetworkCourse
    student: Student
    kind: str  # mark | absence
    day: date
    key: str
    text: str
    title: str = ""
    type_name: str = ""
    weight: float = 1.0


@dataclass
class Collected:
    host: Organisation
    home: Organisation
    period: str
    courses: list[NetworkCourse] = field(default_factory=list)
    students: dict[int, Student] = field(default_factory=dict)
    enrolled: dict[int, list[int]] = field(default_factory=dict)  # course id → students
    cells: list[Cell] = field(default_factory=list)

    def rows(self) -> dict[rules.RowKey, str]:
        return {(c.student.public_id, c.course.public_id, c.kind, c.day.isoformat(), c.key):
                c.text for c in self.cells}


def course_marks(session: Session, course: NetworkCourse, students: Sequence[int],
                 first: date, last: date) -> list[journal.PeriodMark]:
    """The course's marks at the host: its subject (and its class, when the host named one)
    from the host's journal, plus what the network teacher entered on the group's journal
    page (no class there)."""
    marks = journal.marks_between(session, course.host_org_id, students, first, last,
                                  [course.subject], course.host_class_id)
    if course.host_class_id is not None:
        marks += journal.marks_between(session, course.host_org_id, students, first, last,
                                       [course.subject], origin=(
                                           "exchange", f"journal:{course.public_id}"))
    return marks


def network_students(session: Session, host_org_id: int, home_org_id: int | None = None
                     ) -> list[tuple[NetworkCourse, int, int]]:
    """(course, student id, home org id) of every enrolment in the host's courses."""
    query = select(NetworkCourse, CourseRequest.student_id, CourseRequest.home_org_id).join(
        CourseRequest, CourseRequest.course_id == NetworkCourse.id).where(
        NetworkCourse.host_org_id == host_org_id, CourseRequest.state == rules.ENROLLED)
    if home_org_id is not None:
        query = query.where(CourseRequest.home_org_id == home_org_id)
    return [(c, s, h) for c, s, h in session.execute(query.order_by(NetworkCourse.id))]


def home_schools(session: Session, host_org_id: int) -> list[Organisation]:
    ids = {h for _, _, h in network_students(session, host_org_id)}
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(ids))
                                .order_by(Organisation.name))) if ids else []


def collect(session: Session, host_org_id: int, home_org_id: int, period: str) -> Collected:
    """What the host's journal holds for the month about this home school's students."""
    start, end = rules.month_bounds(period)
    host, home = session.get(Organisation, host_org_id), session.get(Organisation, home_org_id)
    assert host is not None and home is not None
    out = Collected(host, home, period)
    for course, student_id, _ in network_students(session, host_org_id, home_org_id):
        if course.ends_on < start or course.starts_on > end:
            continue
        if course not in out.courses:
            out.courses.append(course)
        out.enrolled.setdefault(course.id, []).append(student_id)
    ids = sorted({s for ss in out.enrolled.values() for s in ss})
    for p in session.scalars(select(Person).where(Person.id.in_(ids))) if ids else ():
        out.students[p.id] = Student(p.id, p.public_id, p.display_name)
    for course in out.courses:
        students = out.enrolled[course.id]
        first, last = max(start, course.starts_on), min(end, course.ends_on)
        for m in course_marks(session, course, students, first, last):
            out.cells.append(Cell(course, out.students[m.student_id], "mark", m.date,
                                  m.assignment_key, m.text, m.title, m.type_name, m.weight))
        for a in journal.absences_between(session, host_org_id, students, first, last,
                                          [course.subject]):
            out.cells.append(Cell(course, out.students[a.student_id], "absence", a.date,
                                  f"lesson-{a.lesson}", a.code))
    out.cells.sort(key=lambda c: (c.course.title, c.student.name, c.day, c.kind, c.key))
    return out


def last_package(session: Session, host_org_id: int, home_org_id: int, period: str,
                 states: Sequence[str] | None = None) -> TransferPackage | None:
    query = select(TransferPackage).where(
        TransferPackage.host_org_id == host_org_id, TransferPackage.home_org_id == home_org_id,
        TransferPackage.period == period)
    if states is not None:
        query = query.where(TransferPackage.state.in_(list(states)))
    return session.scalars(query.order_by(TransferPackage.version.desc())).first()


def prepare(session: Session, host_org_id: int, home_org_id: int, period: str,
            actor_id: int | None) -> TransferPackage:
    """Make the month's package, or the next version when the journal changed since.

    Refused with ``no_change`` when the content equals the latest version, and with
    ``no_students`` when the home school has nobody in the host's courses that month."""
    from lti_tool.exchange.formats import journal_xlsx, oneroster_zip

    data = collect(session, host_org_id, home_org_id, period)
    if not data.students:
        raise RuleError("no_students")
    rows = data.rows()
    digest = rules.fingerprint(rows)
    latest = last_package(session, host_org_id, home_org_id, period)
    if latest is not None and latest.fingerprint == digest and latest.state != rules.SUPERSEDED:
        raise RuleError("no_change")
    sent = last_package(session, host_org_id, home_org_id, period,
                        (rules.SENT, rules.CONFIRMED))
    previous = unpack(sent.rows) if sent is not None else {}
    changes = rules.compare(previous, rows) if sent is not None else None
    if latest is not None and latest.state == rules.PREPARED:
        latest.state = rules.package_step(latest.state, rules.SUPERSEDED)  # never sent
    package = TransferPackage(
        host_org_id=host_org_id, home_org_id=home_org_id, period=period,
        version=(latest.version + 1) if latest is not None else 1, fingerprint=digest,
        rows={"\x1f".join(k): v for k, v in rows.items()},
        changes={} if changes is None else {
            "against": sent.version if sent else None, **changes.summary(),
            "items": [["\x1f".join(k), previous.get(k), rows.get(k)]
                      for k in (changes.added + changes.changed + changes.removed)][:2000]},
        students=len(data.students), marks=sum(c.kind == "mark" for c in data.cells),
        absences=sum(c.kind == "absence" for c in data.cells),
        oneroster_zip=oneroster_zip(data), xlsx=journal_xlsx(data, changes, previous),
        created_by=actor_id)
    session.add(package)
    session.flush()
    audit(session, actor_id, host_org_id, "exchange.package.prepare", "exchange_package",
          package.public_id, period=period, version=package.version, home=home_org_id)
    return package


def unpack(rows: dict[str, str]) -> dict[rules.RowKey, str]:
    """A stored package's rows back as keys (stored JSON keys are strings)."""
    out: dict[rules.RowKey, str] = {}
    for key, value in rows.items():
        a, b, c, d, e = key.split("\x1f")
        out[(a, b, c, d, e)] = value
    return out


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
        host = s.get(Organisation, pkg.host_org_id)
        notices.package_sent(s, pkg, host.name if host is not None else "")
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


def hosts_with_students(session: Session) -> list[int]:
    return sorted(set(session.scalars(select(NetworkCourse.host_org_id).join(
        CourseRequest, CourseRequest.course_id == NetworkCourse.id).where(
        CourseRequest.state == rules.ENROLLED))))


def prepare_month(db: Database, period: str) -> list[int]:
    """The monthly run: every host → home pair's package for ``period`` (a new version only
    when its journal changed), one short transaction per package, so the memory held is one
    package's and a failure of one leaves the others made. Returns the new packages' ids."""
    made: list[int] = []
    with db.session() as s:
        hosts = hosts_with_students(s)
    for host_id in hosts:
        with db.session() as s:
            homes = [o.id for o in home_schools(s, host_id)]
        for home_id in homes:
            with db.session() as s:
                try:
                    package = prepare(s, host_id, home_id, period, None)
                except RuleError:  # nothing new, or nobody that month
                    continue
                s.commit()
                made.append(package.id)
    return made
