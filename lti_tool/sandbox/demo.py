"""``make demo``: the demo LMS mounted at /demo and the tool's registry seeded to trust it."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from adapters.netschool.sandbox import World
from lti_tool.config import Settings
from lti_tool.lti import registry
from lti_tool.people.models import Organisation
from lti_tool.people.services import organisation_by_slug
from lti_tool.sandbox.demo_school import add_sandbox_pupils, demo_world, mount_netschool
from lti_tool.sandbox.platform import ADMIN, Course, PlatformState, ResourceLink, User, seed_demo
from lti_tool.sandbox.views import make_blueprint

SCHOOLS = {
    "school-37-kostroma": ("Средняя школа № 37, Кострома", "demo-school-37"),
    "gymnasium-1": ("Гимназия № 1", "demo-gymnasium-1"),
    # The regional institute that coordinates the region's network (demo_network): its
    # staff read the region's portfolio figures and mentors.
    "kiro-kostroma": ("Костромской областной институт развития образования", "demo-kiro"),
}
#: The regional admin of the demo (portfolio figures across the region, mentors).
REGION_ADMIN = ("r-kuzmina", "Наталья Ивановна Кузьмина")


def demo_issuer(settings: Settings) -> str:
    """The demo LMS's address: beside the tool, or (browser tests) on another site's name
    for the same server, so the tool's frame is cross-site as in a real LMS."""
    return str(settings.extra.get("demo_lms_url") or settings.base_url + "/demo")


def demo_state(settings: Settings, world: World | None = None) -> PlatformState:
    """The demo LMS: its named people and, with ``world``, whole classes of the sandbox."""
    state = PlatformState(issuer=demo_issuer(settings), tool_base_url=settings.base_url,
                          storage_target="_parent")
    seed_demo(state, {slug: dep for slug, (_, dep) in SCHOOLS.items()})
    state.users[REGION_ADMIN[0]] = User(REGION_ADMIN[0], REGION_ADMIN[1], [ADMIN])
    state.courses["region-portfolio"] = Course(
        "region-portfolio", "Мониторинг портфолио области", "РЕГ-ПОРТФОЛИО",
        SCHOOLS["kiro-kostroma"][1], [REGION_ADMIN[0]])
    if world is not None:
        add_sandbox_pupils(state, world)
    from lti_tool.sandbox.demo_pathways import add_to_platform

    for course in state.courses.values():
        # Placed as Deep Linking places it: no gradebook column until a score is sent.
        if course.id != "region-portfolio":  # an office, not a class
            link = ResourceLink(f"overview-{course.id}", course.id, "Маршрут: обзор класса",
                                settings.base_url + "/lti/launch", {"target": "class_overview"})
            state.links[link.id] = link
        portfolio = ResourceLink(f"portfolio-{course.id}", course.id, "Маршрут: портфолио",
                                 settings.base_url + "/lti/launch", {"target": "portfolio"})
        state.links[portfolio.id] = portfolio
    add_to_platform(state, settings.base_url)
    from lti_tool.sandbox.demo_exchange import HOME_COURSE, PHYSICS_ID

    # school № 37 placed the gymnasium's network course in its own course: final marks
    # come back into this gradebook (AGS)
    network = ResourceLink("network-physics", HOME_COURSE, "Сетевой курс: физика (Гимназия № 1)",
                           settings.base_url + "/lti/launch",
                           {"target": f"network_course:{PHYSICS_ID}"})
    state.links[network.id] = network
    return state


def mount_demo(app: Flask, settings: Settings) -> PlatformState:
    """The demo LMS at /demo and the Сетевой город sandbox at /netschool: the same people."""
    world = demo_world()
    state = demo_state(settings, world)
    app.register_blueprint(make_blueprint(state), url_prefix="/demo")
    mount_netschool(app, world)
    app.extensions["marshrut.demo"] = state
    return state


def seed_registry(session: Session, settings: Settings) -> None:
    """Idempotent: the demo schools and the demo LMS registration with one deployment each."""
    issuer = demo_issuer(settings)
    for slug, (name, deployment) in SCHOOLS.items():
        org = organisation_by_slug(session, slug)
        if org is None:
            org = Organisation(slug=slug, name=name)
            session.add(org)
            session.flush()
        client = registry.add_platform(
            session, issuer=issuer, client_id="marshrut-demo", organisation_id=org.id,
            auth_login_url=issuer + "/auth", auth_token_url=issuer + "/token",
            jwks_url=issuer + "/jwks", name="Демо-LMS")
        dep = registry.add_deployment(session, client, deployment)
        dep.organisation_id = org.id
