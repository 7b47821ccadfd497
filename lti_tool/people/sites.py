"""One Moodle, two doors: its LTI launches and its Web Services name the same users.

Moodle's LTI 1.3 issuer is its site address (``wwwroot``) and ``sub`` is the Moodle user id;
its WS serves the same user ids for that address. So an LTI identity and a Moodle WS identity
with the same site and id are one person — used by the sync (WS user meets a launched user)
and by the launch (launched user meets a synced one)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.people.models import IdentityLink, Membership


def site(url: str) -> str:
    """A site address as an issuer compares: scheme and host without case or default port,
    the path without a trailing slash; "" for anything that is not an http(s) address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname + (f":{port}" if port and port != default else "")
    return f"{parts.scheme}://{host}{parts.path.rstrip('/')}"


def moodle_person_of_launch(session: Session, issuer: str, sub: str, org_id: int) -> int | None:
    """The person a Moodle WS sync of this school brought in as user ``sub`` of the site
    ``issuer`` (sync namespaces are ``<site>@org<school>``); None unless exactly one."""
    home = site(issuer)
    if not home:
        return None
    suffix = f"@org{org_id}"
    members = select(Membership.person_id).where(Membership.organisation_id == org_id)
    found = {row.person_id for row in session.execute(select(
        IdentityLink.person_id, IdentityLink.namespace).where(
        IdentityLink.source == "moodle", IdentityLink.external_id == sub,
        IdentityLink.namespace.endswith(suffix), IdentityLink.person_id.in_(members)))
        if site(row.namespace.removesuffix(suffix)) == home}
    return found.pop() if len(found) == 1 else None
