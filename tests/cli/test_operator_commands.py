"""What an operator reads from the `itvision` command in a script (stdout not a terminal): every
event asked for, whole table cells, and JSON with stable field names."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from itvision import bootstrap, migrations
from itvision.engines.catalog.events import CategoryUpdated, ProductCreated
from itvision.platform.bus.tables import DeadLetter
from itvision.platform.system import Platform
from tests.conftest import settings_for_tests
from tests.support.cli import Ran, itvision

LONG_GROUP = "promotion-engine"
LONG_TOPIC = "order.order.payment_confirmation_requested"
LONG_ERROR = (
    "UnknownProduct: product prod-0123456789abcdef0123456789 is not in the pricing projection"
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run(data_dir: Path):
    # COLUMNS would widen rich's console: a script's environment seldom sets it
    env = {
        "COLUMNS": None,
        "LINES": None,
        "ITVISION_DATA_DIR": str(data_dir),
        "ITVISION_LOG_FORMAT": "json",
    }

    def run(*args: str) -> Ran:
        done = itvision(*args, env=env)
        assert done.returncode == 0, done.stderr
        return done

    return run


async def _platform(data_dir: Path) -> Platform:
    platform = Platform(settings_for_tests(data_dir), bootstrap.registry())
    await migrations.upgrade(platform.db)
    return platform


async def _log(data_dir: Path, *, products: int, categories: int) -> None:
    """`products` product events, then `categories` category events, in one transaction."""
    platform = await _platform(data_dir)
    now = datetime.now(UTC)
    try:
        async with platform.uows("catalog-engine") as uow:
            for n in range(products):
                uow.emit(
                    ProductCreated(
                        product_id=f"prod-{n}",
                        sku=f"SKU-{n}",
                        name=f"Produit {n}",
                        category_id="cat-1",
                        base_cost=1000 + n,
                        created_at=now,
                    )
                )
            for n in range(categories):
                uow.emit(
                    CategoryUpdated(category_id=f"cat-{n}", name="C", slug="c", updated_at=now)
                )
    finally:
        await platform.close()


async def _dead_letter(data_dir: Path) -> None:
    platform = await _platform(data_dir)
    try:
        async with platform.db.writes() as session, session.begin():
            session.add(
                DeadLetter(
                    group=LONG_GROUP,
                    event_id="0193a6f0-0000-7000-8000-000000000001",
                    topic=LONG_TOPIC,
                    key="order-0123456789",
                    partition=0,
                    offset=42,
                    message='{"type": "order.order.payment_confirmation_requested"}',
                    reason="handler_failed",
                    error=f"Traceback (most recent call last):\n  ...\n{LONG_ERROR}\n",
                    attempts=5,
                    failed_at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
                )
            )
    finally:
        await platform.close()


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


async def test_tail_without_follow_prints_every_event_asked_for(run, data_dir):
    await _log(data_dir, products=700, categories=0)
    printed = _events(run("events", "tail", "--no-follow", "--last", "700").stdout)
    assert len(printed) == 700
    assert [e["payload"]["productId"] for e in printed] == [f"prod-{n}" for n in range(700)]


async def test_last_counts_within_the_topic_filter(run, data_dir):
    await _log(data_dir, products=8, categories=20)
    printed = _events(
        run(
            "events", "tail", "--no-follow", "--last", "5", "--topic", "catalog.product.created"
        ).stdout
    )
    assert [e["payload"]["productId"] for e in printed] == [f"prod-{n}" for n in range(3, 8)]
    both = _events(
        run(
            "events",
            "tail",
            "--no-follow",
            "--last",
            "3",
            "--topic",
            "catalog.product.created,catalog.category.updated",
        ).stdout
    )
    assert [e["type"] for e in both] == ["catalog.category.updated"] * 3


async def test_dlq_list_keeps_whole_cells_off_a_terminal_and_speaks_json(run, data_dir):
    await _dead_letter(data_dir)
    table = run("dlq", "list").stdout
    assert LONG_GROUP in table
    assert LONG_TOPIC in table
    assert LONG_ERROR in table
    assert "…" not in table

    [letter] = json.loads(run("dlq", "list", "--json").stdout)
    assert letter["group"] == LONG_GROUP
    assert letter["topic"] == LONG_TOPIC
    assert letter["error"].strip().endswith(LONG_ERROR)
    assert letter["failed_at"] == "2026-11-25T10:00:00+00:00"
    assert {
        "id",
        "event_id",
        "key",
        "partition",
        "offset",
        "reason",
        "attempts",
        "message",
    } <= set(letter)
    shown = json.loads(run("dlq", "show", str(letter["id"]), "--json").stdout)
    assert shown == letter


async def test_events_groups_keeps_whole_cells_off_a_terminal_and_speaks_json(run, data_dir):
    groups = json.loads(run("events", "groups", "--json").stdout)
    names = {g["group"] for g in groups}
    assert {"promotion-engine", "inventory-engine", "pricing-engine"} <= names
    expected = {"group", "topics", "position", "lag", "parked", "dead_letters", "owner"}
    assert expected == set(groups[0])
    table = run("events", "groups").stdout
    for name in names:
        assert name in table


def test_topics_keeps_whole_cells_off_a_terminal(run):
    table = run("topics").stdout
    for topic in json.loads(run("topics", "--json").stdout):
        assert topic["name"] in table
        assert topic["description"] in table
    assert "…" not in table
