"""Moving school: export a person's confirmed achievements as a signed CLR file and import
one at another school (use cases around :mod:`lti_tool.portfolio.export`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.db import utcnow
from lti_tool.people import queries as people_q
from lti_tool.people.services import Person
from lti_tool.portfolio import adults, bundle, export, rules, services
from lti_tool.portfolio.models import Achievement, Evidence, ModerationEvent
from lti_tool.portfolio.storage import EvidenceStore


@dataclass(frozen=True)
class Exported:
    data: bytes
    items: int
    files: int
    #: Files left out so the whole export stays one upload the other school can take.
    omitted: int


def _files_for(store: EvidenceStore, item: Achievement, budget: list[int],
               files: dict[str, bytes]) -> tuple[tuple[tuple[str, str, str], ...], int]:
    """The item's evidence that fits the budget; a stored file whose bytes no longer match
    its recorded hash is left out (never signed as if it were the uploaded one)."""
    refs, omitted = [], 0
    for ev in item.evidence:
        if ev.sha256 in files:
            refs.append((ev.sha256, ev.name, ev.media_type))
            continue
        if ev.size > budget[0]:
            omitted += 1
            continue
        try:
            body = store.get(ev.storage_key)
        except KeyError:
            omitted += 1
            continue
        if hashlib.sha256(body).hexdigest() != ev.sha256:
            omitted += 1
            continue
        budget[0] -= len(body)
        files[ev.sha256] = body
        refs.append((ev.sha256, ev.name, ev.media_type))
    return tuple(refs), omitted


def export_file(session: Session, store: EvidenceStore, secret: str, org_id: int,
                owner: Person, actor_id: int, kind: str) -> Exported:
    """Confirmed items, with the evidence files of those that may be shown outside the school
    (a pupil's: a parent's consent in force; a teacher's: published by them) — the same rule
    as the public page, since the file leaves the school. Raises ``ValueError`` when nothing
    is confirmed."""
    org = people_q.the_organisation(session, org_id)
    confirmed = [i for i in services.items_of(session, org_id, owner.id)
                 if i.status == rules.CONFIRMED]
    consented = services.consented_ids(session, [i.id for i in confirmed])
    minor = adults.owner_is_minor(session, org_id, owner.id, kind)
    budget = [bundle.MAX_BUNDLE_BYTES - bundle.MAX_TOKEN_BYTES]
    files: dict[str, bytes] = {}
    items, omitted = [], 0
    for item in confirmed:
        refs: tuple[tuple[str, str, str], ...] = ()
        if services.is_public(item, consented, minor):
            refs, left = _files_for(store, item, budget, files)
            omitted += left
        moderator = people_q.the_person(session, item.moderated_by) if item.moderated_by else None
        items.append(export.Item(
            public_id=item.public_id, section_key=item.section.key,
            section_title=item.section.title, title=item.title, level=item.level,
            result=item.result, achieved_on=item.achieved_on, description=item.description,
            hours=item.hours, confirmed_by=moderator.display_name if moderator else "",
            confirmed_at=item.moderated_at, imported=item.imported, evidence=refs))
    token = export.export_token(export.school_key(secret, org.slug), school_name=org.name,
                                org_slug=org.slug, person_name=owner.display_name,
                                person_public_id=owner.public_id, items=items)
    data = bundle.pack(token, files)
    audit(session, actor_id, org_id, "portfolio.export", "person", owner.public_id,
          items=len(items), files=len(files), omitted=omitted,
          sha256=hashlib.sha256(data).hexdigest(), kind=kind)
    return Exported(data, len(items), len(files), omitted)


def import_file(session: Session, store: EvidenceStore, org_id: int, owner: Person,
                actor_id: int, kind: str, data: bytes) -> tuple[int, int]:
    """(added, already here). Every item keeps its original issuer and confirmation, marked
    as imported and confirmed (the issuing school confirmed it); a section this school does
    not have goes to its «прочие» section, and the original section is named in the item.
    The signature and every file are checked before anything is written; raises
    :class:`export.ImportRefused` with the reason."""
    token, files = bundle.unpack(data)
    clr = export.verify_token(token)
    bundle.check_files(clr, files)
    stored: list[str] = []
    try:
        return _add_items(session, store, org_id, owner, actor_id, kind, clr, files, stored,
                          export.digest(token))
    except Exception:
        for key in stored:  # the caller rolls back the rows; the bytes go too
            store.delete(key)
        raise


def _add_items(session: Session, store: EvidenceStore, org_id: int, owner: Person,
               actor_id: int, kind: str, clr: dict[str, Any], files: dict[str, bytes],
               stored: list[str], token_sha: str) -> tuple[int, int]:
    sections = {s.key: s for s in services.sections(session, org_id, kind)}
    fallback = sections.get("other") or next(iter(sections.values()))
    known = {(a.imported or {}).get("credential_id") for a in session.scalars(
        select(Achievement).where(Achievement.owner_id == owner.id,
                                  Achievement.imported.is_not(None)))}
    added = skipped = n_files = 0
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
        for sha, name in data["evidence"]:
            body = files[sha]
            upload = rules.check_upload(name, body)
            key = store.put(body)
            stored.append(key)
            session.add(Evidence(achievement_id=item.id, storage_key=key, name=upload.name,
                                 media_type=upload.media_type, size=len(body), sha256=sha,
                                 uploaded_by=actor_id))
            n_files += 1
        known.add(origin["credential_id"])
        added += 1
    audit(session, actor_id, org_id, "portfolio.import", "person", owner.public_id,
          added=added, skipped=skipped, files=n_files, issuer=clr.get("iss"), sha256=token_sha)
    return added, skipped
