"""Fixtures: the real servers (started once per run on 127.0.0.1), and a fresh platform on each
of the four backend combinations {SQLite, PostgreSQL} × {SQL log, Kafka}."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from itvision import bootstrap
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.system import Platform
from itvision.settings import Settings, load_settings
from tests import demo_engine
from tests.support.api import ApiClient, app_of
from tests.support.schema import migrate
from tests.support.servers import KafkaBroker, PostgresServer

COMBINATIONS = [
    pytest.param(("sqlite", "sql"), id="sqlite-sqllog"),
    pytest.param(("postgres", "sql"), id="postgres-sqllog", marks=pytest.mark.postgres),
    pytest.param(("sqlite", "kafka"), id="sqlite-kafka", marks=pytest.mark.kafka),
    pytest.param(
        ("postgres", "kafka"), id="postgres-kafka", marks=[pytest.mark.postgres, pytest.mark.kafka]
    ),
]

REVERSED = pytest.param(
    ("sqlite", "kafka-reversed"), id="sqlite-kafka-reversed", marks=pytest.mark.kafka
)
"""Kafka with the events of different topics delivered to each group newest first (see
`tests.support.buses.ReversedKafkaConsumer`): cross-engine flows must pass on it too."""


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Base URL of a PostgreSQL server (no database part)."""
    if url := os.environ.get("ITVISION_TEST_POSTGRES_URL"):
        yield url.rsplit("/", 1)[0]
        return
    server = PostgresServer().start()
    try:
        yield server.url().rsplit("/", 1)[0]
    finally:
        server.stop()


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[str]:
    if bootstrap := os.environ.get("ITVISION_TEST_KAFKA"):
        yield bootstrap
        return
    broker = KafkaBroker().start()
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


async def _create_database(base_url: str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(base_url.replace("postgresql+asyncpg", "postgresql") + "/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{base_url}/{name}"


def settings_for_tests(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for tests: short retries and timeouts so failures show quickly."""
    values: dict[str, object] = {
        "data_dir": tmp_path,
        "consumer_retry_base_seconds": 0.01,
        "consumer_max_attempts": 3,
        "consumer_poll_seconds": 0.2,
        "lease_seconds": 3.0,
        "kafka_session_timeout_ms": 1000,
        "kafka_idempotence": False,  # Tansu does not implement InitProducerId
        "kafka_partitions": 4,
        "kafka_topic_prefix": f"t{uuid.uuid4().hex[:8]}.",
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
async def backend_settings(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Settings]:
    database, bus = getattr(request, "param", ("sqlite", "sql"))
    overrides: dict[str, object] = {}
    if database == "postgres":
        overrides["database_url"] = await _create_database(
            request.getfixturevalue("postgres_server")
        )
    if bus.startswith("kafka"):
        overrides["bus_url"] = "kafka://" + request.getfixturevalue("kafka_broker")
    if bus == "kafka-reversed":
        from tests.support.buses import deliver_in_reverse

        deliver_in_reverse(request.getfixturevalue("monkeypatch"))
    settings = settings_for_tests(tmp_path, **overrides)
    yield settings
    if settings.uses_kafka:
        await _drop_topics(settings.kafka_bootstrap, settings.kafka_topic_prefix)


async def _drop_topics(bootstrap: str, prefix: str) -> None:
    """The test's topics go with it. Every client asks for the metadata of every topic as it
    starts; with the topics of all the tests before kept, that grew to 290 ms of CPU per client
    late in the run (1,500 topics), paid many times by each Kafka test."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


MakePlatform = Callable[..., Awaitable[Platform]]


@pytest.fixture
async def make_platform(backend_settings: Settings) -> AsyncIterator[MakePlatform]:
    """Builds platforms on the test's backend (several share one database, like processes)."""
    made: list[Platform] = []

    async def make(*groups: ConsumerGroup, settings: Settings | None = None) -> Platform:
        platform = Platform(settings or backend_settings, demo_engine.registry(), groups)
        if not made:
            await migrate(platform.db)
            async with platform.db.engine.begin() as conn:
                await conn.run_sync(demo_engine.AppliedNote.__table__.create, checkfirst=True)
        made.append(platform)
        return platform

    yield make
    for platform in reversed(made):
        await platform.close()


@pytest.fixture
async def system(backend_settings: Settings) -> AsyncIterator[Platform]:
    """The real system on the test's backend (SQLite + SQL log unless parametrized): every
    engine's topics and consumer groups, migrated and running."""
    platform = Platform(
        backend_settings, bootstrap.registry(), bootstrap.consumer_groups(), bootstrap.jobs()
    )
    await migrate(platform.db)
    await platform.start()
    yield platform
    await platform.close()


@pytest.fixture
async def api(system: Platform) -> AsyncIterator[ApiClient]:
    """An HTTP client of the system's API; `api.as_(role, subject)` gives auth headers."""
    transport = httpx.ASGITransport(app=app_of(system))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield ApiClient(client, system)


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout: float = 20.0, what: str = ""
) -> None:
    """Wait until `check()` is true; fail with `what` after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what or check}")
        await asyncio.sleep(0.05)
