"""SQLite for asyncio: reads cost one thread hop per statement, writes none, and the writers
of a process take turns first come, first served.

SQLAlchemy's aiosqlite adapter costs a thread hop for each of a statement's cursor, execute,
fetch and close, and one more for BEGIN: seven hops for a unit of work that inserts one event.
Here each connection has its own thread, and a read statement runs there as one call (execute,
fetch every row, close), with its transaction's BEGIN folded into it. A write transaction
runs its statements on the event loop itself, without yielding: it holds the one turn to
write that SQLite gives a database, and a hop would let every other ready task run before
it resumes, stretching that turn under load. Its events and COMMIT are one call
(`commit_with`).

Write transactions (`BEGIN IMMEDIATE`, see `db.py`) first take the database file's in-process
write lock, first come first served: the writers of one process (API requests, every
consumer group, the relay, jobs, every engine opened on the file) queue there instead of in
SQLite's busy handler, which sleeps 1, 2, 5 … 100 ms between tries and so lets a waiter sleep
long after the lock is free, and which blocks the event loop: a writer of the process that met
another's lock there would stop the very loop the holder needs to finish. A writer of
another process on the same file (a CLI command beside `serve`) is waited for in SQLite's
busy handler, up to its timeout, but in the connection's thread: a BEGIN IMMEDIATE that finds
the lock taken fails at once on the loop and is sent again there, and the process runs on.

It plugs into SQLAlchemy as the DBAPI module of its `sqlite+aiosqlite` dialect
(`create_async_engine(url, module=AsyncSqlite())`), so URLs, types and SQL are unchanged.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import islice
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from sqlalchemy.connectors.asyncio import (
    AsyncAdapt_dbapi_connection,
    AsyncAdapt_dbapi_cursor,
    AsyncAdapt_dbapi_module,
    AsyncAdapt_dbapi_ss_cursor,
    AsyncAdapt_terminate,
)
from sqlalchemy.util.concurrency import await_

from itvision.platform import metrics

if TYPE_CHECKING:
    from sqlalchemy.connectors.asyncio import AsyncIODBAPIConnection

T = TypeVar("T")
IsolationLevel = Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None
WRITE_LOCK_TIMEOUT_SECONDS = 30.0
# How long a write transaction runs statements without letting other tasks (HTTP requests,
# reads) run: the longest stall it adds to the event loop.
YIELD_EVERY_SECONDS = 0.02
COMMIT_CHUNK_ROWS = 1000
_STOP = object()


class _ConnectionThread(threading.Thread):
    """Runs calls on one sqlite3 connection, one after another, and resolves their futures."""

    def __init__(self) -> None:
        super().__init__(name="itvision-sqlite", daemon=True)
        self.calls: SimpleQueue[Any] = SimpleQueue()

    def run(self) -> None:
        while True:
            item = self.calls.get()
            if item is _STOP:
                return
            future, call = item
            try:
                result = call()
            except BaseException as exc:
                if future is not None:
                    future.get_loop().call_soon_threadsafe(_fail, future, exc)
            else:
                if future is not None:
                    future.get_loop().call_soon_threadsafe(_succeed, future, result)


def _begun_at_once(raw: sqlite3.Connection, begin: str, busy_timeout_ms: int) -> bool:
    """Send `begin` unless another connection holds the lock it asks for: then False at once,
    instead of SQLite's busy handler sleeping until the lock is free (up to its timeout)."""
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        raw.execute(begin)
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
            raise
        return False
    finally:
        raw.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    return True


def _returned(raw: sqlite3.Connection, statement: str, values: list[Any]) -> list[Any]:
    return raw.execute(statement, values).fetchall()


def _succeed(future: asyncio.Future[Any], result: Any) -> None:
    if not future.cancelled():
        future.set_result(result)


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.cancelled():
        future.set_exception(exc)


class _Results:
    """What a statement left: its rows, read at once in the connection's thread."""

    __slots__ = ("description", "lastrowid", "rowcount", "rows")

    def __init__(self, cursor: sqlite3.Cursor | None) -> None:
        self.description = cursor.description if cursor else None
        self.rows: list[Any] = cursor.fetchall() if cursor and cursor.description else []
        self.rowcount = cursor.rowcount if cursor else -1
        self.lastrowid = cursor.lastrowid if cursor else None


