"""Our projection of the catalog: each product's category path and brand, so that a sale can
be scoped by category (a parent category covers its subtree) and by brand.

Fed by `catalog.product.created|updated`. Those topics are separate partitions, so an update
may be read before the creation it follows: a row only moves forward in time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from itvision.engines.promotion.commands import RecordProduct
from itvision.engines.promotion.events import SOURCE
from itvision.engines.promotion.models import ProductScope
from itvision.platform.uow import Runner, unit_of_work


async def record_product(on: Runner, command: RecordProduct) -> None:
    await record_products(on, [command])


async def record_products(on: Runner, commands: Sequence[RecordProduct]) -> None:
    """`record_product` for many products in log order, their rows read in one query."""
    async with unit_of_work(on, SOURCE) as uow:
        ids = sorted({c.product_id for c in commands})
        rows = {
            row.product_id: row
            for row in await uow.session.scalars(
                select(ProductScope).where(ProductScope.product_id.in_(ids))
            )
        }
        for command in commands:
            row = rows.get(command.product_id)
            if row is None:
                row = rows[command.product_id] = ProductScope(product_id=command.product_id)
                uow.session.add(row)
            elif row.as_of > command.as_of:
                continue
            row.sku = command.sku
            row.category_path = list(command.category_path)
            row.brand = command.brand
            row.as_of = command.as_of
