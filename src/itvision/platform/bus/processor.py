"""Applies messages to a consumer group's handlers, the same way on both backends.

- A batch of messages is applied in one transaction: the handlers' effects, the inbox rows that
  mark each event as applied, and (on the SQL log) the group's new position. An event already
  in the inbox is skipped, so redelivery has no second effect.
- If anything in the batch fails, the batch is rolled back and its messages are applied one at
  a time, each retried with exponential backoff; after the last attempt the message goes to the
  dead-letter store with its error and the group moves on.
- A message that cannot be read (bad JSON, unknown topic, newer version than we know, payload
  that does not match its model) is dead-lettered at once: retrying cannot fix it.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from pydantic import ValidationError, create_model
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.platform import metrics
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.bus.tables import DeadLetter, InboxEntry
from itvision.platform.db import upsert_insert
from itvision.platform.errors import UnknownTopic
from itvision.platform.events import Envelope, Event, Payload, utcnow
from itvision.platform.logs import CURRENT_EVENT
from itvision.platform.topics import TopicRegistry
from itvision.platform.uow import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger("itvision.consumer")
INBOX = InboxEntry.__table__

# Events written by producers that set no id (the seed's KafkaJS code) get one derived from
# where they were read, so that reading them twice is still recognised.
DERIVED_ID_NAMESPACE = uuid.UUID("6f1c1f0e-4f57-4c8e-9a43-2f7d1f0a9e11")


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: str
    value: bytes | str
    event_id: str | None = None
    correlation_id: str | None = None


@dataclass(frozen=True, slots=True)
class Unreadable:
    reason: str
    error: str
    event_id: str | None = None


class LeaseLost(Exception):
    """Another process now holds this group's place in the log; stop and re-acquire."""


Advance = Callable[[AsyncSession, Message], Awaitable[None]]


def decode(registry: TopicRegistry, message: Message) -> Event[Any] | Unreadable:
    """The event in a message, or why it cannot be read. Our own envelopes take the fast path
    (validated straight from JSON); anything else is read field by field, with defaults for
    what producers like the seed's KafkaJS code leave out."""
    topic = registry.find(message.topic)
    if topic is not None:
        try:
            envelope = _envelope_of(topic.payload).model_validate_json(message.value)
        except ValidationError:
            pass
        else:
            if envelope.type == message.topic and envelope.version <= topic.version:
                if not envelope.key and message.key:
                    envelope.key = message.key
                return Event(envelope, envelope.payload, message.partition, message.offset)
    return _decode_leniently(registry, message)


@functools.cache
def _envelope_of(payload: type[Payload]) -> type[Envelope]:
    """The envelope with this payload model: one validation from JSON reads both."""
    return create_model(f"{payload.__name__}Envelope", __base__=Envelope, payload=(payload, ...))


def _decode_leniently(registry: TopicRegistry, message: Message) -> Event[Any] | Unreadable:
    try:
        data = json.loads(message.value)
    except (ValueError, UnicodeDecodeError) as exc:
        return Unreadable("malformed", f"not JSON: {exc}")
    if not isinstance(data, dict):
        return Unreadable("malformed", "not a JSON object")
    if "id" not in data:
        data["id"] = uuid.uuid5(
            DERIVED_ID_NAMESPACE, f"{message.topic}:{message.partition}:{message.offset}"
        )
    data.setdefault("type", message.topic)
    data.setdefault("key", message.key)
    try:
        envelope = Envelope.model_validate(data)
    except ValidationError as exc:
        return Unreadable("malformed", f"bad envelope: {_first_error(exc)}")
    return _typed(registry, message, envelope)


def _typed(
    registry: TopicRegistry, message: Message, envelope: Envelope
) -> Event[Any] | Unreadable:
    event_id = str(envelope.id)
    if envelope.type != message.topic:
        return Unreadable("malformed", f"type {envelope.type!r} read on topic", event_id)
    try:
        topic = registry.get(message.topic)
    except UnknownTopic as exc:
        return Unreadable("unknown_topic", exc.message, event_id)
    if envelope.version > topic.version:
        return Unreadable(
            "newer_version",
            f"version {envelope.version} is newer than the known version {topic.version}",
            event_id,
        )
    try:
        payload = topic.payload.model_validate(envelope.payload)
    except ValidationError as exc:
        return Unreadable("invalid_payload", _first_error(exc), event_id)
    return Event(envelope, payload, message.partition, message.offset)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc']) or '(root)'}: {error['msg']}"


