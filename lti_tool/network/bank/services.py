"""The bank's use cases: add an item, change its status, search (PostgreSQL full text with the
``russian`` configuration; Snowball stems on SQLite), the EOR authors register."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.network.bank import rules
from lti_tool.network.bank.models import BankItem, EorAuthor


def _index(item: BankItem) -> None:
    parts = (item.title, item.summary, item.subject, item.authors, " ".join(item.tags or ()))
    text = " ".join(p for p in parts if p)
    item.search_text = text
    item.search_stems = rules.stem_field(text)


def add_item(session: Session, network_id: int, values: dict[str, Any], *, actor_id: int | None,
             author_org_id: int | None, document: dict[str, object] | None = None) -> BankItem:
    item = BankItem(network_id=network_id, created_by=actor_id, author_org_id=author_org_id,
                    **values, **(document or {}))
    _index(item)
    session.add(item)
    session.flush()
    audit(session, actor_id, author_org_id, "network.bank.add", "bank_item", item.id)
    return item


def set_status(session: Session, item: BankItem, status: str, actor_id: int | None) -> bool:
    if not rules.can_move(item.status, status):
        return False
    item.status = status
    audit(session, actor_id, None, "network.bank.status", "bank_item", item.id, status=status)
    return True


def item_of(session: Session, network_id: int, public_id: str) -> BankItem | None:
    return session.scalars(select(BankItem).where(
        BankItem.network_id == network_id, BankItem.public_id == public_id)).first()


def search(session: Session, network_id: int, query: str = "", *, subject: str = "",
           kind: str = "", status: str = "", public_only: bool = False,
           limit: int = 100) -> Sequence[BankItem]:
    """Items matching every word of ``query`` (in any of its forms), best first."""
    stmt = select(BankItem).where(BankItem.network_id == network_id)
    if public_only:
        stmt = stmt.where(BankItem.public.is_(True))
    for column, value in ((BankItem.subject, subject), (BankItem.kind, kind),
                          (BankItem.status, status)):
        if value:
            stmt = stmt.where(column == value)
    query = query.strip()
    if query and session.get_bind().dialect.name == "postgresql":
        vector = func.to_tsvector("russian", BankItem.search_text)
        tsq = func.plainto_tsquery("russian", query)
        stmt = stmt.where(vector.op("@@")(tsq)).order_by(
            func.ts_rank(vector, tsq).desc(), BankItem.created_at.desc())
    elif query:
        wanted = rules.stems(query)
        if not wanted:
            return []
        stmt = stmt.where(and_(*(BankItem.search_stems.like(f"% {s}%") for s in wanted)))
        stmt = stmt.order_by(BankItem.created_at.desc())
    else:
        stmt = stmt.order_by(BankItem.created_at.desc())
    return list(session.scalars(stmt.limit(limit)))


def subjects(session: Session, network_id: int) -> list[str]:
    return sorted(s for s in session.scalars(select(BankItem.subject).where(
        BankItem.network_id == network_id).distinct()) if s)


def authors(session: Session, network_id: int, subject: str = "") -> list[EorAuthor]:
    stmt = select(EorAuthor).where(EorAuthor.network_id == network_id)
    if subject:
        stmt = stmt.where(or_(EorAuthor.subjects.ilike(f"%{subject}%"),
                              EorAuthor.skills.ilike(f"%{subject}%")))
    return list(session.scalars(stmt.order_by(EorAuthor.name)))


def register_author(session: Session, network_id: int, *, person_id: int, organisation_id: int,
                    name: str, subjects: str, skills: str) -> EorAuthor:
    row = session.scalars(select(EorAuthor).where(
        EorAuthor.network_id == network_id, EorAuthor.person_id == person_id)).first()
    if row is None:
        row = EorAuthor(network_id=network_id, person_id=person_id,
                        organisation_id=organisation_id, name=name)
        session.add(row)
    row.subjects, row.skills, row.name = subjects, skills, name
    session.flush()
    audit(session, person_id, organisation_id, "network.bank.author", "eor_author", row.id)
    return row
