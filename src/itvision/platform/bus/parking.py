"""Parked events: events a consumer group has taken in but cannot apply yet.

A handler raises `NotYet` when what its event depends on has not arrived (on Kafka a
`catalog.variant.created` can reach pricing before its `catalog.product.created`: they travel on
two topics, and nothing orders two topics). The processor then parks the event here, in the
transaction that writes its inbox row and moves the group on, so the group is not held up;
later events of the same topic and key are parked behind it (reason `behind`), so order per key
holds. The processor tries the oldest parked event of each topic and key again as the group
moves on and on a timer; one that is applied leaves this table in its effects' transaction.

Order is kept per topic and key, as the bus keeps it (a Kafka partition holds one topic): a
product and its variant share a key, and the product must be able to pass its parked variant.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform.bus.messages import Message, storable
from itvision.platform.bus.tables import ParkedEvent
from itvision.platform.db import upsert_insert
from itvision.platform.events import Event

NOT_YET = "not_yet"
BEHIND = "behind"


async def parked_pairs(
    session: AsyncSession, group: str, pairs: Collection[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which of these (topic, key) pairs have an event parked in the group."""
    if not pairs:
        return set()
    query = (
        select(ParkedEvent.topic, ParkedEvent.key)
        .where(ParkedEvent.group == group)
        .where(tuple_(ParkedEvent.topic, ParkedEvent.key).in_(list(pairs)))
        .distinct()
    )
    return {(topic, key) for topic, key in await session.execute(query)}


async def park(
    session: AsyncSession,
    group: str,
    message: Message,
    event: Event[Any],
    *,
    reason: str,
    error: str,
    now: datetime,
    wait: timedelta,
) -> None:
    """Park the event (once: parking it again, say after a replay re-read it, does nothing)."""
    value = message.value
    await session.execute(
        upsert_insert(session)(ParkedEvent)
        .values(
            group=group,
            event_id=str(event.id),
            topic=message.topic,
            key=message.key,
            partition=message.partition,
            offset=message.offset,
            event_time=event.envelope.timestamp,
            message=value.decode() if isinstance(value, bytes) else value,
            reason=reason,
            error=storable(error),
            parked_at=now,
            deadline=now + wait,
        )
        .on_conflict_do_nothing(index_elements=["group", "event_id"])
    )


async def waiting(session: AsyncSession, group: str, limit: int) -> list[ParkedEvent]:
    """The group's parked events, oldest first."""
    query = (
        select(ParkedEvent).where(ParkedEvent.group == group).order_by(ParkedEvent.id).limit(limit)
    )
    return list(await session.scalars(query))


async def take(session: AsyncSession, ids: Iterable[int]) -> set[int]:
    """Delete these parked rows in the caller's transaction; returns the ids it deleted. An id
    missing from the answer was applied (or dead-lettered) by another process meanwhile."""
    wanted = list(ids)
    if not wanted:
        return set()
    result = await session.execute(
        delete(ParkedEvent).where(ParkedEvent.id.in_(wanted)).returning(ParkedEvent.id)
    )
    return set(result.scalars())


def message_of(row: ParkedEvent) -> Message:
    return Message(row.topic, row.partition, row.offset, row.key, row.message, row.event_id, None)


async def counts(session: AsyncSession) -> dict[str, int]:
    """How many events each group has parked."""
    rows = await session.execute(
        select(ParkedEvent.group, func.count()).group_by(ParkedEvent.group)
    )
    return {group: count for group, count in rows}
