"""Group buys across the engines, paid through the Wave and Orange Money simulators: a group
that fills (closed at once, one order per participant settled from their participation's
payment, the difference refunded), one that expires below its minimum (every participant
refunded the way they paid, the stock back), and one that crosses two tiers (each announced by
group-buy and by pricing, every order at the last tier's price). The first runs on
{SQLite, PostgreSQL} × {SQL log, Kafka} and on Kafka newest first; the others on SQLite."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from itvision.engines.groupbuy.commands import AdvanceGroups
from itvision.engines.groupbuy.services.groups import advance_groups
from itvision.engines.payment.commands import PerformRefunds
from itvision.engines.payment.services.refunds import perform_refunds
from tests.conftest import COMBINATIONS, REVERSED, eventually
from tests.engines.groupbuy.support import group_of, grouped_product, join, open_group
from tests.engines.order.support import published, reaches
from tests.flows.test_checkout_saga import WAIT, available, quiet, refunds_of
from tests.support.api import ApiClient
from tests.support.simulators import RunningSimulators, wait_payment


async def pay_participation(
    api: ApiClient, simulators: RunningSimulators, participation: dict[str, Any]
) -> dict[str, Any]:
    """`POST /api/payments {participation_id}` (retried while payment has not seen the join),
    approved at the simulator, and seen succeeded."""
    customer = participation["customer_id"]
    key = f"pay-{uuid.uuid4().hex}"
    answers = []

    async def started() -> bool:
        answer = await api.post(
            "/api/payments",
            json={"participation_id": participation["id"]},
            headers={"Idempotency-Key": key},
            role="customer",
            subject=customer,
        )
        answers.append(answer)
        return answer.status_code in (200, 201)

    await eventually(started, WAIT, f"participation {participation['id']} to be payable")
    payment = answers[-1].json()
    assert payment["participation_id"] == participation["id"]
    assert payment["amount"] == participation["amount_due"]
    await simulators.approve(payment)
    return await wait_payment(api, payment["id"], "succeeded", customer=customer)


async def participation_reaches(
    api: ApiClient, participation_id: str, **expected: Any
) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def there() -> bool:
        found = await api.get(f"/api/group-buys/participations/{participation_id}", role="staff")
        seen.update(found.json())
        return all(seen.get(k) == v for k, v in expected.items())

    await eventually(there, WAIT, f"participation {participation_id} to be {expected}: {seen}")
    return seen


async def group_reaches(api: ApiClient, group_id: str, status: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def there() -> bool:
        seen.update(await group_of(api, group_id))
        return seen["status"] == status

    await eventually(there, WAIT, f"group {group_id} to be {status}")
    return seen


async def order_of_participant(api: ApiClient, customer: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = []

    async def placed() -> bool:
        listed = await api.get("/api/orders", role="customer", subject=customer)
        found[:] = listed.json()["items"]
        return bool(found)

    await eventually(placed, WAIT, f"the group's order of {customer}")
    return found[0]


async def refund_by_hand(api: ApiClient, participation_id: str) -> None:
    """An operator records the Orange Money (or partial Wave) refund of the participation."""
    found: list[dict[str, Any]] = []

    async def waiting() -> bool:
        listed = await api.get(
            f"/api/payments/refunds?order_id={participation_id}&status=awaiting_operator",
            role="staff",
        )
        found[:] = listed.json()["items"]
        return bool(found)

    await eventually(waiting, WAIT, f"a refund by hand for {participation_id}")
    done = await api.post(
        f"/api/payments/refunds/{found[0]['id']}/complete",
        json={"note": "Remboursé par Orange Money", "reference": "OM-REMB-1"},
        role="staff",
    )
    assert done.status_code == 200, done.text


async def after_deadline(api: ApiClient, group: dict[str, Any]) -> None:
    """The job's use case run as if the deadline had passed."""
    deadline = datetime.fromisoformat(group["deadline"].replace("Z", "+00:00"))
    as_of = deadline + timedelta(seconds=1)
    await advance_groups(api.platform, AdvanceGroups(as_of=as_of))


@pytest.mark.parametrize("backend_settings", [*COMBINATIONS, REVERSED], indirect=True)
async def test_a_group_that_fills_closes_into_paid_orders(api, simulators):
    sku = await grouped_product(api, stock=10)
    group = await open_group(
        api, sku, max_participants=3, minimum=2, tiers=[{"threshold": 3, "unit_price": 90_000}]
    )
    tag = uuid.uuid4().hex[:6]
    customers = [f"fill-{tag}-{n}" for n in range(3)]
    joined = [await join(api, group["id"], c, 1, "wave") for c in customers]
    assert [p["unit_price"] for p in joined] == [100_000, 100_000, 90_000]
    full = await api.post(
        f"/api/group-buys/{group['id']}/participations",
        json={"quantity": 1, "payment_method": "wave", "delivery_method": "pickup"},
        role="customer",
        subject=f"fill-{tag}-late",
    )
    assert (full.status_code, full.json()["code"]) == (409, "group_full")

    async def held() -> bool:
        return await available(api, sku) == 7

    await eventually(held, WAIT, "three units held for the group")
    for participation in joined:
        await pay_participation(api, simulators, participation)
    closed = await group_reaches(api, group["id"], "closed")
    assert (closed["final_unit_price"], closed["paid_participants"]) == (90_000, 3)

    for customer, participation in zip(customers, joined, strict=True):
        order = await order_of_participant(api, customer)
        assert (order["total"], order["payment_method"]) == (90_000, "wave")
        await reaches(api, order["id"], "confirmed", WAIT)
        if participation["unit_price"] > 90_000:
            await participation_reaches(api, participation["id"], refund_status="pending")
            await refund_by_hand(api, participation["id"])  # a partial Wave refund
        await participation_reaches(
            api,
            participation["id"],
            status="ordered",
            order_unit_price=90_000,
            refund_status="completed" if participation["unit_price"] > 90_000 else "none",
        )
    assert await available(api, sku) == 7  # the orders took the group's holds
    await quiet(api)


