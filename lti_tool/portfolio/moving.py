"""Moving school: export a person's confirmed achievements as a signed CLR file and import
one at another school (use cases around :mod:`lti_tool.portfolio.export`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.db import utcnow
from lti_tool.people.models import Organisation, Person
from lti_tool.portfolio import export, rules, services
from lti_tool.portfolio.models import Achievement, ModerationEvent


def export_file(session: Session, secret: str, org_id: int, owner: Person, actor_id: int,
                kind: str) -> str:
    org = session.get_one(Organisation, org_id)
    items = []
    for item in services.items_of(session, org_id, owner.id):
        if item.status != rules.CONFIRMED:
            continue
        moderator = session.get(Person, item.moderated_by) if item.moderated_by else None
        items.append(export.Item(
            public_id=item.public_id, section_key=item.section.key,
            section_title=item.section.title, title=item.title, level=item.level,
            result=item.result, achieved_on=item.achieved_on, description=item.description,
            hours=item.hours, confirmed_by=moderator.display_name if moderator else "",
            confirmed_at=item.moderated_at, imported=item.imported))
    token = export.export_token(export.school_key(secret, org.slug), school_name=org.name,
                                org_slug=org.slug, person_name=owner.display_name,
                                person_public_id=owner.public_id, items=items)
    audit(session, actor_id, org_id, "portfolio.export", "person", owner.public_id,
          items=len(items), sha256=export.digest(token), kind=kind)
    return token


def import_file(session: Session, org_id: int, owner: Person, actor_id: int, kind: str,
                token: str) -> tuple[int, int]:
    """(added, already here). Every item keeps its original issuer and confirmation, marked
    as imported and confirmed (the issuing school confirmed it); a section this school does
    not have goes to its «прочие» section, and the original section is named in the item."""
    clr = export.verify_token(token)
    sections = {s.key: s for s in services.sections(session, org_id, kind)}
    fallback = sections.get("other") or next(iter(sections.values()))
    known = {(a.imported or {}).get("credential_id") for a in session.scalars(
        select(Achievement).where(Achievement.owner_id == owner.id,
                                  Achievement.imported.is_not(None)))}
    added = skipped = 0
    for data in export.items_from(clr):
        origin = data["imported"]
        if origin["credential_id"] in known:
            skipped += 1
            continue
        section = sections.get(data["section"], fallback)
        if section is fallback and data["section"] != fallback.key:
            origin["section"] = data["section"]
        item = Achievement(organisation_id=org_id, owner_id=owner.id, section_id=section.id,
                           title=data["title"][:300], level=data["level"],
                           result=data["result"], achieved_on=data["achieved_on"],
                           description=data["description"], hours=data["hours"],
                           status=rules.CONFIRMED, imported=origin, moderated_at=utcnow())
        session.add(item)
        session.flush()
        session.add(ModerationEvent(achievement_id=item.id, actor_id=actor_id,
                                    action="imported", reason=origin["issuer_name"]))
        known.add(origin["credential_id"])
        added += 1
    audit(session, actor_id, org_id, "portfolio.import", "person", owner.public_id,
          added=added, skipped=skipped, issuer=clr.get("iss"), sha256=export.digest(token))
    return added, skipped
