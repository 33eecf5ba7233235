"""Consumer groups, declared: the seed's `startLoyaltyConsumer` switch on topic becomes

    consumer = ConsumerGroup("loyalty-engine")

    @consumer.on("order.order.placed")
    async def credit_provisional_points(event: Event[OrderPlaced], uow: UnitOfWork) -> None: ...

Each group keeps its own position in every topic it follows; the runtime (`processor`) applies
each event once, in order per key, whichever backend carries it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork

Handler = Callable[[Event[Any], UnitOfWork], Awaitable[None]]
Rebuild = Callable[[AsyncSession], Awaitable[None]]


@dataclass
class ConsumerGroup:
    """`name` is the engine code (`loyalty-engine`): it is the event source of what the
    handlers emit and the consumer group name on the bus. `rebuild`, if given, empties the
    group's projections before a replay from the start of the log."""

    name: str
    handlers: dict[str, Handler] = field(default_factory=dict)
    rebuild: Rebuild | None = None

    def on(self, topic: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if topic in self.handlers:
                raise ValueError(f"{self.name} already handles {topic}")
            self.handlers[topic] = handler
            return handler

        return register

    @property
    def topics(self) -> list[str]:
        return sorted(self.handlers)
