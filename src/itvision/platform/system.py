"""The running platform: database, units of work, and the consumers and relay of this process.

`itvision serve` starts every group and the relay; `itvision worker --engines a,b` only those
groups. The same code runs on SQLite + SQL log and on PostgreSQL + Kafka: only settings differ.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import deque
from collections.abc import Iterable, Sequence

import structlog
from pydantic_settings import BaseSettings

from itvision.platform.bus.base import Bus, Loop, bus_for
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.bus.processor import GroupProcessor
from itvision.platform.bus.retention import prune_inbox
from itvision.platform.db import Database
from itvision.platform.engine_settings import EngineSettingsBook, S
from itvision.platform.errors import ConfigurationError
from itvision.platform.jobs import PeriodicJob, run_periodically
from itvision.platform.news import News
from itvision.platform.outbox import outbox_for
from itvision.platform.stopping import sleep_or_stop
from itvision.platform.topics import TopicRegistry
from itvision.platform.uow import UnitOfWorkFactory
from itvision.settings import Settings

log = structlog.get_logger("itvision.platform")
# A background task that crashed this many times within the window is reported by readiness.
CRASHES_FAILING = 3
CRASH_WINDOW_SECONDS = 60.0


class Platform:
    def __init__(
        self,
        settings: Settings,
        registry: TopicRegistry,
        groups: Sequence[ConsumerGroup] = (),
        jobs: Sequence[PeriodicJob] = (),
        engine_settings: Iterable[BaseSettings] = (),
    ) -> None:
        self.settings = settings
        self.engine_settings = EngineSettingsBook(engine_settings)
        self.jobs = [PeriodicJob("inbox-retention", 3600.0, prune_inbox), *jobs]
        self.registry = registry
        self.groups = {g.name: g for g in groups}
        if len(self.groups) != len(groups):
            raise ConfigurationError("two consumer groups share a name")
        for group in groups:
            for topic in group.topics:
                registry.get(topic)
        self.db = Database(settings.database)
        self.bus: Bus = bus_for(self.db, settings)
        self.notifier = self.bus.notifier
        self.news = News()
        self.uows = UnitOfWorkFactory(
            self.db.writes,
            registry,
            outbox=outbox_for(self.db.engine.dialect, self.bus.tail),
            on_commit=self._committed,
            settings=self.engine_settings,
        )
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._crashes: dict[str, deque[tuple[float, str]]] = {}

    def _committed(self, topics: set[str], told: set[str]) -> None:
        """Wake this process's readers of the log for the topics, and its listeners for the
        keys (`news`)."""
        if topics:
            self.notifier.wake(topics)
        self.news.tell(told)

    def settings_of(self, model: type[S]) -> S:
        """An engine's settings (`engines/<x>/settings.py`), read once for this platform."""
        return self.engine_settings.get(model)

    def processor(self, group: ConsumerGroup | str) -> GroupProcessor:
        if isinstance(group, str):
            group = self.group(group)
        settings = self.settings
        return GroupProcessor(
            group,
            self.uows,
            max_attempts=settings.consumer_max_attempts,
            retry_base_seconds=settings.consumer_retry_base_seconds,
            park_minutes=settings.consumer_park_minutes,
            # Short enough that an SQL-log consumer renews its lease in time and a Kafka one
            # polls well within max.poll.interval.
            retry_budget_seconds=min(30.0, settings.lease_seconds / 3),
            parked_every_seconds=5 * settings.consumer_poll_seconds,
            reads=self.db.reads,
            inbox=self.bus.redelivers,
        )

    def group(self, name: str) -> ConsumerGroup:
        """The group named by its engine code; `loyalty` stands for `loyalty-engine`."""
        try:
            return self.groups.get(name) or self.groups[f"{name}-engine"]
        except KeyError:
            known = ", ".join(sorted(self.groups)) or "none"
            raise ConfigurationError(f"no consumer group {name!r} (known: {known})") from None

    async def start(self, *, groups: Iterable[str] | None = None, relay: bool = True) -> None:
        """Start consumers of `groups` (all when None, with the periodic jobs too) and the
        relay (which has nothing to do on the SQL log)."""
        self._stop.clear()
        selected = (
            [self.group(n) for n in groups] if groups is not None else list(self.groups.values())
        )
        await self.bus.open()
        for group in selected:
            self._spawn(self.bus.consumer(self.processor(group)), group.name)
        for job in self.jobs if groups is None else ():
            self._spawn(functools.partial(run_periodically, self, job), f"job:{job.name}")
        if relay:
            self._spawn(self.bus.relay(), "relay")
        log.info("platform started", groups=[g.name for g in selected], bus=self.bus.name)

    def _spawn(self, run: Loop, name: str) -> None:
        self._tasks.append(asyncio.create_task(self._supervise(run, name), name=name))

    async def _supervise(self, run: Loop, name: str) -> None:
        """Restart a consumer or the relay that crashed (say, the database went away)."""
        backoff = 0.5
        while not self._stop.is_set():
            try:
                await run(self._stop)
                return
            except Exception as exc:
                log.exception("background task crashed; restarting", task=name, retry_in=backoff)
                self._crashes.setdefault(name, deque(maxlen=CRASHES_FAILING)).append(
                    (time.monotonic(), repr(exc))
                )
                await sleep_or_stop(self._stop, backoff)
                backoff = min(backoff * 2, 10.0)

    @property
    def bus_name(self) -> str:
        return self.bus.name

    @property
    def stopping(self) -> asyncio.Event:
        """Set when the platform stops: a job that loops or waits within its run ends it then
        (see `stopping.wait_or_stop`), as the platform's own loops do."""
        return self._stop

    async def stop(self) -> None:
        """Let every in-flight batch finish and commit, then stop."""
        self._stop.set()
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=self.settings.stop_grace_seconds)
            for task in late:
                log.warning("did not stop in time; cancelled", task=task.get_name())
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self.bus.close()

    async def close(self) -> None:
        await self.stop()
        await self.db.dispose()

    async def readiness(self) -> dict[str, str]:
        """'ok' or the reason, for the database and the bus; and, by name, each background
        task that keeps crashing ('failing: …')."""
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(self.db.ping(), 2.0)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {exc!r}"
        try:
            await self.bus.ping()
            checks["bus"] = "ok"
        except Exception as exc:
            checks["bus"] = f"unreachable: {exc!r}"
        checks.update(self._failing_tasks())
        return checks

    def _failing_tasks(self) -> dict[str, str]:
        """Background tasks (consumer groups, the relay, jobs) that keep crashing: each is
        restarted, so nothing else shows that it makes no progress."""
        since = time.monotonic() - CRASH_WINDOW_SECONDS
        window = f"{CRASH_WINDOW_SECONDS:g} s"
        return {
            name: f"failing: crashed {len(crashes)} times in {window}: {crashes[-1][1]}"
            for name, crashes in self._crashes.items()
            if len(crashes) >= CRASHES_FAILING and crashes[0][0] >= since
        }
