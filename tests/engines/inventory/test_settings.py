"""The engine's settings belong to the platform: two platforms in one process, each given its
own InventorySettings, each hold reservations for their own time and judge low stock by their
own threshold; the environment is read once per platform, not cached for the process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from itvision import bootstrap, migrations
from itvision.engines.inventory.commands import ReserveStock
from itvision.engines.inventory.services.reservations import reserve_stock
from itvision.engines.inventory.settings import InventorySettings
from itvision.platform.auth import Principal, Role
from itvision.platform.system import Platform
from tests.conftest import settings_for_tests
from tests.engines.inventory.support import published, stocked

STAFF = Principal("awa", Role.STAFF)


@asynccontextmanager
async def _platform(
    path: Path, engine_settings: list[InventorySettings]
) -> AsyncIterator[Platform]:
    platform = Platform(
        settings_for_tests(path), bootstrap.registry(), engine_settings=engine_settings
    )
    try:
        await migrations.upgrade(platform.db)
        yield platform
    finally:
        await platform.close()


async def _hold_and_threshold(platform: Platform) -> tuple[timedelta, list[int]]:
    """How long a partner's reservation is held by default, and the thresholds of the low
    alerts it raised."""
    sku = await stocked(platform, "SSD-1TB", on_hand=10)
    held = await reserve_stock(
        platform, ReserveStock(sku=sku, quantity=4, reference="cart-1", caller=STAFF)
    )
    assert held.expires_at is not None
    lows = await published(platform, "inventory.stock.low", sku)
    return held.expires_at - held.created_at, [e["threshold"] for e in lows]


async def test_two_platforms_in_one_process_each_use_their_own_settings(tmp_path):
    quick = InventorySettings(reservation_minutes=5, low_stock_threshold=6)
    slow = InventorySettings(reservation_minutes=90, low_stock_threshold=2)
    async with (
        _platform(tmp_path / "quick", [quick]) as first,
        _platform(tmp_path / "slow", [slow]) as second,
    ):
        assert first.settings_of(InventorySettings) is quick
        assert second.settings_of(InventorySettings) is slow
        # Interleaved, so that neither could be served the other's settings from a cache.
        assert await _hold_and_threshold(first) == (timedelta(minutes=5), [6])
        assert await _hold_and_threshold(second) == (timedelta(minutes=90), [])


async def test_a_platform_reads_the_environment_when_not_given_settings(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("ITVISION_INVENTORY_RESERVATION_MINUTES", "15")
    async with _platform(tmp_path / "env", []) as platform:
        hold, _ = await _hold_and_threshold(platform)
    assert hold == timedelta(minutes=15)
    monkeypatch.setenv("ITVISION_INVENTORY_RESERVATION_MINUTES", "25")
    async with _platform(tmp_path / "env-again", []) as platform:
        hold, _ = await _hold_and_threshold(platform)
    assert hold == timedelta(minutes=25)
