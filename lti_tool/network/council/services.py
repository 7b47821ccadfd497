"""Council use cases, one transaction each: members, meetings, attendance, decisions with the
rules' verdict, signatures. Admission and exit of organisations happen here and only here
(through ``network.services.admit_by_decision`` / ``exit_by_decision``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.network import services as network_services
from lti_tool.network.council import rules
from lti_tool.network.council.models import (
    CHOICES,
    Council,
    CouncilAgendaItem,
    CouncilAttendance,
    CouncilBallot,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
    MinutesSignature,
)
from lti_tool.network.models import Network
from lti_tool.people import services as people

POSITIONS = ("director", "deputy", "class_teacher", "other")
OFFICE_OF_KIND = {"elect_chair": "chair", "elect_secretary": "secretary"}


class CouncilRefusal(Exception):
    """Refused with the rules' problems (each says why, with figures)."""

    def __init__(self, *problems: rules.Problem) -> None:
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems


def council_of(session: Session, network: Network) -> Council:
    council = session.scalars(select(Council).where(Council.network_id == network.id)).first()
    if council is None:
        council = Council(network_id=network.id)
        session.add(council)
        session.flush()
    return council


@dataclass(frozen=True)
class Who:
    """A council member as pages and minutes name them."""

    name: str
    organisation: str


def who(session: Session, council_id: int) -> dict[int, Who]:
    """Member id → their name and their organisation's name, for every member the council
    ever had (minutes name past members too), read through people's services."""
    rows = list(session.execute(select(
        CouncilMember.id, CouncilMember.person_id, CouncilMember.organisation_id).where(
        CouncilMember.council_id == council_id)))
    names = people.contacts(session, {r.person_id for r in rows})
    orgs = people.organisation_names(session, {r.organisation_id for r in rows})
    return {r.id: Who(names.get(r.person_id, ("", None))[0], orgs.get(r.organisation_id, ""))
            for r in rows}


def members(session: Session, council_id: int, *, on: date | None = None) -> list[CouncilMember]:
    day = on or date.today()
    rows = list(session.scalars(select(CouncilMember).where(
        CouncilMember.council_id == council_id, CouncilMember.since <= day,
        or_(CouncilMember.until.is_(None), CouncilMember.until > day))
        .order_by(CouncilMember.id)))
    names = who(session, council_id)
    return sorted(rows, key=lambda m: names[m.id].name)


def officer(session: Session, council_id: int, office: str) -> CouncilMember | None:
    return next((m for m in members(session, council_id) if m.office == office), None)


def member_of_person(session: Session, council_id: int, person_id: int) -> CouncilMember | None:
    return next((m for m in members(session, council_id) if m.person_id == person_id), None)


def candidates(session: Session, network: Network) -> list[tuple[Any, int, str]]:
    """People of member organisations who may sit on the council (their staff)."""
    orgs = {m.organisation_id: m.name for m in network_services.members_of(session, network.id)}
    rows = people.staff_of(session, list(orgs), ("admin", "teacher"))
    return [(p, org_id, orgs[org_id]) for p, org_id in rows]


def add_member(session: Session, network: Network, *, person_id: int, organisation_id: int,
               position: str, since: date, actor_id: int | None) -> CouncilMember:
    council = council_of(session, network)
    if not network_services.is_member(session, network.id, organisation_id, on=since):
        raise network_services.NetworkError("not_member", _l("Организация не участник сети."))
    staff = people.roles_in(session, person_id, organisation_id) & {"admin", "teacher"}
    if not staff or position not in POSITIONS:
        raise CouncilRefusal(rules.Problem("not_staff"))
    if member_of_person(session, council.id, person_id) is not None:
        raise network_services.NetworkError("already_member", _l("Уже член совета."))
    row = CouncilMember(council_id=council.id, person_id=person_id,
                        organisation_id=organisation_id, position=position, since=since)
    session.add(row)
    session.flush()
    audit(session, actor_id, network.coordinator_id, "council.member.add", "council_member",
          row.id, person=person_id)
    return row


def meetings(session: Session, council_id: int) -> list[CouncilMeeting]:
    return list(session.scalars(
        select(CouncilMeeting).where(CouncilMeeting.council_id == council_id)
        .order_by(CouncilMeeting.held_on.desc(), CouncilMeeting.number.desc())))


def meeting_of(session: Session, council_id: int, public_id: str) -> CouncilMeeting | None:
    return session.scalars(select(CouncilMeeting).where(
        CouncilMeeting.council_id == council_id, CouncilMeeting.public_id == public_id)).first()


