"""Units sold, what the reorder plan's velocity is based on, are counted per level and UTC day
in `inventory_daily_sales` as each sale is written: the window is the last N days, today
included; a reservation (the common change) writes nothing there. On both databases: each
has its own INSERT … ON CONFLICT."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from sqlalchemy import insert, select

from itvision.engines.inventory import queries
from itvision.engines.inventory.commands import ReceiveStock, ReserveStock, SellReservation
from itvision.engines.inventory.models import DailySales
from itvision.engines.inventory.services.reservations import reserve_stock, sell_reservation
from itvision.engines.inventory.services.stock import receive_stock
from itvision.engines.inventory.settings import InventorySettings
from itvision.platform.auth import Principal, Role
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from tests.conftest import COMBINATIONS
from tests.engines.inventory.support import stocked
from tests.support.statements import statements_sent

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)

STAFF = Principal("awa", Role.STAFF)


async def _daily_sales(platform: Platform) -> list[tuple[str, str, date, int]]:
    async with platform.db.reads() as session:
        rows = await session.execute(
            select(
                DailySales.sku, DailySales.warehouse_id, DailySales.day, DailySales.units
            ).order_by(DailySales.sku, DailySales.warehouse_id, DailySales.day)
        )
        return [tuple(row) for row in rows]


async def _sell(platform: Platform, sku: str, quantity: int, reference: str) -> None:
    held = await reserve_stock(
        platform, ReserveStock(sku=sku, quantity=quantity, reference=reference, caller=STAFF)
    )
    await sell_reservation(platform, SellReservation(held.id, STAFF))


def _daily_sales_writes(statements: list[str]) -> list[str]:
    return [
        s for s in statements if s.lstrip().upper().startswith("INSERT INTO INVENTORY_DAILY_SALES")
    ]


async def test_a_sale_counts_in_the_daily_sales_and_in_the_reorder_plan(system):
    sku = await stocked(system, "SSD-1T", on_hand=20)
    await _sell(system, sku, 3, "cart-1")
    await _sell(system, sku, 4, "cart-2")  # the same day: added to the same row
    today = utcnow().date()
    assert await _daily_sales(system) == [(sku, "dakar", today, 7)]
    settings = system.settings_of(InventorySettings)
    assert await queries.units_sold(
        system, [(sku, "dakar"), (sku, "abidjan")], now=utcnow(), settings=settings
    ) == {(sku, "dakar"): 7, (sku, "abidjan"): 0}
    stock = await queries.stock_of(system, sku, settings=settings)
    velocity = {level.warehouse_id: level.daily_velocity for level in stock.levels}
    assert velocity == {"abidjan": 0, "dakar": Fraction(7, 30)}


async def test_a_reservation_writes_no_daily_sales(system):
    sku = await stocked(system, "SSD-1T", on_hand=20)
    with statements_sent(system.db) as sent:
        await reserve_stock(
            system, ReserveStock(sku=sku, quantity=5, reference="cart-1", caller=STAFF)
        )
    assert _daily_sales_writes(sent) == []
    assert await _daily_sales(system) == []


async def test_a_sale_from_several_locations_is_counted_in_one_statement(system):
    sku = await stocked(system, "SSD-1T", on_hand=3)
    await receive_stock(
        system,
        ReceiveStock(sku=sku, warehouse_id="abidjan", quantity=4, reference="BL-2", actor="awa"),
    )
    held = await reserve_stock(
        system, ReserveStock(sku=sku, quantity=7, reference="cart-1", caller=STAFF)
    )
    assert len(held.lines) == 2
    with statements_sent(system.db) as sent:
        await sell_reservation(system, SellReservation(held.id, STAFF))
    assert len(_daily_sales_writes(sent)) == 1
    today = utcnow().date()
    assert await _daily_sales(system) == [(sku, "abidjan", today, 4), (sku, "dakar", today, 3)]


async def test_sales_before_the_last_n_days_do_not_count(system):
    sku = await stocked(system, "SSD-1T", on_hand=20)
    now = datetime(2026, 12, 2, 0, 0, 30, tzinfo=UTC)  # 30 days: 3 November to today
    async with system.db.writes() as session, session.begin():
        await session.execute(
            insert(DailySales),
            [
                {"sku": sku, "warehouse_id": "dakar", "day": day, "units": units}
                for day, units in [
                    (date(2026, 11, 2), 100),  # 30 days ago: out
                    (date(2026, 11, 3), 4),
                    (date(2026, 12, 2), 2),
                ]
            ],
        )
    settings = system.settings_of(InventorySettings)
    assert await queries.units_sold(system, [(sku, "dakar")], now=now, settings=settings) == {
        (sku, "dakar"): 6
    }
    stock = await queries.stock_of(system, sku, settings=settings, now=now)
    assert [level.daily_velocity for level in stock.levels if level.warehouse_id == "dakar"] == [
        Fraction(6, 30)
    ]
    a_day_later = await queries.units_sold(
        system, [(sku, "dakar")], now=now + timedelta(days=1), settings=settings
    )
    assert a_day_later == {(sku, "dakar"): 2}
