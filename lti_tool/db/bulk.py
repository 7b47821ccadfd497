"""Set-wise writes for the sync: many rows per statement, on the caller's transaction.

On SQLite, rows go in as multi-row ``INSERT … VALUES (…), (…)`` statements of a few
thousand rows each, sent to the driver as they are. SQLAlchemy's executemany (and
sqlite3's own) steps once per row and releases the GIL around every step; while the sync's
fetch threads parse diaries, each re-acquire waits for them, and measured here a year of
marks took 5× longer to write than alone (bench/sync.py, (b)). One step per statement also
skips SQLAlchemy's per-row parameter mapping (≈ 1.5× faster even with no other thread).
Values still pass through each column type's own bind processor (dates, JSON, UTC
timestamps), and Python-side column defaults are filled in, so the rows stored are the
ones ``insert(table)`` would store. Other databases keep SQLAlchemy's executemany
(psycopg batches it already).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

MAX_ROWS = 2000  # per statement: long enough to matter, short enough to parse quickly
RETURNING = sqlite3.sqlite_version_info >= (3, 35)


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``model``'s table."""
    if not rows:
        return
    if session.connection().dialect.name == "sqlite":
        insert_tuples(session, model, *_as_values(rows))
    else:  # the dicts as they are: no round trip through value lists
        session.execute(insert(model.__table__), rows)


def insert_tuples(session: Session, model: Any, columns: Sequence[str],
                  rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` given as values in the order of ``columns`` (no dict per row)."""
    if not rows:
        return
    table: Table = model.__table__
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        for sql, params in _sqlite_values(conn, table, columns, rows, ""):
            conn.exec_driver_sql(sql, params)
    else:
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def insert_returning_ids(session: Session, model: Any, rows: list[dict[str, Any]],
                         key: str) -> dict[Any, int]:
    """Insert ``rows`` and return the new rows' ids by their ``key`` column."""
    if not rows:
        return {}
    table: Table = model.__table__
    conn = session.connection()
    if conn.dialect.name == "sqlite" and RETURNING:
        # The key comes back as stored; read it through the column type like SQLAlchemy.
        result_proc = table.c[key].type._cached_result_processor(conn.dialect, None)
        ids: dict[Any, int] = {}
        for sql, params in _sqlite_values(conn, table, *_as_values(rows),
                                          f" RETURNING id, {key}"):
            for row_id, value in conn.exec_driver_sql(sql, params):
                ids[result_proc(value) if result_proc else value] = row_id
        return ids
    result = session.execute(insert(table).returning(table.c.id, table.c[key]), rows)
    return {row[1]: row[0] for row in result}


def update_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """executemany UPDATE by primary key; every row carries ``id`` and the same columns."""
    if not rows:
        return
    table = model.__table__
    names = [k for k in rows[0] if k != "id"]
    stmt = (update(table).where(table.c.id == bindparam("_id"))
            .values({n: bindparam(n) for n in names}))
    session.execute(stmt, [{"_id": r["id"], **{n: r[n] for n in names}} for r in rows])


def _as_values(rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Dict rows as (column names, value lists in that order) for :func:`_sqlite_values`."""
    names = list(rows[0])
    return names, [[row[n] for n in names] for row in rows]


def _sqlite_values(conn: Connection, table: Table, names: Sequence[str],
                   rows: Sequence[Sequence[Any]], suffix: str
                   ) -> Iterator[tuple[str, tuple[Any, ...]]]:
    names = list(names)
    defaults = _python_defaults(table, names)
    columns = names + [name for name, _ in defaults]
    procs: list[Callable[[Any], Any] | None] = [
        table.c[name].type._cached_bind_processor(conn.dialect) for name in columns]
    raw = conn.connection.dbapi_connection
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if isinstance(
        raw, sqlite3.Connection) else 999
    per = max(1, min(MAX_ROWS, limit // len(columns)))
    one = "(" + ",".join("?" * len(columns)) + ")"
    head = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
    typed = [(i, p) for i, p in enumerate(procs) if p is not None]
    for start in range(0, len(rows), per):
        part = rows[start:start + per]
        params: list[Any] = []
        for row in part:  # per row, not per value: this loop is the writer's hot spot
            values = list(row)
            if defaults:
                values += [make() for _, make in defaults]
            for i, process in typed:
                if values[i] is not None:
                    values[i] = process(values[i])
            params += values
        yield head + ",".join([one] * len(part)) + suffix, tuple(params)


def _python_defaults(table: Table, given: list[str]) -> list[tuple[str, Callable[[], Any]]]:
    """Columns the rows leave out that SQLAlchemy would fill on the Python side."""
    out: list[tuple[str, Callable[[], Any]]] = []
    for column in table.columns:
        default = column.default
        if column.name in given or default is None:
            continue
        if getattr(default, "is_scalar", False):
            out.append((column.name, functools.partial(_same, default.arg)))  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            out.append((column.name, functools.partial(default.arg, None)))  # type: ignore[attr-defined]
        else:
            raise TypeError(f"{table.name}.{column.name}: a default SQL expression is not "
                            "supported by the bulk insert")
    return out


def _same(value: Any) -> Any:
    return value


def repoint_rows(session: Session, model: Any, column: Any, from_id: int, to_id: int,
                 where: Any = None) -> None:
    """Re-point rows (e.g. a person's) one by one, for folding two records of one person
    together and splitting them again; a row the receiver already has (a unique-key
    duplicate) is dropped rather than doubled. Few rows: one savepoint each is fine."""
    query = select(model.id).where(column == from_id)
    if where is not None:
        query = query.where(where)
    for row_id in session.scalars(query).all():
        try:
            with session.begin_nested():
                session.execute(update(model).where(model.id == row_id)
                                .values({column.key: to_id}))
        except IntegrityError:
            session.execute(delete(model).where(model.id == row_id))
