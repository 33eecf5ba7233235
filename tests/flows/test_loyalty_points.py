"""Loyalty across the engines: an order's whole life credits then takes back points — a cash on
delivery order delivered (points pending, then available), points spent at checkout through the
cart (a discount on the order, debited by loyalty) and given back when that order is cancelled,
a partial return taking back its share — on {SQLite, PostgreSQL} × {SQL log, Kafka} and on Kafka
newest first; then replaying the loyalty group from offset 0 gives the same balances."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from itvision.engines.loyalty.models import ProductFacts
from itvision.platform.bus import operations
from tests.conftest import COMBINATIONS, REVERSED, eventually
from tests.engines.order.support import category, check_out, fill_cart, product, reaches
from tests.flows.test_checkout_saga import deliver, quiet
from tests.support.api import ApiClient
from tests.support.buses import caught_up

pytestmark = pytest.mark.parametrize("backend_settings", [*COMBINATIONS, REVERSED], indirect=True)

CUSTOMER = "cust-fidele"


async def balance(api: ApiClient) -> dict:
    found = await api.get(f"/api/loyalty/customers/{CUSTOMER}", role="customer", subject=CUSTOMER)
    assert found.status_code == 200, found.text
    return dict(found.json())


async def reaches_points(api: ApiClient, available: int, pending: int, what: str) -> None:
    async def there() -> bool:
        found = await balance(api)
        return (found["available"], found["pending"]) == (available, pending)

    await eventually(there, 60, f"{available} points available, {pending} pending: {what}")


async def product_facts_back(api: ApiClient) -> None:
    """The replay read the catalog's events again: the rebuilt projection is whole."""
    async with api.platform.db.reads() as session:
        assert await session.scalar(select(func.count()).select_from(ProductFacts)) == 1


def earned(order: dict) -> int:
    return (order["subtotal"] - order["discount_total"]) // 100


async def test_an_orders_life_credits_then_takes_back_points(api):
    sku = (await product(api, await category(api), "FIDELITE-HP-840", stock=10))["sku"]

    # A cash-on-delivery order: pending when placed, available once delivered.
    await fill_cart(api, [(sku, 1)], customer=CUSTOMER)
    first = await check_out(api, "cash_on_delivery", customer=CUSTOMER)
    first_points = earned(first) + 500  # and a first-order bonus
    await reaches_points(api, 0, first_points, "first order placed")
    await reaches(api, first["id"], "confirmed")
    await deliver(api, first["id"], cash_collected=first["total"], received_by="Awa")
    await reaches_points(api, first_points, 0, "first order delivered")

    # Points spent through the cart: a discount on the order, debited when it is placed...
    await fill_cart(api, [(sku, 1)], customer=CUSTOMER)
    spent = await api.post(
        "/api/carts/current/points", json={"points": 1_000}, role="customer", subject=CUSTOMER
    )
    assert spent.status_code == 200, spent.text
    cart = spent.json()
    assert cart["points"] == {
        "requested": 1_000, "redeemed": 1_000, "discount": 1_000, "available": first_points,
    }  # fmt: skip
    assert cart["discount_total"] == 1_000
    second = await check_out(api, "cash_on_delivery", customer=CUSTOMER)
    assert (second["points_redeemed"], second["points_discount"]) == (1_000, 1_000)
    assert second["total"] == cart["total"]
    await reaches_points(api, first_points - 1_000, earned(second), "points spent")
    # ... and given back, with the order's pending points taken, when it is cancelled.
    await reaches(api, second["id"], "confirmed")
    cancelled = await api.post(
        f"/api/orders/{second['id']}/cancel", json={}, role="customer", subject=CUSTOMER
    )
    assert cancelled.status_code == 200, cancelled.text
    await reaches_points(api, first_points, 0, "the spending order cancelled")

    # A partial return takes back the refunded share of what the order earned.
    await fill_cart(api, [(sku, 2)], customer=CUSTOMER)
    third = await check_out(api, "cash_on_delivery", customer=CUSTOMER)
    assert third["points_redeemed"] == 0  # a checkout spends the points asked for once
    await reaches(api, third["id"], "confirmed")
    await deliver(api, third["id"], cash_collected=third["total"], received_by="Awa")
    with_third = first_points + earned(third)
    await reaches_points(api, with_third, 0, "third order delivered")
    returned = await api.post(
        f"/api/orders/{third['id']}/refunds",
        json={"reason": "returned", "lines": [{"sku": sku, "quantity": 1}]},
        role="staff",
    )
    assert returned.status_code == 201, returned.text
    share = earned(third) * returned.json()["amount"] // third["total"]
    await reaches_points(api, with_third - share, 0, "a laptop returned")
    await quiet(api)

    # Replaying the loyalty group from the start changes no balance and writes no entry.
    before = await balance(api)
    ledger = (await api.get(f"/api/loyalty/customers/{CUSTOMER}/ledger", role="staff")).json()
    await api.platform.stop()  # a replay is done with the workers stopped
    done = await operations.reset_group(api.platform, "loyalty-engine", from_offset=0)
    assert "rebuilt" in done
    await api.platform.start()
    await caught_up(api.platform, 60)
    await product_facts_back(api)
    assert await balance(api) == before
    again = (await api.get(f"/api/loyalty/customers/{CUSTOMER}/ledger", role="staff")).json()
    assert again == ledger
