"""Settings read from ``MARSHRUT_*`` environment variables (DESIGN.md, public contracts).

One frozen dataclass so the app, the CLI and the job worker agree on the same values and a
test can build its own without touching the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


def _default_instance_path() -> Path:
    return Path(os.environ.get("MARSHRUT_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


def _secret_key(instance: Path) -> str:
    """Use MARSHRUT_SECRET_KEY; otherwise keep a generated one in the instance folder.

    A stable key matters: it signs launch tokens and encrypts private keys at rest, so a
    restart must not invalidate them.
    """
    env = os.environ.get("MARSHRUT_SECRET_KEY")
    if env:
        return env
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        private_file(path)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def private_file(path: Path) -> None:
    """Create ``path`` empty and readable by our user only, whatever the umask (gunicorn or
    a WSGI host may start us without ``marshrut``'s umask). SQLite takes an empty file as a
    new database and gives its -wal/-shm files the database's mode."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    database_url: str
    secret_key: str
    base_url: str = "http://127.0.0.1:5000"
    redis_url: str | None = None
    proxy_count: int = 0
    default_locale: str = "ru"
    #: LTI id_token clock leeway. Moodle's tokens live 60 s, so a few seconds is plenty.
    clock_leeway: int = 5
    #: How long a login state (and its nonce) may wait for the launch POST.
    login_state_ttl: int = 600
    #: Pending (not yet launched) login states one client address (IPv4 address, IPv6 /64)
    #: may hold: bounds what anonymous calls to /lti/login can write.
    login_states_per_address: int = 2000
    #: How long a launch token keeps a session alive inside the LMS iframe.
    launch_ttl: int = 8 * 3600
    #: A sign-in session (no LMS) ends this long after sign-in, whatever happens...
    session_lifetime: int = 12 * 3600
    #: ...or after this long without a request (a shared family computer).
    session_idle: int = 3600
    #: Outgoing mail (MARSHRUT_SMTP_*): unset host = no mail; the tool then says what it could
    #: not send instead of failing.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "marshrut@localhost"
    smtp_starttls: bool = False
    testing: bool = False
    #: Mount the demo LMS at /demo (``make demo``); never in production.
    demo: bool = False
    #: Let outbound requests (Dynamic Registration, JWKS, sync servers) reach loopback and
    #: private addresses: for the tests and the demo, whose servers live on 127.0.0.1.
    allow_private_urls: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        instance = Path(str(overrides.pop("instance_path", _default_instance_path())))
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        values: dict[str, object] = {
            "instance_path": instance,
            "database_url": os.environ.get(
                "MARSHRUT_DATABASE_URL", f"sqlite:///{instance / 'marshrut.sqlite'}"
            ),
            "secret_key": _secret_key(instance),
            "base_url": os.environ.get("MARSHRUT_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            "redis_url": os.environ.get("MARSHRUT_REDIS_URL") or None,
            "proxy_count": int(os.environ.get("MARSHRUT_PROXY_COUNT", "0")),
            "login_states_per_address": int(
                os.environ.get("MARSHRUT_LOGIN_STATES_PER_ADDRESS", "2000")),
            "session_lifetime": int(os.environ.get("MARSHRUT_SESSION_LIFETIME", 12 * 3600)),
            "session_idle": int(os.environ.get("MARSHRUT_SESSION_IDLE", 3600)),
            "smtp_host": os.environ.get("MARSHRUT_SMTP_HOST") or None,
            "smtp_port": int(os.environ.get("MARSHRUT_SMTP_PORT", "25")),
            "smtp_user": os.environ.get("MARSHRUT_SMTP_USER") or None,
            "smtp_password": os.environ.get("MARSHRUT_SMTP_PASSWORD") or None,
            "smtp_from": os.environ.get("MARSHRUT_SMTP_FROM", "marshrut@localhost"),
            "smtp_starttls": _flag("MARSHRUT_SMTP_STARTTLS"),
            "demo": _flag("MARSHRUT_DEMO"),
            "allow_private_urls": _flag("MARSHRUT_ALLOW_PRIVATE_URLS"),
        }
        values.update(overrides)
        # The default databases hold minors' personal data: private from the first byte.
        if str(values["database_url"]) == f"sqlite:///{instance / 'marshrut.sqlite'}":
            private_file(instance / "marshrut.sqlite")
        if not values.get("redis_url"):
            private_file(instance / "jobs.sqlite")
        return cls(**values)  # type: ignore[arg-type]

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")
