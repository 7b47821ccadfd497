"""The ``marshrut`` command (DESIGN.md, public contracts)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from lti_tool.config import Settings


def _settings(**overrides: Any) -> Settings:
    return Settings.from_env(**overrides)


def _app(**overrides: Any) -> Any:
    from lti_tool.app import create_app

    return create_app(_settings(**overrides))


@click.group()
def main() -> None:
    """Маршрут: LTI 1.3 tool (ИОМ, portfolios, network courses)."""
    # The database, the job queue, keys and exports hold minors' personal data: files we
    # create are readable by our own user only (SQLite gives its -wal/-shm the same mode).
    os.umask(0o077)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (Alembic) to MARSHRUT_DATABASE_URL."""
    from lti_tool.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    click.echo("database is up to date")


@db.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    from lti_tool.migrate import revision

    revision(_settings().database_url, message)


@main.group()
def keys() -> None:
    """Tool signing keys."""


@keys.command("reencrypt")
def keys_reencrypt() -> None:
    """After changing MARSHRUT_SECRET_KEY (old one in MARSHRUT_OLD_SECRET_KEYS): store every
    secret under the new key, so the old one can be removed."""
    from cryptography.fernet import InvalidToken

    from lti_tool.db import Database
    from lti_tool.lti.keys import reencrypt_private_keys
    from lti_tool.sync.services import reencrypt_secrets

    settings = _settings()
    try:
        with Database(settings.database_url).session() as session:
            keys_done = reencrypt_private_keys(session, settings.secret_key)
            secrets_done = reencrypt_secrets(session, settings.secret_key)
    except InvalidToken as exc:  # all or nothing: the session rolled back, nothing changed
        raise click.ClickException(
            "a stored secret opens with none of the keys given: put the secret it was "
            "written with in MARSHRUT_OLD_SECRET_KEYS (comma-separated); nothing was "
            "changed") from exc
    click.echo(f"re-encrypted {keys_done} tool key(s) and {secrets_done} connection secret(s)")


@keys.command("rotate")
def keys_rotate() -> None:
    """Promote the published next key to signing; keep the old one until its tokens expire."""
    from lti_tool.db import Database
    from lti_tool.lti.keys import rotate

    settings = _settings()
    with Database(settings.database_url).session() as session:
        key = rotate(session, settings.secret_key)
        click.echo(f"signing key is now {key.kid}")


@main.group()
def org() -> None:
    """Organisations (schools, networks, authorities)."""


@org.command("add")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--kind", default="school", type=click.Choice(["school", "network", "authority"]))
def org_add(slug: str, name: str, kind: str) -> None:
    from lti_tool.db import Database
    from lti_tool.people.models import Organisation
    from lti_tool.people.services import organisation_by_slug

    with Database(_settings().database_url).session() as session:
        if organisation_by_slug(session, slug):
            raise click.ClickException(f"organisation {slug} already exists")
        session.add(Organisation(slug=slug, name=name, kind=kind))
    click.echo(f"organisation {slug} added")


def _org_id(session: Any, slug: str) -> int:
    from lti_tool.people.services import organisation_by_slug

    found = organisation_by_slug(session, slug)
    if found is None:
        raise click.ClickException(f"no organisation with slug {slug} (marshrut org add)")
    return found.id


@main.group()
def scores() -> None:
    """Scores waiting to go to the LMS gradebook (AGS outbox)."""


@scores.command("retry")
@click.option("--org", "org_slug", required=True, help="organisation slug")
def scores_retry(org_slug: str) -> None:
    """Send again the scores the LMS did not take during automatic retries."""
    from lti_tool.db import Database
    from lti_tool.lms_scores.services import retry_failed

    with Database(_settings().database_url).session() as session:
        count = retry_failed(session, _org_id(session, org_slug), user_subs=None,
                             actor_id=None)
    click.echo(f"{count} score(s) queued again")


@main.group()
def lti() -> None:
    """LTI platform registrations."""


@lti.command("revoke")
@click.option("--org", "org_slug", required=True, help="organisation slug")
@click.option("--person", "person_id", default=None, help="a person's public id")
@click.option("--all", "everyone", is_flag=True, help="every live launch of the organisation")
def lti_revoke(org_slug: str, person_id: str | None, everyone: bool) -> None:
    """End live launch tokens now (a stolen or shared link stops working)."""
    from lti_tool.db import Database
    from lti_tool.lti.revocation import revoke_launches

    if (person_id is None) == (not everyone):
        raise click.UsageError("укажите --person ID или --all")
    with Database(_settings().database_url).session() as session:
        try:
            count = revoke_launches(session, _org_id(session, org_slug),
                                    person_public_id=person_id)
        except LookupError as exc:
            raise click.ClickException(f"нет человека {exc}") from exc
    click.echo(f"revoked {count} launch(es)")


