"""The bus is one interface (`platform.bus`), chosen once from the settings; nothing above it
knows which implementation runs. What each implementation does is in test_delivery, one
behaviour suite run on every backend."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest
import structlog.testing

import itvision
from itvision.platform.bus.base import Bus, bus_for
from itvision.platform.db import Database
from tests.conftest import eventually, settings_for_tests

SRC = Path(itvision.__file__).parent
ABOVE_THE_BUS = [
    "platform/system.py",
    "platform/bus/operations.py",
    "ops_api.py",
    "cli.py",
    "app.py",
]
IMPLEMENTATIONS = ("aiokafka", "itvision.platform.bus.kafka", "itvision.platform.bus.sqllog")


@pytest.mark.parametrize(
    ("bus_url", "name"), [("sql://", "sql-log"), ("kafka://127.0.0.1:1", "kafka")]
)
async def test_the_settings_choose_the_bus(tmp_path, bus_url, name):
    settings = settings_for_tests(tmp_path, bus_url=bus_url)
    db = Database(settings.database)
    try:
        bus = bus_for(db, settings)
        assert isinstance(bus, Bus)
        assert bus.name == name
    finally:
        await db.dispose()


@pytest.mark.parametrize("module", ABOVE_THE_BUS)
def test_nothing_above_the_bus_knows_which_one_runs(module):
    tree = ast.parse((SRC / module).read_text())
    imported = [
        name
        for node in ast.walk(tree)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else []
        )
    ]
    assert not [m for m in imported if m.startswith(IMPLEMENTATIONS)]
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not attributes & {"uses_kafka", "kafka_bootstrap", "_kafka_topics"}


async def test_the_sql_log_has_nothing_to_relay(make_platform):
    platform = await make_platform()
    await asyncio.wait_for(platform.bus.relay()(asyncio.Event()), 1.0)


async def test_a_crashed_background_task_is_logged_with_its_traceback_and_restarted(
    make_platform,
):
    platform = await make_platform()
    calls = 0

    async def crashes_once(stop: asyncio.Event) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom")

    async def restarted() -> bool:
        return calls == 2

    with structlog.testing.capture_logs() as logs:
        platform._spawn(crashes_once, "crashes-once")
        await eventually(restarted, what="the task restarted")
    [crash] = [e for e in logs if e["event"] == "background task crashed; restarting"]
    assert crash["task"] == "crashes-once"
    assert crash["exc_info"] is True