def create_meeting(session: Session, network: Network, *, held_on: date, place: str,
                   agenda: list[str], actor_id: int | None) -> CouncilMeeting:
    council = council_of(session, network)
    number = (session.scalar(select(func.max(CouncilMeeting.number)).where(
        CouncilMeeting.council_id == council.id)) or 0) + 1
    meeting = CouncilMeeting(council_id=council.id, number=number, held_on=held_on, place=place)
    meeting.agenda = [CouncilAgendaItem(position=i, title=t) for i, t in enumerate(agenda, 1)]
    session.add(meeting)
    session.flush()
    audit(session, actor_id, network.coordinator_id, "council.meeting.create", "meeting",
          meeting.id, number=number)
    return meeting


def _not_signed(meeting: CouncilMeeting) -> None:
    if meeting.status == "signed":
        raise CouncilRefusal(rules.Problem("signed"))


def record_attendance(session: Session, meeting: CouncilMeeting, present_ids: set[int],
                      actor_id: int | None) -> tuple[int, int]:
    """Marks who came, among the council on the meeting's day; (present, members)."""
    _not_signed(meeting)
    council_members = members(session, meeting.council_id, on=meeting.held_on)
    meeting.attendance.clear()
    session.flush()
    for m in council_members:
        meeting.attendance.append(CouncilAttendance(member_id=m.id, present=m.id in present_ids))
    meeting.members_total = len(council_members)
    meeting.status = "held"
    present = sum(1 for m in council_members if m.id in present_ids)
    audit(session, actor_id, None, "council.attendance", "meeting", meeting.id,
          present=present, members=len(council_members))
    return present, len(council_members)


def present_count(meeting: CouncilMeeting) -> int:
    return sum(1 for a in meeting.attendance if a.present)


@dataclass(frozen=True)
class Vote:
    """A proposal and its roll-call: (council member id, "for" | "against" | "abstain")."""

    kind: str
    text: str
    ballots: tuple[tuple[int, str], ...]
    subject_org_id: int | None = None
    subject_member_id: int | None = None
    agenda_position: int | None = None


def _ballot_problems(session: Session, meeting: CouncilMeeting, vote: Vote
                     ) -> list[rules.Problem]:
    """Only a member present at the meeting votes, once, for / against / abstain."""
    seats = {m.id for m in members(session, meeting.council_id, on=meeting.held_on)}
    present = {a.member_id for a in meeting.attendance if a.present}
    problems: list[rules.Problem] = []
    seen: set[int] = set()
    for member_id, choice in vote.ballots:
        if member_id not in seats:
            problems.append(rules.Problem("not_a_member"))
        elif member_id not in present:
            problems.append(rules.Problem("absent_voter"))
        elif member_id in seen:
            problems.append(rules.Problem("voted_twice"))
        if choice not in CHOICES:
            problems.append(rules.Problem("bad_choice"))
        seen.add(member_id)
    if not vote.ballots:
        problems.append(rules.Problem("no_ballots"))
    return [rules.Problem(code) for code in dict.fromkeys(p.code for p in problems)]


def tally_of(meeting: CouncilMeeting, ballots: tuple[tuple[int, str], ...]) -> rules.Tally:
    choices = [c for _m, c in ballots]
    return rules.Tally(meeting.members_total, present_count(meeting), choices.count("for"),
                       choices.count("against"), choices.count("abstain"))


def record_decision(session: Session, network: Network, meeting: CouncilMeeting, vote: Vote,
                    actor_id: int | None) -> CouncilDecision:
    """Record a roll-call vote; its outcome is what the rules compute from the ballots.
    Refused (with figures, nothing stored) on a signed minute, an incompetent meeting, a
    ballot of a non-member or an absent member, or a second ballot of one member. An adopted
    admission, exit, removal or election takes effect on the meeting's day."""
    _not_signed(meeting)
    if meeting.status != "held" or not meeting.attendance:
        raise CouncilRefusal(rules.Problem("no_attendance"))
    tally = tally_of(meeting, vote.ballots)
    adopted = rules.outcome(vote.kind, tally)
    verdict = rules.check(vote.kind, tally, adopted)
    ballot_problems = _ballot_problems(session, meeting, vote)
    subject = _subject_problem(session, network, meeting, vote)
    problems = [*ballot_problems, *([subject] if subject else []), *verdict.problems]
    if problems:
        raise CouncilRefusal(*problems)
    seats = {m.id: m for m in members(session, meeting.council_id, on=meeting.held_on)}
    decision = CouncilDecision(meeting_id=meeting.id, kind=vote.kind, text=vote.text,
                               subject_org_id=vote.subject_org_id,
                               subject_member_id=vote.subject_member_id,
                               agenda_position=vote.agenda_position, members_total=tally.members,
                               present=tally.present, votes_for=tally.votes_for,
                               votes_against=tally.votes_against, abstained=tally.abstained,
                               adopted=verdict.adopted, tally_source="ballots",
                               recorded_by=actor_id)
    decision.ballots = [CouncilBallot(member_id=member_id, choice=choice,
                                      organisation_id=seats[member_id].organisation_id)
                        for member_id, choice in vote.ballots]
    session.add(decision)
    session.flush()
    if verdict.adopted:
        _apply(session, network, meeting, decision, actor_id)
    audit(session, actor_id, network.coordinator_id, "council.decision", "decision",
          decision.id, kind=vote.kind, adopted=verdict.adopted, present=tally.present,
          members=tally.members, votes_for=tally.votes_for,
          votes_against=tally.votes_against, abstained=tally.abstained)
    return decision


