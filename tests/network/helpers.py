"""A small network in a migrated database: a coordinator school and partners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from lti_tool.network import services
from lti_tool.network.models import Network
from lti_tool.people.models import Organisation

FOUNDED = date(2025, 9, 1)


@dataclass
class Orgs:
    lyceum: int
    school5: int
    school7: int
    outsider: int


def orgs(s: Session) -> Orgs:
    made = [Organisation(slug=slug, name=name) for slug, name in (
        ("lyceum1", "МОУ лицей № 1"), ("school5", "МБОУ СШ № 5"), ("school7", "МБОУ СШ № 7"),
        ("far", "Школа из другой сети"))]
    s.add_all(made)
    s.flush()
    return Orgs(*(o.id for o in made))


def network(s: Session, o: Orgs, slug: str = "lyceum-net") -> Network:
    return services.create_network(
        s, slug=slug, name="Методическая сеть лицея № 1", coordinator_id=o.lyceum,
        founders=[services.Founder(o.school5, "Углублённая химия", "Петрова А. А.",
                                   "petrova@school5.ru")], joined_on=FOUNDED)