@lti.command("add-platform")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option("--deployment-id", "deployments", multiple=True, required=True)
@click.option("--org", "org_slug", required=True, help="organisation slug")
@click.option("--login-url", required=True, help="platform OIDC authorisation endpoint")
@click.option("--token-url", required=True, help="platform OAuth2 token endpoint")
@click.option("--jwks-url", required=True, help="platform public keys")
@click.option("--name", default="")
def lti_add_platform(issuer: str, client_id: str, deployments: tuple[str, ...], org_slug: str,
                     login_url: str, token_url: str, jwks_url: str, name: str) -> None:
    """Manual registration (when the LMS cannot do Dynamic Registration)."""
    from lti_tool.db import Database
    from lti_tool.lti.registry import add_platform

    with Database(_settings().database_url).session() as session:
        client = add_platform(session, issuer=issuer, client_id=client_id,
                              organisation_id=_org_id(session, org_slug),
                              auth_login_url=login_url, auth_token_url=token_url,
                              jwks_url=jwks_url, deployment_ids=list(deployments), name=name)
        click.echo(f"platform {issuer} client {client.client_id} registered (id {client.id})")


@lti.command("invite")
@click.option("--org", "org_slug", required=True)
@click.option("--days", default=7, show_default=True)
def lti_invite(org_slug: str, days: int) -> None:
    """Print a one-time Dynamic Registration URL for an organisation's LMS admin."""
    from lti_tool.db import Database
    from lti_tool.lti.dynamic_registration import create_invite

    settings = _settings()
    with Database(settings.database_url).session() as session:
        token = create_invite(session, _org_id(session, org_slug), days)
    click.echo(f"{settings.base_url}/lti/register?invite={token}")


@lti.command("approve")
@click.argument("client_pk", type=int)
@click.option("--org", "org_slug", required=True)
def lti_approve(client_pk: int, org_slug: str) -> None:
    """Activate a registration made without an invite, for the given organisation."""
    from lti_tool.db import Database
    from lti_tool.lti.dynamic_registration import approve

    with Database(_settings().database_url).session() as session:
        client = approve(session, client_pk, _org_id(session, org_slug))
        click.echo(f"client {client.client_id} is active")
        # Whoever registered chose these: launches are believed if signed by the JWKS keys.
        p = client.platform
        click.echo(f"issuer {p.issuer}\nlogin {p.auth_login_url}\ntoken {p.auth_token_url}\n"
                   f"jwks {p.jwks_url}")


@lti.command("list")
def lti_list() -> None:
    from sqlalchemy import select

    from lti_tool.db import Database
    from lti_tool.lti.models import PlatformClient

    with Database(_settings().database_url).session() as session:
        for c in session.scalars(select(PlatformClient).order_by(PlatformClient.id)):
            deps = ",".join(d.deployment_id for d in c.deployments)
            click.echo(f"{c.id}\t{c.status}\t{c.platform.issuer}\t{c.client_id}\t{deps}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--workers", default=2, show_default=True)
@click.option("--threads", default=8, show_default=True)
@click.option("--embedded-worker/--no-embedded-worker", default=True,
              help="run the job queue consumer in this process (single machine)")
def serve(host: str, port: int, workers: int, threads: int, embedded_worker: bool) -> None:
    """Serve the tool with Gunicorn."""
    from lti_tool.server import run

    run(host, port, workers=workers, threads=threads, embedded_worker=embedded_worker)


