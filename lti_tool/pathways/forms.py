"""The route builder form: the school's offer as choices, the questionnaire, and reading a
posted form back into route data, validated with marshmallow (errors name the field)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy.orm import Session

from lti_tool.pathways import offer as offers
from lti_tool.pathways.editions import PROFILES
from lti_tool.web import form_errors


class FormRefused(Exception):
    """A pathways form refused: field → messages (marshmallow's refusal or the rules' own),
    shown as «Label: messages» (the subclass names its fields in ``labels``). Nothing was
    written."""

    labels: dict[str, str] = {}

    def __init__(self, errors: form_errors.Refusal) -> None:
        self.errors = form_errors.by_field(errors)
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        return form_errors.lines(self.errors, self.labels, sep=" ")


#: Default questionnaire (seed 000/002: goals, intended profession, interests, help needed).
QUESTIONS = [
    {"key": "goals", "label": "Цели на два года обучения"},
    {"key": "profession", "label": "Будущая профессия или направление"},
    {"key": "interests", "label": "Интересы и увлечения"},
    {"key": "support", "label": "Какая помощь нужна от школы и тьютора"},
]
TARGET_SUBJECTS = ("russian", "literature", "foreign", "math", "informatics", "history",
                   "social", "geography", "physics", "chemistry", "biology")


@dataclass
class Choice:
    name: str
    subject: str | None
    kind: str
    levels: dict[str, tuple[float, float]]  # level → hours 10/11


def choices(session: Session, org_id: int) -> list[Choice]:
    """The offer grouped by course name; the built-in typical offer until the school imports
    its own (so a route can be built on the first day)."""
    rows = [(c.name, c.subject, c.kind, c.level, c.hours10, c.hours11)
            for c in offers.courses(session, org_id)]
    if not rows:
        parsed = offers.parse(offers.workbook(offers.default_rows()))
        rows = [(c["name"], c["subject"], c["kind"], c["level"], c["hours10"], c["hours11"])
                for c in parsed.courses]
    out: dict[tuple[str, str], Choice] = {}
    for name, subject, kind, level, h10, h11 in rows:
        choice = out.setdefault((kind, name), Choice(name, subject, kind, {}))
        choice.levels[level] = (h10, h11)
    order = {"subject": 0, "elective": 1, "project": 2}
    return sorted(out.values(), key=lambda c: (order.get(c.kind, 3), c.name))


class RouteForm(Schema):
    version = fields.Integer(required=True)
    profile = fields.String(required=True, validate=validate.OneOf(list(PROFILES)))


class TargetField(Schema):
    value = fields.Float(validate=validate.Range(min=2, max=5))


LABELS = {"version": "Версия", "profile": "Профиль"}


def questions(session: Session, org_id: int) -> list[dict[str, str]]:
    """The school's questionnaire (imported with its offer), else the default one."""
    from sqlalchemy import select

    from lti_tool.pathways.models import SchoolOffer

    offer = session.scalars(select(SchoolOffer).where(
        SchoolOffer.organisation_id == org_id)).first()
    return list(offer.questions) if offer is not None and offer.questions else QUESTIONS


def read(form: dict[str, str], options: list[Choice], week_days: int,
         asked: list[dict[str, str]] | None = None
         ) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Route data from a posted builder form, the version it was based on, and errors by
    field (empty when valid)."""
    errors: dict[str, str] = {}
    try:
        head = RouteForm().load({"version": form.get("version"), "profile": form.get("profile")})
    except ValidationError as err:
        errors.update(form_errors.labelled(err, LABELS))
        head = {"version": 0, "profile": form.get("profile", "")}
    items = []
    for i, choice in enumerate(options):
        level = form.get(f"c{i}", "")
        if choice.kind == "project":
            years = form.get("project", "")
            h = choice.levels.get("basic") or next(iter(choice.levels.values()))
            hours = {"10": (h[0] or 1, 0), "11": (0, h[1] or 1), "both": h}.get(years)
            if hours:
                items.append({"course": choice.name, "level": "basic", "hours10": hours[0],
                              "hours11": hours[1], "kind": "project"})
            continue
        if level and level in choice.levels:
            h10, h11 = choice.levels[level]
            items.append({"course": choice.name, "level": level, "hours10": h10,
                          "hours11": h11, "kind": choice.kind})
    targets: dict[str, float] = {}
    for key in TARGET_SUBJECTS:
        raw = (form.get(f"t_{key}") or "").strip().replace(",", ".")
        if not raw:
            continue
        try:
            targets[key] = TargetField().load({"value": raw})["value"]
        except ValidationError:
            errors[f"t_{key}"] = "Цель: нужно число от 2 до 5."
    events, resources = [], []
    for n, line in enumerate(filter(None, (form.get("events") or "").splitlines()), start=1):
        when, _, title = line.partition(";")
        try:
            day = date.fromisoformat(when.strip()) if when.strip() else None
        except ValueError:
            errors["events"] = (f"Мероприятия, строка {n}: дата «{when.strip()}» — нужен формат "
                                "ГГГГ-ММ-ДД.")
            continue
        events.append({"date": day.isoformat() if day else "", "title": title.strip() or
                       when.strip(), "done": False})
    for line in filter(None, (form.get("resources") or "").splitlines()):
        parts = [p.strip() for p in line.split(";")] + ["", "", ""]
        if parts[2] and not parts[2].startswith(("https://", "http://")):
            errors["resources"] = f"Ресурсы: адрес «{parts[2]}» должен начинаться с https://."
            continue
        resources.append({"subject": parts[0], "title": parts[1], "url": parts[2],
                          "purpose": parts[3]})
    answers = {q["label"]: (form.get(f"q_{q['key']}") or "").strip()[:2000]
               for q in (asked or QUESTIONS)}
    data = {"profile": head["profile"], "week_days": week_days, "items": items,
            "answers": answers, "targets": targets, "events": events, "resources": resources}
    return data, int(head["version"]), errors


def chosen(data: dict[str, Any]) -> dict[str, str]:
    """Course name → chosen level (for filling the form back)."""
    return {i["course"]: i["level"] for i in data.get("items", [])
            if i.get("kind") not in ("project", "network")}


def project_years(data: dict[str, Any]) -> str:
    for i in data.get("items", []):
        if i.get("kind") == "project":
            return "both" if i["hours10"] and i["hours11"] else ("10" if i["hours10"] else "11")
    return ""
