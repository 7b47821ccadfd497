"""Use cases on networks: the API other features call (see /work/wt/NETWORK-API.md).

Every «who is in the network» question takes a date (default today), because a membership
has a start and maybe an end. Admission and exit after founding go only through a council
decision (:func:`admit_by_decision`, :func:`exit_by_decision`, called by ``council``).
Agreements between members are in :mod:`lti_tool.network.agreements`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.network.models import Network, NetworkMember
from lti_tool.people import services as people


class NetworkError(ValueError):
    """A use case refused: ``code`` for tests and logs, ``message`` in Russian for people."""

    def __init__(self, code: str, message: Any) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)


@dataclass(frozen=True)
class Founder:
    organisation_id: int
    contribution: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class Member:
    """One member organisation as other features see it (no ORM object crosses over)."""

    organisation_id: int
    name: str
    network_id: int
    joined_on: date
    left_on: date | None
    contribution: str
    contact_name: str
    contact_email: str
    contact_phone: str
    public_id: str
    is_coordinator: bool


def _today(on: date | None) -> date:
    return on or date.today()


def _active(on: date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (NetworkMember.joined_on <= on,
            or_(NetworkMember.left_on.is_(None), NetworkMember.left_on > on))


def create_network(session: Session, *, slug: str, name: str, coordinator_id: int,
                   founders: Iterable[Founder] = (), joined_on: date | None = None,
                   region: str = "", description: str = "", parent: Network | None = None,
                   actor_id: int | None = None) -> Network:
    """A network with its coordinator and founding members (their founding agreement is the
    admission; anyone later comes in by a council decision)."""
    if session.scalar(select(Network.id).where(Network.slug == slug)) is not None:
        raise NetworkError("slug_taken", _l("Сеть с таким коротким именем уже есть."))
    network = Network(slug=slug, name=name, coordinator_id=coordinator_id, region=region,
                      description=description, parent_id=None if parent is None else parent.id,
                      level="local")
    session.add(network)
    session.flush()
    day = _today(joined_on)
    seen: set[int] = set()
    for founder in (Founder(coordinator_id), *founders):
        if founder.organisation_id in seen:
            if founder.organisation_id == coordinator_id:  # the coordinator's own details
                row = session.scalars(select(NetworkMember).where(
                    NetworkMember.network_id == network.id,
                    NetworkMember.organisation_id == coordinator_id)).one()
                _fill(row, founder)
            continue
        seen.add(founder.organisation_id)
        row = NetworkMember(network_id=network.id, organisation_id=founder.organisation_id,
                            joined_on=day)
        _fill(row, founder)
        session.add(row)
    if parent is not None:
        parent.level = "regional"
    session.flush()
    audit(session, actor_id, coordinator_id, "network.create", "network", network.id,
          founders=sorted(seen))
    return network


def _fill(row: NetworkMember, founder: Founder) -> None:
    row.contribution = founder.contribution
    row.contact_name = founder.contact_name
    row.contact_email = founder.contact_email
    row.contact_phone = founder.contact_phone


def network_by_public_id(session: Session, public_id: str) -> Network | None:
    return session.scalars(select(Network).where(Network.public_id == public_id)).first()


def network_by_slug(session: Session, slug: str) -> Network | None:
    return session.scalars(select(Network).where(Network.slug == slug)).first()


def children_of(session: Session, network_id: int) -> list[Network]:
    return list(session.scalars(select(Network).where(Network.parent_id == network_id)
                                .order_by(Network.name)))


def attach(session: Session, parent: Network, child: Network, *, actor_id: int | None) -> None:
    """The regional network takes a network in (the cascade model of seed 002). Refused with
    the reason: a network that is not regional, a network already inside one, a circle, a
    network of another region."""
    if parent.level != "regional":
        raise NetworkError("not_regional", _l("Включать сети можно только в региональную сеть."))
    if child.id in _ancestors(session, parent) or child.id == parent.id:
        raise NetworkError("circle", _l("Сеть не может входить сама в себя."))
    if child.parent_id is not None:
        raise NetworkError("has_parent", _l(
            "Эта сеть уже входит в другую сеть: сначала её исключают оттуда."))
    if parent.region and child.region and parent.region.strip() != child.region.strip():
        raise NetworkError("region", _l("Сеть из другого региона: %(region)s.",
                                        region=child.region))
    child.parent_id = parent.id
    session.flush()
    audit(session, actor_id, parent.coordinator_id, "network.attach", "network", child.id,
          parent=parent.id)


def detach(session: Session, parent: Network, child: Network, *, actor_id: int | None) -> None:
    if child.parent_id != parent.id:
        raise NetworkError("not_child", _l("Эта сеть не входит в региональную сеть."))
    child.parent_id = None
    session.flush()
    audit(session, actor_id, parent.coordinator_id, "network.detach", "network", child.id,
          parent=parent.id)


def attachable(session: Session, parent: Network) -> list[Network]:
    """Networks the regional network may take in: on their own, not itself or above it."""
    above = _ancestors(session, parent) | {parent.id}
    return [n for n in session.scalars(select(Network).where(Network.parent_id.is_(None))
                                       .order_by(Network.name)) if n.id not in above]


def _ancestors(session: Session, network: Network) -> set[int]:
    out: set[int] = set()
    parent_id = network.parent_id
    while parent_id is not None and parent_id not in out:
        out.add(parent_id)
        parent_id = session.scalar(select(Network.parent_id).where(Network.id == parent_id))
    return out


def _descendants(session: Session, network_id: int) -> list[int]:
    ids, frontier = [network_id], [network_id]
    while frontier:
        frontier = [n for n in session.scalars(select(Network.id).where(
            Network.parent_id.in_(frontier))) if n not in ids]
        ids.extend(frontier)
    return ids


def members_of(session: Session, network_id: int, *, on: date | None = None,
               cascade: bool = False) -> list[Member]:
    """Members on a date; ``cascade`` adds the members of its sub-networks (a region)."""
    day = _today(on)
    ids = _descendants(session, network_id) if cascade else [network_id]
    rows = list(session.execute(select(NetworkMember, Network.coordinator_id).join(
        Network, Network.id == NetworkMember.network_id).where(
        NetworkMember.network_id.in_(ids), *_active(day)).order_by(NetworkMember.id)).all())
    names = people.organisation_names(session, {m.organisation_id for m, _c in rows})
    out, seen = [], set()
    for m, coordinator_id in sorted(rows, key=lambda r: names.get(r[0].organisation_id, "")):
        if m.organisation_id in seen:
            continue
        seen.add(m.organisation_id)
        out.append(Member(m.organisation_id, names.get(m.organisation_id, ""), m.network_id,
                          m.joined_on, m.left_on, m.contribution, m.contact_name,
                          m.contact_email, m.contact_phone, m.public_id,
                          m.organisation_id == coordinator_id))
    return out


def member_org_ids(session: Session, network_id: int, *, on: date | None = None,
                   cascade: bool = False) -> set[int]:
    return {m.organisation_id for m in members_of(session, network_id, on=on, cascade=cascade)}


def networks_of(session: Session, organisation_id: int, *, on: date | None = None
                ) -> list[Network]:
    """The networks an organisation belongs to on a date (as a member, the coordinator too)."""
    day = _today(on)
    return list(session.scalars(select(Network).join(
        NetworkMember, NetworkMember.network_id == Network.id).where(
        NetworkMember.organisation_id == organisation_id, *_active(day))
        .order_by(Network.name).distinct()))


def is_member(session: Session, network_id: int, organisation_id: int, *,
              on: date | None = None) -> bool:
    day = _today(on)
    return session.scalar(select(NetworkMember.id).where(
        NetworkMember.network_id == network_id,
        NetworkMember.organisation_id == organisation_id, *_active(day)).limit(1)) is not None


def is_partner(session: Session, a: int, b: int, *, on: date | None = None) -> bool:
    """Two organisations are partners when both are members of one network on that date."""
    if a == b:
        return False
    return bool(common_networks(session, a, b, on=on))


def common_networks(session: Session, a: int, b: int, *, on: date | None = None
                    ) -> list[Network]:
    mine = {n.id for n in networks_of(session, a, on=on)}
    return [n for n in networks_of(session, b, on=on) if n.id in mine]


def partners_of(session: Session, organisation_id: int, *, on: date | None = None) -> set[int]:
    out: set[int] = set()
    for network in networks_of(session, organisation_id, on=on):
        out |= member_org_ids(session, network.id, on=on)
    out.discard(organisation_id)
    return out


def membership(session: Session, network_id: int, organisation_id: int, *,
               on: date | None = None) -> NetworkMember | None:
    day = _today(on)
    return session.scalars(select(NetworkMember).where(
        NetworkMember.network_id == network_id,
        NetworkMember.organisation_id == organisation_id, *_active(day))).first()


def admit_by_decision(session: Session, network: Network, organisation_id: int, *,
                      decision_ref: str, joined_on: date, contribution: str = "",
                      contact_name: str = "", contact_email: str = "",
                      actor_id: int | None = None) -> NetworkMember:
    """Called by the council when an admission decision passes; never from a page."""
    if not decision_ref:
        raise NetworkError("no_decision",
                           _l("Приём в сеть — только решением координационного совета."))
    if is_member(session, network.id, organisation_id, on=joined_on):
        raise NetworkError("already_member", _l("Организация уже участник сети."))
    row = NetworkMember(network_id=network.id, organisation_id=organisation_id,
                        joined_on=joined_on, contribution=contribution,
                        contact_name=contact_name, contact_email=contact_email,
                        admitted_by=decision_ref)
    session.add(row)
    session.flush()
    audit(session, actor_id, network.coordinator_id, "network.admit", "network_member", row.id,
          network=network.public_id, organisation=organisation_id, decision=decision_ref)
    return row


def exit_by_decision(session: Session, network: Network, organisation_id: int, *,
                     decision_ref: str, left_on: date, actor_id: int | None = None
                     ) -> NetworkMember:
    if not decision_ref:
        raise NetworkError("no_decision",
                           _l("Выход из сети — только решением координационного совета."))
    if organisation_id == network.coordinator_id:
        raise NetworkError("coordinator_exit",
                           _l("Координатор не может выйти из сети: сначала передайте координацию."))
    row = membership(session, network.id, organisation_id, on=left_on)
    if row is None:
        raise NetworkError("not_member", _l("Организация не участник сети."))
    row.left_on = left_on
    row.left_by = decision_ref
    audit(session, actor_id, network.coordinator_id, "network.exit", "network_member", row.id,
          network=network.public_id, organisation=organisation_id, decision=decision_ref)
    return row


def update_entry(session: Session, row: NetworkMember, values: dict[str, object],
                 actor_id: int | None) -> NetworkMember:
    """The registry entry (what it brings, contact): validated by ``schemas.MemberEntry``."""
    for key in ("contribution", "contact_name", "contact_email", "contact_phone",
                "in_public_registry"):
        if key in values:
            setattr(row, key, values[key])
    audit(session, actor_id, row.organisation_id, "network.member.edit", "network_member",
          row.id, fields=sorted(values))
    return row


@dataclass(frozen=True)
class RegistryRow:
    """The public registry (seed 003 §5.1): organisation, what it brings, since when, contact."""

    organisation: str
    contribution: str
    since: date
    contact_name: str
    contact_email: str
    contact_phone: str
    coordinator: bool


def public_registry(session: Session, network: Network, *, on: date | None = None
                    ) -> list[RegistryRow]:
    day = _today(on)
    rows = list(session.scalars(select(NetworkMember).where(
        NetworkMember.network_id == network.id, NetworkMember.in_public_registry.is_(True),
        *_active(day))))
    names = people.organisation_names(session, {m.organisation_id for m in rows})
    return sorted((RegistryRow(names.get(m.organisation_id, ""), m.contribution, m.joined_on,
                               m.contact_name, m.contact_email, m.contact_phone,
                               m.organisation_id == network.coordinator_id) for m in rows),
                  key=lambda r: r.organisation)


def regional_of(session: Session, organisation_id: int, *, on: date | None = None
                ) -> list[Network]:
    """The regional networks an organisation sits in today, directly or through a network
    inside one (the cascade of seed 002): the region whose authority sets its rules."""
    out: dict[int, Network] = {}
    for net in networks_of(session, organisation_id, on=on):
        seen: set[int] = set()
        node: Network | None = net
        while node is not None and node.id not in seen:
            seen.add(node.id)
            if node.level == "regional":
                out[node.id] = node
            node = session.get(Network, node.parent_id) if node.parent_id else None
    return sorted(out.values(), key=lambda n: n.id)


def coordinated_regional(session: Session, organisation_id: int) -> list[Network]:
    """The regional networks an organisation coordinates (a regional authority)."""
    return list(session.scalars(select(Network).where(
        Network.coordinator_id == organisation_id, Network.level == "regional")
        .order_by(Network.id)))
