"""Applies messages to a consumer group's handlers, the same way on both backends.

- A batch of messages is applied in one transaction: the handlers' effects and, on the SQL log,
  the group's new position (so an applied event is never read again). On Kafka, which may
  deliver an event again, the transaction also holds the inbox rows that mark each event as
  taken in: an event already in the inbox is skipped, so redelivery has no second effect.
- If a handler fails, the batch is rolled back; the events before the failing one are applied
  together again, and the failing one alone, retried with exponential backoff; after the last
  attempt it goes to the dead-letter store with its error and the group moves on. The backoff
  is a sleep that a stop interrupts: the event is then left, untouched, for the next start.
- A handler that raises `NotYet` (what its event depends on has not arrived) has the event
  parked (see `parking`) instead: taken in without holding up the group, tried again as the
  group moves on and on a timer, a dead letter only after ITVISION_CONSUMER_PARK_MINUTES.
- A message that cannot be read (see `decoding`) is dead-lettered at once.
- Retrying never holds a group for long: past `retry_budget_seconds`, `process` returns what it
  got through and the consumer reads the rest again, so it keeps polling its broker (Kafka's
  max.poll.interval) and renewing its lease (the SQL log).
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itvision.platform import metrics
from itvision.platform.bus import parking
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.bus.decoding import Unreadable, decode
from itvision.platform.bus.messages import Message, as_text, storable
from itvision.platform.bus.tables import DeadLetter, InboxEntry, ParkedEvent
from itvision.platform.db import rows_affected, upsert_insert
from itvision.platform.errors import NotFound, NotYet
from itvision.platform.events import Event, utcnow
from itvision.platform.logs import CURRENT_EVENT
from itvision.platform.stopping import sleep_or_stop
from itvision.platform.uow import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger("itvision.consumer")
INBOX = InboxEntry.__table__
# Parked events tried in one round at most; the others wait for the next round.
PARKED_PER_ROUND = 1000


class LeaseLost(Exception):
    """Another process now holds this group's place in the log; stop and re-acquire."""


class Stopped(Exception):
    """The platform is stopping while an event is being retried: the event is left as it is
    (not applied, not dead-lettered) for the next start to read again."""


