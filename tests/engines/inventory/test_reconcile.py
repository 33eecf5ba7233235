"""Reconciliation finds the drift a direct write to the stock table makes, and `--fix` repairs
it with ledger entries and events; the command prints a table."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from itvision import bootstrap, migrations
from itvision.engines.inventory.commands import ReconcileStock, ReserveStock
from itvision.engines.inventory.models import StockLevel
from itvision.engines.inventory.services.reconciliation import reconcile_stock
from itvision.engines.inventory.services.reservations import reserve_stock
from itvision.platform.auth import Principal, Role
from itvision.platform.system import Platform
from tests.conftest import settings_for_tests
from tests.engines.inventory.support import ledger_of, level_of, published, stocked
from tests.support.cli import itvision

STAFF = Principal("awa", Role.STAFF)


async def _drift(platform: Platform, sku: str, **values: int) -> None:
    """Write to the stock table behind the engine's back, as a buggy script would."""
    async with platform.db.writes() as session, session.begin():
        await session.execute(
            update(StockLevel)
            .where(StockLevel.sku == sku, StockLevel.warehouse_id == "dakar")
            .values(**values)
        )


async def _held_and_drifted(platform: Platform, sku: str) -> None:
    await stocked(platform, sku, on_hand=10)
    await reserve_stock(
        platform, ReserveStock(sku=sku, quantity=3, reference="cart-1", caller=STAFF)
    )
    await _drift(platform, sku, reserved=5, on_hand=12)


async def test_a_clean_stock_has_no_drift(system):
    await stocked(system, "SKU-OK", on_hand=4)
    report = await reconcile_stock(system, ReconcileStock())
    assert (report.levels_checked, report.drifts) == (2, [])


async def test_drift_is_reported_without_changing_anything(system):
    await _held_and_drifted(system, "SKU-1")
    report = await reconcile_stock(system, ReconcileStock())
    assert [(d.sku, d.warehouse_id, d.quantity, d.recorded, d.expected) for d in report.drifts] == [
        ("SKU-1", "dakar", "reserved", 5, 3),
        ("SKU-1", "dakar", "on_hand", 12, 10),
    ]
    assert report.repairs == [] and report.reference is None
    level = await level_of(system, "SKU-1")
    assert (level.on_hand, level.reserved) == (12, 5)


async def test_fix_repairs_with_ledger_entries_and_events(system):
    await _held_and_drifted(system, "SKU-1")
    report = await reconcile_stock(system, ReconcileStock(fix=True))
    assert [r.fixed for r in report.repairs] == [True, True]
    level = await level_of(system, "SKU-1")
    assert (level.on_hand, level.reserved) == (12, 3)
    repairs = [m for m in await ledger_of(system, "SKU-1") if m.reference == report.reference]
    assert [(m.reason, m.on_hand_delta, m.reserved_delta) for m in repairs] == [
        ("adjustment", 0, -2),
        ("count", 2, 0),
    ]
    events = await published(system, "inventory.stock.updated", "SKU-1")
    assert [(e["reason"], e["reference"]) for e in events[-2:]] == [
        ("adjustment", report.reference),
        ("count", report.reference),
    ]
    assert (await reconcile_stock(system, ReconcileStock())).drifts == []


async def test_reserved_above_on_hand_is_reported_not_forced(system):
    await stocked(system, "SKU-2", on_hand=10)
    await reserve_stock(
        system, ReserveStock(sku="SKU-2", quantity=8, reference="cart-1", caller=STAFF)
    )
    # Someone lowered both on hand and reserved by hand: 8 are promised, 6 are there.
    await _drift(system, "SKU-2", on_hand=6, reserved=0)
    report = await reconcile_stock(system, ReconcileStock(fix=True))
    reserved_repair = next(r for r in report.repairs if r.drift.quantity == "reserved")
    assert not reserved_repair.fixed and "exceed on hand" in reserved_repair.note
    assert (await level_of(system, "SKU-2")).reserved == 0


def test_the_reconcile_command_reports_then_fixes(tmp_path):
    settings = settings_for_tests(tmp_path)

    async def prepare() -> None:
        platform = Platform(settings, bootstrap.registry(), bootstrap.consumer_groups())
        try:
            await migrations.upgrade(platform.db)
            await _held_and_drifted(platform, "SKU-CLI")
        finally:
            await platform.close()

    asyncio.run(prepare())
    env = {"ITVISION_DATA_DIR": str(tmp_path), "ITVISION_LOG_FORMAT": "json"}
    report = itvision("inventory", "reconcile", env=env)
    assert report.returncode == 0, report.stderr
    assert "2 drifts in 2 stock levels" in report.stdout
    assert "SKU-CLI" in report.stdout and "--fix" in report.stdout

    fixed = itvision("inventory", "reconcile", "--fix", env=env)
    assert fixed.returncode == 0, fixed.stderr
    assert "reconcile-" in fixed.stdout

    clean = itvision("inventory", "reconcile", env=env)
    assert "no drift" in clean.stdout

    expired = itvision("inventory", "expire", env=env)
    assert expired.returncode == 0, expired.stderr
    assert "0 reservations expired" in expired.stdout