async def test_a_group_below_its_minimum_expires_and_everyone_is_refunded(api, simulators):
    sku = await grouped_product(api, stock=10)
    group = await open_group(api, sku, minimum=3)
    by_wave = await join(api, group["id"], "exp-wave", 2, "wave")
    by_orange = await join(api, group["id"], "exp-orange", 1, "orange_money")
    unpaid = await join(api, group["id"], "exp-unpaid", 1, "wave")
    for participation in (by_wave, by_orange):
        await pay_participation(api, simulators, participation)

    async def held() -> bool:
        return await available(api, sku) == 6

    await eventually(held, WAIT, "four units held for the group")
    await participation_reaches(api, by_orange["id"], status="paid")
    await after_deadline(api, group)  # the unpaid one is dropped, the group expires
    expired = await group_of(api, group["id"])
    assert expired["status"] == "expired"
    await participation_reaches(api, unpaid["id"], status="dropped", refund_status="none")

    await refund_by_hand(api, by_orange["id"])  # Orange Money: paid back by hand
    await eventually(lambda: _refunds_done(api), WAIT, "the Wave refund through its API")
    await participation_reaches(
        api, by_wave["id"], status="expired", refund_status="completed", refunded_amount=200_000
    )
    await participation_reaches(
        api, by_orange["id"], status="expired", refund_status="completed", refunded_amount=100_000
    )
    await group_reaches(api, group["id"], "refunded")
    assert await available(api, sku) == 10
    expired_events = await published(api.platform, "groupbuy.group.expired")
    assert {p["participationId"]: p["paid"] for p in expired_events[-1]["participants"]} == {
        by_wave["id"]: True, by_orange["id"]: True,
    }  # fmt: skip
    await quiet(api)


async def _refunds_done(api: ApiClient) -> bool:
    await perform_refunds(api.platform, PerformRefunds())
    listed = await api.get("/api/payments/refunds?status=pending", role="staff")
    return listed.json()["total"] == 0


async def test_a_group_crossing_two_tiers_orders_at_the_last_price(api, simulators):
    sku = await grouped_product(api, stock=10)
    group = await open_group(
        api, sku, basis="quantity", minimum=2, max_total_quantity=6,
        tiers=[{"threshold": 3, "unit_price": 90_000}, {"threshold": 5, "unit_price": 80_000}],
    )  # fmt: skip
    first = await join(api, group["id"], "tiers-1", 2, "wave")
    second = await join(api, group["id"], "tiers-2", 2, "orange_money")
    third = await join(api, group["id"], "tiers-3", 1, "wave", delivery_method="pickup")
    assert [p["unit_price"] for p in (first, second, third)] == [100_000, 90_000, 80_000]
    for participation in (first, second, third):
        await pay_participation(api, simulators, participation)
    await participation_reaches(api, third["id"], status="paid")
    await after_deadline(api, group)
    closed = await group_of(api, group["id"])
    assert (closed["status"], closed["final_unit_price"]) == ("closed", 80_000)

    reached = await published(api.platform, "groupbuy.threshold.reached")
    ours = [(t["thresholdQuantity"], t["unitPrice"]) for t in reached]
    assert ours == [(3, 90_000), (5, 80_000)]

    async def announced_by_pricing() -> bool:
        tiers = await published(api.platform, "pricing.tier.activated")
        return [t["minQuantity"] for t in tiers if t.get("groupId") == group["id"]] == [3, 5]

    await eventually(announced_by_pricing, WAIT, "pricing.tier.activated for both tiers")
    for customer, participation, paid_back in [
        ("tiers-1", first, 40_000), ("tiers-2", second, 20_000), ("tiers-3", third, 0),
    ]:  # fmt: skip
        order = await order_of_participant(api, customer)
        assert order["total"] == participation["quantity"] * 80_000
        await reaches(api, order["id"], "confirmed", WAIT)
        if paid_back:
            await refund_by_hand(api, participation["id"])
        seen = await participation_reaches(
            api, participation["id"], status="ordered", refunded_amount=paid_back
        )
        assert seen["refund_due"] == paid_back
    await quiet(api)


async def test_a_group_order_cancelled_after_settlement_is_refunded_by_an_operator(api, simulators):
    # The order was paid from the participation's Wave payment, which Wave refunds only whole:
    # its refund waits for an operator instead of asking Wave about a session it never had.
    sku = await grouped_product(api, stock=5)
    group = await open_group(
        api, sku, max_participants=1, minimum=1, tiers=[{"threshold": 1, "unit_price": 95_000}]
    )
    customer = f"cancel-{uuid.uuid4().hex[:6]}"
    participation = await join(api, group["id"], customer, 1, "wave")
    await pay_participation(api, simulators, participation)
    await group_reaches(api, group["id"], "closed")
    order = await order_of_participant(api, customer)
    await reaches(api, order["id"], "confirmed", WAIT)
    cancelled = await api.post(
        f"/api/orders/{order['id']}/cancel", json={}, role="customer", subject=customer
    )
    assert cancelled.status_code == 200, cancelled.text
    [refund] = await refunds_of(api, order["id"], "awaiting_operator")
    assert (refund["amount"], refund["manual"]) == (order["total"], True)
    await perform_refunds(api.platform, PerformRefunds())
    assert await refunds_of(api, order["id"], "awaiting_operator") == [refund]
    assert all(s.when_refunded is None for s in simulators.wave.sessions.values())
