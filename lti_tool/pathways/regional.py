"""Rule editions of a region: the regional authority adds one (a copy of an existing edition
with changed figures), and every check of a school's plan reads the editions of the school's
region through ``editions_for`` (``services.verdict`` is the one place that calls it).

Who is "regional": the admin of an organisation that coordinates a *regional* network (seed
002's network of networks, as ``portfolio.access.region_schools`` decides it). A school is in a
region when it is a member, directly or through a network inside it, of that regional network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.core.audit import audit
from lti_tool.core.viewer import Viewer
from lti_tool.pathways.editions import BUILT_IN, SUBJECTS, Edition, Source
from lti_tool.pathways.forms import FormRefused
from lti_tool.pathways.models import RegionalEdition
from lti_tool.pathways.rules import PARAM_BOUNDS, choose, derive, param_errors, params_of

LABELS = {"title": "Название", "effective": "Действует с", "source_name": "Документ",
          "source_date": "Дата документа", "source_url": "Ссылка", "certainty": "Надёжность",
          "min_hours": "Часов за 2 года, не менее", "max_hours": "Часов за 2 года, не более",
          "max_week5": "Часов в неделю, 5 дней", "max_week6": "Часов в неделю, 6 дней",
          "min_subjects": "Предметов, не менее", "min_advanced": "Углублённых предметов",
          "project_first": "Проект, лет от", "project_last": "Проект, лет до",
          "mandatory": "Обязательные предметы", "base": "Основа"}
CERTAINTY = ("act", "secondary", "recalled", "assumed")
_CACHE = "pathways.regional_editions"


class Forbidden(Exception):
    """Not the admin of this region's authority: nothing is told and nothing changes."""


class Invalid(FormRefused):
    labels = LABELS


def _int(name: str) -> fields.Integer:
    low, high = PARAM_BOUNDS[name]
    return fields.Integer(required=True, strict=False, validate=validate.Range(low, high))


class EditionForm(Schema):
    title = fields.String(required=True, validate=validate.Length(min=3, max=300))
    effective = fields.Date(required=True)
    source_name = fields.String(required=True, validate=validate.Length(min=3, max=300))
    source_date = fields.Date(required=True)
    source_url = fields.String(load_default="", validate=[validate.Length(max=500), validate.Regexp(
        r"^(https?://\S+)?$", error="Ссылка должна начинаться с http:// или https://.")])
    certainty = fields.String(required=True, validate=validate.OneOf(CERTAINTY))
    min_hours, max_hours = _int("min_hours"), _int("max_hours")
    max_week5, max_week6 = _int("max_week5"), _int("max_week6")
    min_subjects, min_advanced = _int("min_subjects"), _int("min_advanced")
    project_first, project_last = _int("project_first"), _int("project_last")
    mandatory = fields.List(fields.String(validate=validate.OneOf(list(SUBJECTS))),
                            required=True, validate=validate.Length(min=1))


@dataclass(frozen=True)
class Authority:
    organisation_id: int
    region: str


def authority_of(session: Session, viewer: Viewer) -> Authority | None:
    """The region the viewer administers, or None (not a regional authority's admin)."""
    if not viewer.has("admin"):
        return None
    return authority_by_id(session, viewer.organisation_id)


def _edition(row: RegionalEdition) -> Edition:
    base = next((e for e in BUILT_IN if e.key == row.based_on), BUILT_IN[-1])
    act = f"{row.source_name} от {row.source_date:%d.%m.%Y}"
    return derive(base, row.params, key=f"region-{row.public_id}", title=row.title,
                  effective=row.effective, source=Source(act, row.source_url, row.certainty),
                  region=row.region)


def of_authority(session: Session, authority_id: int) -> list[tuple[RegionalEdition, Edition]]:
    rows = session.scalars(select(RegionalEdition).where(
        RegionalEdition.authority_id == authority_id).order_by(
        RegionalEdition.effective, RegionalEdition.id))
    return [(r, _edition(r)) for r in rows]


def editions_for(session: Session, org_id: int) -> tuple[Edition, ...]:
    """The regional editions that apply to a school (empty outside any region); read once
    per session, as a class page checks many plans."""
    cache: dict[int, tuple[Edition, ...]] = session.info.setdefault(_CACHE, {})
    if org_id not in cache:
        from lti_tool.network import services as network

        authorities = {n.coordinator_id for n in network.regional_of(session, org_id)}
        cache[org_id] = tuple(e for a in sorted(authorities) for _r, e in of_authority(session, a))
    return cache[org_id]


def applying(session: Session, org_id: int, on: date) -> Edition | None:
    """The edition a school's plans starting on ``on`` are checked against."""
    return choose(on, BUILT_IN, editions_for(session, org_id))


def bases(session: Session, authority: Authority) -> dict[str, Edition]:
    """What a new edition may copy: the national editions and the region's own."""
    out = {e.key: e for e in BUILT_IN}
    out.update({e.key: e for _r, e in of_authority(session, authority.organisation_id)})
    return out


def initial(base: Edition) -> dict[str, Any]:
    return {**params_of(base), "title": "", "effective": "", "source_name": "",
            "source_date": "", "source_url": "", "certainty": "act"}


def create(session: Session, viewer: Viewer, base_key: str, form: dict[str, Any]
           ) -> RegionalEdition:
    """A new edition of the viewer's region; refusals and invalid forms write nothing."""
    authority = authority_of(session, viewer)
    if authority is None:
        raise Forbidden()
    return add(session, authority, base_key, form, viewer.person_id)


def add(session: Session, authority: Authority, base_key: str, form: dict[str, Any],
        actor_id: int | None) -> RegionalEdition:
    """Validate and record an edition of ``authority``'s region (access decided by the caller:
    ``create`` for a person, the demo seed for the demo region)."""
    base = bases(session, authority).get(base_key)
    if base is None:
        raise Invalid({"base": ["Нет такой редакции."]})
    try:
        data = EditionForm().load(form)
    except ValidationError as exc:
        raise Invalid(exc) from None
    params = {k: data[k] for k in (*PARAM_BOUNDS, "mandatory")}
    errors = param_errors(params)
    if errors:
        raise Invalid(errors)
    row = RegionalEdition(
        authority_id=authority.organisation_id, region=authority.region, title=data["title"],
        based_on=base.based_on or base.key, effective=data["effective"], params=params,
        source_name=data["source_name"], source_date=data["source_date"],
        source_url=data["source_url"], certainty=data["certainty"], created_by=actor_id)
    session.add(row)
    session.flush()
    session.info.pop(_CACHE, None)
    audit(session, actor_id, authority.organisation_id, "edition.create", "pathway_edition",
          row.public_id, title=row.title, based_on=base.key,
          effective=row.effective.isoformat())
    return row


def authority_by_id(session: Session, organisation_id: int) -> Authority | None:
    """An organisation as a regional authority (the demo seed names it by its slug)."""
    from lti_tool.network import services as network

    nets = network.coordinated_regional(session, organisation_id)
    return Authority(organisation_id, nets[0].region or nets[0].name) if nets else None
