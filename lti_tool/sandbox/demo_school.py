"""``make demo`` shows a school at work from the first minute: the demo LMS's people *are*
the pupils of the Сетевой город sandbox (mounted at /netschool), each course's roster is in
the tool already, and the school year up to today is synced and linked (issue 7).

A small sandbox world keeps the first start to a few seconds; the sync runs once, before
the server starts, and later starts reuse it (the database lives in the instance folder).
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import WSGIRequestHandler, make_server

from adapters.netschool.sandbox import DEMO_PASSWORD, State, World
from adapters.netschool.sandbox import create_app as netschool_app
from lti_tool.config import Settings
from lti_tool.db import Database
from lti_tool.lti.models import Deployment, PlatformClient
from lti_tool.people import roster
from lti_tool.people import services as people
from lti_tool.people.models import IdentityLink
from lti_tool.sandbox.platform import LEARNER, PlatformState, User
from lti_tool.sync import services as sync
from lti_tool.sync.models import SyncRun

log = logging.getLogger("marshrut.demo")

PREFIX = "/netschool"
#: Demo organisation slug → (sandbox school id, the sandbox class behind its demo course).
SCHOOLS = {"school-37-kostroma": (1001, "algebra-10a", "10А"),
           "gymnasium-1": (1002, "physics-11b", "11Б")}
#: The demo LMS's named pupils, as the sandbox knows them (with a patronymic, as there).
NAMED = {"algebra-10a": [("Петров", "Алексей", "Игоревич"), ("Кузнецова", "Дарья", "Сергеевна"),
                         ("Соколов", "Илья", "Андреевич")],
         "physics-11b": [("Попова", "Анна", "Олеговна"), ("Лебедев", "Никита", "Павлович")]}
LMS_IDS = {"algebra-10a": ["s-petrov", "s-kuznetsova", "s-sokolov"],
           "physics-11b": ["s-popova", "s-lebedev"]}


def school_year_start(today: date) -> int:
    return today.year if today.month >= 8 else today.year - 1


def demo_world(today: date | None = None) -> World:
    """Two small schools (12 and 6 pupils a class) for this school year; the demo LMS's
    named pupils are pupils of the classes behind the demo courses."""
    world = World(seed=37, start_year=school_year_start(today or date.today()),
                  sizes=((1, 12), (2, 6)))
    world.schools[1002].short_name = "МБОУ Гимназия №1"
    world.schools[1002].full_name = "Муниципальное образовательное учреждение «Гимназия №1»"
    for school_id, course, class_name in SCHOOLS.values():
        klass = _sandbox_class(world, school_id, class_name)
        named = dict(zip(klass.students, NAMED[course], strict=False))
        for pupil_id, (last, first, middle) in named.items():
            pupil = world.people[pupil_id]
            pupil.last, pupil.first, pupil.middle = last, first, middle
        # Nobody else in the school shares a named pupil's name: the sync links by name.
        taken = {(last, first) for last, first, _ in named.values()}
        for pupil_id in world.students_of(school_id):
            pupil = world.people[pupil_id]
            if pupil_id not in named and (pupil.last, pupil.first) in taken:
                pupil.first = "Варвара" if pupil.last.endswith("а") else "Роман"
    return world


def _sandbox_class(world: World, school_id: int, name: str) -> Any:
    return next(world.classes[c] for c in world.schools[school_id].classes
                if world.classes[c].name == name)


def add_sandbox_pupils(state: PlatformState, world: World) -> None:
    """Each demo course lists its sandbox class: the named LMS users first, then the rest of
    the class as LMS users named as an LMS names them (no patronymic)."""
    for school_id, course_id, class_name in SCHOOLS.values():
        course = state.courses.get(course_id)
        if course is None:
            continue
        klass = _sandbox_class(world, school_id, class_name)
        for pupil_id in klass.students[len(LMS_IDS[course_id]):]:
            pupil = world.people[pupil_id]
            user = User(pupil.login, f"{pupil.first} {pupil.last}", [LEARNER])
            state.users[user.id] = user
            if user.id not in course.members:
                course.members.append(user.id)


def mount_netschool(app: Flask, world: World) -> None:
    """The sandbox beside the tool, so the demo needs one process and one port."""
    app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, {PREFIX: netschool_app(State(world))})


def sandbox_ids(world: World) -> dict[str, int]:
    """Demo LMS user id → the sandbox pupil they are."""
    ids: dict[str, int] = {}
    for school_id, course_id, class_name in SCHOOLS.values():
        pupils = _sandbox_class(world, school_id, class_name).students
        ids.update(zip(LMS_IDS[course_id], pupils, strict=False))
        ids.update({world.people[p].login: p for p in pupils[len(LMS_IDS[course_id]):]})
    return ids


def _link_known_pupils(session: Any, org_id: int, issuer: str, users: list[str],
                       world: World) -> None:
    """A pupil synced on an earlier start under another demo address (another port, so
    another issuer) keeps their marks: the new LMS identity joins the synced person."""
    known = sandbox_ids(world)
    for user in users:
        if user not in known or people.person_by_identity(session, "lti", issuer, user):
            continue
        synced = session.scalars(select(IdentityLink.person_id).where(
            IdentityLink.source == "netschool", IdentityLink.external_id == str(known[user]),
            IdentityLink.namespace.endswith(f"@org{org_id}"))).first()
        if synced is not None:
            session.add(IdentityLink(person_id=synced, source="lti", namespace=issuer,
                                     external_id=user))
    session.flush()


def seed_rosters(session: Any, state: PlatformState, world: World | None = None) -> None:
    """What a teacher's «Обновить список из LMS» would bring, for every demo course."""
    for course in state.courses.values():
        dep = session.scalars(select(Deployment).join(PlatformClient).where(
            Deployment.deployment_id == course.deployment_id,
            PlatformClient.client_id == state.client_id)).first()
        if dep is None or dep.organisation_id is None:
            continue
        group = people.upsert_class(session, dep.organisation_id, source="lti",
                                    namespace=state.issuer, external_id=course.id,
                                    title=course.title, label=course.label)
        if world is not None:
            _link_known_pupils(session, dep.organisation_id, state.issuer, course.members,
                               world)
        members = [{"user_id": m, "name": state.users[m].name, "roles": state.users[m].roles,
                    "status": "Active"} for m in course.members]
        roster.apply_members(session, group, state.issuer, members)


