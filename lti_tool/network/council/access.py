"""Who may do what in the council. Reading: anyone who may see the network's internal pages.
Keeping the minutes (meetings, attendance, votes): the chair and the secretary; before the
council has elected either (its first meeting), the network's coordinator convenes it.
Signing: the chair signs as chair, the secretary as secretary. Council membership: the
coordinator adds members; removal only by a two-thirds decision."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lti_tool.core.viewer import Viewer
from lti_tool.network import access as network_access
from lti_tool.network.council import services
from lti_tool.network.council.models import Council
from lti_tool.network.models import Network


def can_view(session: Session, viewer: Viewer | None, network: Network) -> bool:
    return network_access.can_view(session, viewer, network)


def can_manage_members(session: Session, viewer: Viewer | None, network: Network) -> bool:
    return network_access.can_coordinate(session, viewer, network)


def can_keep_minutes(session: Session, viewer: Viewer | None, network: Network,
                     council: Council) -> bool:
    if viewer is None or not can_view(session, viewer, network):
        return False
    me = services.member_of_person(session, council.id, viewer.person_id)
    if me is not None and me.office in ("chair", "secretary"):
        return True
    officers = [services.officer(session, council.id, o) for o in ("chair", "secretary")]
    return all(o is None for o in officers) and network_access.can_coordinate(
        session, viewer, network)


def can_sign(session: Session, viewer: Viewer | None, network: Network, council: Council,
             office: str) -> bool:
    if viewer is None or not can_view(session, viewer, network):
        return False
    holder = services.officer(session, council.id, office)
    return holder is not None and holder.person_id == viewer.person_id
