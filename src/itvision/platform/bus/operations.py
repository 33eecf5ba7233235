"""What operators do with the bus, shared by the CLI and the HTTP API: look at groups and their
lag, read and replay dead letters, reset a group to an offset or a time, read the log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from itvision.platform.bus.processor import Message
from itvision.platform.bus.sqllog import LogReader, ensure_position_row
from itvision.platform.bus.tables import ConsumerPosition, DeadLetter, InboxEntry, LoggedEvent
from itvision.platform.errors import InvalidInput, NotFound
from itvision.platform.events import utcnow
from itvision.platform.system import Platform


@dataclass(frozen=True)
class GroupStatus:
    group: str
    topics: list[str]
    position: int
    lag: int
    dead_letters: int
    owner: str | None


async def group_statuses(platform: Platform) -> list[GroupStatus]:
    async with platform.db.reads() as session:
        dead = dict(
            (
                await session.execute(
                    select(DeadLetter.group, func.count()).group_by(DeadLetter.group)
                )
            ).all()
        )
        rows = {r.group: r for r in await session.scalars(select(ConsumerPosition))}
    if platform.settings.uses_kafka:
        from itvision.platform.bus.kafka import group_offsets

        kafka = {
            g: await group_offsets(platform.settings, g, platform.group(g).topics)
            for g in platform.groups
        }
    statuses = []
    for name, group in sorted(platform.groups.items()):
        row = rows.get(name)
        if platform.settings.uses_kafka:
            position, lag = kafka[name]
            owner = None
        else:
            position = row.position if row else 0
            lag = await LogReader(platform.db, name, group.topics, 1).lag(position)
            owner = (
                row.lease_owner if row and row.lease_until and row.lease_until > utcnow() else None
            )
        statuses.append(GroupStatus(name, group.topics, position, lag, dead.get(name, 0), owner))
    return statuses


async def list_dead_letters(
    platform: Platform, group: str | None = None, limit: int = 100
) -> list[DeadLetter]:
    query = select(DeadLetter).order_by(DeadLetter.id).limit(limit)
    if group:
        query = query.where(DeadLetter.group == group)
    async with platform.db.reads() as session:
        return list(await session.scalars(query))


async def get_dead_letter(platform: Platform, letter_id: int) -> DeadLetter:
    async with platform.db.reads() as session:
        letter = await session.get(DeadLetter, letter_id)
    if letter is None:
        raise NotFound(f"no dead letter {letter_id}", field="id")
    return letter


async def replay_dead_letter(platform: Platform, letter_id: int) -> None:
    """Apply the dead letter with its group's handler; it leaves the store if that succeeds."""
    letter = await get_dead_letter(platform, letter_id)
    try:
        await platform.processor(letter.group).apply_dead_letter(letter)
    except Exception as exc:
        async with platform.db.writes() as session, session.begin():
            await session.execute(
                update(DeadLetter)
                .where(DeadLetter.id == letter_id)
                .values(attempts=DeadLetter.attempts + 1, error=repr(exc), failed_at=utcnow())
            )
        raise InvalidInput(f"dead letter {letter_id} failed again: {exc}", field="id") from exc


async def drop_dead_letter(platform: Platform, letter_id: int) -> None:
    async with platform.db.writes() as session, session.begin():
        result = await session.execute(delete(DeadLetter).where(DeadLetter.id == letter_id))
    if result.rowcount == 0:
        raise NotFound(f"no dead letter {letter_id}", field="id")


async def reset_group(
    platform: Platform,
    group_name: str,
    *,
    from_offset: int | None = None,
    from_time: datetime | None = None,
) -> str:
    """Make a group read again from an offset (the SQL log position, or the offset in every Kafka
    partition) or from a time. The inbox forgets the events at and after that point so they
    are applied again; from the very start, the group's `rebuild` empties its projections first.
    Returns a one-line account of what was done."""
    if (from_offset is None) == (from_time is None):
        raise InvalidInput("give exactly one of from_offset and from_time", field="from_offset")
    if from_offset is not None and from_offset < 0:
        raise InvalidInput("from_offset must be 0 or more", field="from_offset")
    group = platform.group(group_name)
    kafka_offsets: dict[tuple[str, int], int] | None = None
    if platform.settings.uses_kafka:
        from itvision.platform.bus.kafka import seek_group

        kafka_offsets = await seek_group(
            platform.settings, group.name, group.topics, from_offset, from_time
        )
    async with platform.db.writes() as session, session.begin():
        forget = delete(InboxEntry).where(InboxEntry.group == group.name)
        if from_time is not None:
            forget = forget.where(InboxEntry.event_time >= from_time)
        elif kafka_offsets is None:
            forget = forget.where(InboxEntry.offset >= from_offset)
        if kafka_offsets is None:
            start = from_offset
            if from_time is not None:
                start = await session.scalar(
                    select(func.min(LoggedEvent.position)).where(
                        LoggedEvent.created_at >= from_time
                    )
                )
                start = (
                    start
                    if start is not None
                    else (await session.scalar(select(func.max(LoggedEvent.position))) or 0) + 1
                )
            await ensure_position_row(session, group.name)
            # Taking the lease away makes a running consumer drop its batch and re-read.
            await session.execute(
                update(ConsumerPosition)
                .where(ConsumerPosition.group == group.name)
                .values(
                    position=max(start - 1, 0),
                    lease_owner=None,
                    lease_until=None,
                    updated_at=utcnow(),
                )
            )
            from_start = start <= 1
        else:
            if from_offset is not None:
                forget = forget.where(InboxEntry.offset >= from_offset)
            from_start = all(o == 0 for o in kafka_offsets.values())
        await session.execute(forget)
        if from_start and group.rebuild is not None:
            await group.rebuild(session)
    where = f"offset {from_offset}" if from_offset is not None else f"time {from_time.isoformat()}"
    rebuilt = " (projections rebuilt from scratch)" if from_start and group.rebuild else ""
    return f"{group.name} will re-read from {where}{rebuilt}"


async def read_log(
    platform: Platform, *, after: int, topic: str | None = None, limit: int = 100
) -> list[Message]:
    if topic is not None:
        platform.registry.get(topic)
    reader = LogReader(platform.db, "", [topic] if topic else None, 1)
    return await reader.fetch(after, limit)


async def last_position(platform: Platform) -> int:
    async with platform.db.reads() as session:
        return int(await session.scalar(select(func.max(LoggedEvent.position))) or 0)
