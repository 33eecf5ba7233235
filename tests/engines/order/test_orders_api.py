"""Cancelling, refunding and expiring orders through the API (and the expiry job's use case):
who may, from which status, and the 409 that says where the order stands and where it may go.
Also the facade other engines read and the engine's setting."""

from __future__ import annotations

from datetime import datetime, timedelta

from itvision import bootstrap, migrations
from itvision.engines.order import get_order
from itvision.engines.order.commands import ExpireOrders
from itvision.engines.order.services.cancellation import expire_orders
from itvision.engines.order.settings import OrderSettings
from itvision.engines.payment.events import RefundCompleted
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from tests.engines.order.support import (
    CUSTOMER,
    OTHER_CUSTOMER,
    applied,
    delivered,
    dispatched,
    emit,
    paid,
    placed_order,
    published,
    reaches,
    reserved,
    status_of,
)

TOTAL = 389_400 + 2 * 10_000 + 1_500
AS_CUSTOMER = {"role": "customer", "subject": CUSTOMER}


async def _delivered_order(engine, engine_api) -> str:
    order_id = await placed_order(engine, "wave")
    for source, event in (
        ("inventory-engine", reserved(order_id)),
        ("payment-engine", paid(order_id, TOTAL)),
        ("shipping-engine", dispatched(order_id)),
        ("shipping-engine", delivered(order_id)),
    ):
        await emit(engine, source, event)
    await reaches(engine_api, order_id, "delivered")
    return order_id


async def test_a_customer_cancels_their_own_order_before_it_ships(engine, engine_api):
    order_id = await placed_order(engine, "wave")
    await emit(engine, "inventory-engine", reserved(order_id))
    await reaches(engine_api, order_id, "awaiting_payment")
    someone_else = await engine_api.post(
        f"/api/orders/{order_id}/cancel", role="customer", subject=OTHER_CUSTOMER
    )
    assert (someone_else.status_code, someone_else.json()["field"]) == (404, "path.order_id")
    as_staff_reason = await engine_api.post(
        f"/api/orders/{order_id}/cancel", json={"reason": "fraud_suspected"}, **AS_CUSTOMER
    )
    assert (as_staff_reason.status_code, as_staff_reason.json()["field"]) == (403, "body.reason")

    cancelled = await engine_api.post(
        f"/api/orders/{order_id}/cancel", json={"note": "Je me suis trompé de modèle"},
        **AS_CUSTOMER,
    )  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["next_statuses"] == []
    [event] = await published(engine, "order.order.cancelled", order_id)
    assert (event["reason"], event["cancelledBy"], event["note"]) == (
        "customer_request", "customer", "Je me suis trompé de modèle"
    )  # fmt: skip

    again = await engine_api.post(f"/api/orders/{order_id}/cancel", **AS_CUSTOMER)
    assert again.status_code == 409
    problem = again.json()
    assert (problem["code"], problem["field"]) == ("invalid_transition", "status")
    assert (problem["current_status"], problem["allowed_statuses"]) == ("cancelled", [])


async def test_staff_cancel_with_a_reason_but_not_once_shipped(engine, engine_api):
    order_id = await placed_order(engine, "cash_on_delivery")
    cancelled = await engine_api.post(
        f"/api/orders/{order_id}/cancel",
        json={"reason": "fraud_suspected", "note": "Numéro signalé"},
        role="staff",
    )
    assert cancelled.status_code == 200, cancelled.text
    [event] = await published(engine, "order.order.cancelled", order_id)
    assert (event["reason"], event["cancelledBy"]) == ("fraud_suspected", "merchant")

    shipped = await placed_order(engine, "cash_on_delivery")
    await emit(engine, "inventory-engine", reserved(shipped))
    await emit(engine, "shipping-engine", dispatched(shipped))
    await reaches(engine_api, shipped, "shipped")
    refused = await engine_api.post(f"/api/orders/{shipped}/cancel", role="staff")
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert (refused.json()["current_status"], refused.json()["allowed_statuses"]) == (
        "shipped", ["delivered"]
    )  # fmt: skip
    bad = await engine_api.post(
        f"/api/orders/{shipped}/cancel", json={"reason": "boredom"}, role="staff"
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "body.reason")