def _connection(session: Any, settings: Settings, org_id: int, school_id: int,
                world: World, url: str) -> int:
    found = sync.connections(session, org_id, "netschool")
    if found:
        return found[0].id
    conn = sync.create_connection(session, org_id, dict(
        kind="netschool", title="Сетевой город (песочница)", base_url=url,
        school=world.schools[school_id].short_name, login=f"zavuch{school_id}",
        password=DEMO_PASSWORD, match_keys="name_partial"), settings.secret_key, None)
    return conn.id


def seed_demo_school(settings: Settings, host: str, port: int) -> None:
    """Rosters, sandbox connections and one sync per school, unless done on an earlier
    start. The sandbox is served on the demo's own address for the sync, before the server
    takes it over, so the stored connection keeps working afterwards."""
    from lti_tool.sandbox.demo import demo_state

    world = demo_world()
    state = demo_state(settings, world)
    local = "127.0.0.1" if host in ("", "0.0.0.0") else host  # noqa: S104 - a bind address
    url = f"http://{local}:{port}{PREFIX}"
    db = Database(settings.database_url)
    pending = []
    with db.session() as session:
        seed_rosters(session, state, world)
        for slug, (school_id, _, _) in SCHOOLS.items():
            org = people.organisation_by_slug(session, slug)
            if org is None:
                continue
            conn_id = _connection(session, settings, org.id, school_id, world, url)
            pending.append(conn_id)
    with db.session() as session:
        done = set(session.scalars(select(SyncRun.connection_id).where(
            SyncRun.status == "done")))
        pending = [c for c in pending if c not in done]
    if pending:
        wsgi = DispatcherMiddleware(_not_found, {PREFIX: netschool_app(State(world))})
        server = make_server(local, port, wsgi, threaded=True, request_handler=_Quiet)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            for conn_id in pending:
                result = sync.sync_now(db, conn_id, settings.secret_key)
                log.info("demo sync %s: %s", result.status, result.message)
        finally:
            server.shutdown()
            server.server_close()
    from lti_tool.sandbox.demo_pathways import seed_pathways

    with db.session() as session:
        log.info("demo routes: %s", seed_pathways(session, state))
    with db.session() as session:  # after the routes: their demo parent consents here too
        _seed_portfolios(session, settings, state)
    db.engine.dispose()


def _seed_portfolios(session: Any, settings: Settings, state: PlatformState) -> None:
    """10 А of school № 37 with portfolios in every moderation state (issue 11)."""
    import os

    from lti_tool.portfolio.demo import seed_portfolios
    from lti_tool.portfolio.storage import store_for

    org = people.organisation_by_slug(session, "school-37-kostroma")
    course = state.courses.get("algebra-10a")
    if org is None or course is None:
        return
    group = people.upsert_class(session, org.id, source="lti", namespace=state.issuer,
                                external_id=course.id)
    added = seed_portfolios(session, store_for(settings.instance_path,
                                               os.environ.get("MARSHRUT_EVIDENCE_DIR")),
                            org_id=org.id, issuer=state.issuer, class_id=group.id,
                            curator_sub="t-ivanova", admin_sub="a-smirnova")
    if added:
        log.info("demo portfolios: %s achievements", added)


class _Quiet(WSGIRequestHandler):
    """The seeding sync's requests are not the demo's news."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return


def _not_found(environ: Any, start_response: Any) -> list[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]
