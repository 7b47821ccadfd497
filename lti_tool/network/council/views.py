"""Council pages: the council (members, meetings, the quarter reminder), a meeting (agenda,
attendance, votes, signatures) and its minutes as PDF. Access first, then the use case."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from lti_tool.core.viewer import Viewer, current_viewer, login_required
from lti_tool.db import db_session
from lti_tool.network import hooks
from lti_tool.network import services as network_services
from lti_tool.network.council import access, minutes_pdf, services
from lti_tool.network.council.messages import explain
from lti_tool.network.council.models import Council, CouncilMeeting, CouncilMember
from lti_tool.network.council.schemas import (
    LABELS,
    POSITION_LABELS,
    MeetingSchema,
    MemberSchema,
    VoteSchema,
)
from lti_tool.network.models import Network
from lti_tool.network.schemas import load
from lti_tool.network.views import network_for
from lti_tool.people import services as people

bp = Blueprint("council", __name__, url_prefix="/app/network/<network_id>/council",
               template_folder="templates")


def _context(network_id: str) -> tuple[Viewer, Network, Council]:
    viewer = current_viewer()
    if viewer is None:
        abort(401)
    network = network_for(viewer, network_id)
    return viewer, network, services.council_of(db_session(), network)


def _meeting(council: Council, meeting_id: str) -> CouncilMeeting:
    meeting = services.meeting_of(db_session(), council.id, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _council_page(viewer: Viewer, network: Network, council: Council, *,
                  errors: dict[str, Any] | None = None, form: dict[str, Any] | None = None,
                  notice: str = "", status: int = 200) -> Any:
    dbs = db_session()
    manage = access.can_manage_members(dbs, viewer, network)
    return render_template(
        "council/council.html", network=network, council=council,
        members=services.members(dbs, council.id), who=services.who(dbs, council.id),
        meetings=services.meetings(dbs, council.id),
        gaps=services.quarter_gaps(dbs, council), absences=services.absences(dbs, council.id),
        candidates=services.candidates(dbs, network) if manage else [],
        manage=manage, keep=access.can_keep_minutes(dbs, viewer, network, council),
        positions=POSITION_LABELS, labels=LABELS, errors=errors or {}, form=form or {},
        notice=notice), status


@bp.get("/")
@login_required
def index(network_id: str) -> Any:
    viewer, network, council = _context(network_id)
    db_session().commit()  # the council row, created on first visit
    return _council_page(viewer, network, council)


@bp.post("/members")
@login_required
def add_member(network_id: str) -> Any:
    viewer, network, council = _context(network_id)
    dbs = db_session()
    if not access.can_manage_members(dbs, viewer, network):
        abort(403)
    try:
        values = load(MemberSchema(), request.form, LABELS)
        person = people.person_by_public_id(dbs, values["person"])
        picks = {(p.id, org) for p, org, _name in services.candidates(dbs, network)}
        org_id = next((org for pid, org in picks if person and pid == person.id), None)
        if person is None or org_id is None:
            raise ValidationError({"person": [_("Выберите человека из списка.")]})
        services.add_member(dbs, network, person_id=person.id, organisation_id=org_id,
                            position=values["position"], since=values["since"],
                            actor_id=viewer.person_id)
    except ValidationError as exc:
        dbs.rollback()
        return _council_page(viewer, network, council, errors=exc.messages_dict,
                             form=dict(request.form), status=400)
    except (network_services.NetworkError, services.CouncilRefusal) as exc:
        dbs.rollback()
        text = (exc.message if isinstance(exc, network_services.NetworkError)
                else " ".join(explain(p) for p in exc.problems))
        return _council_page(viewer, network, council, errors={"person": [text]},
                             form=dict(request.form), status=400)
    dbs.commit()
    return _council_page(viewer, network, council, notice=_("Член совета добавлен."))


@bp.post("/meetings")
@login_required
def create_meeting(network_id: str) -> Any:
    viewer, network, council = _context(network_id)
    dbs = db_session()
    if not access.can_keep_minutes(dbs, viewer, network, council):
        abort(403)
    try:
        values = load(MeetingSchema(), request.form, LABELS)
    except ValidationError as exc:
        return _council_page(viewer, network, council, errors=exc.messages_dict,
                             form=dict(request.form), status=400)
    meeting = services.create_meeting(dbs, network, actor_id=viewer.person_id, **values)
    dbs.commit()
    return _meeting_page(viewer, network, council, meeting, notice=_("Заседание назначено."))


def _meeting_page(viewer: Viewer, network: Network, council: Council, meeting: CouncilMeeting, *,
                  problems: list[str] | None = None, errors: dict[str, Any] | None = None,
                  form: dict[str, Any] | None = None, notice: str = "", status: int = 200
                  ) -> Any:
    dbs = db_session()
    council_members = services.members(dbs, council.id, on=meeting.held_on)
    present_ids = {a.member_id for a in meeting.attendance if a.present}
    outsiders = [o for o in people.organisations(dbs)
                 if not network_services.is_member(dbs, network.id, o.id, on=meeting.held_on)]
    return render_template(
        "council/meeting.html", network=network, council=council, meeting=meeting,
        members=council_members, present_ids=present_ids, who=services.who(dbs, council.id),
        present=services.present_count(meeting),
        network_members=network_services.members_of(dbs, network.id, on=meeting.held_on),
        outsiders=outsiders, keep=access.can_keep_minutes(dbs, viewer, network, council),
        sign_as=[o for o in ("chair", "secretary")
                 if access.can_sign(dbs, viewer, network, council, o)],
        signed={s.office: s for s in meeting.signatures}, kind_titles=minutes_pdf.KIND_TITLES,
        roll_call=services.roll_call, why_not=lambda d: [
            explain(p) for p in services.why_not_adopted(d)],
        labels=LABELS, problems=problems or [], errors=errors or {}, form=form or {},
        notice=notice), status


@bp.get("/meetings/<meeting_id>")
@login_required
def meeting(network_id: str, meeting_id: str) -> Any:
    viewer, network, council = _context(network_id)
    return _meeting_page(viewer, network, council, _meeting(council, meeting_id))


@bp.post("/meetings/<meeting_id>/attendance")
@login_required
def attendance(network_id: str, meeting_id: str) -> Any:
    viewer, network, council = _context(network_id)
    dbs = db_session()
    meeting = _meeting(council, meeting_id)
    if not access.can_keep_minutes(dbs, viewer, network, council):
        abort(403)
    chosen = set(request.form.getlist("present"))
    ids = {m.id for m in services.members(dbs, council.id, on=meeting.held_on)
           if m.public_id in chosen}
    try:
        present, total = services.record_attendance(dbs, meeting, ids, viewer.person_id)
    except services.CouncilRefusal as exc:
        dbs.rollback()
        return _meeting_page(viewer, network, council, meeting,
                             problems=[explain(p) for p in exc.problems], status=409)
    dbs.commit()
    return _meeting_page(viewer, network, council, meeting, notice=_(
        "Присутствуют %(p)s из %(m)s.", p=present, m=total))


@bp.post("/meetings/<meeting_id>/decisions")
@login_required
def decide(network_id: str, meeting_id: str) -> Any:
    viewer, network, council = _context(network_id)
    dbs = db_session()
    meeting = _meeting(council, meeting_id)
    if not access.can_keep_minutes(dbs, viewer, network, council):
        abort(403)
    try:
        values = load(VoteSchema(), request.form, LABELS)
    except ValidationError as exc:
        return _meeting_page(viewer, network, council, meeting, errors=exc.messages_dict,
                             form=dict(request.form), status=400)
    seats = {m.public_id: m.id for m in dbs.scalars(select(CouncilMember).where(
        CouncilMember.council_id == council.id))}
    subject_member = None
    if values["subject_member"]:
        subject_member = seats.get(values["subject_member"], -1)
    # An unknown member id stays in the roll-call as -1: the use case refuses it as a
    # non-member, with nothing stored.
    ballots = tuple((seats.get(b["member"], -1), b["choice"]) for b in values["ballots"])
    vote = services.Vote(kind=values["kind"], text=values["text"], ballots=ballots,
                         subject_org_id=values["subject_org"], subject_member_id=subject_member,
                         agenda_position=values["agenda_position"])
    try:
        decision = services.record_decision(dbs, network, meeting, vote, viewer.person_id)
    except (services.CouncilRefusal, network_services.NetworkError) as exc:
        dbs.rollback()
        problems = ([explain(p) for p in exc.problems]
                    if isinstance(exc, services.CouncilRefusal) else [exc.message])
        return _meeting_page(viewer, network, council, meeting, problems=problems,
                             form=dict(request.form), status=422)
    dbs.commit()
    why = " ".join(explain(p) for p in services.why_not_adopted(decision))
    return _meeting_page(viewer, network, council, meeting, notice=" ".join(filter(None, (
        _("Решение записано: принято.") if decision.adopted
        else _("Решение записано: не принято."), why))))


@bp.post("/meetings/<meeting_id>/sign")
@login_required
def sign(network_id: str, meeting_id: str) -> Any:
    viewer, network, council = _context(network_id)
    dbs = db_session()
    meeting = _meeting(council, meeting_id)
    office = request.form.get("office", "")
    if office not in ("chair", "secretary") or not access.can_sign(
            dbs, viewer, network, council, office):
        abort(403)
    person = people.person(dbs, viewer.person_id)
    assert person is not None
    try:
        services.sign(dbs, meeting, office, person)
    except services.CouncilRefusal as exc:
        dbs.rollback()
        return _meeting_page(viewer, network, council, meeting,
                             problems=[explain(p) for p in exc.problems], status=409)
    dbs.commit()
    return _meeting_page(viewer, network, council, meeting, notice=_("Протокол подписан."))


@bp.get("/meetings/<meeting_id>/minutes.pdf")
@login_required
def minutes(network_id: str, meeting_id: str) -> Any:
    _viewer, network, council = _context(network_id)
    meeting = _meeting(council, meeting_id)
    body = minutes_pdf.render(meeting, network.name, services.who(db_session(), council.id))
    name = f"protokol-{meeting.number}-{meeting.held_on.isoformat()}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})



@hooks.provide
def _panel(dbs: Any, viewer: Viewer, network: Network) -> hooks.Panel | None:
    """The network page links the council and shows the quarter reminder."""
    council = dbs.scalars(select(Council).where(Council.network_id == network.id)).first()
    gaps = services.quarter_gaps(dbs, council) if council is not None else []
    return hooks.Panel(_("Координационный совет"), "council/_panel.html",
                       {"gaps": gaps, "meetings": services.meetings(dbs, council.id)[:3]
                        if council is not None else []}, order=20)
