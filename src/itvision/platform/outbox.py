"""Writing a unit of work's events into the event log (which is the outbox) and committing,
the cheapest way each database allows.

- PostgreSQL: positions must become visible in commit order (see `LoggedEvent`), so the
  events' positions are taken under a transaction-scoped advisory lock, taken last and held
  until COMMIT; NOTIFY wakes the readers of other processes.
- SQLite: one writer at a time already (see `sqlite_driver`), so positions are in commit order
  by construction. The events' INSERT and the COMMIT go to the connection's thread as one
  call: a unit of work that only emits events costs one thread hop. The INSERT returns the
  positions, and the rows go to this process's `LogTail`, where its readers find them.
"""

from __future__ import annotations

import functools
import json
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Dialect, text
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform.bus.messages import Message
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.bus.tail import LogTail
from itvision.platform.db import UtcDateTime
from itvision.platform.sqlite_driver import AsyncSqliteConnection

# Any constant: the key of the PostgreSQL advisory lock that orders writers of the event log.
EVENT_LOG_LOCK = 0x17_0E_57
NOTIFY_CHANNEL = "itvision_events"
EVENT_LOG = LoggedEvent.metadata.tables[LoggedEvent.__tablename__]
COLUMNS = ("event_id", "topic", "key", "correlation_id", "envelope", "created_at")


@dataclass(slots=True)
class PendingEvent:
    """An event emitted in a unit of work, written to the log when it commits."""

    id: str
    type: str
    version: int
    source: str
    key: str
    timestamp: datetime
    correlation_id: str
    causation_id: str | None
    payload: dict[str, Any]

    def envelope(self) -> str:
        """The event as it travels: one JSON object (camelCase), as the seed's consumers read."""
        wire = {
            "id": self.id,
            "type": self.type,
            "version": self.version,
            "source": self.source,
            "key": self.key,
            "timestamp": self.timestamp.isoformat().replace("+00:00", "Z"),
            "correlationId": self.correlation_id,
            "causationId": self.causation_id,
            "payload": self.payload,
        }
        return json.dumps(wire, separators=(",", ":"), ensure_ascii=False)


class Outbox(Protocol):
    async def commit(self, session: AsyncSession, events: Sequence[PendingEvent]) -> None:
        """Write `events` into the log in the session's transaction, and commit it."""


class PostgresOutbox:
    # The lock, the events and the NOTIFY go in one statement, after the state's own writes:
    # the lock is then held for two round trips (this and COMMIT), however busy the process is
    # between them. `turn` is read before any row is inserted, so every position is taken
    # under the lock.
    APPEND = text(
        """
        WITH turn AS (SELECT pg_advisory_xact_lock(:lock)),
        appended AS (
            INSERT INTO event_log (event_id, topic, key, correlation_id, envelope, created_at)
            SELECT e.event_id, e.topic, e.key, e.correlation_id, e.envelope, e.created_at
            FROM turn, unnest(
                CAST(:event_ids AS varchar[]), CAST(:topics AS varchar[]),
                CAST(:keys AS varchar[]), CAST(:correlation_ids AS varchar[]),
                CAST(:envelopes AS text[]), CAST(:created_at AS timestamptz[])
            ) AS e(event_id, topic, key, correlation_id, envelope, created_at)
            RETURNING 1
        )
        SELECT pg_notify(:channel, :notified) FROM (SELECT count(*) FROM appended) AS done
        """
    )

    async def commit(self, session: AsyncSession, events: Sequence[PendingEvent]) -> None:
        if events:
            await session.flush()
            await session.execute(
                self.APPEND,
                {
                    "lock": EVENT_LOG_LOCK,
                    "event_ids": [e.id for e in events],
                    "topics": [e.type for e in events],
                    "keys": [e.key for e in events],
                    "correlation_ids": [e.correlation_id for e in events],
                    "envelopes": [e.envelope() for e in events],
                    "created_at": [e.timestamp for e in events],
                    "channel": NOTIFY_CHANNEL,
                    "notified": ",".join(sorted({e.type for e in events})),
                },
            )
        await session.commit()


class SqliteOutbox:
    def __init__(self, dialect: Dialect, tail: LogTail | None = None) -> None:
        # Stored exactly as SQLAlchemy stores the column, so that both read it back alike.
        self._created_at = UtcDateTime().bind_processor(dialect) or (lambda value: value)
        self.tail = tail

    async def commit(self, session: AsyncSession, events: Sequence[PendingEvent]) -> None:
        if events:
            await session.flush()
            connection = await session.connection()
            driver = (await connection.get_raw_connection()).driver_connection
            assert isinstance(driver, AsyncSqliteConnection)
            # Made as they are written, chunk by chunk: a bulk of events does not hold the
            # event loop while all their JSON is made. The tail keeps the newest only.
            newest: deque[tuple[str, str, str, str, str]] = deque(
                maxlen=self.tail.capacity if self.tail else 0
            )

            def rows() -> Iterator[tuple[str, str, str, str, str, Any]]:
                for e in events:
                    envelope = e.envelope()
                    newest.append((e.type, e.key, envelope, e.id, e.correlation_id))
                    yield (
                        e.id,
                        e.type,
                        e.key,
                        e.correlation_id,
                        envelope,
                        self._created_at(e.timestamp),
                    )

            returned = await driver.commit_with(_insert_statement, rows())
            if self.tail is not None:
                # Positions are handed out in the order of the values, one writer at a time.
                positions = sorted(position for (position,) in returned)[-len(newest) :]
                self.tail.appended(
                    Message(topic, 0, position, key, envelope, event_id, correlation_id)
                    for position, (topic, key, envelope, event_id, correlation_id) in zip(
                        positions, newest, strict=True
                    )
                )
        # Ends the session's transaction; the driver has nothing left to send when it is done.
        await session.commit()


@functools.lru_cache(maxsize=64)
def _insert_statement(rows: int) -> str:
    values = f"({', '.join('?' for _ in COLUMNS)})"
    return (
        f"INSERT INTO {EVENT_LOG.name} ({', '.join(COLUMNS)}) "
        f"VALUES {', '.join(values for _ in range(rows))} RETURNING position"
    )


def outbox_for(dialect: Dialect, tail: LogTail | None = None) -> Outbox:
    """`tail`, on SQLite, is given what each commit appended (see `bus.tail`)."""
    return SqliteOutbox(dialect, tail) if dialect.name == "sqlite" else PostgresOutbox()
