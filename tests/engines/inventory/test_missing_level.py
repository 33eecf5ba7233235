"""A reservation line whose stock level is gone (deleted behind the engine's back) is refused,
never closed with its stock unaccounted for: a staff call answers 409 naming `sku`, an order's
event is retried then dead-lettered, expiry skips it; counting the stock lets it go on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from itvision.engines.inventory.commands import (
    CountStock,
    ExpireReservations,
    ReserveStock,
    SellReservation,
)
from itvision.engines.inventory.models import StockLevel
from itvision.engines.inventory.rules import MissingStockLevel
from itvision.engines.inventory.services.reservations import (
    expire_reservations,
    reserve_stock,
    sell_reservation,
)
from itvision.engines.inventory.services.stock import count_stock
from itvision.engines.order.events import OrderLine, OrderPlaced, OrderShipped
from itvision.platform.auth import Principal, Role
from itvision.platform.bus import operations
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from tests.conftest import eventually
from tests.engines.inventory.support import (
    ledger_of,
    level_of,
    publish,
    reservation_for,
    settled,
    stocked,
)

STAFF = Principal("awa", Role.STAFF)
SKU = "LAP-HP-840"


async def _lose_level(platform: Platform, sku: str, warehouse_id: str = "dakar") -> None:
    """Delete a stock level as a buggy script would."""
    async with platform.db.writes() as session, session.begin():
        await session.execute(
            delete(StockLevel).where(StockLevel.sku == sku, StockLevel.warehouse_id == warehouse_id)
        )


async def _reserved(platform: Platform, reference: str, quantity: int = 3):
    return await reserve_stock(
        platform, ReserveStock(sku=SKU, quantity=quantity, reference=reference, caller=STAFF)
    )


async def test_selling_a_line_without_its_level_is_refused_and_changes_nothing(system):
    await stocked(system, SKU, on_hand=10)
    held = await _reserved(system, "cart-1")
    await _lose_level(system, SKU)

    with pytest.raises(MissingStockLevel) as refused:
        await sell_reservation(system, SellReservation(held.id, STAFF))
    assert (refused.value.status, refused.value.field) == (409, "sku")
    assert SKU in refused.value.message and "'dakar'" in refused.value.message
    assert (await reservation_for(system, "cart-1")).status == "active"
    assert await ledger_of(system, SKU, "sale") == []

    # A count recreates the level; the sale then goes through.
    await count_stock(
        system,
        CountStock(sku=SKU, warehouse_id="dakar", counted=10, reference="INV-1", actor="awa"),
    )
    await sell_reservation(system, SellReservation(held.id, STAFF))
    assert (await reservation_for(system, "cart-1")).status == "sold"
    assert (await level_of(system, SKU)).on_hand == 7


async def test_over_http_it_is_409_naming_the_sku(api, system):
    await stocked(system, SKU, on_hand=10)
    held = await _reserved(system, "cart-2")
    await _lose_level(system, SKU)
    response = await api.post(f"/api/inventory/reservations/{held.id}/sale", role="staff")
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["field"]) == ("conflict", "sku")
    assert (await reservation_for(system, "cart-2")).status == "active"


async def test_an_order_shipped_without_its_level_is_dead_lettered_not_sold(system):
    await stocked(system, SKU, on_hand=10)
    placed = OrderPlaced(
        order_id="CMD-LOST",
        customer_id="cust-1",
        lines=[OrderLine(sku=SKU, product_id="prod", quantity=2, unit_price=450_000)],
        subtotal=900_000,
        total=900_000,
        payment_method="wave",
        placed_at=utcnow(),
    )
    await publish(system, "order.order.placed", placed, "order-engine")
    await settled(system)
    await _lose_level(system, SKU)
    shipped = OrderShipped(
        order_id="CMD-LOST",
        customer_id="cust-1",
        shipment_id="S",
        carrier="DHL",
        shipped_at=utcnow(),
    )
    await publish(system, "order.order.shipped", shipped, "order-engine")

    async def dead_lettered() -> bool:
        return bool(await operations.list_dead_letters(system, "inventory-engine"))

    await eventually(dead_lettered, 20, "the shipment to be dead-lettered")
    [letter] = await operations.list_dead_letters(system, "inventory-engine")
    assert letter.topic == "order.order.shipped" and "MissingStockLevel" in letter.error
    assert (await reservation_for(system, "CMD-LOST")).status == "active"

    await count_stock(
        system,
        CountStock(sku=SKU, warehouse_id="dakar", counted=10, reference="INV-2", actor="awa"),
    )
    await operations.replay_dead_letter(system, letter.id)
    assert (await reservation_for(system, "CMD-LOST")).status == "sold"


async def test_expiry_skips_it_and_expires_the_others(system):
    await stocked(system, SKU, on_hand=10)
    await stocked(system, "MOUSE-1", on_hand=10)
    await _reserved(system, "cart-lost")
    await reserve_stock(
        system, ReserveStock(sku="MOUSE-1", quantity=1, reference="cart-ok", caller=STAFF)
    )
    await _lose_level(system, SKU)

    later = utcnow() + timedelta(hours=2)
    assert await expire_reservations(system, ExpireReservations(later)) == 1
    assert (await reservation_for(system, "cart-ok")).status == "expired"
    assert (await reservation_for(system, "cart-lost")).status == "active"
