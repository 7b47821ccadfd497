"""SQLAlchemy 2 engine, sessions and the declarative base; the package holds what only the
database layer needs: :mod:`.bulk` (multi-row writes) and :mod:`.models_registry` (every
feature's tables, for Alembic and tests).

Plain SQLAlchemy rather than Flask-SQLAlchemy: the CLI, the job worker and the adapters'
sync run outside requests, and one ``Database`` object serves them all the same way.

JSON columns are written and read with orjson instead of the standard library: the monthly
network transfer stores megabytes of package rows per run and the standard encoder was a
tenth of it (bench/exchange.py); orjson writes equivalent JSON (compact, UTF-8 rather than ``\\u``
escapes) and accepts the same values, int dict keys included (``OPT_NON_STR_KEYS``).
"""

from __future__ import annotations

import contextlib
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Flask, current_app, g
from sqlalchemy import DateTime, MetaData, bindparam, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.operators import ColumnOperators
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def public_id() -> str:
    """Unguessable ids for anything that appears in a URL (no counting through pupils)."""
    return secrets.token_urlsafe(12)


def any_of(column: ColumnOperators, values: Iterable[Any]) -> Any:
    """``column IN (values)`` with the values bound as one expanding parameter.

    ``column.in_(a_list)`` turns every element into a bound-parameter object while the
    statement is built; a network's month names thousands of students and works, and that
    building cost more than the database's reading. Bound as one list, the values are
    rendered only when the statement is executed (and the statement's cache key stays one)."""
    return column.in_(bindparam(None, value=list(values), expanding=True, unique=True))


def json_text(value: Any) -> str:
    """A JSON column's text (orjson: see the module's docstring)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


#: Ids per ``IN (…)`` list when a list is sent as parameters: well under SQLite's variable
#: limit, and few enough statements for thousands of pupils.
IN_LIMIT = 500


def chunks(items: Sequence[Any], size: int = IN_LIMIT) -> list[Sequence[Any]]:
    """``items`` in runs of ``size`` (an ``IN`` list each)."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on SQLite too (it drops tzinfo), always UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class _WriteGate:
    """Threads of one process take turns at SQLite's single write lock, in a queue.

    SQLite admits one writer at a time and makes the others poll in its busy handler, which
    sleeps up to 100 ms between tries and keeps no order: under a burst of launches a few
    unlucky requests waited over a second (bench/lti_launch.py, 20 clients, p99 1.2 s). Here a
    write transaction takes this lock at its first INSERT/UPDATE/DELETE and gives it back when
    the connection commits or rolls back, so the next writer starts the moment it may. Other
    processes still meet SQLite's own lock; a thread that already writes through another
    connection does not wait on itself; after ``timeout`` SQLite's busy handler decides.
    """

    def __init__(self, timeout: float) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self.timeout = timeout

    def before_write(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        dbapi = conn.connection.dbapi_connection
        if getattr(dbapi, "holds_gate", True) or not _WRITE.match(statement):
            return
        me = threading.get_ident()
        if self._owner != me and self._lock.acquire(timeout=self.timeout):
            self._owner = me
            dbapi.holds_gate = True

    def release(self, dbapi: Any) -> None:
        if dbapi.holds_gate:
            dbapi.holds_gate = False
            self._owner = None
            self._lock.release()


def _gated_connection(gate: _WriteGate) -> type[sqlite3.Connection]:
    class GatedConnection(sqlite3.Connection):
        holds_gate = False

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                gate.release(self)

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                gate.release(self)

        def close(self) -> None:
            try:
                super().close()
            finally:
                gate.release(self)

    return GatedConnection


class Database:
    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        gate = None
        if url.startswith("sqlite"):
            gate = _WriteGate(timeout=30)
            engine_kwargs.setdefault("connect_args", {
                "check_same_thread": False, "timeout": 30, "factory": _gated_connection(gate)})
        else:
            engine_kwargs.setdefault("pool_pre_ping", True)
        self.url = url
        self.write_gate = gate
        engine_kwargs.setdefault("json_serializer", json_text)
        engine_kwargs.setdefault("json_deserializer", orjson.loads)
        self.engine: Engine = create_engine(url, **engine_kwargs)
        if gate is not None:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "before_cursor_execute", gate.before_write)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the database; it only skips the fsync per commit
    # (a power cut may lose the last transactions, not the file).
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def init_app(app: Flask, database: Database) -> None:
    app.extensions["marshrut.db"] = database

    @app.teardown_appcontext
    def _close(exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()


def get_db() -> Database:
    return current_app.extensions["marshrut.db"]  # type: ignore[no-any-return]


def db_session() -> Session:
    """The request's session; views commit explicitly through services."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    return g.db_session  # type: ignore[no-any-return]