class GroupProcessor:
    def __init__(
        self,
        group: ConsumerGroup,
        uows: UnitOfWorkFactory,
        *,
        max_attempts: int,
        retry_base_seconds: float,
    ) -> None:
        self.group = group
        self.uows = uows
        self.max_attempts = max_attempts
        self.retry_base_seconds = retry_base_seconds

    async def process(self, messages: Sequence[Message], advance: Advance | None = None) -> None:
        items = [(m, decode(self.uows.registry, m)) for m in messages]
        try:
            await self._apply(items, advance)
            return
        except LeaseLost:
            raise
        except Exception:
            if len(items) == 1:
                await self._retry_or_dead_letter(items[0], advance, first_failure_done=True)
                return
            log.info("batch failed; applying its events one at a time", group=self.group.name)
        for item in items:
            await self._retry_or_dead_letter(item, advance, first_failure_done=False)

    async def _retry_or_dead_letter(
        self,
        item: tuple[Message, Event[Any] | Unreadable],
        advance: Advance | None,
        *,
        first_failure_done: bool,
    ) -> None:
        message, _ = item
        attempt = 1 if first_failure_done else 0
        error = ""
        while attempt < self.max_attempts:
            if attempt:
                await asyncio.sleep(self.retry_base_seconds * 2 ** (attempt - 1))
            attempt += 1
            try:
                await self._apply([item], advance)
                return
            except LeaseLost:
                raise
            except Exception as exc:
                error = "".join(traceback.format_exception(exc))
                metrics.EVENTS_FAILED.labels(self.group.name, message.topic).inc()
                log.warning(
                    "handler failed",
                    group=self.group.name,
                    topic=message.topic,
                    attempt=attempt,
                    exc_info=exc,
                )
        async with self.uows(self.group.name) as uow:
            event = item[1]
            event_id = str(event.id) if isinstance(event, Event) else event.event_id
            await self._dead_letter(
                uow.session, message, "handler_failed", error, attempt, event_id
            )
            if advance:
                await advance(uow.session, message)

    async def _apply(
        self, items: Sequence[tuple[Message, Event[Any] | Unreadable]], advance: Advance | None
    ) -> None:
        applied: Counter[str] = Counter()
        async with self.uows(self.group.name) as uow:
            session = uow.session
            fresh: dict[str, tuple[Message, Event[Any]]] = {}
            for message, event in items:
                if isinstance(event, Unreadable):
                    await self._dead_letter(
                        session, message, event.reason, event.error, 1, event.event_id
                    )
                else:
                    fresh.setdefault(str(event.id), (message, event))
            if fresh:
                # Writing the inbox rows first tells which events are new: a redelivered one
                # conflicts, is not returned, and is skipped — in the effects' transaction.
                inserted = await session.execute(
                    upsert_insert(session)(INBOX)
                    .on_conflict_do_nothing()
                    .returning(INBOX.c.event_id),
                    [
                        {
                            "group": self.group.name,
                            "event_id": event_id,
                            "topic": message.topic,
                            "partition": message.partition,
                            "offset": message.offset,
                            "event_time": event.envelope.timestamp,
                        }
                        for event_id, (message, event) in fresh.items()
                    ],
                )
                new = set(inserted.scalars())
                for event_id, (message, event) in fresh.items():
                    if event_id in new:
                        await self._handle(event, uow)
                        applied[message.topic] += 1
            if advance:
                await advance(session, items[-1][0])
        for topic, count in applied.items():
            metrics.EVENTS_CONSUMED.labels(self.group.name, topic).inc(count)

    async def _handle(self, event: Event[Any], uow: UnitOfWork) -> None:
        handler = self.group.handlers.get(event.type)
        if handler is None:
            return
        uow.cause = event
        started = time.perf_counter()
        token = CURRENT_EVENT.set((self.group.name, event))
        try:
            await handler(event, uow)
        finally:
            CURRENT_EVENT.reset(token)
        metrics.HANDLER_SECONDS.labels(self.group.name, event.type).observe(
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
        value = message.value
        await session.execute(
            insert(DeadLetter).values(
                group=self.group.name,
                event_id=event_id,
                topic=message.topic,
                key=message.key,
                partition=message.partition,
                offset=message.offset,
                message=value.decode(errors="replace") if isinstance(value, bytes) else value,
                reason=reason,
                error=error,
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
        """Apply a dead letter again; on success it leaves the store in the same transaction."""
        message = Message(letter.topic, letter.partition, letter.offset, letter.key, letter.message)
        event = decode(self.uows.registry, message)
        if isinstance(event, Unreadable):
            raise ValueError(f"still unreadable: {event.reason}: {event.error}")

        async def leave_the_store(session: AsyncSession, _: Message) -> None:
            await session.execute(delete(DeadLetter).where(DeadLetter.id == letter.id))

        await self._apply([(message, event)], leave_the_store)
        return event
