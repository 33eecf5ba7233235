"""Our projection of the catalog: each product's category path and brand, so that a sale can
be scoped by category (a parent category covers its subtree) and by brand.

Fed by `catalog.product.created|updated`. Those topics are separate partitions, so an update
may be read before the creation it follows: a row only moves forward in time."""

from __future__ import annotations

from itvision.engines.promotion.commands import RecordProduct
from itvision.engines.promotion.events import SOURCE
from itvision.engines.promotion.models import ProductScope
from itvision.platform.uow import Runner, unit_of_work


async def record_product(on: Runner, command: RecordProduct) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        row = await uow.session.get(ProductScope, command.product_id)
        if row is None:
            row = ProductScope(product_id=command.product_id)
            uow.session.add(row)
        elif row.as_of > command.as_of:
            return
        row.sku = command.sku
        row.category_path = list(command.category_path)
        row.brand = command.brand
        row.as_of = command.as_of