async def test_a_return_refunds_part_then_the_rest_of_a_delivered_order(engine, engine_api):
    early = await placed_order(engine, "wave")
    too_soon = await engine_api.post(
        f"/api/orders/{early}/refunds", json={"amount": 1_000}, role="staff"
    )
    assert too_soon.status_code == 409
    assert (too_soon.json()["current_status"], too_soon.json()["allowed_statuses"]) == (
        "placed", ["stock_reserved", "cancelled"]
    )  # fmt: skip

    order_id = await _delivered_order(engine, engine_api)
    by_customer = await engine_api.post(
        f"/api/orders/{order_id}/refunds", json={"amount": 1_000}, **AS_CUSTOMER
    )
    assert by_customer.status_code == 403
    for body, status, field in (
        ({"lines": [{"sku": "KEYBOARD", "quantity": 1}]}, 422, "body.lines.0.sku"),
        ({"lines": [{"sku": "MOUSE-1", "quantity": 3}]}, 409, "body.lines.0.quantity"),
        ({"amount": TOTAL + 1}, 409, "body.amount"),
        ({}, 422, "body.amount"),
        ({"amount": 0}, 422, "body.amount"),
        ({"amount": 100, "reason": "changed_mind"}, 422, "body.reason"),
    ):
        answer = await engine_api.post(f"/api/orders/{order_id}/refunds", json=body, role="staff")
        assert (answer.status_code, answer.json().get("field")) == (status, field), answer.text

    part = await engine_api.post(
        f"/api/orders/{order_id}/refunds",
        json={"lines": [{"sku": "MOUSE-1", "quantity": 1}], "note": "souris défectueuse"},
        role="staff",
    )
    assert part.status_code == 201, part.text
    assert (part.json()["amount"], part.json()["is_partial"]) == (10_000, True)
    assert await status_of(engine_api, order_id) == "partially_refunded"
    rest = await engine_api.post(
        f"/api/orders/{order_id}/refunds",
        json={"reason": "returned", "lines": [{"sku": "LAPTOP-1", "quantity": 1}],
              "amount": TOTAL - 10_000},
        role="staff",
    )  # fmt: skip
    assert rest.status_code == 201, rest.text
    assert rest.json()["is_partial"] is False
    assert await status_of(engine_api, order_id) == "refunded"
    events = await published(engine, "order.order.refunded", order_id)
    assert [(e["amount"], e["isPartial"], e["lines"]) for e in events] == [
        (10_000, True, [{"sku": "MOUSE-1", "quantity": 1}]),
        (TOTAL - 10_000, False, [{"sku": "LAPTOP-1", "quantity": 1}]),
    ]
    order = (await engine_api.get(f"/api/orders/{order_id}", **AS_CUSTOMER)).json()
    assert order["refunded_total"] == TOTAL
    assert [ln["refunded_quantity"] for ln in order["lines"]] == [1, 1]
    nothing_left = await engine_api.post(
        f"/api/orders/{order_id}/refunds", json={"amount": 1}, role="staff"
    )
    assert nothing_left.json()["current_status"] == "refunded"

    # Payment pays the first one back.
    paid_back = RefundCompleted(
        refund_id="wave-rf-1",
        payment_id=f"pay-{order_id}",
        order_id=order_id,
        customer_id=CUSTOMER,
        order_refund_id=part.json()["id"],
        amount=10_000,
        method="wave",
        completed_at=utcnow(),
    )
    await applied(engine, await emit(engine, "payment-engine", paid_back))
    refunds = (await engine_api.get(f"/api/orders/{order_id}/refunds", **AS_CUSTOMER)).json()
    assert [r["completed_at"] is not None for r in refunds] == [True, False]
    assert refunds[0]["note"] == "souris défectueuse"


async def test_unpaid_orders_expire_and_nothing_else_does(engine, engine_api):
    unpaid = await placed_order(engine, "wave")
    reserved_unpaid = await placed_order(engine, "orange_money")
    await emit(engine, "inventory-engine", reserved(reserved_unpaid))
    paid_early = await placed_order(engine, "wave")
    await applied(engine, await emit(engine, "payment-engine", paid(paid_early, TOTAL)))
    cash = await placed_order(engine, "cash_on_delivery")
    await reaches(engine_api, reserved_unpaid, "awaiting_payment")

    by_customer = await engine_api.post("/api/orders/expire", **AS_CUSTOMER)
    assert by_customer.status_code == 403
    now = await engine_api.post("/api/orders/expire", role="staff")
    assert now.json() == {"expired": 0}
    later = utcnow() + timedelta(minutes=31)
    assert await expire_orders(engine, ExpireOrders(as_of=later)) == 2
    assert await expire_orders(engine, ExpireOrders(as_of=later)) == 0
    statuses = {
        o: await status_of(engine_api, o) for o in (unpaid, reserved_unpaid, paid_early, cash)
    }
    assert statuses == {
        unpaid: "cancelled",
        reserved_unpaid: "cancelled",
        paid_early: "placed",
        cash: "placed",
    }
    reasons = {e["orderId"]: e["reason"] for e in await published(engine, "order.order.cancelled")}
    assert reasons == {unpaid: "expired", reserved_unpaid: "expired"}


async def test_the_payment_deadline_is_a_setting(backend_settings):
    settings = OrderSettings(payment_minutes=5)
    platform = Platform(backend_settings, bootstrap.registry(), engine_settings=[settings])
    try:
        await migrations.upgrade(platform.db)
        order_id = await placed_order(platform, "wave")
        order = await get_order(platform, order_id)
        assert order is not None and order.pay_by is not None
        assert order.pay_by - order.placed_at == timedelta(minutes=5)
    finally:
        await platform.close()


async def test_other_engines_read_an_order_through_the_facade(engine):
    order_id = await placed_order(engine, "wave", customer="cust-fatou")
    order = await get_order(engine, order_id)
    assert order is not None
    assert (order.id, order.customer_id, order.status, order.payment_method) == (
        order_id, "cust-fatou", "placed", "wave"
    )  # fmt: skip
    assert [(ln.sku, ln.quantity, ln.unit_price) for ln in order.lines] == [
        ("LAPTOP-1", 1, 389_400),
        ("MOUSE-1", 2, 10_000),
    ]
    assert (order.totals.subtotal, order.totals.shipping_fee, order.totals.total) == (
        409_400, 1_500, TOTAL
    )  # fmt: skip
    assert (order.delivery.method, order.delivery.city, order.delivery.area) == (
        "home_delivery", "Dakar", "Plateau"
    )  # fmt: skip
    assert order.promotion_codes == () and isinstance(order.placed_at, datetime)
    assert await get_order(engine, "CMD-NONE") is None
