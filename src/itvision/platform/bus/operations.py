"""What operators do with the bus, shared by the CLI and the HTTP API: look at groups and their
lag, list parked events, read and replay dead letters, reset a group to an offset or a time,
read the log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform.bus import eventlog, head, parking
from itvision.platform.bus.messages import Message
from itvision.platform.bus.tables import DeadLetter, InboxEntry, LoggedEvent, ParkedEvent
from itvision.platform.db import rows_affected
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
    parked: int = 0


async def group_statuses(platform: Platform) -> list[GroupStatus]:
    async with platform.db.reads() as session:
        rows = await session.execute(
            select(DeadLetter.group, func.count()).group_by(DeadLetter.group)
        )
        dead = {group: count for group, count in rows}
        parked = await parking.counts(session)
    positions = await platform.bus.positions(platform.groups.values())
    return [
        GroupStatus(
            name,
            group.topics,
            positions[name].position,
            positions[name].lag,
            dead.get(name, 0),
            positions[name].owner,
            parked.get(name, 0),
        )
        for name, group in sorted(platform.groups.items())
    ]


async def list_parked(
    platform: Platform, group: str | None = None, limit: int = 100
) -> list[ParkedEvent]:
    """Events waiting for what they depend on, oldest first."""
    return await _oldest_first(platform, ParkedEvent, group, limit)


async def list_dead_letters(
    platform: Platform, group: str | None = None, limit: int = 100
) -> list[DeadLetter]:
    return await _oldest_first(platform, DeadLetter, group, limit)


Held = TypeVar("Held", ParkedEvent, DeadLetter)


async def _oldest_first(
    platform: Platform, model: type[Held], group: str | None, limit: int
) -> list[Held]:
    query = select(model).order_by(model.id).limit(limit)
    if group:
        query = query.where(model.group == group)
    async with platform.db.reads() as session:
        return list(await session.scalars(query))


async def get_dead_letter(platform: Platform, letter_id: int) -> DeadLetter:
    async with platform.db.reads() as session:
        letter = await session.get(DeadLetter, letter_id)
    if letter is None:
        raise NotFound(f"no dead letter {letter_id}", field="letter_id")
    return letter


async def replay_dead_letter(platform: Platform, letter_id: int) -> None:
    """Apply the dead letter with its group's handler; it leaves the store if that succeeds."""
    letter = await get_dead_letter(platform, letter_id)
    try:
        await platform.processor(letter.group).apply_dead_letter(letter)
    except NotFound:
        raise
    except Exception as exc:
        async with platform.db.writes() as session, session.begin():
            await session.execute(
                update(DeadLetter)
                .where(DeadLetter.id == letter_id)
                .values(attempts=DeadLetter.attempts + 1, error=repr(exc), failed_at=utcnow())
            )
        raise InvalidInput(
            f"dead letter {letter_id} failed again: {exc}", field="letter_id"
        ) from exc


async def drop_dead_letter(platform: Platform, letter_id: int) -> None:
    async with platform.db.writes() as session, session.begin():
        result = await session.execute(delete(DeadLetter).where(DeadLetter.id == letter_id))
    if rows_affected(result) == 0:
        raise NotFound(f"no dead letter {letter_id}", field="letter_id")


