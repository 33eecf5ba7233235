"""Alerts as they reach the log: `inventory.stock.updated` on every change, `low` and
`depleted` once per crossing, `reorder.suggested` at the reorder point with the formula's
quantity and cost."""

from __future__ import annotations

from itvision.engines.inventory.commands import (
    CreateLocation,
    ReceiveStock,
    ReleaseReservation,
    ReserveStock,
    SellReservation,
    UpdateItemSettings,
)
from itvision.engines.inventory.services.items import update_item_settings
from itvision.engines.inventory.services.locations import create_location
from itvision.engines.inventory.services.reservations import (
    release_reservation,
    reserve_stock,
    sell_reservation,
)
from itvision.engines.inventory.services.stock import receive_stock
from itvision.platform.auth import Principal, Role
from tests.engines.inventory.support import UNIT_COST, published, stocked

STAFF = Principal("awa", Role.STAFF)


async def _reserve(platform, sku: str, quantity: int, reference: str):
    return await reserve_stock(
        platform, ReserveStock(sku=sku, quantity=quantity, reference=reference, caller=STAFF)
    )


async def test_every_change_is_an_update_event_with_both_deltas(system):
    sku = await stocked(system, "CABLE-HDMI", on_hand=10)
    held = await _reserve(system, sku, 3, "cart-1")
    await sell_reservation(system, SellReservation(held.id, STAFF))
    updates = await published(system, "inventory.stock.updated", sku)
    assert [
        (u["reason"], u["delta"], u["reservedDelta"], u["quantityOnHand"], u["quantityReserved"])
        for u in updates
    ] == [
        ("receipt", 10, 0, 10, 0),
        ("reservation", 0, 3, 10, 3),
        ("sale", -3, -3, 7, 0),
    ]
    assert updates[1]["orderId"] is None and updates[1]["reference"] == "cart-1"
    assert {u["productId"] for u in updates} == {f"prod-{sku}"}


async def test_low_and_depleted_are_sent_once_per_crossing(system):
    sku = await stocked(system, "CABLE-HDMI", on_hand=10)  # threshold 5 by default
    await _reserve(system, sku, 6, "a")  # 4 available: low
    await _reserve(system, sku, 1, "b")  # 3: still the same crossing
    last = await _reserve(system, sku, 3, "c")  # 0: depleted
    await release_reservation(system, ReleaseReservation(last.id, STAFF))  # 3: not a new low
    assert [
        e["quantityAvailable"] for e in await published(system, "inventory.stock.low", sku)
    ] == [4]
    depleted = await published(system, "inventory.stock.depleted", sku)
    assert [(e["warehouseId"], e["quantityReserved"]) for e in depleted] == [("dakar", 10)]

    await receive_stock(
        system,
        ReceiveStock(sku=sku, warehouse_id="dakar", quantity=10, reference="BL-2", actor="awa"),
    )  # 13 available: above the threshold again
    await _reserve(system, sku, 9, "d")  # 4: a new crossing
    lows = await published(system, "inventory.stock.low", sku)
    assert [(e["quantityAvailable"], e["threshold"]) for e in lows] == [(4, 5), (4, 5)]


async def test_a_new_product_at_zero_raises_no_alert(system):
    sku = await stocked(system, "NEW-1")
    assert await published(system, "inventory.stock.depleted", sku) == []
    assert await published(system, "inventory.stock.updated", sku) == []


async def test_reorder_is_suggested_from_sales_velocity_and_lead_time_once(system):
    sku = await stocked(system, "TONER-85A", on_hand=40)
    settings = {"lead_time_days": 7, "safety_stock": 2, "low_stock_threshold": 0}
    await update_item_settings(
        system,
        UpdateItemSettings(
            sku, frozenset({*settings, "supplier_id"}), **settings, supplier_id="SUP-1"
        ),
    )
    sale = await _reserve(system, sku, 30, "order-1")
    await sell_reservation(system, SellReservation(sale.id, STAFF))
    # 30 sold in the 30-day window: 1 a day. Reorder point = ⌈1 × 7⌉ + 2 = 9; covering 30
    # days orders up to 39. 10 are available: not yet.
    assert await published(system, "inventory.reorder.suggested", sku) == []
    await _reserve(system, sku, 1, "cart-2")  # 9 available: at the reorder point
    await _reserve(system, sku, 1, "cart-3")  # 8: the same crossing
    suggestions = await published(system, "inventory.reorder.suggested", sku)
    assert len(suggestions) == 1
    suggestion = suggestions[0]
    assert {
        k: suggestion[k]
        for k in (
            "warehouseId",
            "quantityAvailable",
            "suggestedQuantity",
            "reorderPoint",
            "leadTimeDays",
            "unitsSold",
            "velocityDays",
            "supplierId",
            "estimatedCost",
            "currency",
        )
    } == {
        "warehouseId": "dakar",
        "quantityAvailable": 9,
        "suggestedQuantity": 30,
        "reorderPoint": 9,
        "leadTimeDays": 7,
        "unitsSold": 30,
        "velocityDays": 30,
        "supplierId": "SUP-1",
        "estimatedCost": 30 * UNIT_COST,
        "currency": "XOF",
    }


async def test_new_settings_alert_every_location_that_holds_the_sku(system):
    await create_location(system, CreateLocation("thies", "Thiès", "SN", is_default=True))
    sku = await stocked(system, "RAM-16G", on_hand=6)
    await receive_stock(
        system,
        ReceiveStock(sku=sku, warehouse_id="abidjan", quantity=7, reference="BL-2", actor="awa"),
    )
    settings = {"low_stock_threshold": 8}
    await update_item_settings(system, UpdateItemSettings(sku, frozenset(settings), **settings))
    low = await published(system, "inventory.stock.low", sku)
    # Thiès, which holds none of it (never stocked there), is not alerted about.
    assert sorted((e["warehouseId"], e["quantityAvailable"]) for e in low) == [
        ("abidjan", 7),
        ("dakar", 6),
    ]