Advance = Callable[[AsyncSession, Message], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Item:
    """A message to apply, read; `parked` is its row when it is tried again from the parking."""

    message: Message
    event: Event[Any] | Unreadable
    parked: ParkedEvent | None = None


@dataclass(frozen=True, slots=True)
class _Failure:
    """Why applying some items failed: `index` is the item whose handler raised (the first of
    the `together` a batch handler was given), None when no one handler did (the commit
    failed, say)."""

    index: int | None
    error: Exception
    together: int = 1


class _HandlerFailed(Exception):
    def __init__(self, index: int, error: Exception, together: int) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error
        self.together = together


class GroupProcessor:
    def __init__(
        self,
        group: ConsumerGroup,
        uows: UnitOfWorkFactory,
        *,
        max_attempts: int,
        retry_base_seconds: float,
        park_minutes: float = 30.0,
        retry_budget_seconds: float = 5.0,
        parked_every_seconds: float = 5.0,
        reads: async_sessionmaker[AsyncSession] | None = None,
        inbox: bool = True,
    ) -> None:
        self.group = group
        self.inbox = inbox
        self.uows = uows
        self.reads = reads or uows.sessions
        self.max_attempts = max_attempts
        self.retry_base_seconds = retry_base_seconds
        self.park_for = timedelta(minutes=park_minutes)
        self.retry_budget_seconds = retry_budget_seconds
        # Parked events are tried again after the group applied something, at most this often
        # (so a burst does not try them at every batch), and at least this often anyway (a
        # prerequisite may come from elsewhere, and deadlines must be seen to pass).
        self.parked_every_seconds = parked_every_seconds
        self._moved = False
        self._last_round = float("-inf")
        # Whether the group may have parked events, so that a batch must look for parked
        # events of its keys: true until a round finds none, and again once this process
        # parks one or takes over partitions (another process may have parked some there).
        self._may_have_parked = True
        # On Kafka, the events up to this position of the SQL log were applied while the shop
        # ran on it (the group's position there, read as its consumer starts): the relay
        # publishes the whole log, and the SQL log keeps no inbox that would tell them.
        self.applied_on_sql_log = 0

    async def process(
        self,
        messages: Sequence[Message],
        advance: Advance | None = None,
        *,
        stop: asyncio.Event | None = None,
    ) -> int:
        """Apply the messages in order, each applied, parked or dead-lettered; returns how many
        of them (from the first) it got through, fewer than all when retrying them ran past
        the retry budget: the caller reads the others again. `advance(session, last)` moves
        the group's position in the transaction of each step. Raises `Stopped` when `stop` is
        set while an event is being retried."""
        items = [Item(m, decode(self.uows.registry, m)) for m in messages]
        done, _ = await self._settle(items, advance, stop)
        return done

    def reassigned(self) -> None:
        """This process now reads other partitions of the group (a Kafka rebalance), or took
        the group's lease on the SQL log: another process may have parked events there."""
        self._may_have_parked = True

    async def tend_parked(self, stop: asyncio.Event | None = None) -> None:
        """Try the parked events again if it is time: the oldest of each topic and key first,
        the next of the key once it is applied. Those still not ready stay parked, or become
        dead letters past their deadline. Consumers call this after each batch and when idle."""
        moment = time.monotonic()
        since = moment - self._last_round
        # Only if something may be parked: otherwise every batch, and every idle poll, would
        # cost a read. Then soon after the group moved on (what a parked event waits for may
        # have come), and every `parked_every_seconds` anyway (deadlines must be seen to pass).
        due = self._may_have_parked and (
            since >= self.parked_every_seconds
            or (self._moved and since >= self.parked_every_seconds / 5)
        )
        if not due:
            return
        self._moved, self._last_round = False, moment
        async with self.reads() as session:
            rows = await parking.waiting(session, self.group.name, PARKED_PER_ROUND)
        self._may_have_parked = bool(rows)
        queues: dict[tuple[str, str], deque[ParkedEvent]] = {}
        for row in rows:
            queues.setdefault((row.topic, row.key), deque()).append(row)
        while queues and not (stop is not None and stop.is_set()):
            if time.monotonic() - moment > self.retry_budget_seconds:
                return
            pairs = list(queues)
            heads = [queues[pair][0] for pair in pairs]
            messages = [parking.message_of(row) for row in heads]
            items = [
                Item(message, decode(self.uows.registry, message), row)
                for message, row in zip(messages, heads, strict=True)
            ]
            done, still_parked = await self._settle(items, None, stop)
            for index, pair in enumerate(pairs[:done]):
                queue = queues[pair]
                queue.popleft()
                if index in still_parked or not queue:
                    del queues[pair]
            if done < len(items):
                return

    async def _settle(
        self, items: Sequence[Item], advance: Advance | None, stop: asyncio.Event | None
    ) -> tuple[int, set[int]]:
        """Apply, park or dead-letter each item in order; returns how many it got through and
        which of the (parked) items it tried stay parked."""
        started = time.monotonic()
        done, end, one_by_one = 0, len(items), False
        still_parked: set[int] = set()
        while done < len(items):
            if one_by_one:
                end = done + 1
            failure = await self._apply(items[done:end], advance)
            if failure is None:
                done, end = end, len(items)
                continue
            if failure.index:
                end = done + failure.index  # the events before the failing one, together
                continue
            if (failure.index is None or failure.together > 1) and end - done > 1:
                # Not one event's failure (the commit, or a batch handler's): find the culprit
                # by applying one at a time.
                one_by_one = True
                continue
            if await self._retry(items[done], advance, failure.error, stop):
                still_parked.add(done)
            done, end = done + 1, len(items)
            if time.monotonic() - started > self.retry_budget_seconds:
                break
        return done, still_parked

    async def _retry(
        self, item: Item, advance: Advance | None, error: Exception, stop: asyncio.Event | None
    ) -> bool:
        """Settle an item whose handler raised `error` on a first attempt: park it, or retry it
        with backoff, then dead-letter it. True if it is a parked item that stays parked."""
        attempt = 1
        while not isinstance(error, NotYet):
            metrics.EVENTS_FAILED.labels(self.group.name, item.message.topic).inc()
            log.warning(
                "handler failed",
                group=self.group.name,
                topic=item.message.topic,
                attempt=attempt,
                exc_info=error,
            )
            if attempt >= self.max_attempts:
                trace = "".join(traceback.format_exception(error))
                await self._give_up(item, advance, "handler_failed", trace, attempt)
                return False
            delay = self.retry_base_seconds * 2 ** (attempt - 1)
            if stop is None:
                await asyncio.sleep(delay)
            else:
                await sleep_or_stop(stop, delay)
                if stop.is_set():
                    raise Stopped(self.group.name)
            attempt += 1
            failure = await self._apply([item], advance)
            if failure is None:
                return False
            error = failure.error
        return await self._not_yet(item, advance, error)

    async def _not_yet(self, item: Item, advance: Advance | None, error: NotYet) -> bool:
        event = item.event
        assert isinstance(event, Event)
        now = utcnow()
        if item.parked is not None:
            if now < item.parked.deadline:
                return True
            waited = f"{error.message} (parked since {item.parked.parked_at.isoformat()})"
            await self._give_up(item, advance, "prerequisite_missing", waited, 1)
            return False
        async with self.uows(self.group.name) as uow:
            if await self._take_in(uow.session, [item]):
                self._may_have_parked = True
                await parking.park(
                    uow.session,
                    self.group.name,
                    item.message,
                    event,
                    reason=parking.NOT_YET,
                    error=error.message,
                    now=now,
                    wait=self.park_for,
                )
                metrics.EVENTS_PARKED.labels(self.group.name, item.message.topic).inc()
                log.info(
                    "event parked: not yet",
                    group=self.group.name,
                    topic=item.message.topic,
                    key=item.message.key,
                    reason=error.message,
                )
            if advance:
                await advance(uow.session, item.message)
        return False

    async def _give_up(
        self, item: Item, advance: Advance | None, reason: str, error: str, attempts: int
    ) -> None:
        event = item.event
        if isinstance(event, Unreadable):
            reason, error = event.reason, event.error
        async with self.uows(self.group.name) as uow:
            if item.parked is None or await parking.take(uow.session, [item.parked.id]):
                event_id = str(event.id) if isinstance(event, Event) else event.event_id
                await self._dead_letter(
                    uow.session, item.message, reason, error, attempts, event_id
                )
            if advance:
                await advance(uow.session, item.message)

    async def _apply(self, items: Sequence[Item], advance: Advance | None) -> _Failure | None:
        """Apply the items in one transaction; None if it committed, else why not."""
        applied: Counter[str] = Counter()
        try:
            async with self.uows(self.group.name) as uow:
                session = uow.session
                taken = await self._take_in(session, items)
                behind: set[tuple[str, str]] = set()
                if self._may_have_parked:
                    live = {(i.message.topic, i.message.key) for _, i in taken if not i.parked}
                    behind = await parking.parked_pairs(session, self.group.name, live)
                now = utcnow()
                ready: list[tuple[int, Event[Any]]] = []
                for index, item in taken:
                    event = item.event
                    assert isinstance(event, Event)
                    pair = (item.message.topic, item.message.key)
                    if item.parked is None and pair in behind:
                        await parking.park(
                            session,
                            self.group.name,
                            item.message,
                            event,
                            reason=parking.BEHIND,
                            error=f"behind a parked event of key {item.message.key!r}",
                            now=now,
                            wait=self.park_for,
                        )
                        continue
                    ready.append((index, event))
                for run in self._runs(ready):
                    try:
                        await self._handle([event for _, event in run], uow)
                    except LeaseLost:
                        raise
                    except Exception as exc:
                        raise _HandlerFailed(run[0][0], exc, len(run)) from exc
                    applied[run[0][1].type] += len(run)
                if advance and items:
                    await advance(session, items[-1].message)
        except LeaseLost:
            raise
        except _HandlerFailed as failed:
            return _Failure(failed.index, failed.error, failed.together)
        except Exception as exc:
            return _Failure(None, exc)
        if applied:
            self._moved = True
        for topic, count in applied.items():
            metrics.EVENTS_CONSUMED.labels(self.group.name, topic).inc(count)
        return None

    async def _take_in(
        self, session: AsyncSession, items: Sequence[Item]
    ) -> list[tuple[int, Item]]:
        """The items to handle now, with their index: a live event whose inbox row is new (a
        redelivered one conflicts and is skipped; without an inbox, every live event), a parked
        one whose row this transaction deleted (another process may have applied it).
        Unreadable messages are dead-lettered. What the group applied on the SQL log before
        the shop moved to Kafka is neither."""
        before_kafka = (
            {i for i, item in enumerate(items) if self._applied_on_sql_log(item)}
            if self.applied_on_sql_log
            else set()
        )
        fresh: dict[str, int] = {}
        for index, item in enumerate(items):
            if index in before_kafka:
                continue
            if item.parked is None and isinstance(item.event, Event):
                fresh.setdefault(str(item.event.id), index)
        new: set[str] = set(fresh)
        if fresh and self.inbox:
            # Writing the inbox rows first tells which events are new, in the effects'
            # transaction.
            inserted = await session.execute(
                upsert_insert(session)(INBOX).on_conflict_do_nothing().returning(INBOX.c.event_id),
                [self._inbox_row(items[index]) for index in fresh.values()],
            )
            new = set(inserted.scalars())
        parked = await parking.take(session, [i.parked.id for i in items if i.parked is not None])
        taken = []
        for index, item in enumerate(items):
            event = item.event
            if index in before_kafka:
                continue
            if item.parked is not None:
                if item.parked.id not in parked:
                    continue
            elif isinstance(event, Event):
                event_id = str(event.id)
                if event_id not in new or fresh[event_id] != index:
                    continue
            if isinstance(event, Unreadable):
                await self._dead_letter(
                    session, item.message, event.reason, event.error, 1, event.event_id
                )
                continue
            taken.append((index, item))
        return taken

    def _applied_on_sql_log(self, item: Item) -> bool:
        position = item.message.log_position
        return item.parked is None and position is not None and position <= self.applied_on_sql_log

    def _inbox_row(self, item: Item) -> dict[str, Any]:
        event = item.event
        assert isinstance(event, Event)
        return {
            "group": self.group.name,
            "event_id": str(event.id),
            "topic": item.message.topic,
            "partition": item.message.partition,
            "offset": item.message.offset,
            "event_time": event.envelope.timestamp,
        }

    def _runs(self, ready: Sequence[tuple[int, Event[Any]]]) -> list[list[tuple[int, Event[Any]]]]:
        """The events to hand over together: consecutive events of a topic with a batch
        handler form one run; any other event is a run of its own."""
        runs: list[list[tuple[int, Event[Any]]]] = []
        for index, event in ready:
            last = runs[-1] if runs else None
            if (
                last is not None
                and event.type in self.group.batch_handlers
                and last[-1][1].type == event.type
            ):
                last.append((index, event))
            else:
                runs.append([(index, event)])
        return runs

    async def _handle(self, events: Sequence[Event[Any]], uow: UnitOfWork) -> None:
        """Events of one topic: one by one to its handler, or together to its batch handler."""
        topic = events[0].type
        batch = self.group.batch_handlers.get(topic)
        handler = self.group.handlers.get(topic)
        if batch is None and handler is None:
            return
        uow.cause = events[0]
        uow.causes = {event.envelope.key: event for event in events} if batch else {}
        started = time.perf_counter()
        token = CURRENT_EVENT.set((self.group.name, events[0]))
        try:
            if batch is not None:
                await batch(events, uow)
            else:
                assert handler is not None and len(events) == 1
                await handler(events[0], uow)
        finally:
            CURRENT_EVENT.reset(token)
            uow.causes = {}
        metrics.HANDLER_SECONDS.labels(self.group.name, topic).observe(
            time.perf_counter() - started
        )

    async def _dead_letter(
        self,
        session: AsyncSession,
        message: Message,
        reason: str,
        error: str,
        attempts: int,
        event_id: str | None,
    ) -> None:
        text, raw = as_text(message.value)
        await session.execute(
            insert(DeadLetter).values(
                group=self.group.name,
                event_id=event_id,
                topic=message.topic,
                key=storable(message.key),
                partition=message.partition,
                offset=message.offset,
                message=text,
                raw=raw,
                reason=reason,
                error=storable(error),
                attempts=attempts,
                failed_at=utcnow(),
            )
        )
        metrics.EVENTS_DEAD_LETTERED.labels(self.group.name, message.topic).inc()
        log.error(
            "event dead-lettered",
            group=self.group.name,
            topic=message.topic,
            event_id=event_id,
            reason=reason,
            attempts=attempts,
        )

    async def apply_dead_letter(self, letter: DeadLetter) -> Event[Any]:
        """Apply a dead letter again; on success it leaves the store in the same transaction
        (parked instead, behind a parked event of its topic and key, if there is one)."""
        value = letter.raw if letter.raw is not None else letter.message
        message = Message(letter.topic, letter.partition, letter.offset, letter.key, value)
        event = decode(self.uows.registry, message)
        if isinstance(event, Unreadable):
            raise ValueError(f"still unreadable: {event.reason}: {event.error}")

        async def leave_the_store(session: AsyncSession, _: Message) -> None:
            # Checked: two replays of one letter at once would otherwise both apply it (no
            # inbox on the SQL log tells the second that the first did).
            left = await session.execute(delete(DeadLetter).where(DeadLetter.id == letter.id))
            if rows_affected(left) != 1:
                raise NotFound(
                    f"no dead letter {letter.id}: replayed or dropped meanwhile", field="letter_id"
                )

        failure = await self._apply([Item(message, event)], leave_the_store)
        if failure is not None:
            raise failure.error
        return event
