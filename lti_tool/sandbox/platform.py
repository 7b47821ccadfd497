"""The demo LMS: an LTI 1.3 platform built on ``lti1p3platform``, with courses, people, a
gradebook, AGS and NRPS endpoints and Dynamic Registration, all in memory.

It serves ``make demo`` (mounted at /demo) and the end-to-end tests (on its own port). The
launch JWT itself is produced by lti1p3platform; what it lacks — a store, AGS/NRPS
endpoints, an OpenID configuration and a registration endpoint — is here.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from jwcrypto.jwk import JWK
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


@dataclass
class User:
    id: str
    name: str
    roles: list[str]


@dataclass
class Course:
    id: str
    title: str
    label: str
    deployment_id: str
    members: list[str]


@dataclass
class ResourceLink:
    id: str
    course_id: str
    title: str
    url: str
    custom: dict[str, str]
    lineitem_id: str | None = None


@dataclass
class LineItem:
    id: str
    course_id: str
    label: str
    score_maximum: float
    resource_id: str = ""
    tag: str = ""
    resource_link_id: str | None = None
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class PlatformState:
    """Everything the demo LMS knows. One lock: the dev server is threaded."""

    issuer: str
    tool_base_url: str
    client_id: str = "marshrut-demo"
    users: dict[str, User] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    links: dict[str, ResourceLink] = field(default_factory=dict)
    lineitems: dict[str, LineItem] = field(default_factory=dict)
    keys: list[JWK] = field(default_factory=list)
    registration_tokens: set[str] = field(default_factory=set)
    registered_clients: list[dict[str, Any]] = field(default_factory=list)
    #: Switch for outage tests and demos: AGS/NRPS answer 503 while set.
    services_down: bool = False
    #: The LMS withdrew the tool's service scopes: valid tokens are answered 403.
    services_refused: bool = False
    #: ``lti_storage_target`` sent with each login: the demo LMS page then keeps the tool's
    #: values for it (LTI client-side postMessage storage), as Moodle 4.4+ and Canvas do.
    storage_target: str | None = None
    score_posts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.keys:
            self.rotate_key()

    @property
    def key(self) -> JWK:
        return self.keys[-1]

    def rotate_key(self) -> JWK:
        key = JWK.generate(kty="RSA", size=2048)
        self.keys.append(key)
        return key

    def jwks(self) -> dict[str, Any]:
        # The kid must be the one lti1p3platform puts in its token headers (from the PEM).
        return {"keys": [dict(Registration.get_jwk(k.export_to_pem().decode()))
                         for k in self.keys[-2:]]}

    def endpoint(self, path: str) -> str:
        return self.issuer + path

    def add_score(self, item: LineItem, score: dict[str, Any]) -> str:
        """AGS semantics: a score no newer than the stored one changes nothing."""
        with self.lock:
            self.score_posts += 1
            user = str(score["userId"])
            old = item.scores.get(user)
            if old and old["timestamp"] >= score["timestamp"]:
                return "ignored"
            item.scores[user] = dict(score)
            return "stored"


def seed_demo(state: PlatformState, deployments: dict[str, str]) -> None:
    """Two demo schools (one deployment each), a teacher, students and an administrator."""
    people = [
        User("t-ivanova", "Мария Петровна Иванова", [INSTRUCTOR]),
        User("t-orlov", "Сергей Андреевич Орлов", [INSTRUCTOR]),
        User("a-smirnova", "Ольга Викторовна Смирнова", [ADMIN, INSTRUCTOR]),
        User("s-petrov", "Алексей Петров", [LEARNER]),
        User("s-kuznetsova", "Дарья Кузнецова", [LEARNER]),
        User("s-sokolov", "Илья Соколов", [LEARNER]),
        User("s-popova", "Анна Попова", [LEARNER]),
        User("s-lebedev", "Никита Лебедев", [LEARNER]),
    ]
    for user in people:
        state.users[user.id] = user
    first, second = list(deployments.values())[:2]
    state.courses["algebra-10a"] = Course(
        "algebra-10a", "Алгебра, 10 А", "АЛГ-10А", first,
        ["t-ivanova", "a-smirnova", "s-petrov", "s-kuznetsova", "s-sokolov"])
    state.courses["physics-11b"] = Course(
        "physics-11b", "Физика, 11 Б", "ФИЗ-11Б", second,
        ["t-orlov", "s-popova", "s-lebedev"])


class DemoPlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        state: PlatformState = kwargs["state"]
        deployment_id: str = kwargs["deployment_id"]
        key = state.key
        reg = (Registration()
               .set_iss(state.issuer)
               .set_client_id(state.client_id)
               .set_deployment_id(deployment_id)
               .set_launch_url(state.tool_base_url + "/lti/launch")
               .set_deeplink_launch_url(state.tool_base_url + "/lti/launch")
               .set_oidc_login_url(state.tool_base_url + "/lti/login")
               .set_tool_key_set_url(state.tool_base_url + "/.well-known/jwks.json")
               .set_platform_public_key(key.export_to_pem().decode())
               .set_platform_private_key(key.export_to_pem(private_key=True,
                                                           password=None).decode()))
        self._registration = reg

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        assert self._registration is not None
        return self._registration


class _Req:
    """The request shape lti1p3platform reads (``get_data`` / ``form_data``)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.get_data = data
        self.form_data = data


class DemoLaunch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data


def build_launch(state: PlatformState, auth_params: dict[str, Any]) -> dict[str, Any]:
    """Answer the tool's OIDC auth request: the id_token and state to post back."""
    hint = str(auth_params.get("lti_message_hint", ""))
    user = state.users[str(auth_params["login_hint"])]
    kind, _, ref = hint.partition(":")
    course = state.courses[ref] if kind == "dl" else state.courses[state.links[ref].course_id]
    conf = DemoPlatformConf(state=state, deployment_id=course.deployment_id)
    launch = DemoLaunch(_Req(auth_params), conf)  # type: ignore[arg-type]
    launch.set_user_data(user.id, user.roles, full_name=user.name)
    launch.set_launch_context_claim(
        course.id, ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        course.title, course.label)
    launch.set_launch_presentation_claim("iframe", state.endpoint("/"))
    launch.set_nrps(state.endpoint(f"/courses/{course.id}/memberships"))
    if kind == "dl":
        launch.set_dl(state.endpoint("/deeplink/return"), title=course.title,
                      accept_types={"ltiResourceLink"}, extra_data={"course": course.id})
    else:
        link = state.links[ref]
        launch.set_resource_link_claim(link.id, title=link.title)
        launch.set_custom_parameters_claim(link.custom)
        launch.set_ags(state.endpoint(f"/courses/{course.id}/lineitems"),
                       state.endpoint(f"/lineitems/{link.lineitem_id}")
                       if link.lineitem_id else None, allow_creating_lineitems=True)
    return launch.lti_launch()  # type: ignore[no-any-return]


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
