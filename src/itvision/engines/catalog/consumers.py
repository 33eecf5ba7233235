"""What the catalog reacts to: the pricing engine's calculated prices, kept as the latest
selling price of each product (`services.prices`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.commands import RecordPrice
from itvision.engines.catalog.events import SOURCE
from itvision.engines.catalog.models import ProductPrice
from itvision.engines.catalog.services.prices import record_prices
from itvision.engines.pricing.events import PriceCalculated
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork


async def _forget_prices(session: AsyncSession) -> None:
    """Before a replay from the start of the log: the projection is rebuilt from scratch."""
    await session.execute(delete(ProductPrice))


GROUP = ConsumerGroup(SOURCE, rebuild=_forget_prices)


@GROUP.on_batch("pricing.price.calculated")
async def keep_latest_prices(events: Sequence[Event[PriceCalculated]], uow: UnitOfWork) -> None:
    await record_prices(
        uow,
        [
            RecordPrice(
                product_id=e.payload.product_id,
                final_price=e.payload.final_price,
                currency=e.payload.currency,
                calculated_at=e.payload.calculated_at,
            )
            for e in events
        ],
    )
