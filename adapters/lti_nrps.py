"""LTI Names and Role Provisioning Services (NRPS) as a :class:`adapters.base.RosterSource`.

The LMS's course roster is one more roster source behind the port (issue 8), beside
Сетевой город, Moodle's web services and OneRoster files: it yields a :class:`RosterBatch`
(one class — the course —, its members as people, their enrolments) that the app applies
with the same enrolment reconciliation as every other source. The HTTP side is pylti1p3's
``NamesRolesProvisioningService`` (it follows the ``Link: rel="next"`` pages); the caller
passes the ``ServiceConnector`` holding the tool's key for that LMS, so this module needs
nothing of the app.

A member's ids live in the LMS's namespace (its issuer): the same ``sub`` a launch carries,
so the people a roster brings are the people who launch. NRPS may withhold names (a privacy
setting of the LMS) and lists several roles per member; inactive members are not enrolled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate
from pylti1p3.exception import LtiServiceException
from pylti1p3.names_roles import NamesRolesProvisioningService
from requests import RequestException

from adapters.base import (
    AuthFailed,
    MalformedResponse,
    RemoteUnavailable,
    RosterBatch,
    RosterSource,
)
from schemas.lti_roles import map_roles
from schemas.record_schemas import PersonSchema
from schemas.records import (
    ROLES,
    ClassRecord,
    EnrolmentRecord,
    OrganisationRecord,
    PersonRecord,
    RecordRejected,
    Roster,
)

#: The roles a course enrols (a parent or an admin of the course is a member, not enrolled).
ENROLLED = ("teacher", "student")


class MemberSchema(PersonSchema):
    """A course member as NRPS lists them: names optional, role "" when none is ours."""

    role = fields.String(load_default="", validate=validate.OneOf(("", *ROLES)))
    last_name = fields.String(load_default="", validate=validate.Length(max=100))
    first_name = fields.String(load_default="", validate=validate.Length(max=100))
    full_name = fields.String(load_default="", validate=validate.Length(max=200))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Any:
        data["children"] = tuple(data.get("children", ()))
        data["roles"] = tuple(data.get("roles", ()))
        return PersonRecord(**data)


_MEMBER = MemberSchema()


def members_roster(members: Iterable[Mapping[str, Any]], *, course_id: str,
                   course_title: str = "") -> tuple[Roster, list[RecordRejected], int]:
    """NRPS members → (roster of the one course, members rejected, members seen).

    Only active members with a ``user_id`` are listed: the roster is a snapshot, so an
    inactive or removed member's enrolment ends when it is applied."""
    people: list[PersonRecord] = []
    enrolments: list[EnrolmentRecord] = []
    rejected: list[RecordRejected] = []
    seen = 0
    for member in members:
        seen += 1
        if member.get("status", "Active") != "Active" or not member.get("user_id"):
            continue
        roles = map_roles(member.get("roles") or [])
        data = {"source_id": str(member["user_id"]), "role": roles[0] if roles else "",
                "roles": roles, "full_name": str(member.get("name") or ""),
                "last_name": str(member.get("family_name") or ""),
                "first_name": str(member.get("given_name") or ""),
                "middle_name": str(member.get("middle_name") or ""),
                "email": str(member.get("email") or "")}
        try:
            person: PersonRecord = _MEMBER.load(data)
        except ValidationError as exc:
            errors = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
            rejected.append(RecordRejected("PersonRecord", f"member {data['source_id']}",
                                           errors, raw=dict(member)))
            continue
        people.append(person)
        enrolments += [EnrolmentRecord(person.source_id, course_id, role)
                       for role in ENROLLED if role in person.all_roles]
    roster = Roster(organisation=OrganisationRecord("", ""),
                    classes=(ClassRecord(source_id=course_id, name=course_title or course_id),),
                    people=tuple(people), enrolments=tuple(enrolments))
    return roster, rejected, seen


class NrpsRoster(RosterSource):
    """One course's memberships service (``memberships_url``: the launch's NRPS claim)."""

    kind = "lti"

    def __init__(self, connector: Any, memberships_url: str, *, issuer: str,
                 course_id: str, course_title: str = "") -> None:
        self._service = NamesRolesProvisioningService(
            connector, {"context_memberships_url": memberships_url})
        self._url = memberships_url
        self._issuer = issuer
        self._course_id = course_id
        self._course_title = course_title
        #: Members the last fetch saw, active or not (the page's «получено»).
        self.fetched = 0

    @property
    def namespace(self) -> str:
        return self._issuer

    def _pages(self) -> tuple[list[Mapping[str, Any]], dict[str, Any]]:
        """Every member over every page, and the course (context) the first page names."""
        members: list[Mapping[str, Any]] = []
        context: dict[str, Any] = {}
        url: str | None = self._url
        try:
            while url:
                data = self._service.get_nrps_data(members_url=url)
                body = data.get("body") or {}
                if not isinstance(body, dict) or not isinstance(body.get("members", []), list):
                    raise MalformedResponse("NRPS: ответ LMS не похож на список участников")
                if not context and isinstance(body.get("context"), dict):
                    context = body["context"]
                members += [m for m in body.get("members", []) if isinstance(m, dict)]
                url = data.get("next_page_url")
        except LtiServiceException as exc:
            status = exc.response.status_code
            if status in (401, 403):
                raise AuthFailed(f"LMS не пускает к списку участников: {status}",
                                 reason="forbidden", status=status) from exc
            raise RemoteUnavailable(f"NRPS недоступен: {status}", status=status) from exc
        except RequestException as exc:
            raise RemoteUnavailable(f"NRPS недоступен: {exc}") from exc
        return members, context

    def check(self) -> str:
        members, context = self._pages()
        title = context.get("title") or self._course_title or self._course_id
        return f"NRPS: курс «{title}», участников — {len(members)}"

    def fetch_roster(self) -> RosterBatch:
        members, context = self._pages()
        roster, rejected, self.fetched = members_roster(
            members, course_id=self._course_id,
            course_title=self._course_title or str(context.get("title") or ""))
        return RosterBatch(roster=roster, rejected=rejected)
