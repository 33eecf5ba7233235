"""The catalog projection the earn rules read: each product's category path and brand."""

from __future__ import annotations

from collections.abc import Sequence

from itvision.engines.loyalty.commands import RecordProduct
from itvision.engines.loyalty.events import SOURCE
from itvision.engines.loyalty.models import ProductFacts
from itvision.platform.uow import Runner, unit_of_work


async def record_products(on: Runner, commands: Sequence[RecordProduct]) -> None:
    async with unit_of_work(on, SOURCE) as uow:
        latest = {c.product_id: c for c in commands}
        for command in latest.values():
            await uow.session.merge(
                ProductFacts(
                    product_id=command.product_id,
                    category_path=list(command.category_path),
                    brand=command.brand,
                )
            )
