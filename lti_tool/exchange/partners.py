"""Which organisations share a network with a school: the one question exchange asks of
``lti_tool/network`` (it owns "a network = a set of member organisations over dates").

Every access decision about courses goes through :func:`partner_ids`, so the exchange never
reads the network's tables; a school that left the network stops seeing its partners'
courses the day it leaves.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from lti_tool.network import services as network


def partner_ids(session: Session, org_id: int, on: date | None = None) -> frozenset[int]:
    """Organisations that share a network with ``org_id`` on ``on`` (itself excluded)."""
    return frozenset(network.partners_of(session, org_id, on=on))


def in_network(session: Session, org_id: int, other_id: int) -> bool:
    return org_id == other_id or network.is_partner(session, org_id, other_id)
