"""The bus interface: what the platform, the CLI and the HTTP API ask of the event bus, whatever
carries the events. Two implementations stand behind it, chosen once from the settings by
`bus_for`: the embedded SQL log (`sqllog.SqlLogBus`, the outbox table is the log) and Kafka
(`kafka.KafkaBus`, a relay moves the outbox to the broker). Nothing else knows which one runs.

Both share the outbox (the `event_log` table), the dead-letter store and the consumer runtime
(`processor`); a bus decides how committed events reach the consumer groups, where each group's
position is kept, and whether the groups need an inbox (`redelivers`).
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform import metrics
from itvision.platform.bus.head import LogHead
from itvision.platform.bus.notifier import LogNotifier, PostgresListener
from itvision.platform.bus.tail import LogTail
from itvision.platform.db import Database
from itvision.settings import Settings

if TYPE_CHECKING:
    from itvision.platform.bus.consumer import ConsumerGroup
    from itvision.platform.bus.processor import GroupProcessor

Loop = Callable[[asyncio.Event], Awaitable[None]]
"""A background loop: runs until the event is set, then returns (the platform restarts it if
it raises)."""

Rewound = Callable[[AsyncSession, bool], Awaitable[None]]
"""Called by `Bus.seek` with the transaction the new position takes effect in and whether the
group now reads from the very start."""


@dataclass(frozen=True)
class GroupPosition:
    """Where a consumer group is. `position`: the last SQL-log position it applied, or the sum
    of its committed offsets on Kafka. `lag`: events published (committed to the outbox) that
    it has not consumed yet, so 0 means it has caught up with the head of the log. `owner`: the
    process reading for it, when the bus knows (the SQL log's lease)."""

    group: str
    position: int
    lag: int
    owner: str | None = None


class Bus(ABC):
    """One event bus. `notifier` is woken by this process's commits (and, on PostgreSQL, by
    other processes' between `open` and `close`) so that readers of the outbox never poll in
    a tight loop. `tail`, on SQLite, holds the events this process appended last, which its
    readers of the outbox take from memory; `head` tells its idle readers whether the log grew
    (one read per poll for them all)."""

    name: ClassVar[str]
    redelivers: ClassVar[bool]
    """Whether an event a group applied may reach it again (Kafka: after a rebalance, or a
    crash between the commit of the effects and that of the offset), so that each group keeps
    the ids of the events it applied in an inbox, in the effects' transaction, and skips them."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.notifier = LogNotifier()
        self.tail = LogTail() if db.is_sqlite else None
        self.head = LogHead(db, self.notifier, settings.consumer_poll_seconds)
        self._listener: PostgresListener | None = None

    async def open(self) -> None:
        """Start listening for other processes' commits. Again after `close` is fine."""
        if not self.db.is_sqlite and self._listener is None:
            listener = PostgresListener(self.db.url, self.notifier)
            await listener.start()
            self._listener = listener

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.stop()
            self._listener = None

    @abstractmethod
    def consumer(self, processor: GroupProcessor) -> Loop:
        """One consumer of the processor's group: it applies the group's events through the
        processor; the batch in flight when the loop is told to stop finishes and commits."""

    @abstractmethod
    def relay(self) -> Loop:
        """The loop that moves committed events from the outbox to the bus (one process at a
        time relays); it returns at once where the outbox is the log."""

    @abstractmethod
    async def seek(self, group: ConsumerGroup, to: int | datetime, then: Rewound) -> bool:
        """Make an idle `group` read again from the offset `to` (the SQL-log position, or the
        offset in every Kafka partition) or from the first event at or after the time `to`.
        `then(session, from_start)` runs in the transaction in which the move takes effect (on
        Kafka, right after the offsets are committed). Returns whether the group now reads from
        the very start."""

    @abstractmethod
    async def positions(self, groups: Iterable[ConsumerGroup]) -> dict[str, GroupPosition]:
        """The position and lag of each group, by name."""

    async def report_lag(self, groups: Iterable[ConsumerGroup]) -> None:
        """Set the lag gauge of `groups`, wherever they run (this process or a worker), as the
        metrics are read: not by each consumer as it goes, whether anyone looks or not."""
        for name, position in (await self.positions(groups)).items():
            metrics.CONSUMER_LAG.labels(name).set(position.lag)

    @abstractmethod
    async def ping(self) -> None:
        """Raises if the bus does not answer within about 2 seconds."""


def bus_for(db: Database, settings: Settings) -> Bus:
    """The bus the settings name (`ITVISION_BUS_URL`): the only place that chooses. Kafka's
    module, and aiokafka (an optional extra), are imported only when Kafka is configured."""
    if settings.uses_kafka:
        from itvision.platform.bus.kafka import KafkaBus

        return KafkaBus(db, settings)
    from itvision.platform.bus.sqllog import SqlLogBus

    return SqlLogBus(db, settings)