@main.command()
def worker() -> None:
    """Run a job queue consumer (Huey; SQLite or Redis by MARSHRUT_REDIS_URL)."""
    from lti_tool.jobs import jobs

    app = _app()
    with app.app_context():
        jobs().run_consumer(workers=2)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def demo(host: str, port: int) -> None:
    """Migrate, seed the demo schools and serve the tool with the demo LMS at /demo."""
    from lti_tool.db import Database
    from lti_tool.lti.keys import ensure_keys
    from lti_tool.migrate import upgrade

    try:  # the demo LMS lives in the `demo` extra, not in a school's install
        from lti_tool.sandbox.demo import seed_registry
    except ModuleNotFoundError as exc:
        raise click.ClickException(
            f"Для демо нужен пакет {exc.name}: pip install -c constraints.txt -e '.[demo]' "
            "(или make demo)") from exc

    os.environ.setdefault("MARSHRUT_BASE_URL", f"http://{host}:{port}")
    os.environ["MARSHRUT_DEMO"] = "1"
    os.environ.setdefault("MARSHRUT_ALLOW_PRIVATE_URLS", "1")  # the demo LMS is on loopback
    settings = _settings()
    upgrade(settings.database_url)
    with Database(settings.database_url).session() as session:
        seed_registry(session, settings)
        ensure_keys(session, settings.secret_key)
    from lti_tool.sandbox.demo_school import seed_demo_school

    click.echo("Готовим демо-школу: списки классов и отметки из «Сетевого города»…")
    seed_demo_school(settings, host, port)
    from lti_tool.sandbox.demo import demo_issuer
    from lti_tool.sandbox.demo_network import seed_demo_network

    with Database(settings.database_url).session() as session:
        seed_demo_network(session, demo_issuer(settings), settings.instance_path)
    from lti_tool.sandbox.demo_pathways import seed_regional_edition

    with Database(settings.database_url).session() as session:
        seed_regional_edition(session)
    from lti_tool.sandbox.demo_exchange import seed_demo_exchange

    with Database(settings.database_url).session() as session:
        seed_demo_exchange(session, demo_issuer(settings))
    from lti_tool.sandbox.demo_pathways import seed_network_route

    with Database(settings.database_url).session() as session:  # a route with the course
        seed_network_route(session, demo_issuer(settings))
    from lti_tool.server import run

    # One worker process: the demo LMS keeps its state in memory.
    run(host, port, workers=1, threads=8, embedded_worker=True,
        banner=_demo_banner(settings.base_url))


#: a parent of the «Сетевой город» sandbox's school № 37 whose child is a demo LMS pupil
DEMO_PARENT_LOGIN = "p10018"


def _demo_banner(base: str) -> str:
    from adapters.netschool.sandbox import DEMO_PASSWORD
    from lti_tool.sandbox.demo_pathways import PARENT
    from lti_tool.sandbox.platform import PlatformState, User, seed_demo

    users = PlatformState(issuer="", tool_base_url="")
    seed_demo(users, {"a": "a", "b": "b"})
    users.users[PARENT.id] = PARENT  # the parent the routes demo adds (agrees to a route)
    from lti_tool.sandbox.demo import REGION_ADMIN

    users.users[REGION_ADMIN[0]] = User(REGION_ADMIN[0], REGION_ADMIN[1], [])
    people = "\n".join(f"    {u.id:<14} {u.name}" for u in users.users.values())
    return (f"\n  Маршрут работает: {base}/\n"
            f"  Откройте демо-LMS: {base}/demo/ — выберите человека, курс и запустите Маршрут.\n"
            f"  Люди демо-LMS:\n{people}\n"
            f"  Учитель t-ivanova, курс «Алгебра, 10 А»: класс с отметками по предметам.\n"
            f"  Регион: r-kuzmina, курс «Мониторинг портфолио области» — показатели школ "
            f"области и наставники; «Сеть» → региональная сеть: включить сеть района.\n"
            f"  «Сетевой город» (песочница): {base}/netschool/webapi/ — учётки школ "
            f"zavuch1001 и zavuch1002, пароль {DEMO_PASSWORD}\n"
            f"  Без LMS (родители): {base}/signin — школа № 37, логин Сетевого города "
            f"{DEMO_PARENT_LOGIN}, пароль {DEMO_PASSWORD}\n"
            f"  Остановить: Ctrl+C\n")


@main.group()
def sandbox() -> None:
    """Faithful fake servers of outside systems, for tests and the demo."""


@sandbox.command("netschool")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True)
def sandbox_netschool(host: str, port: int) -> None:
    """«Сетевой город. Образование» web API under /webapi/."""
    from adapters.netschool import sandbox as ns

    ns.serve(host, port)


@sandbox.command("moodle")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8082, show_default=True)
def sandbox_moodle(host: str, port: int) -> None:
    """Moodle Web Services under /webservice/rest/server.php."""
    from adapters.moodle import sandbox as ms

    ms.serve(host, port)


def _register_feature_commands() -> None:
    from lti_tool.sync.cli import export, sync

    main.add_command(sync)
    main.add_command(export)


_register_feature_commands()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
