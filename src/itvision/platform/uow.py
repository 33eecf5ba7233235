"""The unit of work: the one way to change state and publish events.

    async with unit_of_work(platform, SOURCE) as uow:
        uow.session.add(product)
        uow.emit(ProductCreated(...))    # the topic is the one that carries ProductCreated

State rows and the emitted events (outbox rows of the event log) are committed together or not
at all: an event is never published for a change that rolled back, nor lost for one that
committed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itvision.platform import metrics
from itvision.platform.db import Database
from itvision.platform.engine_settings import EngineSettingsBook, S
from itvision.platform.events import Event, Payload, new_event_id, utcnow
from itvision.platform.outbox import Outbox, PendingEvent
from itvision.platform.topics import TopicRegistry

Committed = Callable[[set[str], set[str]], None]
"""Told after each commit: the topics it published and the keys it told (`UnitOfWork.tell`)."""


class UnitOfWork:
    def __init__(
        self,
        session: AsyncSession,
        registry: TopicRegistry,
        source: str,
        *,
        outbox: Outbox,
        on_commit: Committed,
        settings: EngineSettingsBook,
        cause: Event[Any] | None = None,
    ) -> None:
        self.session = session
        self.source = source
        self.cause = cause
        # While a batch of events is handled: each one by its key, to cause what it leads to.
        self.causes: dict[str, Event[Any]] = {}
        self._registry = registry
        self._outbox = outbox
        self._on_commit = on_commit
        self._settings = settings
        self._pending: list[PendingEvent] = []
        self._told: set[str] = set()

    def emit(self, payload: Payload, *, key: str | None = None) -> PendingEvent:
        """Record an event to publish when this unit of work commits, on the topic that
        carries the payload's model; `key` overrides the topic's partition key."""
        spec = self._registry.of(payload)
        event_id = str(new_event_id())
        key = key if key is not None else spec.key_of(payload)
        cause = self.causes.get(key, self.cause)
        event = PendingEvent(
            id=event_id,
            type=spec.name,
            version=spec.version,
            source=self.source,
            key=key,
            timestamp=utcnow(),
            correlation_id=str(cause.correlation_id) if cause else event_id,
            causation_id=str(cause.id) if cause else None,
            payload=payload.model_dump(mode="json", by_alias=True),
        )
        self._pending.append(event)
        return event

    def tell(self, key: str) -> None:
        """Wake the requests of this process listening for `key` (see `news`) once this unit
        of work commits."""
        self._told.add(key)

    def settings_of(self, model: type[S]) -> S:
        """The engine settings of the platform this unit of work belongs to."""
        return self._settings.get(model)

    @property
    def emitted(self) -> list[PendingEvent]:
        return list(self._pending)

    async def commit(self) -> None:
        await self._outbox.commit(self.session, self._pending)
        published, self._pending = self._pending, []
        if published:
            for topic, count in Counter(e.type for e in published).items():
                metrics.EVENTS_PUBLISHED.labels(topic).inc(count)
        told, self._told = self._told, set()
        self._on_commit({e.type for e in published}, told)

    async def rollback(self) -> None:
        self._pending = []
        self._told = set()
        await self.session.rollback()


class UnitOfWorkFactory:
    """Opens units of work; `async with factory(source) as uow` commits on a clean exit and
    rolls back on an exception."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        registry: TopicRegistry,
        *,
        outbox: Outbox,
        on_commit: Committed,
        settings: EngineSettingsBook,
    ) -> None:
        self.sessions = sessions
        self.registry = registry
        self.outbox = outbox
        self.on_commit = on_commit
        self.settings = settings

    def __call__(self, source: str, *, cause: Event[Any] | None = None) -> _Scope:
        return _Scope(self, source, cause)

    def open(self, source: str, *, cause: Event[Any] | None = None) -> UnitOfWork:
        return UnitOfWork(
            self.sessions(),
            self.registry,
            source,
            outbox=self.outbox,
            on_commit=self.on_commit,
            settings=self.settings,
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


class HasDatabase(Protocol):
    """What a use case needs of the platform: `Platform` is one."""

    @property
    def uows(self) -> UnitOfWorkFactory: ...

    @property
    def db(self) -> Database: ...

    def settings_of(self, model: type[S]) -> S: ...


Runner = UnitOfWork | HasDatabase
"""What a use case runs on: the platform (routes, the CLI, jobs), or the unit of work of the
consumer that handles an event (its effects then commit with the event's inbox row)."""


@asynccontextmanager
async def unit_of_work(on: Runner, source: str) -> AsyncIterator[UnitOfWork]:
    """The use case's unit of work: the consumer's own when it passes one, else a new one
    that commits when the block ends cleanly and rolls back when it raises."""
    if isinstance(on, UnitOfWork):
        yield on
        return
    async with on.uows(source) as uow:
        yield uow


@asynccontextmanager
async def read_session(on: Runner) -> AsyncIterator[AsyncSession]:
    """A session to read with: the consumer's own (it sees what the unit of work wrote so far),
    else a read session of the platform's database."""
    if isinstance(on, UnitOfWork):
        yield on.session
        return
    async with on.db.reads() as session:
        yield session
