"""NRPS: pull the course roster from the LMS into people and class enrolments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pylti1p3.names_roles import NamesRolesProvisioningService
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.lti.connector import connector_for_deployment
from lti_tool.lti.roles import map_roles
from lti_tool.people import services as people
from lti_tool.people.models import ClassEnrolment, ClassGroup


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
    active enrolments of people no longer listed end. The demo seeds its courses with it."""
    report = RosterReport()
    seen: set[tuple[int, str]] = set()
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
        for role in {"teacher", "student"} & set(roles):
            seen.add((person.id, role))
            if people.enrol(session, group, person, role):
                report.added += 1
    session.flush()
    for row in session.scalars(select(ClassEnrolment).where(
            ClassEnrolment.class_id == group.id, ClassEnrolment.active.is_(True))):
        if (row.person_id, row.role) not in seen:
            row.active = False
            report.deactivated += 1
    return report
