"""Items: the SKUs inventory knows, a projection of the catalog's products and variants (name,
cost price), and their replenishment settings set by staff."""

from __future__ import annotations

from collections.abc import Sequence

from itvision.engines.inventory import queries
from itvision.engines.inventory.commands import (
    RefreshProduct,
    RegisterProduct,
    RegisterVariant,
    UpdateItemSettings,
)
from itvision.engines.inventory.events import SOURCE
from itvision.engines.inventory.models import Item
from itvision.engines.inventory.services.ledger import StockLedger
from itvision.platform.errors import NotYet
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work

NAME_LENGTH = 300


async def register_product(on: Runner, command: RegisterProduct) -> bool:
    """Make a product's SKU known to inventory, with 0 on hand at every default location, so
    that a new product is stocked (known) without anyone calling inventory. False if it
    already was."""
    return await register_products(on, [command]) == 1


async def register_products(on: Runner, commands: Sequence[RegisterProduct]) -> int:
    """`register_product` for many products at once (a catalog import brings thousands): one
    query tells which are new, one statement gives them their levels. Returns how many were
    new."""
    async with unit_of_work(on, SOURCE) as uow:
        known = await queries.known_skus(uow, [c.sku for c in commands])
        ledger = StockLedger(uow, utcnow())
        new: dict[str, Item] = {}
        for command in commands:
            if command.sku in known or command.sku in new:
                continue
            new[command.sku] = Item(
                sku=command.sku,
                product_id=command.product_id,
                name=command.name[:NAME_LENGTH],
                unit_cost=command.unit_cost,
                created_at=ledger.now,
                updated_at=ledger.now,
            )
        if new:
            uow.session.add_all(new.values())
            await uow.session.flush()
            await ledger.ensure_levels_of(list(new), await queries.default_locations(uow))
        return len(new)


async def register_variant(on: Runner, command: RegisterVariant) -> bool:
    """Make a variant's SKU known, named "<product> (<options>)" and costed as its product
    when it has no cost of its own. False if it already was. A variant of a product inventory
    has not seen yet (its event overtook the product's, on another topic) is not yet: it would
    get neither name nor cost."""
    async with unit_of_work(on, SOURCE) as uow:
        product = await queries.product_item(uow, command.product_id)
        if product is None:
            raise NotYet(f"variant {command.variant_id} of unknown product {command.product_id}")
        options = ", ".join(command.options)
        unit_cost = command.unit_cost
        if unit_cost is None:
            unit_cost = product.unit_cost
        item = Item(
            sku=command.sku,
            product_id=command.product_id,
            variant_id=command.variant_id,
            name=f"{product.name} ({options})",
            unit_cost=unit_cost,
        )
        return await _register(uow, item)


async def refresh_product(on: Runner, command: RefreshProduct) -> None:
    """Keep the projection of a product's name and cost (for reorder cost estimates); a
    product inventory did not know is registered."""
    async with unit_of_work(on, SOURCE) as uow:
        item = await uow.session.get(Item, command.sku)
        if item is None:
            await _register(
                uow,
                Item(
                    sku=command.sku,
                    product_id=command.product_id,
                    name=command.name,
                    unit_cost=command.unit_cost,
                ),
            )
            return
        item.name = command.name[:NAME_LENGTH]
        item.unit_cost = command.unit_cost
        item.updated_at = utcnow()


async def _register(on: Runner, item: Item) -> bool:
    async with unit_of_work(on, SOURCE) as uow:
        if await uow.session.get(Item, item.sku) is not None:
            return False
        ledger = StockLedger(uow, utcnow())
        item.name = item.name[:NAME_LENGTH]
        item.created_at = item.updated_at = ledger.now
        uow.session.add(item)
        await uow.session.flush()
        await ledger.ensure_levels(item.sku, await queries.default_locations(uow))
        return True


async def update_item_settings(on: Runner, command: UpdateItemSettings) -> Item:
    """Set a SKU's replenishment settings (None restores the default), then send the alerts
    the new settings call for right away rather than at the next movement, at the locations
    that hold some of it."""
    async with unit_of_work(on, SOURCE) as uow:
        ledger = StockLedger(uow, utcnow())
        item = await queries.known_item(uow, command.sku)
        for name in command.changed:
            setattr(item, name, getattr(command, name))
        item.updated_at = ledger.now
        levels = await ledger.lock_levels(command.sku)
        # A location that holds none of it (never stocked there) is not alerted about.
        await ledger.raise_alerts([level for level in levels if level.on_hand > 0], item)
        return item
