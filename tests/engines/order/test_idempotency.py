"""The same checkout sent twice at once (a double tap, a retry racing the first try) makes one
order, and a customer's first additions at once make one cart, on SQLite (writers take turns)
and on PostgreSQL (they run side by side)."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from sqlalchemy import func, select

from itvision.engines.order.commands import (
    Address,
    CartItem,
    CartOwner,
    PlacedLine,
    PlaceOrder,
    SetCartLine,
)
from itvision.engines.order.models import Cart, CartLine, Order
from itvision.engines.order.services.carts import set_cart_line
from itvision.engines.order.services.checkout import IdempotencyKeyReused, place_order
from tests.conftest import COMBINATIONS
from tests.engines.order.support import DAKAR

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)

COMMAND = PlaceOrder(
    customer_id="cust-awa",
    idempotency_key="tap-tap",
    request_hash="same-body",
    cart_id="no-cart",
    lines=(PlacedLine("LAPTOP-1", "p1", None, "Portable", 1, 389_400, 330_000, 0),),
    subtotal=389_400,
    discount_total=0,
    shipping_fee=0,
    vat_total=59_400,
    total=389_400,
    payment_method="wave",
    delivery_method="pickup",
    address=Address(**DAKAR),
    shipping_zone=None,
    promotion_codes=(),
)


async def test_a_checkout_sent_twice_at_once_makes_one_order(engine):
    placements = await asyncio.gather(*(place_order(engine, COMMAND) for _ in range(4)))
    assert len({p.order.id for p in placements}) == 1
    assert sorted(p.replayed for p in placements) == [False, True, True, True]
    async with engine.db.reads() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1
    with pytest.raises(IdempotencyKeyReused):
        await place_order(engine, dataclasses.replace(COMMAND, request_hash="other-body"))


async def test_first_additions_at_once_share_one_cart(engine):
    item = CartItem("MOUSE-1", "p2", None, "Souris", 100, 10_000)
    owner = CartOwner(customer_id="cust-new")
    await asyncio.gather(
        *(set_cart_line(engine, SetCartLine(owner, item, 1, add=True)) for _ in range(4))
    )
    async with engine.db.reads() as session:
        assert await session.scalar(select(func.count()).select_from(Cart)) == 1
        assert await session.scalar(select(CartLine.quantity)) == 4
