"""An order's stock, end to end through the bus, on every backend: the catalog announces a
product, staff receive it, the order engine places and ships an order."""

from __future__ import annotations

import pytest

from itvision.engines.catalog.events import ProductCreated
from itvision.engines.inventory.commands import ReceiveStock
from itvision.engines.inventory.models import StockLevel
from itvision.engines.inventory.services.stock import receive_stock
from itvision.engines.order.events import OrderLine, OrderPlaced, OrderShipped
from itvision.platform.events import utcnow
from tests.conftest import COMBINATIONS, eventually
from tests.engines.inventory.support import publish, published

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)

SKU = "ROUTER-TPLINK-AX55"


async def _level(platform) -> tuple[int, int] | None:
    async with platform.db.reads() as session:
        level = await session.get(StockLevel, (SKU, "dakar"))
    return None if level is None else (level.on_hand, level.reserved)


async def _reaches(platform, expected, what: str) -> None:
    async def check() -> bool:
        return await _level(platform) == expected

    await eventually(check, 30, what)


async def test_a_product_is_stocked_reserved_and_sold_through_events(system):
    await publish(
        system,
        "catalog.product.created",
        ProductCreated(
            product_id="prod-ax55",
            sku=SKU,
            name="Routeur TP-Link Archer AX55",
            category_id="cat-network",
            base_cost=45_000,
            created_at=utcnow(),
        ),
        "catalog-engine",
    )
    await _reaches(system, (0, 0), "the product to be stocked")
    await receive_stock(
        system,
        ReceiveStock(sku=SKU, warehouse_id="dakar", quantity=3, reference="BL-7", actor="awa"),
    )
    await publish(
        system,
        "order.order.placed",
        OrderPlaced(
            order_id="CMD-E2E",
            customer_id="cust-1",
            lines=[OrderLine(sku=SKU, product_id="prod-ax55", quantity=2, unit_price=59_000)],
            subtotal=118_000,
            total=118_000,
            payment_method="orange_money",
            placed_at=utcnow(),
        ),
        "order-engine",
    )
    await _reaches(system, (3, 2), "the order to be reserved")
    await publish(
        system,
        "order.order.shipped",
        OrderShipped(
            order_id="CMD-E2E",
            customer_id="cust-1",
            shipment_id="SHP-9",
            carrier="Tiak Tiak",
            shipped_at=utcnow(),
        ),
        "order-engine",
    )
    await _reaches(system, (1, 0), "the order to be sold")
    # 3 received is under the default threshold of 5: low once, not again at 1.
    low = await published(system, "inventory.stock.low", SKU)
    assert [(e["quantityAvailable"], e["warehouseId"]) for e in low] == [(3, "dakar")]
