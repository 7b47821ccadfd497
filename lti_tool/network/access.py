"""Who may do what in a network: one question per entity, asked by every page and API call.

A launch is one organisation. Its admin is the network's *coordinator* when that
organisation coordinates the network; an admin of another member is a *member admin*
(their own registry entry, the agreements they are party to); a teacher launching from a
member organisation is *member staff* (the internal pages), and so is the organisation's
partner coordinator (a local account invited with the role ``partner``: the person who
coordinates the school's part in the network but is no teacher there); pupils and parents
see none of it. The coordinator of a regional network reads the networks inside it. Nobody
else sees internal pages; the public registry needs no launch at all.
"""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.viewer import Viewer
from lti_tool.network import services
from lti_tool.network.models import Agreement, Network, NetworkMember

#: A member organisation's people who see its networks' internal pages (besides its admins).
STAFF_ROLES = ("teacher", "tutor", "partner")


class Standing(IntEnum):
    NONE = 0
    PARENT_COORDINATOR = 1   # coordinates the regional network above: reads
    STAFF = 2
    MEMBER_ADMIN = 3
    COORDINATOR = 4


def standing(session: Session, viewer: Viewer | None, network: Network) -> Standing:
    if viewer is None:
        return Standing.NONE
    if viewer.organisation_id == network.coordinator_id and viewer.has("admin"):
        return Standing.COORDINATOR
    if services.is_member(session, network.id, viewer.organisation_id):
        if viewer.has("admin"):
            return Standing.MEMBER_ADMIN
        # Staff only: pupils and parents have no part in the network's governance, and its
        # pages name council members and contacts.
        return Standing.STAFF if viewer.has(*STAFF_ROLES) else Standing.NONE
    parent_id = network.parent_id
    while parent_id is not None:
        parent = session.get(Network, parent_id)
        if parent is None:
            break
        if parent.coordinator_id == viewer.organisation_id and viewer.has("admin"):
            return Standing.PARENT_COORDINATOR
        parent_id = parent.parent_id
    return Standing.NONE


def can_view(session: Session, viewer: Viewer | None, network: Network) -> bool:
    """The network's internal pages (members with contacts, agreements, council list)."""
    return standing(session, viewer, network) > Standing.NONE


def can_coordinate(session: Session, viewer: Viewer | None, network: Network) -> bool:
    return standing(session, viewer, network) == Standing.COORDINATOR


def can_attach(session: Session, viewer: Viewer | None, network: Network) -> bool:
    """Taking networks into a regional network (and out): its coordinator's admin only.
    Attaching gives them read access to the network below, so only a regional network can."""
    return network.level == "regional" and can_coordinate(session, viewer, network)


def can_edit_entry(session: Session, viewer: Viewer | None, network: Network,
                   row: NetworkMember) -> bool:
    """The registry entry: the coordinator, or the admin of that very organisation."""
    if row.network_id != network.id or viewer is None:
        return False
    if can_coordinate(session, viewer, network):
        return True
    return (row.left_on is None and viewer.has("admin")
            and row.organisation_id == viewer.organisation_id)


def can_read_agreement(session: Session, viewer: Viewer | None, network: Network,
                       agreement: Agreement) -> bool:
    """The signed document: the coordinator and the admins of the parties."""
    if viewer is None or agreement.network_id != network.id:
        return False
    if can_coordinate(session, viewer, network):
        return True
    return viewer.has("admin") and viewer.organisation_id in {
        p.organisation_id for p in agreement.parties}


def viewer_networks(session: Session, viewer: Viewer) -> list[Network]:
    """The networks this viewer may open: their organisation's, and those below a network
    their organisation coordinates (regional coordinators)."""
    if not viewer.has("admin", *STAFF_ROLES):
        return []
    own = services.networks_of(session, viewer.organisation_id)
    if viewer.has("admin"):
        coordinated = list(session.scalars(select(Network).where(
            Network.coordinator_id == viewer.organisation_id)))
        for top in coordinated:
            for child in services.children_of(session, top.id):
                if child not in own:
                    own.append(child)
    return own
