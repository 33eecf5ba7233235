"""What the catalog reacts to: the pricing engine's calculated prices.

The catalog keeps the latest selling price of each product (`catalog_prices`) so that lists
filter and sort by price and products show it. A price calculated before the one kept is
ignored: after a replay or a redelivery, an old calculation never overwrites a newer one.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.models import ProductPrice
from itvision.engines.catalog.rules import is_newer_price
from itvision.engines.pricing.events import PriceCalculated
from itvision.platform.bus.consumer import ConsumerGroup
from itvision.platform.events import Event
from itvision.platform.uow import UnitOfWork


async def _forget_prices(session: AsyncSession) -> None:
    await session.execute(delete(ProductPrice))


GROUP = ConsumerGroup("catalog-engine", rebuild=_forget_prices)


@GROUP.on("pricing.price.calculated")
async def keep_latest_price(event: Event[PriceCalculated], uow: UnitOfWork) -> None:
    price = event.payload
    kept = await uow.session.get(ProductPrice, price.product_id, with_for_update=True)
    if kept is None:
        uow.session.add(
            ProductPrice(
                product_id=price.product_id,
                final_price=price.final_price,
                currency=price.currency,
                calculated_at=price.calculated_at,
            )
        )
        await uow.session.flush()  # the next event of this batch for the product must see it
    elif is_newer_price(kept.calculated_at, price.calculated_at):
        kept.final_price = price.final_price
        kept.currency = price.currency
        kept.calculated_at = price.calculated_at