class AsyncSqliteConnection:
    """The asyncio connection that SQLAlchemy's adapter drives."""

    def __init__(self, writers: WriteLock) -> None:
        self._thread = _ConnectionThread()
        self._thread.start()
        self._writers = writers
        self._raw: sqlite3.Connection | None = None
        self._begin: str | None = None  # a BEGIN not yet sent: it goes with the next statement
        self._in_transaction = False
        self._holds_write_lock = False
        self._ran_since = float("inf")  # when the write transaction last let others run
        self._busy_timeout_ms = 5000  # sqlite3's default, until `open` is told another

    async def run(self, call: Callable[[], T]) -> T:
        if self._holds_write_lock:
            # Inside a write transaction, statements run right here: a hop to the thread would
            # let every other ready task run before this one resumes, while it holds the
            # process's only turn to write. Write statements are short; reads (which may be
            # long, and need no turn) go to the connection's thread. A long transaction (a
            # bulk import, a consumer's batch of 500) still lets the others run now and then.
            if time.monotonic() - self._ran_since > YIELD_EVERY_SECONDS:
                await asyncio.sleep(0)
                self._ran_since = time.monotonic()
            return call()
        return await self._in_thread(call)

    async def _in_thread(self, call: Callable[[], T]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._thread.calls.put((future, call))
        return await future

    async def _send_begin(self) -> str | None:
        """The pending BEGIN, for the caller to send with its statement, or None: none is
        pending, or it begins a write transaction. That BEGIN IMMEDIATE is tried at once,
        without waiting; only if another process (a CLI command beside `serve`) holds the
        file's lock is it sent again in the connection's thread, where SQLite's busy handler
        waits for it without stopping the event loop."""
        begin, self._begin = self._begin, None
        if begin is None:
            return None
        self._in_transaction = True
        if not self._holds_write_lock:
            return begin
        raw = self.raw
        if not _begun_at_once(raw, begin, self._busy_timeout_ms):
            await self._in_thread(lambda: raw.execute(begin))
        return None

    async def open(self, database: str, **kwargs: Any) -> AsyncSqliteConnection:
        # Every call runs on this connection's thread; reading its isolation level need not.
        kwargs["check_same_thread"] = False
        self._busy_timeout_ms = round(1000 * kwargs.get("timeout", 5.0))
        self._raw = await self.run(lambda: sqlite3.connect(database, **kwargs))
        return self

    @property
    def raw(self) -> sqlite3.Connection:
        if self._raw is None:
            raise sqlite3.ProgrammingError("connection closed")
        return self._raw

    @property
    def isolation_level(self) -> str | None:
        return self.raw.isolation_level

    async def set_isolation_level(self, value: IsolationLevel) -> None:
        raw = self.raw

        def set_level() -> None:
            raw.isolation_level = value

        await self.run(set_level)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        raw = self.raw
        await self.run(lambda: raw.create_function(*args, **kwargs))

    def cursor(self) -> AsyncSqliteCursor:
        return AsyncSqliteCursor(self)

    async def begin(self, statement: str) -> None:
        if "IMMEDIATE" in statement.upper() and not self._holds_write_lock:
            await self._writers.acquire()
            self._holds_write_lock = True
            self._ran_since = time.monotonic()
        self._begin = statement

    async def execute(self, statement: str, parameters: Any, *, many: bool = False) -> _Results:
        raw = self.raw
        begin = await self._send_begin()

        def call() -> _Results:
            if begin is not None:
                raw.execute(begin)
            if many:
                cursor = raw.executemany(statement, parameters)
            else:
                cursor = raw.execute(statement, parameters if parameters is not None else ())
            try:
                return _Results(cursor)
            finally:
                cursor.close()

        return await self.run(call)

    async def commit_with(
        self, insert: Callable[[int], str], rows: Iterable[Sequence[Any]]
    ) -> list[Any]:
        """Insert the rows with `insert(n)`, a statement of n rows' values, then COMMIT: in a
        write transaction's turn, without a thread hop (a bulk of events goes in chunks,
        letting the process run in between). Returns the rows its RETURNING clause gave."""
        raw = self.raw
        returned: list[Any] = []
        try:
            if (begin := await self._send_begin()) is not None:
                await self.run(lambda: raw.execute(begin))
            pending = iter(rows)
            while chunk := list(islice(pending, COMMIT_CHUNK_ROWS)):
                values = [value for row in chunk for value in row]
                statement = insert(len(chunk))
                returned += await self.run(partial(_returned, raw, statement, values))
                metrics.SQL_STATEMENTS.inc()
            await self.run(raw.commit)
            return returned
        except BaseException:
            if raw.in_transaction:
                raw.rollback()
            raise
        finally:
            self._in_transaction = False
            self._release_write_lock()

    async def commit(self) -> None:
        await self._end(lambda raw: raw.commit())

    async def rollback(self) -> None:
        await self._end(lambda raw: raw.rollback())

    async def _end(self, finish: Callable[[sqlite3.Connection], None]) -> None:
        # A transaction whose BEGIN was never sent has nothing to end: no hop.
        self._begin = None
        try:
            if self._in_transaction:
                raw = self.raw
                await self.run(lambda: finish(raw))
        finally:
            self._in_transaction = False
            self._release_write_lock()

    def _release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            self._writers.release()

    async def close(self) -> None:
        raw, self._raw = self._raw, None
        self._release_write_lock()
        if raw is not None:
            await self.run(raw.close)
        self._thread.calls.put(_STOP)

    def stop(self) -> None:
        """Close without waiting (garbage collection of a connection nobody closed)."""
        raw, self._raw = self._raw, None
        self._release_write_lock()
        if raw is not None:
            self._thread.calls.put((None, raw.close))
        self._thread.calls.put(_STOP)


class AsyncSqliteCursor:
    """A cursor whose statement runs, rows and all, in one call on the connection's thread."""

    arraysize = 1

    def __init__(self, connection: AsyncSqliteConnection) -> None:
        self._connection = connection
        self._results = _Results(None)
        self._rows: deque[Any] = deque()

    async def __aenter__(self) -> AsyncSqliteCursor:
        return self

    @property
    def description(self) -> Any:
        return self._results.description

    @property
    def rowcount(self) -> int:
        return self._results.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._results.lastrowid

    async def execute(self, operation: str, parameters: Any = None) -> None:
        if operation.lstrip()[:5].upper() == "BEGIN":
            await self._connection.begin(operation)
            self._set(_Results(None))
            return
        self._set(await self._connection.execute(operation, parameters))

    async def executemany(self, operation: str, parameters: Sequence[Any]) -> None:
        self._set(await self._connection.execute(operation, parameters, many=True))

    def _set(self, results: _Results) -> None:
        self._results = results
        self._rows = deque(results.rows)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


class WriteLock:
    """The writers of a database file in this process, served in the order they came."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        if not self._lock.locked():
            await self._lock.acquire()  # free: taken at once, no wait to time
            return
        try:
            async with asyncio.timeout(WRITE_LOCK_TIMEOUT_SECONDS):
                await self._lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError(
                f"database is locked: no turn to write after {WRITE_LOCK_TIMEOUT_SECONDS:.0f} s"
            ) from None

    def release(self) -> None:
        self._lock.release()


# Per event loop (an asyncio lock belongs to one), then per file.
_WRITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, WriteLock]] = (
    weakref.WeakKeyDictionary()
)


def writers_of(database: str) -> WriteLock:
    """The one write lock of the file `database` in this process, whichever engine opens it."""
    files = _WRITERS.setdefault(asyncio.get_running_loop(), {})
    return files.setdefault(os.path.realpath(database), WriteLock())


class AdaptedSqliteConnection(AsyncAdapt_terminate, AsyncAdapt_dbapi_connection):
    """SQLAlchemy's side of the connection (its generic asyncio adapter)."""

    __slots__ = ()
    _cursor_cls = AsyncAdapt_dbapi_cursor
    _ss_cursor_cls = AsyncAdapt_dbapi_ss_cursor

    @property
    def isolation_level(self) -> str | None:
        level: str | None = self._connection.isolation_level
        return level

    @isolation_level.setter
    def isolation_level(self, value: IsolationLevel) -> None:
        await_(self._connection.set_isolation_level(value))

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        await_(self._connection.create_function(*args, **kwargs))

    def close(self) -> None:
        await_(self._connection.close())

    async def _terminate_graceful_close(self) -> None:
        await self._connection.close()

    def _terminate_force_close(self) -> None:
        self._connection.stop()


class AsyncSqlite(AsyncAdapt_dbapi_module):
    """The DBAPI module SQLAlchemy's `sqlite+aiosqlite` dialect is given instead of its own."""

    paramstyle = "qmark"
    has_stop = True

    def __init__(self) -> None:
        super().__init__(sqlite3, dbapi_module=sqlite3)
        self.sqlite = sqlite3
        for name in (
            "DatabaseError",
            "Error",
            "IntegrityError",
            "InterfaceError",
            "NotSupportedError",
            "OperationalError",
            "ProgrammingError",
            "sqlite_version",
            "sqlite_version_info",
            "PARSE_COLNAMES",
            "PARSE_DECLTYPES",
            "Binary",
        ):
            setattr(self, name, getattr(sqlite3, name))

    def connect(self, database: str, **kwargs: Any) -> AdaptedSqliteConnection:
        kwargs.pop("async_creator_fn", None)
        connection = await_(AsyncSqliteConnection(writers_of(database)).open(database, **kwargs))
        # It is one (SQLAlchemy's protocol also asks for a catch-all __getattr__ it never uses).
        return AdaptedSqliteConnection(self, cast("AsyncIODBAPIConnection", connection))
