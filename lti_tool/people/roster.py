"""NRPS: pull the course roster from the LMS into people and class enrolments.

The LMS is read through its adapter (:class:`adapters.lti_nrps.NrpsRoster`, a
``RosterSource`` like the school systems'); what it returns is applied here: members are
found or made by their LMS identity (the ``sub`` a launch carries) and the class's
enrolments reconciled as every roster source's are (``people.enrolments``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from adapters.base import RosterBatch
from adapters.lti_nrps import NrpsRoster, members_roster
from lti_tool.lti.connector import connector_for_deployment
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
    """Raises :class:`adapters.base.RemoteError` when the LMS does not give the roster."""
    source = NrpsRoster(connector_for_deployment(session, deployment_pk, secret_key,
                                                 allow_private=allow_private),
                        memberships_url, issuer=issuer, course_id=group.external_id,
                        course_title=group.title)
    with source:
        batch = source.fetch_roster()
    return apply_course_roster(session, group, issuer, batch, fetched=source.fetched)


def apply_members(session: Session, group: ClassGroup, issuer: str,
                  members: Iterable[Mapping[str, Any]]) -> RosterReport:
    """NRPS members (``user_id``, ``name``, ``roles``, ``status``) as the LMS would list them:
    the demo seeds its courses with it."""
    roster, rejected, seen = members_roster(members, course_id=group.external_id,
                                            course_title=group.title)
    return apply_course_roster(session, group, issuer, RosterBatch(roster, rejected=rejected),
                               fetched=seen)


def apply_course_roster(session: Session, group: ClassGroup, issuer: str, batch: RosterBatch,
                        *, fetched: int) -> RosterReport:
    """One course's roster into people and the class: active enrolments of people no longer
    listed end, by the same reconciliation as the school systems' sync."""
    report = RosterReport(fetched=fetched)
    ids: dict[str, int] = {}
    for record in batch.roster.people:
        person = people.upsert_person(session, source="lti", namespace=issuer,
                                      external_id=record.source_id,
                                      display_name=record.display_name,
                                      organisation_id=group.organisation_id)
        people.ensure_roles(session, person, group.organisation_id, record.all_roles)
        ids[record.source_id] = person.id
    wanted = {(group.id, ids[e.person_id], e.role) for e in batch.roster.enrolments
              if e.person_id in ids}
    session.flush()
    changes = reconcile_enrolments(session, [group.id], wanted)
    report.added = changes.created + changes.reactivated
    report.deactivated = changes.deactivated
    return report
