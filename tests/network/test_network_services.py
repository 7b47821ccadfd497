"""The API other features call: members on a date, partners, cascade, council-only admission."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lti_tool.db import Database
from lti_tool.network import agreements, services
from lti_tool.network.models import NetworkMember
from tests.network.helpers import FOUNDED, network, orgs


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    yield database
    database.engine.dispose()


def test_members_partners_and_dates(db) -> None:
    with db.session() as s:
        o = orgs(s)
        net = network(s, o)
        assert services.member_org_ids(s, net.id) == {o.lyceum, o.school5}
        assert services.is_partner(s, o.lyceum, o.school5)
        assert not services.is_partner(s, o.lyceum, o.outsider)
        assert not services.is_partner(s, o.lyceum, o.lyceum)
        assert [n.id for n in services.networks_of(s, o.school5)] == [net.id]
        assert services.networks_of(s, o.outsider) == []
        assert services.member_org_ids(s, net.id, on=date(2025, 8, 31)) == set()
        coordinator = [m for m in services.members_of(s, net.id) if m.is_coordinator]
        assert [m.organisation_id for m in coordinator] == [o.lyceum]
        # Admission by a council decision, from a date; exit likewise, history kept.
        services.admit_by_decision(s, net, o.school7, decision_ref="dec-1",
                                   joined_on=date(2026, 1, 10), contribution="Робототехника")
        assert services.is_partner(s, o.school5, o.school7, on=date(2026, 1, 10))
        assert not services.is_partner(s, o.school5, o.school7, on=date(2026, 1, 9))
        services.exit_by_decision(s, net, o.school7, decision_ref="dec-2",
                                  left_on=date(2026, 6, 1))
        assert services.is_member(s, net.id, o.school7, on=date(2026, 5, 31))
        assert not services.is_member(s, net.id, o.school7, on=date(2026, 6, 1))
        assert services.partners_of(s, o.school5, on=date(2026, 3, 1)) == {o.lyceum, o.school7}
        assert s.scalar(select(func.count(NetworkMember.id))) == 3  # closed, not deleted


def test_admission_and_exit_need_a_decision(db) -> None:
    with db.session() as s:
        o = orgs(s)
        net = network(s, o)
        with pytest.raises(services.NetworkError) as err:
            services.admit_by_decision(s, net, o.school7, decision_ref="", joined_on=FOUNDED)
        assert err.value.code == "no_decision"
        with pytest.raises(services.NetworkError) as err:
            services.exit_by_decision(s, net, o.lyceum, decision_ref="d", left_on=FOUNDED)
        assert err.value.code == "coordinator_exit"
        with pytest.raises(services.NetworkError) as err:
            services.admit_by_decision(s, net, o.school5, decision_ref="d", joined_on=FOUNDED)
        assert err.value.code == "already_member"
        assert services.member_org_ids(s, net.id) == {o.lyceum, o.school5}


def test_a_regional_network_of_networks(db) -> None:
    with db.session() as s:
        o = orgs(s)
        region = services.create_network(s, slug="kostroma", name="Сеть Костромской области",
                                          coordinator_id=o.outsider, joined_on=FOUNDED)
        local = services.create_network(s, slug="local", name="Лицейская сеть", parent=region,
                                        coordinator_id=o.lyceum, joined_on=FOUNDED,
                                        founders=[services.Founder(o.school5)])
        assert region.level == "regional" and local.parent_id == region.id
        assert services.member_org_ids(s, region.id) == {o.outsider}
        assert services.member_org_ids(s, region.id, cascade=True) == {
            o.outsider, o.lyceum, o.school5}
        assert [c.id for c in services.children_of(s, region.id)] == [local.id]


def test_agreements_status_and_between(db) -> None:
    with db.session() as s:
        o = orgs(s)
        net = network(s, o)
        a = agreements.add_agreement(s, net, dict(
            title="Договор о сетевой форме реализации программ", number="12/25",
            subjects=["Химия (углублённый)"], starts_on=date(2025, 9, 1),
            ends_on=date(2026, 1, 20)), [o.lyceum, o.school5], None)
        views = agreements.agreements_of(s, net.id, on=date(2025, 12, 1))
        assert views[0].status.value == "expiring" and views[0].days_left == 50
        assert agreements.agreements_of(s, net.id, on=date(2026, 2, 1))[0].status.value == "expired"
        assert agreements.agreements_between(s, o.school5, o.lyceum, on=date(2025, 10, 1)) == [a]
        assert agreements.agreements_between(s, o.school5, o.lyceum, on=date(2026, 2, 1)) == []
        with pytest.raises(services.NetworkError):
            agreements.add_agreement(s, net, dict(title="x", starts_on=FOUNDED),
                                   [o.lyceum, o.outsider], None)
