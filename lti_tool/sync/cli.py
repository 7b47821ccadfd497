"""``marshrut sync ...``: connect a source, run a sync with a progress bar, read reports."""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Any

import click
from marshmallow import ValidationError

from lti_tool.config import Settings
from lti_tool.web import form_errors


def _db(settings: Settings) -> Any:
    from lti_tool.db import Database

    return Database(settings.database_url)


def _org(session: Any, slug: str) -> int:
    from lti_tool.people.services import organisation_by_slug

    found = organisation_by_slug(session, slug)
    if found is None:
        raise click.ClickException(f"нет организации {slug} (marshrut org add)")
    return found.id


@click.group("sync")
def sync() -> None:
    """Pull rosters, marks and attendance from Сетевой город, Moodle and OneRoster."""


@sync.command("connect")
@click.argument("kind", type=click.Choice(["netschool", "moodle", "oneroster"]))
@click.option("--org", "org_slug", required=True)
@click.option("--title", default="")
@click.option("--url", "base_url", default="", help="server address (netschool, moodle)")
@click.option("--login", default="")
@click.option("--school", default="", help="school name or id on the Сетевой город server")
@click.option("--secret-env", default="",
              help="environment variable holding the password / token (never on the command "
                   "line: it would stay in the shell history)")
@click.option("--path", default="", help="OneRoster folder or zip")
@click.option("--match-keys", default="email", show_default=True)
@click.option("--interval", "interval_minutes", default=0, show_default=True,
              help="minutes between scheduled syncs; 0 = only by hand")
def connect(kind: str, org_slug: str, title: str, base_url: str, login: str, school: str,
            secret_env: str, path: str, match_keys: str, interval_minutes: int) -> None:
    """Store a connection (the password is encrypted at rest)."""
    from lti_tool.sync.schemas import SECRET_FIELD
    from lti_tool.sync.services import create_connection

    settings = Settings.from_env()
    secret = os.environ.get(secret_env, "") if secret_env else ""
    if SECRET_FIELD[kind] and not secret:
        secret = click.prompt("Пароль" if kind == "netschool" else "Токен", hide_input=True)
    form = dict(kind=kind, title=title or kind, base_url=base_url, login=login, school=school,
                path=os.path.abspath(path) if path else "", match_keys=match_keys,
                interval_minutes=interval_minutes)
    if SECRET_FIELD[kind]:
        form[SECRET_FIELD[kind]] = secret
    with _db(settings).session() as session:
        try:
            conn = create_connection(session, _org(session, org_slug), form,
                                     settings.secret_key, None)
        except ValidationError as exc:
            raise click.ClickException(_errors(exc)) from exc
        click.echo(f"подключение {conn.public_id} ({kind}) сохранено")


def _errors(exc: ValidationError) -> str:
    return "; ".join(form_errors.lines(exc, {}, sep=" "))


class _Bar:
    """click's progress bar, opened once the engine knows how many chunks there are."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label, show_pos=True,
                                         file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _run(kind: str, org_slug: str, since: date | None, full: bool, file: str | None) -> None:
    from lti_tool.sync.engine import SyncOptions
    from lti_tool.sync.services import connections, sync_now

    settings = Settings.from_env()
    db = _db(settings)
    with db.session() as session:
        conns = list(connections(session, _org(session, org_slug), kind))
    if not conns:
        raise click.ClickException(f"нет подключения {kind} (marshrut sync connect {kind} ...)")
    failed = False
    for conn in conns:
        if file:
            with db.session() as session:
                stored = session.get(type(conn), conn.id)
                stored.settings = {**stored.settings, "path": os.path.abspath(file)}
        bar = _Bar(conn.title or conn.kind)

        options = SyncOptions(since=since, full=full, trigger="cli",
                              redis_url=settings.redis_url)
        try:
            result = sync_now(db, conn.id, settings.secret_key, options, bar.update,
                              public_urls_only=not settings.allow_private_urls)
        finally:
            bar.close()
        s = {k.removeprefix("summary."): v for k, v in result.counts.items()
             if k.startswith("summary.")}
        click.echo(f"{conn.title}: {result.status} · получено {s.get('fetched', 0)} · "
                   f"создано {s.get('created', 0)} · изменено {s.get('updated', 0)} · "
                   f"без изменений {s.get('unchanged', 0)} · удалено {s.get('deleted', 0)} · "
                   f"отклонено {s.get('rejected', 0)} · отчёт {result.public_id}")
        if result.message:
            click.echo(result.message, err=True)
        failed = failed or result.status != "done"
    if failed:
        raise SystemExit(1)


def _run_command(kind: str, doc: str) -> click.Command:
    @click.option("--org", "org_slug", required=True)
    @click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help="fetch from this date instead of the weeks since the last run")
    @click.option("--full", is_flag=True, help="the whole school year")
    def command(org_slug: str, since: Any, full: bool, **extra: Any) -> None:
        _run(kind, org_slug, since.date() if since else None, full, extra.get("file"))

    command.__doc__ = doc
    if kind == "oneroster":
        command = click.option("--file", default=None,
                               help="a new OneRoster zip or folder to import")(command)
    return click.command(kind)(command)


sync.add_command(_run_command("netschool", "Sync from «Сетевой город» (NetSchool web API)."))
sync.add_command(_run_command("moodle", "Sync from Moodle Web Services."))
sync.add_command(_run_command("oneroster", "Import a OneRoster 1.2 CSV set."))


@sync.command("runs")
@click.option("--org", "org_slug", required=True)
def runs_list(org_slug: str) -> None:
    """The last runs of every connection with their reports."""
    from lti_tool.sync.services import connections, recent_runs

    with _db(Settings.from_env()).session() as session:
        for conn in connections(session, _org(session, org_slug)):
            click.echo(f"{conn.public_id} {conn.kind} {conn.title}")
            for run in recent_runs(session, conn.id):
                s = {k.removeprefix("summary."): v for k, v in run.counts.items()
                     if k.startswith("summary.")}
                click.echo(f"  {run.public_id} {run.started_at:%Y-%m-%d %H:%M} {run.status} "
                           f"{s} {run.display_message}")


@click.group("export")
def export() -> None:
    """Give the school's data to another system."""


@export.command("oneroster")
@click.option("--org", "org_slug", required=True, help="organisation slug")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="the zip to write (default: oneroster-<org>-<date>.zip here)")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="assignments due on or after this date")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="assignments due on or before this date")
def export_oneroster_cmd(org_slug: str, out: str | None, since: Any, until: Any) -> None:
    """A OneRoster 1.2 bulk set (zip): people, classes, enrolments, assignments, marks."""
    from lti_tool.sync.export import export_oneroster

    settings = Settings.from_env()
    target = out or f"oneroster-{org_slug}-{date.today().isoformat()}.zip"
    partial = target + ".part"  # a failed export leaves no half-written zip under the name
    with _db(settings).session() as session:
        org_id = _org(session, org_slug)
        try:
            done = export_oneroster(session, org_id, partial,
                                    since=since.date() if since else None,
                                    until=until.date() if until else None)
        except BaseException:
            if os.path.exists(partial):
                os.remove(partial)
            raise
    os.replace(partial, target)
    click.echo(f"{target}: людей {done.people}, классов {done.classes}, "
               f"заданий {done.assignments}, отметок {done.marks}")
