"""The ballots migration on SQLite and PostgreSQL: decisions stored as counts before it stay
readable (marked «counts», figures kept), it goes both ways, and the database itself refuses a
second ballot of one member and an unknown choice."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti_tool.db import Database
from lti_tool.migrate import alembic_config, upgrade
from lti_tool.network.council import services as council
from lti_tool.network.council.models import CouncilBallot, CouncilDecision
from lti_tool.people.models import Membership, Person
from tests.network import helpers

BEFORE = "b4d6f8a0c2e5"


def _decision(s) -> tuple[int, int]:
    o = helpers.orgs(s)
    net = helpers.network(s, o)
    people = [Person(display_name=n) for n in ("Петрова А. А.", "Сидоров Б. Б.")]
    s.add_all(people)
    s.flush()
    s.add_all([Membership(person_id=people[0].id, organisation_id=o.lyceum, role="admin"),
               Membership(person_id=people[1].id, organisation_id=o.school5, role="admin")])
    seats = [council.add_member(s, net, person_id=p.id, organisation_id=org, position="director",
                                since=helpers.FOUNDED, actor_id=None)
             for p, org in zip(people, (o.lyceum, o.school5), strict=True)]
    meeting = council.create_meeting(s, net, held_on=date(2025, 10, 1), place="",
                                     agenda=["Вопрос"], actor_id=None)
    council.record_attendance(s, meeting, {m.id for m in seats}, None)
    d = council.record_decision(s, net, meeting, council.Vote(
        "general", "Утвердить план", ((seats[0].id, "for"), (seats[1].id, "abstain"))), None)
    assert (d.votes_for, d.abstained, d.adopted) == (1, 1, False)
    return d.id, seats[0].id


def test_counts_only_decisions_survive_the_migration(database_url):
    db = Database(database_url)
    with db.session() as s:
        decision_id, seat = _decision(s)
        s.commit()
    command.downgrade(alembic_config(database_url), BEFORE)  # the world before the ballots
    upgrade(database_url)
    db = Database(database_url)
    with db.session() as s:
        d = s.get(CouncilDecision, decision_id)
        assert d is not None and d.tally_source == "counts"
        assert (d.members_total, d.present, d.votes_for, d.abstained, d.adopted) == (
            2, 2, 1, 1, False)
        assert d.ballots == [] and council.roll_call(d) == {"for": [], "against": [],
                                                            "abstain": []}
        assert [p.code for p in council.why_not_adopted(d)] == ["majority_short"]
        s.add(CouncilBallot(decision_id=d.id, member_id=seat, organisation_id=1, choice="for"))
        s.flush()
        s.add(CouncilBallot(decision_id=d.id, member_id=seat, organisation_id=1,
                            choice="against"))
        with pytest.raises(IntegrityError, match="network_ballot"):
            s.flush()
        s.rollback()
        s.add(CouncilBallot(decision_id=d.id, member_id=seat, organisation_id=1, choice="maybe"))
        with pytest.raises(IntegrityError, match="ck_network_ballot_choice"):
            s.flush()
        s.rollback()
        assert s.scalars(select(CouncilBallot)).all() == []
