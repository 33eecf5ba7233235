"""Loyalty follows an order's life through real events on the log: placed → points pending
(with the first-order and birthday bonuses, the points it spends debited), delivered → points
available, cancelled → pending points taken back and spent points given back, refunded →
points taken back in proportion. Each once, whatever is delivered again or out of order."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from itvision.engines.loyalty.commands import ExpirePoints, ReviewTiers
from itvision.engines.loyalty.services.expiry import expire_points
from itvision.engines.loyalty.services.tiers import review_tiers
from itvision.platform.bus import operations
from itvision.platform.events import utcnow
from tests.conftest import COMBINATIONS
from tests.engines.loyalty.support import (
    CUSTOMER,
    balance,
    cancelled,
    delivered,
    emit,
    ledger,
    placed,
    points,
    product,
    published,
    refunded,
    settled,
)
from tests.support.buses import write_foreign

ORDER = "order-engine"


async def test_an_order_earns_pending_points_then_available_ones_on_delivery(api):
    await emit(api.platform, ORDER, placed("o-1", lines=[("p-laptop", 1, 500_000)]))
    await settled(api.platform)
    # 5 000 points for 500 000 F CFA (shipping earns nothing) + 500 for a first order.
    assert await points(api) == (0, 5_500)
    await emit(api.platform, ORDER, delivered("o-1"))
    await settled(api.platform)
    assert await points(api) == (5_500, 0)
    earned = await published(api.platform, "loyalty.points.earned")
    assert [(e["points"], e["status"], e["balance"]) for e in earned] == [
        (5_500, "pending", 0),
        (5_500, "available", 5_500),
    ]
    entries = await ledger(api)
    assert [(e["reason"], e["bucket"], e["points"]) for e in entries] == [
        ("earned", "pending", 5_000),
        ("first_order", "pending", 500),
        ("released", "pending", -5_500),
        ("delivered", "available", 5_500),
    ]
    assert all(e["order_id"] == "o-1" and e["event_id"] and e["actor"] for e in entries)
    assert entries[-1]["expires_at"] is not None


async def test_a_second_order_has_no_first_order_bonus_and_discounts_earn_none(api):
    await emit(api.platform, ORDER, placed("o-1", lines=[("p-a", 1, 10_000)]))
    await emit(
        api.platform, ORDER, placed("o-2", lines=[("p-a", 2, 50_000)], discount_total=20_000)
    )
    await settled(api.platform)
    assert await points(api) == (0, 100 + 500 + 800)


async def test_a_cancelled_order_takes_its_pending_points_back_and_returns_spent_points(api):
    await emit(api.platform, ORDER, placed("o-1", lines=[("p-a", 1, 300_000)]))
    await emit(api.platform, ORDER, delivered("o-1"))
    await settled(api.platform)
    assert await points(api) == (3_500, 0)
    spending = placed(
        "o-2", lines=[("p-b", 1, 100_000)], discount_total=2_000,
        points_redeemed=2_000, points_discount=2_000,
    )  # fmt: skip
    await emit(api.platform, ORDER, spending)
    await settled(api.platform)
    assert await points(api) == (1_500, 980)
    [redeemed] = await published(api.platform, "loyalty.points.redeemed")
    assert (redeemed["points"], redeemed["value"], redeemed["balance"]) == (2_000, 2_000, 1_500)
    await emit(api.platform, ORDER, cancelled("o-2"))
    await settled(api.platform)
    assert await points(api) == (3_500, 0)
    reversed_ = await published(api.platform, "loyalty.points.reversed")
    assert [(r["reason"], r["direction"], r["points"]) for r in reversed_] == [
        ("order_cancelled", "debit", 980),
        ("redemption_returned", "credit", 2_000),
    ]
    # Delivered after all (a late event): nothing moves.
    await emit(api.platform, ORDER, delivered("o-2"))
    await settled(api.platform)
    assert await points(api) == (3_500, 0)


async def test_refunds_take_points_back_in_proportion(api):
    await emit(api.platform, ORDER, placed("o-1", lines=[("p-a", 1, 400_000)], shipping_fee=0))
    await emit(api.platform, ORDER, delivered("o-1"))
    await emit(api.platform, ORDER, refunded("o-1", "r-1", 100_000))
    await settled(api.platform)
    assert await points(api) == (4_500 - 1_125, 0)  # a quarter of 4 500
    await emit(api.platform, ORDER, refunded("o-1", "r-2", 300_000))
    await emit(api.platform, ORDER, refunded("o-1", "r-2", 300_000))  # the same refund again
    await settled(api.platform)
    assert await points(api) == (0, 0)


async def test_a_refund_before_delivery_takes_from_the_pending_points(api):
    await emit(api.platform, ORDER, placed("o-1", lines=[("p-a", 1, 200_000)], shipping_fee=0))
    await emit(api.platform, ORDER, refunded("o-1", "r-1", 100_000))
    await emit(api.platform, ORDER, delivered("o-1"))
    await settled(api.platform)
    assert await points(api) == (1_250, 0)


async def test_events_of_an_order_not_placed_yet_wait_for_it(api):
    await emit(api.platform, ORDER, delivered("o-late"))
    await emit(api.platform, ORDER, cancelled("o-late-2"))

    async def parked() -> int:
        statuses = await operations.group_statuses(api.platform)
        return next(s for s in statuses if s.group == "loyalty-engine").parked

    from tests.conftest import eventually

    async def both_parked() -> bool:
        return await parked() == 2

    await eventually(both_parked, 20, "two parked events")
    await emit(api.platform, ORDER, placed("o-late", lines=[("p-a", 1, 100_000)]))
    await emit(api.platform, ORDER, placed("o-late-2", lines=[("p-a", 1, 100_000)]))
    await settled(api.platform)
    assert await points(api) == (1_500, 0)


async def test_multipliers_of_staff_rules_follow_the_catalog_and_tiers_lift_at_once(api):
    await emit(api.platform, "catalog-engine", product("p-hp", ["informatique", "portables"], "HP"))
    made = await api.post(
        "/api/loyalty/rules",
        json={"scope": "category", "target": "portables", "multiplier": 2},
        role="staff",
    )
    assert made.status_code == 201, made.text
    reward = await api.post(
        "/api/loyalty/rewards",
        json={"name": "Livraison offerte", "threshold": 10_000, "kind": "free_shipping"},
        role="staff",
    )
    assert reward.status_code == 201
    await emit(api.platform, ORDER, placed("o-1", lines=[("p-hp", 1, 500_000)]))
    await emit(api.platform, ORDER, delivered("o-1"))
    await settled(api.platform)
    assert await points(api) == (10_500, 0)
    [upgraded] = await published(api.platform, "loyalty.tier.upgraded")
    assert (upgraded["previousTier"], upgraded["tier"]) == ("bronze", "silver")
    [unlocked] = await published(api.platform, "loyalty.reward.unlocked")
    assert unlocked["rewardId"] == reward.json()["id"]
    # Silver earns ×1.25 on the next order.
    await emit(api.platform, ORDER, placed("o-2", lines=[("p-other", 1, 100_000)]))
    await settled(api.platform)
    assert (await balance(api))["pending"] == 1_250
    assert (await balance(api))["tier"] == "silver"
    # A year on, without points, the review moves one tier down.
    assert await review_tiers(api.platform, ReviewTiers(utcnow() + timedelta(days=400))) == 1
    [down] = await published(api.platform, "loyalty.tier.downgraded")
    assert (down["previousTier"], down["tier"]) == ("silver", "bronze")


async def test_bonuses_for_a_birthday_and_a_referral(api):
    today = utcnow().date()
    profile = {
        "birthday": today.replace(year=1995, day=1).isoformat(),
        "referrer_id": "cust-moussa",
    }
    updated = await api.patch(
        f"/api/loyalty/customers/{CUSTOMER}/profile", json=profile, role="customer",
        subject=CUSTOMER,
    )  # fmt: skip
    assert updated.status_code == 200, updated.text
    await emit(api.platform, ORDER, placed("o-1", lines=[("p-a", 1, 100_000)]))
    await emit(api.platform, ORDER, placed("o-2", lines=[("p-a", 1, 100_000)]))
    await emit(api.platform, ORDER, delivered("o-1"))
    await emit(api.platform, ORDER, delivered("o-2"))
    await settled(api.platform)
    # 2 × 1 000, a first order (500) and a birthday (500, once a year).
    assert await points(api) == (3_000, 0)
    assert await points(api, "cust-moussa") == (1_000, 0)


async def test_points_expire_oldest_first_after_a_warning(api):
    await emit(api.platform, ORDER, placed("o-1", lines=[("p-a", 1, 100_000)]))
    await emit(api.platform, ORDER, delivered("o-1"))
    await settled(api.platform)
    assert await points(api) == (1_500, 0)
    spent = await api.post(
        f"/api/loyalty/customers/{CUSTOMER}/adjustments",
        json={"points": -500, "reference": "TICKET-1", "note": "geste annulé"},
        role="staff",
    )
    assert spent.status_code == 201, spent.text
    soon = utcnow() + timedelta(days=340)
    assert await expire_points(api.platform, ExpirePoints(soon)) == 0
    assert await expire_points(api.platform, ExpirePoints(soon)) == 0
    [warning] = await published(api.platform, "loyalty.points.expiring")
    assert warning["points"] == 1_000
    later = utcnow() + timedelta(days=366)
    assert await expire_points(api.platform, ExpirePoints(later)) == 1_000
    assert await expire_points(api.platform, ExpirePoints(later)) == 0
    assert await points(api) == (0, 0)
    [expired] = await published(api.platform, "loyalty.points.expired")
    assert (expired["points"], expired["balance"]) == (1_000, 0)


@pytest.mark.parametrize("backend_settings", [COMBINATIONS[0], COMBINATIONS[2]], indirect=True)
async def test_an_order_placed_by_a_kafkajs_producer_is_credited_once(api):
    """The seed's producer writes `{type, payload, timestamp}` and no id."""
    message = {
        "type": "order.order.placed",
        "payload": {
            "orderId": "o-js", "customerId": CUSTOMER, "subtotal": 250000, "total": 252000,
            "shippingFee": 2000, "paymentMethod": "cash_on_delivery",
            "lines": [{"sku": "SKU-A", "productId": "p-a", "quantity": 1, "unitPrice": 250000}],
            "placedAt": "2026-11-30T10:00:00.000Z",
        },
        "timestamp": "2026-11-30T10:00:00.123Z",
    }  # fmt: skip
    await write_foreign(api.platform, "order.order.placed", "o-js", [json.dumps(message).encode()])
    await settled(api.platform)
    assert await points(api) == (0, 3_000)
    await emit(api.platform, ORDER, delivered("o-js"))
    await settled(api.platform)
    assert await points(api) == (3_000, 0)