def why_not_adopted(decision: CouncilDecision) -> tuple[rules.Problem, ...]:
    """For a rejected decision: the rule it fell short of, with its figures."""
    if decision.adopted:
        return ()
    tally = rules.Tally(decision.members_total, decision.present, decision.votes_for,
                        decision.votes_against, decision.abstained)
    return rules.check(decision.kind, tally, True).problems


def roll_call(decision: CouncilDecision) -> dict[str, list[CouncilMember]]:
    """Who voted how (empty for decisions recorded as counts only)."""
    out: dict[str, list[CouncilMember]] = {c: [] for c in CHOICES}
    for ballot in decision.ballots:
        out[ballot.choice].append(ballot.member)
    return out


def _subject_problem(session: Session, network: Network, meeting: CouncilMeeting, vote: Vote
                     ) -> rules.Problem | None:
    if vote.kind in ("admit", "exit"):
        if vote.subject_org_id is None:
            return rules.Problem("subject")
        member = network_services.is_member(session, network.id, vote.subject_org_id,
                                            on=meeting.held_on)
        if member != (vote.kind == "exit"):
            return rules.Problem("subject")
    if vote.kind in ("remove_member", "elect_chair", "elect_secretary"):
        ids = {m.id for m in members(session, meeting.council_id, on=meeting.held_on)}
        if vote.subject_member_id not in ids:
            return rules.Problem("subject")
    return None


def _apply(session: Session, network: Network, meeting: CouncilMeeting, decision: CouncilDecision,
           actor_id: int | None) -> None:
    ref = decision.public_id
    if decision.kind == "admit" and decision.subject_org_id is not None:
        network_services.admit_by_decision(session, network, decision.subject_org_id,
                                           decision_ref=ref, joined_on=meeting.held_on,
                                           actor_id=actor_id)
    elif decision.kind == "exit" and decision.subject_org_id is not None:
        network_services.exit_by_decision(session, network, decision.subject_org_id,
                                          decision_ref=ref, left_on=meeting.held_on,
                                          actor_id=actor_id)
    elif decision.kind == "remove_member" and decision.subject_member is not None:
        decision.subject_member.until = meeting.held_on
        decision.subject_member.removed_by = ref
        decision.subject_member.office = ""
    elif decision.kind in OFFICE_OF_KIND and decision.subject_member is not None:
        office = OFFICE_OF_KIND[decision.kind]
        for m in members(session, meeting.council_id):
            if m.office == office:
                m.office = ""
        decision.subject_member.office = office


def sign(session: Session, meeting: CouncilMeeting, office: str, person: Any) -> CouncilMeeting:
    """The chair's or secretary's sign-off (the view has checked who they are); both close it."""
    _not_signed(meeting)
    if meeting.status != "held":
        raise CouncilRefusal(rules.Problem("no_attendance"))
    if not any(s.office == office for s in meeting.signatures):
        meeting.signatures.append(MinutesSignature(office=office, person_id=person.id,
                                            signer_name=person.display_name))
    if {s.office for s in meeting.signatures} >= {"chair", "secretary"}:
        meeting.status = "signed"
    audit(session, person.id, None, "council.sign", "meeting", meeting.id, office=office)
    return meeting


def quarter_gaps(session: Session, council: Council, today: date | None = None
                 ) -> list[tuple[int, int]]:
    """The previous and the current quarter, when they have no meeting (held or planned):
    older gaps are history, not a reminder."""
    day = today or date.today()
    first = session.scalar(select(func.min(CouncilMember.since)).where(
        CouncilMember.council_id == council.id))
    if first is None:
        return []
    year, quarter = rules.quarter_of(day)
    previous = date(year, 3 * quarter - 2, 1) - timedelta(days=1)
    start = max(first, date(previous.year, 3 * rules.quarter_of(previous)[1] - 2, 1))
    days = [m.held_on for m in meetings(session, council.id)]
    return rules.quarters_without_meeting(days, start, day)


def absences(session: Session, council_id: int) -> dict[int, int]:
    """Meetings each member has missed in a row (newest last), for the council to judge."""
    history: dict[int, list[bool]] = {}
    for meeting in reversed(meetings(session, council_id)):
        for a in meeting.attendance:
            history.setdefault(a.member_id, []).append(a.present)
    return {member_id: rules.missed_in_a_row(seq) for member_id, seq in history.items()}
