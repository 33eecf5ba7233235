"""The database: one async SQLAlchemy engine on SQLite (WAL) or PostgreSQL (asyncpg).

Every table of every engine hangs off `Base.metadata`; Alembic migrates it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, DateTime, Dialect, MetaData, Result, TypeDecorator, event, text
from sqlalchemy import exc as exc_types
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.util.concurrency import await_

from itvision.platform import metrics
from itvision.platform.sqlite_driver import AsyncSqlite

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone: we restore it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times are stored as aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = _sqlite_engine(url)
    else:
        engine = _postgres_engine(url)
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
    return engine


def _count_statement(*_: object) -> None:
    metrics.SQL_STATEMENTS.inc()


IDLE_PING_SECONDS = 10.0
"""A connection idle longer than this is asked whether it still works before it is used."""


def _postgres_engine(url: str) -> AsyncEngine:
    # Every engine's statements stay prepared on each connection (asyncpg keeps 100 by
    # default, fewer than the engines use, so some were prepared again and again).
    engine = create_async_engine(
        url,
        pool_size=10,
        max_overflow=20,
        connect_args={"prepared_statement_cache_size": 1000},
    )

    # The pool's pre-ping would cost a round trip every time a connection is taken, a busy
    # connection included; only one that sat idle may have been closed by the server (a
    # restart, a proxy's idle timeout), so only that one is asked first.
    @event.listens_for(engine.sync_engine, "checkin")
    def _idle_from(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _still_there(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        if time.monotonic() - record.info.get("idle_since", 0.0) < IDLE_PING_SECONDS:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:
            # The pool opens a new connection in its place and tries again.
            raise exc_types.DisconnectionError() from exc

    return engine


def _sqlite_engine(url: str) -> AsyncEngine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Sessions always end their transaction (commit, rollback or close), so the pool's own
    # rollback on return is one more thread hop per transaction for nothing.
    # A connection is a thread and a file handle: cheap to keep, dear to open per request (the
    # pool's default of 5 + 10 overflow reopens one for nearly every request under load).
    engine = create_async_engine(
        url,
        module=AsyncSqlite(),
        connect_args={"timeout": 30},
        pool_reset_on_return=None,
        pool_size=40,
        max_overflow=40,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # SQLAlchemy, not the driver, decides when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # A write transaction takes SQLite's write lock up front: a deferred one that reads
        # then writes fails with SQLITE_BUSY at once instead of waiting its turn.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        # Straight to the driver: it sends BEGIN with the transaction's first statement.
        await_(conn.connection.driver_connection.begin(f"BEGIN {mode}"))

    return engine


def rows_affected(result: Result[Any]) -> int:
    """The row count of an INSERT, UPDATE or DELETE."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"no row count in {type(result).__name__}")
    return result.rowcount


def upsert_insert(session: AsyncSession) -> Any:
    """The session's database's own INSERT, which knows ON CONFLICT (SQLite, PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


class HeldSession(Session):
    """A session that holds the objects it has loaded or written until they leave it.

    SQLAlchemy's identity map holds unmodified objects weakly: a row a step read and let go
    of (a check that it exists) is forgotten, and the next step's `session.get` of the same
    row reads it again. Sessions here are short (a request's read, a unit of work), so holding
    their rows costs little and reads each row once. This is SQLAlchemy's documented
    "strong reference" recipe."""


@event.listens_for(HeldSession, "pending_to_persistent")
@event.listens_for(HeldSession, "deleted_to_persistent")
@event.listens_for(HeldSession, "detached_to_persistent")
@event.listens_for(HeldSession, "loaded_as_persistent")
def _hold(session: Session, instance: object) -> None:
    session.info.setdefault("held", {})[id(instance)] = instance


@event.listens_for(HeldSession, "persistent_to_detached")
@event.listens_for(HeldSession, "persistent_to_deleted")
@event.listens_for(HeldSession, "persistent_to_transient")
def _let_go(session: Session, instance: object) -> None:
    session.info.get("held", {}).pop(id(instance), None)


class Database:
    """The engine and the two session factories: `writes` for units of work (on SQLite they
    take the write lock when they begin), `reads` for queries."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.is_sqlite = url.startswith("sqlite")
        write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self.writes = async_sessionmaker(
            write_engine, expire_on_commit=False, sync_session_class=HeldSession
        )
        self.reads = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=HeldSession
        )

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
