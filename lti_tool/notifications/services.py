"""The notification service every feature calls (API in NOTIFY-API.md).

``notify`` records an in-app notification in the caller's transaction (so it exists exactly
when the change it tells about does); e-mail goes later from a job, per the person's
preference (at once or a daily digest), each message at most once: a row is *claimed*
(``email_state`` pending → sending, committed) before the mail is sent, and a failure puts
it back for the next run until :data:`rules.MAX_ATTEMPTS`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from flask import Flask, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.db import Database, utcnow
from lti_tool.notifications import mail, rules
from lti_tool.notifications.models import Notification, NotificationPreference
from lti_tool.people import services as people

log = logging.getLogger("marshrut.notifications")


def notify(session: Session, person_id: int, kind: str, title: str, *, body: str = "",
           link: tuple[str, dict[str, Any]] | None = None, organisation_id: int | None = None,
           key: str | None = None, about_person_id: int | None = None) -> Notification | None:
    """Tell one person something. ``link`` = (endpoint, values) of the page it is about;
    ``key`` makes it idempotent (the same key for the same person is recorded once: returns
    None the second time)."""
    if key is not None and session.scalars(select(Notification.id).where(
            Notification.person_id == person_id, Notification.key == key)).first():
        return None
    endpoint, values = link or ("", {})
    row = Notification(person_id=person_id, organisation_id=organisation_id, kind=kind,
                       key=key, title=title[:300], body=body, endpoint=endpoint,
                       values=dict(values), about_person_id=about_person_id)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same key recorded meanwhile by another worker
        return None
    return row


def notify_family(session: Session, child_id: int, kind: str, title: str, *,
                  parent_title: str | None = None, **kw: Any) -> list[Notification]:
    """Tell a pupil and each of their parents (what concerns a child concerns the family).
    ``parent_title`` may name the child for the parents."""
    out = [notify(session, child_id, kind, title, **kw)]
    for parent in people.guardians_of(session, child_id):
        out.append(notify(session, parent, kind, parent_title or title,
                          about_person_id=child_id, **kw))
    return [n for n in out if n is not None]


def recent(session: Session, person_id: int, limit: int = 50) -> Sequence[Notification]:
    return session.scalars(select(Notification).where(Notification.person_id == person_id)
                           .order_by(Notification.id.desc()).limit(limit)).all()


def unread_count(session: Session, person_id: int) -> int:
    return int(session.scalar(select(func.count(Notification.id)).where(
        Notification.person_id == person_id, Notification.read_at.is_(None))) or 0)


def mark_read(session: Session, person_id: int, public_id: str | None = None) -> int:
    """One of the person's own notifications (or all of them) read; another's id: 0."""
    query = update(Notification).where(Notification.person_id == person_id,
                                       Notification.read_at.is_(None))
    if public_id is not None:
        query = query.where(Notification.public_id == public_id)
    return int(session.execute(query.values(read_at=utcnow())).rowcount)  # type: ignore[attr-defined]


def email_mode(session: Session, person_id: int) -> str:
    pref = session.get(NotificationPreference, person_id)
    return pref.email_mode if pref is not None else "instant"


def set_email_mode(session: Session, person_id: int, mode: str) -> None:
    if mode not in rules.MODES:
        raise ValueError(mode)
    pref = session.get(NotificationPreference, person_id)
    if pref is None:
        session.add(NotificationPreference(person_id=person_id, email_mode=mode))
    else:
        pref.email_mode = mode


# --- e-mail (run by jobs) ---------------------------------------------------------------------

def _url(app: Flask, row: Notification) -> str:
    if not row.endpoint:
        return ""
    try:
        return url_for(row.endpoint, _external=True, **row.values)
    except Exception:  # an endpoint renamed since: the letter still goes, without a link
        log.warning("notification link not built", extra={"endpoint": row.endpoint})
        return ""


def _claim(db: Database, ids: list[int]) -> list[int]:
    """pending → sending, committed before any mail: whatever happens next, never twice."""
    with db.session() as s:
        claimed = []
        for nid in ids:
            done = s.execute(update(Notification).where(
                Notification.id == nid, Notification.email_state == "pending").values(
                email_state="sending", email_attempts=Notification.email_attempts + 1))
            if done.rowcount:  # type: ignore[attr-defined]
                claimed.append(nid)
    return claimed


def _settle(db: Database, ids: list[int], ok: bool) -> None:
    with db.session() as s:
        if ok:
            s.execute(update(Notification).where(Notification.id.in_(ids)).values(
                email_state="sent", emailed_at=utcnow()))
            return
        s.execute(update(Notification).where(Notification.id.in_(ids)).values(
            email_state="pending"))
        s.execute(update(Notification).where(
            Notification.id.in_(ids), Notification.email_attempts >= rules.MAX_ATTEMPTS)
            .values(email_state="failed"))


def deliver(app: Flask, db: Database, *, digest: bool = False) -> dict[str, int]:
    """Send what is due: instant mails (every minute) or the daily digests."""
    # A job has no request: links and texts are built as for a request to the base URL
    # (Russian, the default language).
    with app.test_request_context("/", base_url=app.config["MARSHRUT"].base_url):
        return _deliver(app, db, digest)


def _deliver(app: Flask, db: Database, digest: bool) -> dict[str, int]:
    settings = app.config["MARSHRUT"]
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    with db.session() as s:
        rows = s.scalars(select(Notification).where(Notification.email_state == "pending")
                         .order_by(Notification.id).limit(2000)).all()
        who = people.contacts(s, {r.person_id for r in rows})
        modes = {pid: email_mode(s, pid) for pid in who}
        skip = [r.id for r in rows if not who.get(r.person_id, ("", None))[1]
                or modes.get(r.person_id) == "off" or not mail.configured(settings)]
        if skip:  # nobody to mail (no address, «off», or no SMTP): said in the list instead
            s.execute(update(Notification).where(Notification.id.in_(skip)).values(
                email_state="none" if mail.configured(settings) else "nomail"))
            counts["skipped"] = len(skip)
        groups: dict[int, list[Notification]] = defaultdict(list)
        for r in rows:
            if r.id not in skip and rules.mail_now(modes[r.person_id], True, digest):
                groups[r.person_id].append(r)
        letters = [(pid, who[pid][1], [(r.id, r.title, r.body, _url(app, r)) for r in items])
                   for pid, items in groups.items()]
    for _pid, address, items in letters:
        ids = _claim(db, [i[0] for i in items])
        if not ids:
            continue
        chosen = [i for i in items if i[0] in ids]
        if digest or len(chosen) > 1:
            subject = _("Маршрут: новое за день (%(n)s)", n=len(chosen))
            text = rules.digest_text([i[1:] for i in chosen], _("Новое в Маршруте:"))
        else:
            subject, text = chosen[0][1], rules.digest_text([chosen[0][1:]], "")
        try:
            mail.send(settings, str(address), subject, text.strip())
        except mail.MailFailed:
            _settle(db, ids, ok=False)
            counts["failed"] += len(ids)
            continue
        _settle(db, ids, ok=True)
        counts["sent"] += len(ids)
    return counts
