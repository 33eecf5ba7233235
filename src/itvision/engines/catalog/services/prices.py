"""The catalog's projection of the pricing engine's calculated prices (`catalog_prices`).

The catalog keeps the latest selling price of each product so that lists filter and sort by
price and products show it. A price calculated before the one kept is ignored: after a replay or
a redelivery, an old calculation never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from itvision.engines.catalog.commands import RecordPrice
from itvision.engines.catalog.events import SOURCE
from itvision.engines.catalog.models import ProductPrice
from itvision.engines.catalog.rules.prices import is_newer_price
from itvision.platform.uow import Runner, unit_of_work


async def record_price(on: Runner, command: RecordPrice) -> None:
    await record_prices(on, [command])


async def record_prices(on: Runner, commands: Sequence[RecordPrice]) -> None:
    """`record_price` for many calculations in log order, the kept prices read (and locked)
    in one query."""
    async with unit_of_work(on, SOURCE) as uow:
        ids = sorted({c.product_id for c in commands})
        kept = {
            row.product_id: row
            for row in await uow.session.scalars(
                select(ProductPrice).where(ProductPrice.product_id.in_(ids)).with_for_update()
            )
        }
        for command in commands:
            row = kept.get(command.product_id)
            if row is None:
                kept[command.product_id] = ProductPrice(
                    product_id=command.product_id,
                    final_price=command.final_price,
                    currency=command.currency,
                    calculated_at=command.calculated_at,
                )
                uow.session.add(kept[command.product_id])
            elif is_newer_price(row.calculated_at, command.calculated_at):
                row.final_price = command.final_price
                row.currency = command.currency
                row.calculated_at = command.calculated_at
