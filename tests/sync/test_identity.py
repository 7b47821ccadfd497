"""People from Сетевой город meet people the LMS already brought: linked only on a unique
match of the configured keys, namesakes left for the admin, linking by hand moves the marks."""

from __future__ import annotations

from sqlalchemy import func, select

from lti_tool.core.audit import AuditEntry
from lti_tool.journal.models import Mark
from lti_tool.people.models import IdentityLink, Membership, Person
from lti_tool.sync import services
from lti_tool.sync.models import SourceConnection, UnmatchedPerson


def _lms_person(env, name: str, sub: str) -> int:
    with env.db.session() as s:
        person = Person(display_name=name)
        s.add(person)
        s.flush()
        s.add_all([Membership(person_id=person.id, organisation_id=env.org_id, role="student"),
                   IdentityLink(person_id=person.id, source="lti", namespace="https://moodle",
                                external_id=sub)])
        return person.id


def test_unique_matches_link_namesakes_wait_for_the_admin(remote, env):
    world = remote.state.world
    students = [world.people[s] for s in world.students_of(1001)]
    one, two = students[0], students[1]
    linked = _lms_person(env, f"{one.first} {one.last}", "lms-1")  # LMS: no patronymic
    twins = [_lms_person(env, f"{two.first} {two.last}", f"lms-twin-{i}") for i in (1, 2)]
    with env.db.session() as s:
        s.get(SourceConnection, env.conn_id).match_keys = ["email", "name_partial"]
    assert env.sync().status == "done"
    with env.db.session() as s:
        link = s.scalars(select(IdentityLink).where(
            IdentityLink.source == "netschool", IdentityLink.external_id == str(one.id))).one()
        assert link.person_id == linked  # the LMS person now carries the diary
        assert s.scalar(select(func.count(Mark.id)).where(Mark.student_id == linked)) > 0
        waiting = s.scalars(select(UnmatchedPerson)).all()
        assert len(waiting) == len(students) - 1
        twin_row = next(u for u in waiting if u.external_id == str(two.id))
        assert sorted(twin_row.candidates) == sorted(twins)
        for twin in twins:  # neither namesake got the marks
            assert s.scalar(select(func.count(Mark.id)).where(Mark.student_id == twin)) == 0
        temp, marks = twin_row.person_id, s.scalar(
            select(func.count(Mark.id)).where(Mark.student_id == twin_row.person_id))
        target = s.get(Person, twins[1]).public_id
        item = twin_row.public_id
    assert marks > 0
    with env.db.session() as s:
        services.link_unmatched(s, env.org_id, item, target, actor_id=linked)
    with env.db.session() as s:
        assert s.get(Person, temp) is None
        assert s.scalar(select(func.count(Mark.id)).where(Mark.student_id == twins[1])) == marks
        assert s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.source == "netschool", IdentityLink.external_id == str(two.id))
        ).one() == twins[1]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "sync.link_by_hand")).one()
        assert (entry.actor_id, entry.organisation_id, entry.entity_id) == (
            linked, env.org_id, str(twins[1]))
        assert entry.details["merged_person"] == temp
    again = env.sync()  # the next sync follows the hand-made link: nothing new, nothing lost
    assert again.counts.get("people.created", 0) == 0
    assert env.held() == remote.truth(*_window(env, again.run_id))

    with env.db.session() as s:  # the wrong twin: undo gives the diary back, all of it
        services.unlink_unmatched(s, env.org_id, item, actor_id=linked)
    with env.db.session() as s:
        back = s.scalars(select(UnmatchedPerson).where(UnmatchedPerson.public_id == item)).one()
        assert not back.resolved and back.person_id not in (temp, *twins)
        assert s.scalar(select(func.count(Mark.id)).where(Mark.student_id == twins[1])) == 0
        assert s.scalar(select(func.count(Mark.id)).where(
            Mark.student_id == back.person_id)) == marks
        assert s.scalars(select(IdentityLink.person_id).where(
            IdentityLink.source == "lti", IdentityLink.external_id == "lms-twin-2")
        ).one() == twins[1]  # the LMS's own link stays with the LMS person
        assert s.scalar(select(func.count(Membership.id)).where(
            Membership.person_id == twins[1])) == 1
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "sync.unlink_by_hand")).one()
        assert entry.details["new_person"] == back.person_id and entry.actor_id == linked
    after = env.sync()
    assert after.counts.get("people.created", 0) == 0
    assert env.held() == remote.truth(*_window(env, after.run_id))
    with env.db.session() as s:
        try:
            services.unlink_unmatched(s, env.org_id, item, actor_id=linked)
        except LookupError:
            pass
        else:
            raise AssertionError("undid a link that is not there")


def _window(env, run_id):
    from lti_tool.sync.models import SyncRun

    with env.db.session() as s:
        run = s.get(SyncRun, run_id)
        return run.window_start, run.window_end


def test_another_schools_person_cannot_be_the_link_target(remote, env):
    from lti_tool.people.models import Organisation

    env.sync()
    with env.db.session() as s:
        other = Organisation(slug="other", name="Гимназия")
        s.add(other)
        s.flush()
        stranger = Person(display_name="Чужой ученик")
        s.add(stranger)
        s.flush()
        s.add(Membership(person_id=stranger.id, organisation_id=other.id, role="student"))
        item = s.scalars(select(UnmatchedPerson)).first().public_id
        target = stranger.public_id
    with env.db.session() as s:
        try:
            services.link_unmatched(s, env.org_id, item, target, actor_id=1)
        except LookupError:
            pass
        else:
            raise AssertionError("linked to a person of another school")
    with env.db.session() as s:
        assert not s.scalars(select(UnmatchedPerson).where(
            UnmatchedPerson.public_id == item)).one().resolved
