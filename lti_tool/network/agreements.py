"""Agreements between members of a network (seed 003): signed, in force for a period,
with two or more member organisations as parties. Apart from membership (``services``),
which they only read: a party must be a member when the agreement is added."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.network import rules
from lti_tool.network.models import Agreement, AgreementParty, Network, NetworkMember
from lti_tool.network.services import NetworkError
from lti_tool.people import services as people


@dataclass(frozen=True)
class AgreementView:
    agreement: Agreement
    parties: Sequence[str]
    status: rules.AgreementStatus
    days_left: int | None


def add_agreement(session: Session, network: Network, values: dict[str, object],
                  party_ids: Sequence[int], actor_id: int | None,
                  document: dict[str, object] | None = None) -> Agreement:
    """An agreement between members of the network (values validated by ``schemas``)."""
    members = set(session.scalars(select(NetworkMember.organisation_id).where(
        NetworkMember.network_id == network.id)))  # a party may have left since signing
    strangers = [p for p in party_ids if p not in members]
    if strangers or len(set(party_ids)) < 2:
        raise NetworkError("parties",
                           _l("Стороны соглашения — не меньше двух организаций сети."))
    agreement = Agreement(network_id=network.id, created_by=actor_id, **values,
                          **(document or {}))
    agreement.parties = [AgreementParty(organisation_id=p) for p in dict.fromkeys(party_ids)]
    session.add(agreement)
    session.flush()
    audit(session, actor_id, network.coordinator_id, "network.agreement.add", "agreement",
          agreement.id, network=network.public_id, parties=list(party_ids))
    return agreement


def agreements_of(session: Session, network_id: int, *, on: date | None = None
                  ) -> list[AgreementView]:
    day = on or date.today()
    out = []
    rows = list(session.scalars(select(Agreement).where(Agreement.network_id == network_id)
                                .order_by(Agreement.starts_on.desc(), Agreement.id)))
    known = people.organisation_names(
        session, {p.organisation_id for a in rows for p in a.parties})
    for a in rows:
        names = [known.get(p.organisation_id, "") for p in a.parties]
        out.append(AgreementView(a, names, rules.agreement_status(a.starts_on, a.ends_on, day),
                                 rules.days_left(a.ends_on, day)))
    return out


def agreement_of(session: Session, network_id: int, public_id: str) -> Agreement | None:
    return session.scalars(select(Agreement).where(
        Agreement.network_id == network_id, Agreement.public_id == public_id)).first()


def agreements_between(session: Session, a: int, b: int, *, on: date | None = None
                       ) -> list[Agreement]:
    """Agreements in force on a date where both organisations are parties (for exchange)."""
    day = on or date.today()
    mine = select(AgreementParty.agreement_id).where(AgreementParty.organisation_id == a)
    rows = session.scalars(select(Agreement).join(
        AgreementParty, AgreementParty.agreement_id == Agreement.id).where(
        AgreementParty.organisation_id == b, Agreement.id.in_(mine),
        Agreement.starts_on <= day,
        or_(Agreement.ends_on.is_(None), Agreement.ends_on >= day)))
    return list(rows)
