"""The order engine follows the saga from the other engines' events, published here as they
would publish them, in the order they happen and out of it: reservation, payment, dispatch,
delivery, refusal, failure, refunds, accepted quotes. Each ends where the issue says, whatever
the order of arrival; a late answer about a cancelled order is kept and changes nothing."""

from __future__ import annotations

from decimal import Decimal

from itvision.engines.billing.events import QuoteAccepted, QuoteLine
from itvision.engines.order.events import DeliveryAddress
from itvision.engines.payment.events import RefundCompleted
from itvision.platform.bus import operations
from itvision.platform.events import utcnow
from tests.conftest import eventually
from tests.engines.order.support import (
    CUSTOMER,
    applied,
    delivered,
    dispatched,
    emit,
    paid,
    payment_failed,
    placed_order,
    published,
    reaches,
    refused,
    reserved,
    status_of,
    timeline_of,
)

TOTAL = 389_400 + 2 * 10_000 + 1_500


async def test_a_wave_order_is_reserved_paid_confirmed_shipped_and_delivered(engine, engine_api):
    order_id = await placed_order(engine, "wave")
    await emit(engine, "inventory-engine", reserved(order_id))
    await reaches(engine_api, order_id, "awaiting_payment")
    await emit(engine, "payment-engine", paid(order_id, TOTAL))
    await reaches(engine_api, order_id, "confirmed")
    await emit(engine, "shipping-engine", dispatched(order_id))
    await reaches(engine_api, order_id, "shipped")
    await emit(engine, "shipping-engine", delivered(order_id))
    await reaches(engine_api, order_id, "delivered")

    [confirmed] = await published(engine, "order.order.confirmed", order_id)
    assert (confirmed["total"], confirmed["paymentMethod"]) == (TOTAL, "wave")
    [shipped] = await published(engine, "order.order.shipped", order_id)
    assert (shipped["carrier"], shipped["trackingNumber"]) == ("Yango Delivery", "YG-778")
    assert len(await published(engine, "order.order.delivered", order_id)) == 1

    entries = await timeline_of(engine_api, order_id)
    assert [(e["engine"], e["event"], e["status"]) for e in entries] == [
        ("order-engine", "order.order.placed", "placed"),
        ("inventory-engine", "inventory.reservation.confirmed", "awaiting_payment"),
        ("payment-engine", "payment.payment.succeeded", "confirmed"),
        ("order-engine", "order.order.confirmed", "confirmed"),
        ("shipping-engine", "shipping.shipment.dispatched", "shipped"),
        ("order-engine", "order.order.shipped", "shipped"),
        ("shipping-engine", "shipping.shipment.delivered", "delivered"),
        ("order-engine", "order.order.delivered", "delivered"),
    ]
    assert "à régler avant le" in entries[1]["summary"]
    assert entries[2]["summary"].startswith("Paiement reçu : 410\u202f900\u00a0F\u00a0CFA (Wave")


async def test_a_payment_before_the_reservation_confirms_the_order_once_both_arrived(
    engine, engine_api
):
    order_id = await placed_order(engine, "orange_money")
    payment = await emit(engine, "payment-engine", paid(order_id, TOTAL, "orange_money"))
    await applied(engine, payment)
    assert await status_of(engine_api, order_id) == "placed"
    await emit(engine, "inventory-engine", reserved(order_id))
    await reaches(engine_api, order_id, "confirmed")
    assert len(await published(engine, "order.order.confirmed", order_id)) == 1
    order = (await engine_api.get(f"/api/orders/{order_id}", role="staff")).json()
    assert order["paid_at"] is not None and order["confirmed_at"] is not None


async def test_cash_on_delivery_is_confirmed_at_reservation_and_settled_at_delivery(
    engine, engine_api
):
    order_id = await placed_order(engine, "cash_on_delivery")
    order = (await engine_api.get(f"/api/orders/{order_id}", role="staff")).json()
    assert order["pay_by"] is None
    await emit(engine, "inventory-engine", reserved(order_id))
    await reaches(engine_api, order_id, "confirmed")
    # The delivery is reported before the dispatch (two topics, no order between them).
    await emit(engine, "shipping-engine", delivered(order_id, cash=TOTAL))
    await reaches(engine_api, order_id, "delivered")
    cash = await emit(engine, "payment-engine", paid(order_id, TOTAL, "cash_on_delivery"))
    late = await emit(engine, "shipping-engine", dispatched(order_id))
    await applied(engine, cash)
    await applied(engine, late)
    assert await status_of(engine_api, order_id) == "delivered"
    [shipped] = await published(engine, "order.order.shipped", order_id)
    assert shipped["shipmentId"] == f"shp-{order_id}"
    entries = await timeline_of(engine_api, order_id)
    summaries = [e["summary"] for e in entries]
    assert "Commande livrée, 410\u202f900\u00a0F\u00a0CFA encaissés à la livraison" in summaries
    assert entries[-1]["event"] == "shipping.shipment.dispatched"
    assert entries[-1]["summary"].startswith("Colis remis au transporteur Yango Delivery")


