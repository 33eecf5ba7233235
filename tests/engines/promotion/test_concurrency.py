"""The last usage of a code cannot be taken twice, even by orders reserved at the same moment
(SQLite serializes writers; PostgreSQL locks the code's row)."""

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from itvision.engines.promotion.commands import CreatePromotion, ReserveOrderCodes
from itvision.engines.promotion.events import SOURCE
from itvision.engines.promotion.models import Usage
from itvision.engines.promotion.rules.carts import CartLine
from itvision.engines.promotion.rules.offers import Kind
from itvision.engines.promotion.services.campaigns import create_promotion
from itvision.engines.promotion.services.usages import reserve_order_codes
from itvision.platform.events import utcnow
from tests.conftest import COMBINATIONS

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)


def order(order_id: str, customer_id: str) -> ReserveOrderCodes:
    return ReserveOrderCodes(
        order_id=order_id,
        customer_id=customer_id,
        codes=("DERNIER",),
        lines=(CartLine("SKU-p1", "p1", 1, 100_000),),
        shipping_fee=0,
        placed_at=utcnow(),
    )


async def test_two_orders_racing_for_the_last_usage_get_it_once(system):
    await create_promotion(
        system,
        CreatePromotion(
            name="Dernier",
            kind=Kind.PERCENTAGE,
            discount_rate=Decimal("0.1"),
            code="DERNIER",
            usage_limit=3,
            created_by="staff",
        ),
    )
    rejected: list[str] = []

    async def place(n: int) -> None:
        async with system.uows(SOURCE) as uow:
            await reserve_order_codes(uow, order(f"ord-{n}", f"cust-{n}"))
            rejected.extend(e.payload["orderId"] for e in uow.emitted)

    await asyncio.gather(*(place(n) for n in range(8)))
    async with system.db.reads() as session:
        reserved = await session.scalar(select(func.count()).select_from(Usage))
    assert reserved == 3
    assert len(rejected) == 5
