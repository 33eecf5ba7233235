"""Shipping follows the order engine's events on the log: a confirmed order gets one shipment
(created + updated), whatever order the events arrive in; a cancellation before the shipment
leaves cancels it; one seen before anything else keeps the order from being shipped."""

from __future__ import annotations

import pytest

from tests.conftest import COMBINATIONS, eventually
from tests.engines.shipping.support import (
    cancelled,
    confirmed,
    placed,
    publish,
    published,
    report,
    ship,
    shipment_of,
)
from tests.support.buses import caught_up


@pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)
async def test_a_confirmed_order_gets_one_shipment_even_when_confirmed_is_read_first(api):
    # On Kafka nothing orders two topics: the confirmation may come before the order.
    await publish(api.platform, confirmed("o-1"))
    await publish(api.platform, placed("o-1", area="Médina"), confirmed("o-1"))
    shipment = await shipment_of(api, "o-1")
    await caught_up(api.platform)

    assert shipment["status"] == "created"
    assert (shipment["carrier"], shipment["zone"]) == ("coursier", "sn-dakar-medina")
    assert shipment["tracking_number"].startswith("ITV")
    [created] = await published(api.platform, "shipping.shipment.created", "o-1")
    assert created["shipmentId"] == shipment["id"]
    assert (created["city"], created["area"], created["shippingFee"]) == ("Dakar", "Médina", 1000)
    updated = await published(api.platform, "shipping.shipment.updated", "o-1")
    assert [(u["status"], u.get("previousStatus")) for u in updated] == [("created", None)]


async def test_a_pickup_order_goes_to_the_store_of_its_city(api):
    shipment = await ship(api, "o-pick", delivery_method="pickup", city="abidjan", country="CI")
    assert (shipment["carrier"], shipment["store_code"]) == ("store", "abidjan-cocody")
    assert (shipment["city"], shipment["area"], shipment["zone"]) == ("Abidjan", "Cocody", None)
    [created] = await published(api.platform, "shipping.shipment.created", "o-pick")
    assert (created["deliveryMethod"], created["storeCode"]) == ("pickup", "abidjan-cocody")


async def test_a_cash_on_delivery_shipment_knows_what_the_courier_collects(api):
    shipment = await ship(api, "o-cod", payment_method="cash_on_delivery", total=50_000)
    assert (shipment["cash_due"], shipment["cash_collected"]) == (50_000, None)


async def test_a_cancelled_order_s_shipment_is_cancelled_before_it_leaves(api):
    shipment = await ship(api, "o-2")
    await publish(api.platform, cancelled("o-2"))

    async def cancelled_() -> bool:
        return (await shipment_of(api, "o-2"))["status"] == "cancelled"

    await eventually(cancelled_, 20, "the shipment cancelled")
    updated = await published(api.platform, "shipping.shipment.updated", "o-2")
    assert [u["status"] for u in updated] == ["created", "cancelled"]
    assert updated[1]["note"] == "customer_request"
    answer = await api.post(
        f"/api/shipping/shipments/{shipment['id']}/updates",
        role="staff",
        json={"status": "picked_up"},
    )
    assert answer.status_code == 409


async def test_a_late_cancellation_leaves_a_shipment_that_left(api):
    shipment = await ship(api, "o-3")
    await report(api, shipment["id"], "picked_up")
    await publish(api.platform, cancelled("o-3"))
    await caught_up(api.platform)
    assert (await shipment_of(api, "o-3"))["status"] == "picked_up"


async def test_a_cancellation_read_first_keeps_the_order_from_being_shipped(api):
    await publish(api.platform, cancelled("o-4"), confirmed("o-4"), placed("o-4"))
    await caught_up(api.platform)
    answer = await api.get("/api/shipping/shipments?order_id=o-4", role="staff")
    assert answer.json()["total"] == 0
    assert await published(api.platform, "shipping.shipment.created", "o-4") == []


async def test_the_same_events_twice_make_one_shipment(api):
    await ship(api, "o-5")
    await publish(api.platform, placed("o-5", area="Yoff"), confirmed("o-5"))
    await caught_up(api.platform)
    assert len(await published(api.platform, "shipping.shipment.created", "o-5")) == 1
    # The first placed event is the one kept: a replay does not move the parcel.
    assert (await shipment_of(api, "o-5"))["area"] == "Plateau"
