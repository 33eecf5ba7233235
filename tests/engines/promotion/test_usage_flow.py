"""A code's usage through real events, on the four backends: reserved when the order is
placed, counted once when it is paid (`promotion.code.redeemed`), given back when it is
cancelled; a limit of 1 is never exceeded by paid orders."""

from decimal import Decimal

import pytest

from itvision.engines.promotion import Cart, CartLine, Reason, evaluate_cart
from itvision.engines.promotion.commands import CreatePromotion
from itvision.engines.promotion.queries.promotions import get_promotion
from itvision.engines.promotion.rules.offers import Kind
from itvision.engines.promotion.services.campaigns import create_promotion
from tests.conftest import COMBINATIONS, eventually
from tests.engines.promotion.support import (
    cancel_order,
    pay_order,
    place_order,
    published,
    wait_applied,
    wait_published,
)

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS, indirect=True)

CART = Cart((CartLine("SKU-p1", "p1", 1, 100_000),), customer_id="cust-2")


async def ten_percent(system, **fields):
    command = CreatePromotion(
        name="Dix", kind=Kind.PERCENTAGE, discount_rate=Decimal("0.1"), created_by="staff", **fields
    )
    record = await create_promotion(system, command)
    return record.offer


async def usage_of(system, promotion_id):
    return (await get_promotion(system, promotion_id)).usage


async def test_a_code_counts_once_when_paid_and_is_given_back_when_cancelled(system):
    promo = await ten_percent(system, code="BIENVENUE", usage_limit=100)
    await wait_applied(system, await place_order(system, "ord-1", codes=["bienvenue"]))
    assert (await usage_of(system, promo.id)).reserved == 1
    assert await published(system, "promotion.code.redeemed") == []

    await wait_applied(system, await pay_order(system, "ord-1"))
    # The same order paid twice (two payment events): counted once.
    await wait_applied(system, await pay_order(system, "ord-1", payment_id="pay-again"))
    (redeemed,) = await published(system, "promotion.code.redeemed")
    assert redeemed == {
        "campaignId": promo.id,
        "code": "BIENVENUE",
        "orderId": "ord-1",
        "customerId": "cust-1",
        "discountAmount": 10_000,
        "currency": "XOF",
        "redeemedAt": redeemed["redeemedAt"],
    }
    usage = await usage_of(system, promo.id)
    assert (usage.reserved, usage.redeemed, usage.discount_total) == (0, 1, 10_000)

    await wait_applied(system, await cancel_order(system, "ord-1"))
    (released,) = await published(system, "promotion.code.released")
    assert released["wasRedeemed"] is True and released["orderId"] == "ord-1"
    usage = await usage_of(system, promo.id)
    assert (usage.reserved, usage.redeemed, usage.discount_total) == (0, 0, 0)


async def test_a_limit_of_one_is_never_exceeded_by_paid_orders(system):
    promo = await ten_percent(system, code="UNIQUE", usage_limit=1)
    await wait_applied(system, await place_order(system, "ord-a", codes=["UNIQUE"]))

    # Once the first order holds the code, the evaluation refuses it to everyone else...
    result = await evaluate_cart(system, CART, ["UNIQUE"])
    assert result.applied == ()
    assert result.refused[0].refusal.reason is Reason.USAGE_LIMIT_REACHED

    # ...and an order placed with it anyway is rejected and counts nothing when paid.
    placed_b = await place_order(system, "ord-b", codes=["UNIQUE"], customer_id="cust-2")
    await wait_applied(system, placed_b)
    (rejected,) = await published(system, "promotion.code.rejected")
    assert (rejected["orderId"], rejected["reason"]) == ("ord-b", "usage_limit_reached")
    assert rejected["messageFr"].startswith("code épuisé")

    await wait_applied(system, await pay_order(system, "ord-a"))
    await wait_applied(system, await pay_order(system, "ord-b", customer_id="cust-2"))
    redeemed = await published(system, "promotion.code.redeemed")
    assert [r["orderId"] for r in redeemed] == ["ord-a"]
    assert (await usage_of(system, promo.id)).redeemed == 1

    # Used up by a paid order, the campaign ends; the usage given back restarts it.
    (ended,) = await wait_published(system, "promotion.campaign.ended", 1)
    assert (ended["reason"], ended["redemptionCount"]) == ("usage_limit_reached", 1)
    await wait_applied(system, await cancel_order(system, "ord-a"))
    await wait_published(system, "promotion.campaign.started", 2)

    async def free_again() -> bool:
        return bool((await evaluate_cart(system, CART, ["UNIQUE"])).applied)

    await eventually(free_again, what="the code to be usable again")
