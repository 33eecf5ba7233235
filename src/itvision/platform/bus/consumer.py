"""Consumer groups, declared: the seed's `startLoyaltyConsumer` switch on topic becomes

    consumer = ConsumerGroup("loyalty-engine")

    @consumer.on("order.order.placed")
    async def credit_provisional_points(event: Event[OrderPlaced], uow: UnitOfWork) -> None: ...

Each group keeps its own position in every topic it follows; the runtime (`processor`) applies
each event once, in order per key, whichever backend carries it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

Handler = Callable[[Event[Any], UnitOfWork], Awaitable[None]]
BatchHandler = Callable[[Sequence[Event[Any]], UnitOfWork], Awaitable[None]]
Rebuild = Callable[[AsyncSession], Awaitable[None]]


@dataclass
class ConsumerGroup:
    """`name` is the engine code (`loyalty-engine`): it is the event source of what the
    handlers emit and the consumer group name on the bus. `rebuild`, if given, empties the
    group's projections before a replay from the start of the log."""

    name: str
    handlers: dict[str, Handler] = field(default_factory=dict)
    batch_handlers: dict[str, BatchHandler] = field(default_factory=dict)
    rebuild: Rebuild | None = None

    def on(self, topic: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._check_free(topic)
            self.handlers[topic] = handler
            return handler

        return register

    def on_batch(self, topic: str) -> Callable[[BatchHandler], BatchHandler]:
        """A handler of consecutive events of `topic` at once (up to a batch of the log), for
        topics that come in floods (a catalog import) and whose effects can share their reads
        and writes. It is given the events in log order; events it emits are caused by the
        batch's event of the same key (or by the first)."""

        def register(handler: BatchHandler) -> BatchHandler:
            self._check_free(topic)
            self.batch_handlers[topic] = handler
            return handler

        return register

    def _check_free(self, topic: str) -> None:
        if topic in self.handlers or topic in self.batch_handlers:
            raise ValueError(f"{self.name} already handles {topic}")

    @property
    def topics(self) -> list[str]:
        return sorted({*self.handlers, *self.batch_handlers})
