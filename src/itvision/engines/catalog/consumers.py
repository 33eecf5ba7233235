"""What the catalog reacts to: the pricing engine's calculated prices, kept as the latest
selling price of each product (`services.prices`)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.commands import RecordPrice
from itvision.engines.catalog.events import SOURCE
from itvision.engines.catalog.models import ProductPrice
from itvision.engines.catalog.services.prices import record_price
from itvision.engines.pricing.events import PriceCalculated
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork


async def _forget_prices(session: AsyncSession) -> None:
    """Before a replay from the start of the log: the projection is rebuilt from scratch."""
    await session.execute(delete(ProductPrice))


GROUP = ConsumerGroup(SOURCE, rebuild=_forget_prices)


@GROUP.on("pricing.price.calculated")
async def keep_latest_price(event: Event[PriceCalculated], uow: UnitOfWork) -> None:
    price = event.payload
    command = RecordPrice(
        product_id=price.product_id,
        final_price=price.final_price,
        currency=price.currency,
        calculated_at=price.calculated_at,
    )
    await record_price(uow, command)
