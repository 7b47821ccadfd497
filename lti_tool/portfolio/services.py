"""Portfolio use cases: sections as school configuration, adding with evidence, moderation,
consent and what each page lists. The caller checks access (``portfolio.access``) first
and commits; every change here writes an audit entry and, for an achievement, an event in
the history its owner reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lti_tool.core.audit import audit
from lti_tool.db import utcnow
from lti_tool.people import queries as people_q
from lti_tool.people import services as people
from lti_tool.people.services import Person
from lti_tool.portfolio import rules
from lti_tool.portfolio.models import (
    Achievement,
    Consent,
    Curator,
    Evidence,
    ModerationEvent,
    PortfolioSection,
)
from lti_tool.portfolio.storage import EvidenceStore

EDITABLE = ("title", "level", "result", "achieved_on", "description", "hours", "section_id")


def sections(session: Session, org_id: int, kind: str, *,
             include_inactive: bool = False) -> list[PortfolioSection]:
    """The school's sections of this kind, created from seed 002's defaults on first use."""
    found = list(session.scalars(select(PortfolioSection).where(
        PortfolioSection.organisation_id == org_id, PortfolioSection.kind == kind)
        .order_by(PortfolioSection.position, PortfolioSection.id)))
    if not found:
        for pos, (key, title, hint) in enumerate(rules.default_sections(kind)):
            section = PortfolioSection(organisation_id=org_id, kind=kind, key=key, title=title,
                                       hint=hint, position=pos,
                                       with_hours=key in rules.HOURS_SECTIONS)
            session.add(section)
            found.append(section)
        session.flush()
    return found if include_inactive else [s for s in found if s.active]


def add_section(session: Session, actor_id: int, org_id: int, kind: str, title: str,
                key: str) -> PortfolioSection:
    existing = sections(session, org_id, kind, include_inactive=True)
    section = PortfolioSection(organisation_id=org_id, kind=kind, key=key, title=title,
                               position=len(existing))
    session.add(section)
    session.flush()
    audit(session, actor_id, org_id, "portfolio.section.add", "portfolio_section", section.id,
          kind=kind, key=key, title=title)
    return section


def update_section(session: Session, actor_id: int, section: PortfolioSection, *,
                   title: str | None = None, active: bool | None = None) -> None:
    before = {"title": section.title, "active": section.active}
    if title:
        section.title = title
    if active is not None:
        section.active = active
    audit(session, actor_id, section.organisation_id, "portfolio.section.edit",
          "portfolio_section", section.id, before=before,
          after={"title": section.title, "active": section.active})


def owner_kind(roles: set[str]) -> str:
    return rules.STUDENT if "student" in roles or not roles & {"teacher", "admin"} \
        else rules.TEACHER


def section_by_key(session: Session, org_id: int, kind: str, key: str) -> PortfolioSection:
    for section in sections(session, org_id, kind):
        if section.key == key:
            return section
    raise LookupError(key)


@dataclass(frozen=True)
class NewFile:
    name: str
    data: bytes


def _snapshot(item: Achievement) -> dict[str, Any]:
    return {"title": item.title, "level": item.level, "result": item.result,
            "achieved_on": item.achieved_on.isoformat(), "description": item.description,
            "hours": item.hours, "section_id": item.section_id}


def _event(session: Session, item: Achievement, actor_id: int | None, action: str,
           reason: str = "", **changes: Any) -> None:
    session.add(ModerationEvent(achievement_id=item.id, actor_id=actor_id, action=action,
                                reason=reason, changes=changes))


def attach(session: Session, store: EvidenceStore, item: Achievement, actor_id: int,
           files: Sequence[NewFile]) -> list[Evidence]:
    """Check every file first (nothing is stored when one is refused), then store them."""
    existing = len(item.evidence)
    checked = []
    for n, new in enumerate(files):
        checked.append((rules.check_upload(new.name, new.data, existing=existing + n), new))
    added = []
    for upload, new in checked:
        key = store.put(new.data)
        row = Evidence(achievement_id=item.id, storage_key=key, name=upload.name,
                       media_type=upload.media_type, size=len(new.data),
                       sha256=hashlib.sha256(new.data).hexdigest(), uploaded_by=actor_id)
        session.add(row)
        item.evidence.append(row)
        added.append(row)
    return added


def add_achievement(session: Session, store: EvidenceStore, *, actor_id: int, org_id: int,
                    owner: Person, kind: str, data: dict[str, Any],
                    files: Sequence[NewFile] = ()) -> Achievement:
    """A new achievement is *unconfirmed* until its moderator confirms it. Raises
    ``LookupError`` for an unknown section, ``rules.UploadRefused`` for a bad file."""
    section = section_by_key(session, org_id, kind, data["section"])
    item = Achievement(organisation_id=org_id, owner_id=owner.id, section_id=section.id,
                       title=data["title"].strip(), level=data["level"], result=data["result"],
                       achieved_on=data["achieved_on"], description=data.get("description", ""),
                       hours=data.get("hours") if section.with_hours else None,
                       status=rules.UNCONFIRMED)
    session.add(item)
    session.flush()
    if files:
        attach(session, store, item, actor_id, files)
    _event(session, item, actor_id, "added")
    audit(session, actor_id, org_id, "portfolio.add", "portfolio_achievement", item.public_id,
          owner=owner.public_id, files=len(files))
    return item


def _apply(item: Achievement, section_id: int, data: dict[str, Any]) -> dict[str, Any]:
    before = _snapshot(item)
    item.section_id = section_id
    item.title = data["title"].strip()
    item.level, item.result = data["level"], data["result"]
    item.achieved_on = data["achieved_on"]
    item.description = data.get("description", "")
    item.hours = data.get("hours")
    item.updated_at = utcnow()
    after = _snapshot(item)
    return {k: [before[k], after[k]] for k in EDITABLE if before[k] != after[k]}


def edit_own(session: Session, *, actor_id: int, item: Achievement, kind: str,
             data: dict[str, Any]) -> None:
    """The owner corrects an unconfirmed or rejected item: it goes (back) to the queue."""
    item.status = rules.next_state(item.status, "edit", rules.OWNER)
    section = section_by_key(session, item.organisation_id, kind, data["section"])
    changes = _apply(item, section.id, data)
    item.reject_reason = ""
    _event(session, item, actor_id, "edited", **changes)
    audit(session, actor_id, item.organisation_id, "portfolio.edit", "portfolio_achievement",
          item.public_id, changes=changes)


def moderate(session: Session, *, actor_id: int, item: Achievement, action: str,
             reason: str = "", kind: str = rules.STUDENT,
             data: dict[str, Any] | None = None) -> None:
    """confirm | reject (with a reason) | edit (the owner's original kept once)."""
    new = rules.next_state(item.status, action, rules.MODERATOR, reason=reason)
    changes: dict[str, Any] = {}
    if action == "edit":
        assert data is not None
        if item.original is None:
            item.original = _snapshot(item)
        section = section_by_key(session, item.organisation_id, kind, data["section"])
        changes = _apply(item, section.id, data)
    item.status = new
    item.reject_reason = reason.strip() if action == "reject" else (
        item.reject_reason if action == "edit" else "")
    item.moderated_by, item.moderated_at = actor_id, utcnow()
    past = {"confirm": "confirmed", "reject": "rejected", "edit": "moderator_edited",
            "revoke": "unconfirmed"}[action]
    if action == "revoke":
        _revoke_all(session, item, actor_id)
    _event(session, item, actor_id, past, reason.strip(), **changes)
    audit(session, actor_id, item.organisation_id, f"portfolio.{action}",
          "portfolio_achievement", item.public_id, reason=reason.strip(), changes=changes)


def active_consent(session: Session, item: Achievement) -> Consent | None:
    return session.scalars(select(Consent).where(
        Consent.achievement_id == item.id, Consent.revoked_at.is_(None))).first()


def grant_consent(session: Session, *, parent_id: int, item: Achievement) -> Consent:
    """A parent allows publishing one confirmed item of their child (recorded)."""
    if item.status != rules.CONFIRMED:
        raise rules.TransitionRefused(rules.N_(
            "Опубликовать можно только подтверждённое достижение."))
    found = active_consent(session, item)
    if found is not None:
        return found
    consent = Consent(organisation_id=item.organisation_id, achievement_id=item.id,
                      child_id=item.owner_id, parent_id=parent_id)
    session.add(consent)
    _event(session, item, parent_id, "published")
    audit(session, parent_id, item.organisation_id, "portfolio.consent.grant",
          "portfolio_achievement", item.public_id)
    return consent


def _revoke_all(session: Session, item: Achievement, actor_id: int) -> int:
    n = 0
    for consent in session.scalars(select(Consent).where(
            Consent.achievement_id == item.id, Consent.revoked_at.is_(None))):
        consent.revoked_at, consent.revoked_by = utcnow(), actor_id
        n += 1
    item.published = False
    return n


def revoke_consent(session: Session, *, actor_id: int, item: Achievement) -> int:
    """Revoking hides the item at once: the pages ask for a consent in force each time."""
    n = _revoke_all(session, item, actor_id)
    if n:
        _event(session, item, actor_id, "unpublished")
        audit(session, actor_id, item.organisation_id, "portfolio.consent.revoke",
              "portfolio_achievement", item.public_id, consents=n)
    return n


def set_published(session: Session, *, actor_id: int, item: Achievement, on: bool) -> None:
    """An adult owner (a teacher) publishes their own confirmed item."""
    if on and item.status != rules.CONFIRMED:
        raise rules.TransitionRefused(rules.N_(
            "Опубликовать можно только подтверждённое достижение."))
    item.published = on
    _event(session, item, actor_id, "published" if on else "unpublished")
    audit(session, actor_id, item.organisation_id, "portfolio.publish",
          "portfolio_achievement", item.public_id, on=on)


# --- reading ------------------------------------------------------------------------------

def achievement(session: Session, org_id: int, public_id: str) -> Achievement | None:
    """By public id, inside the viewer's school only (another school's is «not found»)."""
    return session.scalars(select(Achievement).where(
        Achievement.public_id == public_id, Achievement.organisation_id == org_id)).first()


def items_of(session: Session, org_id: int, owner_id: int) -> list[Achievement]:
    return list(session.scalars(select(Achievement).options(
        selectinload(Achievement.evidence), selectinload(Achievement.section)).where(
        Achievement.organisation_id == org_id, Achievement.owner_id == owner_id)
        .order_by(Achievement.achieved_on.desc(), Achievement.id.desc())))


def history(session: Session, item: Achievement) -> list[tuple[ModerationEvent, str]]:
    events = list(session.scalars(select(ModerationEvent).where(
        ModerationEvent.achievement_id == item.id).order_by(ModerationEvent.id)))
    names = people_q.display_names(session, {e.actor_id for e in events if e.actor_id})
    return [(event, names.get(event.actor_id or 0) or "") for event in events]


def consented_ids(session: Session, item_ids: Sequence[int]) -> set[int]:
    if not item_ids:
        return set()
    return set(session.scalars(select(Consent.achievement_id).where(
        Consent.achievement_id.in_(item_ids), Consent.revoked_at.is_(None))))


def is_public(item: Achievement, consented: set[int], owner_is_minor: bool) -> bool:
    return rules.publishable(item.status, owner_is_minor=owner_is_minor,
                             consent_active=item.id in consented,
                             owner_published=item.published)


def public_items(session: Session, org_id: int, owner: Person, *,
                 owner_is_minor: bool) -> list[Achievement]:
    items = [i for i in items_of(session, org_id, owner.id) if i.status == rules.CONFIRMED]
    consented = consented_ids(session, [i.id for i in items])
    return [i for i in items if is_public(i, consented, owner_is_minor)]


def curated_pupils(session: Session, org_id: int, tutor_id: int) -> list[int]:
    classes = select(Curator.class_id).where(Curator.tutor_id == tutor_id,
                                             Curator.organisation_id == org_id)
    return list(session.scalars(people_q.enrolled_ids(classes, "student").distinct()))


def queue(session: Session, org_id: int, *, tutor_id: int, admin: bool) -> list[
        tuple[Achievement, Person]]:
    """Unconfirmed items the viewer moderates, oldest first: a curator their classes'
    pupils, an admin everyone in the school (teachers' items included)."""
    query = select(Achievement).where(
        Achievement.organisation_id == org_id, Achievement.status == rules.UNCONFIRMED,
        Achievement.owner_id != tutor_id).options(selectinload(Achievement.evidence),
                                                  selectinload(Achievement.section))
    if not admin:
        query = query.where(Achievement.owner_id.in_(curated_pupils(session, org_id,
                                                                    tutor_id)))
    items = list(session.scalars(query.order_by(Achievement.created_at, Achievement.id)))
    owners = people_q.people_by_ids(session, {a.owner_id for a in items})
    return [(a, owners[a.owner_id]) for a in items if a.owner_id in owners]


def class_page(session: Session, org_id: int, class_id: int) -> list[
        tuple[Person, list[Achievement]]]:
    """Pupils of the class with their published confirmed achievements (consent in force;
    a pupil of age: published by themself)."""
    from lti_tool.portfolio.adults import adult_ids

    pupils = people.class_roster(session, class_id, "student")
    ids = [p.id for p in pupils]
    grown = adult_ids(session, org_id, ids)
    consented = Achievement.id.in_(select(Consent.achievement_id).where(
        Consent.revoked_at.is_(None)))
    own = Achievement.published.is_(True) & Achievement.owner_id.in_(grown)
    items = list(session.scalars(select(Achievement).options(
        selectinload(Achievement.section))
        .where(Achievement.organisation_id == org_id, Achievement.owner_id.in_(ids),
               Achievement.status == rules.CONFIRMED,
               (consented & Achievement.owner_id.not_in(grown)) | own)
        .order_by(Achievement.achieved_on.desc())))
    by_owner: dict[int, list[Achievement]] = {p: [] for p in ids}
    seen: set[int] = set()
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            by_owner[item.owner_id].append(item)
    return [(p, by_owner[p.id]) for p in pupils]


def counts_by_year(items: Sequence[Achievement]) -> dict[int, dict[str, int]]:
    """School year (from September) → section title → confirmed achievements."""
    out: dict[int, dict[str, int]] = {}
    for item in items:
        if item.status != rules.CONFIRMED:
            continue
        year = item.achieved_on.year if item.achieved_on.month >= 9 else \
            item.achieved_on.year - 1
        by = out.setdefault(year, {})
        by[item.section.title] = by.get(item.section.title, 0) + 1
    return dict(sorted(out.items()))


def assign_curator(session: Session, *, actor_id: int, org_id: int, tutor_id: int,
                   class_id: int) -> None:
    found = session.scalars(select(Curator).where(Curator.tutor_id == tutor_id,
                                                  Curator.class_id == class_id)).first()
    if found is None:
        session.add(Curator(organisation_id=org_id, tutor_id=tutor_id, class_id=class_id))
        audit(session, actor_id, org_id, "portfolio.curator.assign", "class_group", class_id,
              tutor=tutor_id)


def remove_curator(session: Session, *, actor_id: int, org_id: int, tutor_id: int,
                   class_id: int) -> None:
    for row in session.scalars(select(Curator).where(
            Curator.tutor_id == tutor_id, Curator.class_id == class_id,
            Curator.organisation_id == org_id)):
        session.delete(row)
        audit(session, actor_id, org_id, "portfolio.curator.remove", "class_group",
              class_id, tutor=tutor_id)


def school_year(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def count_unconfirmed(session: Session, org_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Achievement).where(
        Achievement.organisation_id == org_id, Achievement.status == rules.UNCONFIRMED)) or 0)
