"""Inventory follows the catalog and the orders through real events on the log: a new product
or variant is stocked (known) at the default locations; an order placed reserves, cancelled
releases, shipped sells, refunded restocks — each once per order."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from itvision.engines.catalog.events import ProductCreated, VariantCreated
from itvision.engines.inventory.commands import ExpireReservations
from itvision.engines.inventory.models import Item, StockLevel
from itvision.engines.inventory.services.reservations import expire_reservations
from itvision.engines.order.events import (
    DeliveryAddress,
    OrderCancelled,
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
    OrderRefunded,
    OrderShipped,
    RefundedLine,
)
from itvision.platform.events import utcnow
from tests.engines.inventory.support import (
    ledger_of,
    level_of,
    publish,
    published,
    reservation_for,
    settled,
    stocked,
)

SKU = "LAP-DELL-5440"


async def _levels(platform, sku: str) -> list[tuple[str, int, int]]:
    async with platform.db.reads() as session:
        rows = await session.scalars(
            select(StockLevel).where(StockLevel.sku == sku).order_by(StockLevel.warehouse_id)
        )
        return [(r.warehouse_id, r.on_hand, r.reserved) for r in rows]


async def test_a_new_product_and_its_variant_are_stocked_at_the_default_locations(system):
    await publish(
        system,
        "catalog.product.created",
        ProductCreated(
            product_id="prod-1",
            sku="PHONE-A15",
            name="Samsung Galaxy A15",
            category_id="cat-phones",
            base_cost=95_000,
            created_at=utcnow(),
        ),
        "catalog-engine",
    )
    await publish(
        system,
        "catalog.variant.created",
        VariantCreated(
            product_id="prod-1",
            variant_id="var-1",
            sku="PHONE-A15-128",
            attributes={"storage": "128 Go"},
            created_at=utcnow(),
        ),
        "catalog-engine",
    )
    await settled(system)
    assert await _levels(system, "PHONE-A15") == [("abidjan", 0, 0), ("dakar", 0, 0)]
    assert await _levels(system, "PHONE-A15-128") == [("abidjan", 0, 0), ("dakar", 0, 0)]
    async with system.db.reads() as session:
        variant = await session.get(Item, "PHONE-A15-128")
    assert (variant.product_id, variant.variant_id, variant.unit_cost) == (
        "prod-1",
        "var-1",
        95_000,
    )
    assert variant.name == "Samsung Galaxy A15 (128 Go)"


def _placed(order_id: str, quantity: int = 2, method: str = "wave", **extra) -> OrderPlaced:
    return OrderPlaced(
        order_id=order_id,
        customer_id="cust-1",
        lines=[OrderLine(sku=SKU, product_id="prod-dell", quantity=quantity, unit_price=450_000)],
        subtotal=450_000 * quantity,
        total=450_000 * quantity,
        payment_method=method,
        placed_at=utcnow(),
        **extra,
    )


async def _order_event(platform, topic: str, payload) -> None:
    await publish(platform, topic, payload, "order-engine")


async def test_an_order_placed_is_reserved_then_cancelled_releases_it(system):
    await stocked(system, SKU, on_hand=5)
    await _order_event(system, "order.order.placed", _placed("CMD-1"))
    await settled(system)
    assert (await level_of(system, SKU)).reserved == 2
    reservation = await reservation_for(system, "CMD-1")
    assert (reservation.kind, reservation.status, reservation.created_by) == (
        "order",
        "active",
        "order-engine",
    )
    assert reservation.expires_at is not None
    held = (await published(system, "inventory.stock.updated", SKU))[-1]
    assert (held["reason"], held["orderId"], held["reservedDelta"]) == ("reservation", "CMD-1", 2)

    cancelled = OrderCancelled(
        order_id="CMD-1",
        customer_id="cust-1",
        reason="customer_request",
        cancelled_by="customer",
        cancelled_at=utcnow(),
    )
    await _order_event(system, "order.order.cancelled", cancelled)
    await _order_event(system, "order.order.cancelled", cancelled)
    await settled(system)
    assert (await level_of(system, SKU)).reserved == 0
    assert (await reservation_for(system, "CMD-1")).status == "released"
    assert [m.reason for m in await ledger_of(system, SKU)] == ["receipt", "reservation", "release"]


async def test_an_order_placed_twice_is_reserved_once(system):
    await stocked(system, SKU, on_hand=5)
    await _order_event(system, "order.order.placed", _placed("CMD-2"))
    await _order_event(system, "order.order.placed", _placed("CMD-2"))
    await settled(system)
    assert (await level_of(system, SKU)).reserved == 2
    assert len(await ledger_of(system, SKU, "reservation")) == 1


async def test_an_order_follows_the_delivery_country_to_its_warehouse(system):
    await stocked(system, SKU, on_hand=5)
    await stocked(system, SKU, on_hand=5, warehouse_id="abidjan")
    address = DeliveryAddress(
        recipient_name="Koffi", phone="+2250700000000", city="Abidjan", country="CI"
    )
    await _order_event(system, "order.order.placed", _placed("CMD-CI", delivery_address=address))
    await settled(system)
    assert await _levels(system, SKU) == [("abidjan", 5, 2), ("dakar", 5, 0)]


async def test_an_order_that_cannot_be_filled_reserves_nothing_and_says_why(system):
    await stocked(system, SKU, on_hand=5)
    await stocked(system, "MOUSE-1", on_hand=1)
    order = _placed("CMD-3", quantity=2).model_copy(
        update={
            "lines": [
                OrderLine(sku=SKU, product_id="prod-dell", quantity=2, unit_price=450_000),
                OrderLine(sku="MOUSE-1", product_id="prod-mouse", quantity=3, unit_price=5_000),
            ]
        }
    )
    await _order_event(system, "order.order.placed", order)
    await settled(system)
    reservation = await reservation_for(system, "CMD-3")
    assert reservation.status == "refused"
    assert "MOUSE-1" in reservation.note and "3 requested, 1 available" in reservation.note
    assert (await level_of(system, SKU)).reserved == 0
    assert (await level_of(system, "MOUSE-1")).reserved == 0
    assert [u["reason"] for u in await published(system, "inventory.stock.updated", SKU)] == [
        "receipt"
    ]


async def test_shipped_sells_and_refunded_restocks_once_each(system):
    await stocked(system, SKU, on_hand=5)
    await _order_event(system, "order.order.placed", _placed("CMD-4", quantity=3))
    shipped = OrderShipped(
        order_id="CMD-4",
        customer_id="cust-1",
        shipment_id="SHP-1",
        carrier="Yango Delivery",
        shipped_at=utcnow(),
    )
    await _order_event(system, "order.order.shipped", shipped)
    await _order_event(system, "order.order.shipped", shipped)
    await settled(system)
    level = await level_of(system, SKU)
    assert (level.on_hand, level.reserved) == (2, 0)
    assert (await reservation_for(system, "CMD-4")).status == "sold"

    refunded = OrderRefunded(
        order_id="CMD-4",
        customer_id="cust-1",
        refund_id="RF-1",
        amount=1_350_000,
        reason="returned",
        refunded_at=utcnow(),
    )
    await _order_event(system, "order.order.refunded", refunded)
    await _order_event(
        system, "order.order.refunded", refunded.model_copy(update={"refund_id": "RF-2"})
    )
    await settled(system)
    level = await level_of(system, SKU)
    assert (level.on_hand, level.reserved) == (5, 0)
    assert (await reservation_for(system, "CMD-4")).status == "returned"
    assert [m.reason for m in await ledger_of(system, SKU)] == [
        "receipt",
        "reservation",
        "sale",
        "return",
    ]


async def test_a_partial_return_restocks_the_units_that_came_back(system):
    await stocked(system, SKU, on_hand=5)
    await _order_event(system, "order.order.placed", _placed("CMD-6", quantity=3))
    await _order_event(
        system,
        "order.order.shipped",
        OrderShipped(
            order_id="CMD-6", customer_id="c", shipment_id="S", carrier="DHL", shipped_at=utcnow()
        ),
    )
    returned = OrderRefunded(
        order_id="CMD-6",
        customer_id="c",
        refund_id="RF-10",
        amount=450_000,
        is_partial=True,
        lines=[RefundedLine(sku=SKU, quantity=1)],
        reason="returned",
        refunded_at=utcnow(),
    )
    await _order_event(system, "order.order.refunded", returned)
    await settled(system)
    assert (await level_of(system, SKU)).on_hand == 3
    assert (await reservation_for(system, "CMD-6")).status == "sold"


async def test_a_refund_of_damaged_goods_restocks_nothing(system):
    await stocked(system, SKU, on_hand=5)
    await _order_event(system, "order.order.placed", _placed("CMD-5", quantity=1))
    await _order_event(
        system,
        "order.order.shipped",
        OrderShipped(
            order_id="CMD-5", customer_id="c", shipment_id="S", carrier="DHL", shipped_at=utcnow()
        ),
    )
    await _order_event(
        system,
        "order.order.refunded",
        OrderRefunded(
            order_id="CMD-5",
            customer_id="c",
            refund_id="RF-9",
            amount=450_000,
            reason="damaged",
            refunded_at=utcnow(),
        ),
    )
    await settled(system)
    assert (await level_of(system, SKU)).on_hand == 4
    reservation = await reservation_for(system, "CMD-5")
    assert reservation.status == "sold" and "damaged" in reservation.note


async def test_an_unpaid_order_expires_but_a_confirmed_one_does_not(system):
    await stocked(system, SKU, on_hand=5)
    await _order_event(system, "order.order.placed", _placed("CMD-UNPAID"))
    await _order_event(system, "order.order.placed", _placed("CMD-PAID"))
    await _order_event(
        system, "order.order.placed", _placed("CMD-COD", quantity=1, method="cash_on_delivery")
    )
    await _order_event(
        system,
        "order.order.confirmed",
        OrderConfirmed(
            order_id="CMD-PAID",
            customer_id="cust-1",
            total=900_000,
            payment_method="wave",
            confirmed_at=utcnow(),
        ),
    )
    await settled(system)
    assert (await level_of(system, SKU)).reserved == 5

    expired = await expire_reservations(system, ExpireReservations(utcnow() + timedelta(hours=2)))
    assert expired == 1
    assert (await reservation_for(system, "CMD-UNPAID")).status == "expired"
    assert (await reservation_for(system, "CMD-PAID")).status == "active"
    assert (await reservation_for(system, "CMD-COD")).status == "active"
    assert (await level_of(system, SKU)).reserved == 3
    release = (await published(system, "inventory.stock.updated", SKU))[-1]
    assert (release["reason"], release["orderId"], release["reservedDelta"]) == (
        "release",
        "CMD-UNPAID",
        -2,
    )

    assert (
        await expire_reservations(system, ExpireReservations(utcnow() + timedelta(hours=49))) == 1
    )
    assert (await reservation_for(system, "CMD-COD")).status == "expired"
    assert await expire_reservations(system, ExpireReservations(utcnow() + timedelta(days=30))) == 0


async def test_a_late_payment_holds_the_stock_again_if_it_is_still_there(system):
    await stocked(system, SKU, on_hand=5)
    await _order_event(system, "order.order.placed", _placed("CMD-LATE"))
    await settled(system)
    await expire_reservations(system, ExpireReservations(utcnow() + timedelta(hours=2)))
    assert (await level_of(system, SKU)).reserved == 0
    await _order_event(
        system,
        "order.order.confirmed",
        OrderConfirmed(
            order_id="CMD-LATE",
            customer_id="cust-1",
            total=900_000,
            payment_method="orange_money",
            confirmed_at=utcnow(),
        ),
    )
    await settled(system)
    reservation = await reservation_for(system, "CMD-LATE")
    assert (reservation.status, reservation.expires_at) == ("active", None)
    assert (await level_of(system, SKU)).reserved == 2


async def test_a_cancellation_seen_before_the_order_keeps_it_from_being_reserved(system):
    await stocked(system, SKU, on_hand=5)
    await _order_event(
        system,
        "order.order.cancelled",
        OrderCancelled(
            order_id="CMD-6",
            customer_id="c",
            reason="payment_failed",
            cancelled_by="system",
            cancelled_at=utcnow(),
        ),
    )
    await _order_event(system, "order.order.placed", _placed("CMD-6"))
    await settled(system)
    assert (await level_of(system, SKU)).reserved == 0
    assert (await reservation_for(system, "CMD-6")).status == "released"


async def test_a_shipment_seen_before_the_order_sells_it_when_it_is_placed(system):
    await stocked(system, SKU, on_hand=5)
    await _order_event(
        system,
        "order.order.shipped",
        OrderShipped(
            order_id="CMD-7", customer_id="c", shipment_id="S", carrier="DHL", shipped_at=utcnow()
        ),
    )
    await settled(system)
    assert (await reservation_for(system, "CMD-7")).status == "pending"
    await _order_event(system, "order.order.placed", _placed("CMD-7", quantity=2))
    await settled(system)
    level = await level_of(system, SKU)
    assert (level.on_hand, level.reserved) == (3, 0)
    assert (await reservation_for(system, "CMD-7")).status == "sold"


async def test_a_confirmation_seen_before_the_order_makes_its_hold_firm(system):
    await stocked(system, SKU, on_hand=5)
    confirmed = OrderConfirmed(
        order_id="CMD-8",
        customer_id="c",
        total=900_000,
        payment_method="wave",
        confirmed_at=utcnow(),
    )
    await _order_event(system, "order.order.confirmed", confirmed)
    await _order_event(system, "order.order.placed", _placed("CMD-8"))
    await settled(system)
    reservation = await reservation_for(system, "CMD-8")
    assert (reservation.status, reservation.expires_at) == ("active", None)
    assert await expire_reservations(system, ExpireReservations(utcnow() + timedelta(days=3))) == 0