async def test_a_refused_reservation_cancels_the_order_with_the_reason(engine, engine_api):
    order_id = await placed_order(engine, "wave")
    await emit(engine, "inventory-engine", refused(order_id))
    await reaches(engine_api, order_id, "cancelled")
    [cancelled] = await published(engine, "order.order.cancelled", order_id)
    assert (cancelled["reason"], cancelled["cancelledBy"]) == ("out_of_stock", "system")
    assert cancelled["note"].startswith("Stock insuffisant")

    # A payment confirmed afterwards is kept on the timeline and changes nothing.
    late = await emit(engine, "payment-engine", paid(order_id, TOTAL))
    await applied(engine, late)
    assert await status_of(engine_api, order_id) == "cancelled"
    last = (await timeline_of(engine_api, order_id))[-1]
    assert last["event"] == "payment.payment.succeeded" and last["status"] == "cancelled"
    assert last["summary"].endswith("(sans effet : la commande est annulée)")
    assert len(await published(engine, "order.order.confirmed", order_id)) == 0


async def test_a_failed_payment_cancels_the_order(engine, engine_api):
    order_id = await placed_order(engine, "orange_money")
    await emit(engine, "inventory-engine", reserved(order_id))
    await reaches(engine_api, order_id, "awaiting_payment")
    await emit(engine, "payment-engine", payment_failed(order_id, TOTAL))
    await reaches(engine_api, order_id, "cancelled")
    [cancelled] = await published(engine, "order.order.cancelled", order_id)
    assert cancelled["reason"] == "payment_failed"
    summaries = [e["summary"] for e in await timeline_of(engine_api, order_id)]
    assert "Paiement échoué (Orange Money) : solde insuffisant" in summaries


async def test_a_failed_attempt_after_a_payment_changes_nothing(engine, engine_api):
    order_id = await placed_order(engine, "wave")
    await emit(engine, "payment-engine", paid(order_id, TOTAL))
    failed = await emit(engine, "payment-engine", payment_failed(order_id, TOTAL))
    await applied(engine, failed)
    await emit(engine, "inventory-engine", reserved(order_id))
    await reaches(engine_api, order_id, "confirmed")
    assert await published(engine, "order.order.cancelled", order_id) == []


async def test_an_answer_about_an_unknown_order_waits_parked(engine):
    await emit(engine, "inventory-engine", reserved("CMD-NOT-PLACED"))

    async def parked() -> bool:
        waiting = await operations.list_parked(engine, "order-engine")
        return [p.key for p in waiting] == ["CMD-NOT-PLACED"]

    await eventually(parked, 20, "the reservation parked")


async def test_refunds_paid_back_are_kept_on_the_order(engine, engine_api):
    order_id = await placed_order(engine, "wave")
    await emit(engine, "payment-engine", paid(order_id, TOTAL))
    cancelled = await engine_api.post(
        f"/api/orders/{order_id}/cancel", role="customer", subject=CUSTOMER
    )
    assert cancelled.status_code == 200, cancelled.text
    refund = RefundCompleted(
        refund_id="rf-1",
        payment_id=f"pay-{order_id}",
        order_id=order_id,
        customer_id=CUSTOMER,
        amount=TOTAL,
        method="orange_money",
        manual=True,
        operator="staff-fatou",
        completed_at=utcnow(),
    )
    await applied(engine, await emit(engine, "payment-engine", refund))
    order = (await engine_api.get(f"/api/orders/{order_id}", role="staff")).json()
    assert (order["status"], order["paid_back_total"]) == ("cancelled", TOTAL)
    last = (await timeline_of(engine_api, order_id))[-1]
    assert last["summary"] == (
        "Remboursement effectué : 410\u202f900\u00a0F\u00a0CFA (Orange Money, fait à la main "
        "par staff-fatou)"
    )


async def test_an_accepted_quote_becomes_an_order_at_the_quoted_prices_once(engine, engine_api):
    accepted = QuoteAccepted(
        quote_id="quote-1",
        quote_number="DEV-2026-000001",
        customer_id="cust-entreprise",
        lines=[
            QuoteLine(
                sku="LAPTOP-1",
                product_id="p1",
                description="HP EliteBook 840",
                quantity=10,
                unit_price=300_000,
            ),
            QuoteLine(
                sku="DOCK-1",
                product_id="p2",
                description="Station d'accueil",
                quantity=10,
                unit_price=45_000,
            ),
        ],
        subtotal=3_450_000,
        vat_rate=Decimal("0.18"),
        vat_amount=621_000,
        total=4_071_000,
        payment_method="wave",
        delivery_method="home_delivery",
        delivery_address=DeliveryAddress(
            recipient_name="Société Baobab",
            phone="+221 33 800 00 00",
            city="Dakar",
            area="Plateau",
        ),
        accepted_by="cust-entreprise",
        accepted_at=utcnow(),
    )
    await applied(engine, await emit(engine, "billing-engine", accepted))
    await applied(engine, await emit(engine, "billing-engine", accepted))  # redelivered
    [placed] = await published(engine, "order.order.placed")
    assert placed["quoteId"] == "quote-1" and placed["customerId"] == "cust-entreprise"
    assert [(ln["sku"], ln["unitPrice"], ln["unitPriceExclVat"]) for ln in placed["lines"]] == [
        ("LAPTOP-1", 354_000, 300_000),
        ("DOCK-1", 53_100, 45_000),
    ]
    assert (placed["total"], placed["vatTotal"], placed["discountTotal"]) == (4_071_000, 621_000, 0)
    assert placed["payBy"] is not None
    order = (await engine_api.get(f"/api/orders/{placed['orderId']}", role="staff")).json()
    assert order["quote_id"] == "quote-1" and order["status"] == "placed"
    entries = await timeline_of(engine_api, placed["orderId"])
    assert [e["summary"] for e in entries] == [
        "Devis DEV-2026-000001 accepté",
        "Commande passée : 20 articles, 4\u202f071\u202f000\u00a0F\u00a0CFA (Wave), "
        "sur devis DEV-2026-000001",
    ]
