"""NRPS: pull the course roster from the LMS into people and class enrolments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pylti1p3.names_roles import NamesRolesProvisioningService
from sqlalchemy.orm import Session

from lti_tool.lti.connector import connector_for_deployment
from lti_tool.lti.roles import map_roles
from lti_tool.people import services as people
from lti_tool.people.enrolments import reconcile_enrolments
from lti_tool.people.models import ClassGroup


@dataclass
class RosterReport:
    fetched: int = 0
    added: int = 0
    deactivated: int = 0


def pull_roster(session: Session, *, group: ClassGroup, deployment_pk: int,
                memberships_url: str, issuer: str, secret_key: str,
                allow_private: bool = False) -> RosterReport:
    nrps = NamesRolesProvisioningService(
        connector_for_deployment(session, deployment_pk, secret_key,
                                 allow_private=allow_private),
        {"context_memberships_url": memberships_url})
    return apply_members(session, group, issuer, nrps.get_members())


def apply_members(session: Session, group: ClassGroup, issuer: str,
                  members: Iterable[Mapping[str, Any]]) -> RosterReport:
    """NRPS members (``user_id``, ``name``, ``roles``, ``status``) into people and the class;
    active enrolments of people no longer listed end, by the same reconciliation as the
    school systems' sync (``people.enrolments``). The demo seeds its courses with it."""
    report = RosterReport()
    wanted: set[tuple[int, int, str]] = set()
    for member in members:
        report.fetched += 1
        if member.get("status", "Active") != "Active" or not member.get("user_id"):
            continue
        person = people.upsert_person(session, source="lti", namespace=issuer,
                                      external_id=str(member["user_id"]),
                                      display_name=str(member.get("name") or ""),
                                      organisation_id=group.organisation_id)
        roles = map_roles(member.get("roles", []))
        people.ensure_roles(session, person, group.organisation_id, roles)
        wanted |= {(group.id, person.id, role) for role in {"teacher", "student"} & set(roles)}
    session.flush()
    changes = reconcile_enrolments(session, [group.id], wanted)
    report.added = changes.created + changes.reactivated
    report.deactivated = changes.deactivated
    return report
