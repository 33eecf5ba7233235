"""Inventory answers each placed order once: `inventory.reservation.confirmed` with the lines
held, or `inventory.reservation.refused` with every short line and a reason in French. A
redelivered or replayed `placed`, and a `placed` of an order already cancelled, say nothing."""

from __future__ import annotations

from itvision.engines.inventory import rules
from itvision.engines.order.events import OrderCancelled, OrderConfirmed, OrderLine, OrderPlaced
from itvision.platform.events import utcnow
from tests.engines.inventory.support import (
    level_of,
    publish,
    published,
    reservation_for,
    settled,
    stocked,
)

LAPTOP, MOUSE, BAG = "LAP-DELL-5440", "MOUSE-LOGI", "BAG-15"


def _placed(order_id: str, *lines: tuple[str, int], method: str = "wave") -> OrderPlaced:
    return OrderPlaced(
        order_id=order_id,
        customer_id="cust-1",
        lines=[
            OrderLine(sku=sku, product_id=f"prod-{sku}", quantity=q, unit_price=10_000)
            for sku, q in lines
        ],
        subtotal=10_000 * sum(q for _, q in lines),
        total=10_000 * sum(q for _, q in lines),
        payment_method=method,
        placed_at=utcnow(),
    )


async def _answers(platform, order_id: str) -> list[tuple[str, dict]]:
    found = []
    for topic in ("inventory.reservation.confirmed", "inventory.reservation.refused"):
        found += [(topic, p) for p in await published(platform, topic) if p["orderId"] == order_id]
    return found


async def test_a_reserved_order_is_confirmed_once_with_its_lines(system):
    await stocked(system, LAPTOP, on_hand=5)
    await stocked(system, MOUSE, on_hand=5)
    placed = _placed("CMD-1", (LAPTOP, 2), (MOUSE, 1), (LAPTOP, 1))
    await publish(system, "order.order.placed", placed, "order-engine")
    await publish(system, "order.order.placed", placed, "order-engine")  # redelivered
    await settled(system)
    [(topic, answer)] = await _answers(system, "CMD-1")
    assert topic == "inventory.reservation.confirmed"
    reservation = await reservation_for(system, "CMD-1")
    assert answer["reservationId"] == reservation.id
    assert answer["lines"] == [{"sku": LAPTOP, "quantity": 3}, {"sku": MOUSE, "quantity": 1}]
    assert answer["expiresAt"] is not None
    assert (await level_of(system, LAPTOP)).reserved == 3


async def test_a_short_order_is_refused_with_every_short_line_in_french(system):
    await stocked(system, LAPTOP, on_hand=5)
    await stocked(system, MOUSE, on_hand=1)
    await stocked(system, BAG, on_hand=0)
    placed = _placed("CMD-2", (LAPTOP, 2), (MOUSE, 3), (BAG, 1), ("UNKNOWN-SKU", 1))
    await publish(system, "order.order.placed", placed, "order-engine")
    await settled(system)
    await publish(system, "order.order.placed", placed, "order-engine")
    await settled(system)
    [(topic, answer)] = await _answers(system, "CMD-2")
    assert topic == "inventory.reservation.refused"
    assert answer["lines"] == [
        {"sku": BAG, "requested": 1, "available": 0},
        {"sku": MOUSE, "requested": 3, "available": 1},
        {"sku": "UNKNOWN-SKU", "requested": 1, "available": 0},
    ]
    assert answer["reason"].startswith("Stock insuffisant")
    assert f"« {MOUSE} » : 3 demandé(s), seulement 1 disponible" in answer["reason"]
    assert (await level_of(system, LAPTOP)).reserved == 0
    assert (await reservation_for(system, "CMD-2")).status == "refused"


async def test_an_order_cancelled_before_it_was_placed_gets_no_answer(system):
    await stocked(system, LAPTOP, on_hand=5)
    cancelled = OrderCancelled(
        order_id="CMD-3",
        customer_id="cust-1",
        reason="expired",
        cancelled_by="system",
        cancelled_at=utcnow(),
    )
    await publish(system, "order.order.cancelled", cancelled, "order-engine")
    await settled(system)
    await publish(system, "order.order.placed", _placed("CMD-3", (LAPTOP, 1)), "order-engine")
    await settled(system)
    assert await _answers(system, "CMD-3") == []
    assert (await level_of(system, LAPTOP)).reserved == 0


async def test_an_order_confirmed_before_it_was_placed_is_held_without_expiry(system):
    await stocked(system, LAPTOP, on_hand=5)
    confirmed = OrderConfirmed(
        order_id="CMD-4",
        customer_id="cust-1",
        total=10_000,
        payment_method="cash_on_delivery",
        confirmed_at=utcnow(),
    )
    await publish(system, "order.order.confirmed", confirmed, "order-engine")
    await settled(system)
    placed = _placed("CMD-4", (LAPTOP, 1), method="cash_on_delivery")
    await publish(system, "order.order.placed", placed, "order-engine")
    await settled(system)
    [(topic, answer)] = await _answers(system, "CMD-4")
    assert topic == "inventory.reservation.confirmed" and answer["expiresAt"] is None
    assert (await reservation_for(system, "CMD-4")).expires_at is None


def test_shortages_name_each_line_the_locations_cannot_fill_together():
    requested = {"A": 3, "B": 2, "C": 1}
    available = {"A": {"dakar": 1, "abidjan": 1}, "B": {"dakar": 2}, "X": {"dakar": 9}}
    assert rules.shortages(requested, available) == [
        rules.Shortage("A", 3, 2),
        rules.Shortage("C", 1, 0),
    ]
    assert rules.shortages({"A": 2}, {"A": {"dakar": 5, "abidjan": -1}}) == []


def test_the_refusal_reason_is_french_and_names_each_short_line():
    assert rules.refusal_reason([rules.Shortage("A", 3, 0)]) == (
        "Stock insuffisant : « A » n'est plus en stock."
    )
    assert rules.refusal_reason([rules.Shortage("A", 3, 1), rules.Shortage("B", 5, 2)]) == (
        "Stock insuffisant : « A » : 3 demandé(s), seulement 1 disponible ; "
        "« B » : 5 demandé(s), seulement 2 disponibles."
    )
