"""The catalog's projection of the pricing engine's calculated prices (`catalog_prices`).

The catalog keeps the latest selling price of each product so that lists filter and sort by
price and products show it. A price calculated before the one kept is ignored: after a replay or
a redelivery, an old calculation never overwrites a newer one.
"""

from __future__ import annotations

from itvision.engines.catalog.commands import RecordPrice
from itvision.engines.catalog.events import SOURCE
from itvision.engines.catalog.models import ProductPrice
from itvision.engines.catalog.rules.prices import is_newer_price
from itvision.platform.uow import Runner, unit_of_work


async def record_price(on: Runner, command: RecordPrice) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        kept = await uow.session.get(ProductPrice, command.product_id, with_for_update=True)
        if kept is None:
            uow.session.add(
                ProductPrice(
                    product_id=command.product_id,
                    final_price=command.final_price,
                    currency=command.currency,
                    calculated_at=command.calculated_at,
                )
            )
            await uow.session.flush()  # the next event of this batch for the product must see it
        elif is_newer_price(kept.calculated_at, command.calculated_at):
            kept.final_price = command.final_price
            kept.currency = command.currency
            kept.calculated_at = command.calculated_at