async def reset_group(
    platform: Platform,
    group_name: str,
    *,
    from_offset: int | None = None,
    from_time: datetime | None = None,
) -> str:
    """Make a group read again from an offset (the SQL log position, or the offset in every Kafka
    partition) or from a time. The inbox forgets the events at and after that point so they
    are applied again, and their parked events and dead letters go (read again, an event is
    parked or dead-lettered again if it still has to be); from the very start, the group's
    `rebuild` empties its projections first. Returns a one-line account of what was done."""
    if from_time is not None and from_offset is None:
        to: int | datetime = from_time
        where = f"time {from_time.isoformat()}"
    elif from_offset is not None and from_time is None:
        if from_offset < 0:
            raise InvalidInput("from_offset must be 0 or more", field="from_offset")
        to = from_offset
        where = f"offset {from_offset}"
    else:
        raise InvalidInput("give exactly one of from_offset and from_time", field="from_offset")
    group = platform.group(group_name)

    async def forget(session: AsyncSession, from_start: bool) -> None:
        # What is read again is taken in again: its inbox rows go, and so do the parked
        # events and the dead letters among it (a letter whose event now applies must not be
        # replayed too: on the SQL log no inbox would tell).
        inbox = delete(InboxEntry).where(InboxEntry.group == group.name)
        parked = delete(ParkedEvent).where(ParkedEvent.group == group.name)
        letters = delete(DeadLetter).where(DeadLetter.group == group.name)
        if isinstance(to, datetime):
            inbox = inbox.where(InboxEntry.event_time >= to)
            parked = parked.where(ParkedEvent.event_time >= to)
            since = select(LoggedEvent.event_id).where(LoggedEvent.created_at >= to)
            letters = letters.where(DeadLetter.event_id.in_(since))
        else:
            inbox = inbox.where(InboxEntry.offset >= to)
            parked = parked.where(ParkedEvent.offset >= to)
            letters = letters.where(DeadLetter.offset >= to)
        await session.execute(inbox)
        await session.execute(parked)
        await session.execute(letters)
        if from_start and group.rebuild is not None:
            await group.rebuild(session)

    from_start = await platform.bus.seek(group, to, forget)
    rebuilt = " (projections rebuilt from scratch)" if from_start and group.rebuild else ""
    return f"{group.name} will re-read from {where}{rebuilt}"


@dataclass(frozen=True)
class LogPage:
    """Events of the log in position order, and where the next page starts: `next` is the
    position to read after (that of the last event, or the one asked for when none came), so a
    reader that polls it sees each event once."""

    messages: list[Message]
    next: int
    more: bool


async def read_log(
    platform: Platform, *, after: int, topic: str | None = None, limit: int = 100
) -> list[Message]:
    """Up to `limit` events after a position, of one topic or of all."""
    page = await log_page(platform, after=after, topics=[topic] if topic else None, limit=limit)
    return page.messages


async def log_page(
    platform: Platform,
    *,
    after: int = 0,
    since: datetime | None = None,
    topics: Sequence[str] | None = None,
    limit: int = 100,
) -> LogPage:
    """Up to `limit` events after a position, or from the first one logged at or after `since`,
    of the given topics (all when None). The log is the events table, which is also the outbox:
    on Kafka it holds every event this system published, not what other producers wrote."""
    for topic in topics or ():
        platform.registry.get(topic)
    if since is not None:
        after = await _position_before(platform, since)
    reader = eventlog.LogReader(platform.db, "", topics, 1)
    messages = await reader.fetch(after, limit + 1)
    page = messages[:limit]
    return LogPage(page, page[-1].offset if page else after, len(messages) > limit)


async def _position_before(platform: Platform, since: datetime) -> int:
    """The position just before the first event logged at or after `since`; positions follow
    commit order, so everything after it is that event and the ones logged later."""
    first = (
        select(LoggedEvent.position)
        .where(LoggedEvent.created_at >= since)
        .order_by(LoggedEvent.position)
        .limit(1)
    )
    async with platform.db.reads() as session:
        position = await session.scalar(first)
    if position is None:
        return await last_position(platform)
    return position - 1


async def position_before_last(
    platform: Platform, count: int, topics: Sequence[str] | None = None
) -> int:
    """The position after which the newest `count` events of `topics` (all when None) follow."""
    for topic in topics or ():
        platform.registry.get(topic)
    query = select(LoggedEvent.position)
    if topics is not None:
        query = query.where(LoggedEvent.topic.in_(topics))
    query = query.order_by(LoggedEvent.position.desc()).offset(count).limit(1)
    async with platform.db.reads() as session:
        return int(await session.scalar(query) or 0)


async def last_position(platform: Platform) -> int:
    return await head.last_position(platform.db)
