"""The unit of work: the one way to change state and publish events.

    async with uow_factory("catalog-engine") as uow:
        uow.session.add(product)
        uow.emit("catalog.product.created", ProductCreated(...))

State rows and the emitted events (outbox rows of the event log) are committed together or not
at all: an event is never published for a change that rolled back, nor lost for one that
committed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itvision.platform import metrics
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.errors import InvalidPayload
from itvision.platform.events import Event, Payload, new_event_id, utcnow
from itvision.platform.topics import TopicRegistry

# Any constant: the key of the PostgreSQL advisory lock that orders writers of the event log.
EVENT_LOG_LOCK = 0x17_0E_57
NOTIFY_CHANNEL = "itvision_events"
EVENT_LOG = LoggedEvent.__table__


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

    def log_row(self) -> dict[str, Any]:
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
        return {
            "event_id": self.id,
            "topic": self.type,
            "key": self.key,
            "correlation_id": self.correlation_id,
            "envelope": json.dumps(wire, separators=(",", ":"), ensure_ascii=False),
            "created_at": self.timestamp,
        }


class UnitOfWork:
    def __init__(
        self,
        session: AsyncSession,
        registry: TopicRegistry,
        source: str,
        *,
        is_postgres: bool,
        on_commit: Callable[[], None],
        cause: Event[Any] | None = None,
    ) -> None:
        self.session = session
        self.source = source
        self.cause = cause
        self._registry = registry
        self._is_postgres = is_postgres
        self._on_commit = on_commit
        self._pending: list[PendingEvent] = []

    def emit(
        self, topic: str, payload: Payload | Mapping[str, Any], *, key: str | None = None
    ) -> PendingEvent:
        """Record an event to publish when this unit of work commits.

        Raises UnknownTopic for a topic not in the registry and InvalidPayload, naming the
        field, for a payload that does not match the topic's model."""
        spec = self._registry.get(topic)
        model = _validated(spec.payload, payload, topic)
        event_id = str(new_event_id())
        cause = self.cause
        event = PendingEvent(
            id=event_id,
            type=topic,
            version=spec.version,
            source=self.source,
            key=key if key is not None else spec.key_of(model),
            timestamp=utcnow(),
            correlation_id=str(cause.correlation_id) if cause else event_id,
            causation_id=str(cause.id) if cause else None,
            payload=model.model_dump(mode="json", by_alias=True),
        )
        self._pending.append(event)
        return event

    @property
    def emitted(self) -> list[PendingEvent]:
        return list(self._pending)

    async def flush_events(self) -> None:
        """Write the pending events into the log, inside the current transaction."""
        if not self._pending:
            return
        if self._is_postgres:
            # Positions must become visible in commit order (see LoggedEvent): hold the lock
            # from taking positions until commit. Taken last, so it is held briefly.
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOG_LOCK}
            )
        await self.session.execute(EVENT_LOG.insert(), [e.log_row() for e in self._pending])
        if self._is_postgres:
            await self.session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))

    async def commit(self) -> None:
        await self.flush_events()
        await self.session.commit()
        published, self._pending = self._pending, []
        if published:
            for topic, count in Counter(e.type for e in published).items():
                metrics.EVENTS_PUBLISHED.labels(topic).inc(count)
            self._on_commit()

    async def rollback(self) -> None:
        self._pending = []
        await self.session.rollback()


def _validated(model: type[Payload], payload: Payload | Mapping[str, Any], topic: str) -> Payload:
    if isinstance(payload, model):
        return payload
    if isinstance(payload, Payload):
        raise InvalidPayload(
            f"topic {topic!r} carries {model.__name__}, not {type(payload).__name__}",
            field="payload",
        )
    unknown = set(payload) - _field_names(model)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidPayload(f"topic {topic!r}: unknown field {name!r}", field=name)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        raise InvalidPayload(f"topic {topic!r}: {field}: {error['msg']}", field=field) from None


def _field_names(model: type[Payload]) -> set[str]:
    names = set(model.model_fields)
    names.update(f.alias for f in model.model_fields.values() if f.alias)
    return names


class UnitOfWorkFactory:
    """Opens units of work; `async with factory(source) as uow` commits on a clean exit and
    rolls back on an exception."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        registry: TopicRegistry,
        *,
        is_postgres: bool,
        on_commit: Callable[[], None],
    ) -> None:
        self.sessions = sessions
        self.registry = registry
        self.is_postgres = is_postgres
        self.on_commit = on_commit

    def __call__(self, source: str, *, cause: Event[Any] | None = None) -> _Scope:
        return _Scope(self, source, cause)

    def open(self, source: str, *, cause: Event[Any] | None = None) -> UnitOfWork:
        return UnitOfWork(
            self.sessions(),
            self.registry,
            source,
            is_postgres=self.is_postgres,
            on_commit=self.on_commit,
            cause=cause,
        )


class _Scope:
    def __init__(self, factory: UnitOfWorkFactory, source: str, cause: Event[Any] | None) -> None:
        self._uow = factory.open(source, cause=cause)

    async def __aenter__(self) -> UnitOfWork:
        return self._uow

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        try:
            if exc_type is None:
                await self._uow.commit()
            else:
                await self._uow.rollback()
        finally:
            await self._uow.session.close()
