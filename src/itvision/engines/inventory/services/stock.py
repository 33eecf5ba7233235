"""Staff's use cases on stock levels: receipts, returns, adjustments and counts. Each locks
the SKU's level at the location (creating it at 0 when the SKU is new there), decides what
changes from the locked quantities, and records it in the ledger."""

from __future__ import annotations

from collections.abc import Callable

from itvision.engines.inventory import queries, rules
from itvision.engines.inventory.commands import AdjustStock, CountStock, ReceiveStock, ReturnStock
from itvision.engines.inventory.events import SOURCE
from itvision.engines.inventory.models import Movement, StockLevel
from itvision.engines.inventory.services.ledger import Change, StockLedger
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def receive_stock(on: Runner, command: ReceiveStock) -> Movement:
    """Goods arrived from a supplier (réception)."""
    change = Change(
        "receipt",
        command.reference,
        command.actor,
        on_hand_delta=command.quantity,
        note=command.note,
    )
    return await _change(on, command.sku, command.warehouse_id, lambda _: change)


async def return_stock(on: Runner, command: ReturnStock) -> Movement:
    """Goods a customer sent back, back on the shelf (retour)."""
    change = Change(
        "return",
        command.reference,
        command.actor,
        on_hand_delta=command.quantity,
        note=command.note,
    )
    return await _change(on, command.sku, command.warehouse_id, lambda _: change)


async def adjust_stock(on: Runner, command: AdjustStock) -> Movement:
    """A correction with a stated cause: breakage, theft, a unit found (ajustement)."""

    def decide(level: StockLevel) -> Change:
        rules.check_adjustment(level.on_hand, level.reserved, command.delta)
        return Change(
            "adjustment",
            command.reference,
            command.actor,
            on_hand_delta=command.delta,
            note=command.note,
        )

    return await _change(on, command.sku, command.warehouse_id, decide)


async def count_stock(on: Runner, command: CountStock) -> Movement:
    """A physical count (inventaire): on hand becomes what was counted. A count that finds
    what was recorded is still written to the ledger, as proof it was done."""

    def decide(level: StockLevel) -> Change:
        delta = rules.count_delta(level.on_hand, level.reserved, command.counted)
        return Change(
            "count", command.reference, command.actor, on_hand_delta=delta, note=command.note
        )

    return await _change(on, command.sku, command.warehouse_id, decide)


async def _change(
    on: Runner, sku: str, warehouse_id: str, decide: Callable[[StockLevel], Change]
) -> Movement:
    async with unit_of_work(on, SOURCE) as uow:
        ledger = StockLedger(uow, utcnow())
        item = await queries.known_item(uow, sku)
        await queries.known_location(uow, warehouse_id)
        level = await ledger.lock_level(sku, warehouse_id)
        if level is None:
            await ledger.ensure_levels(sku, [warehouse_id])
            level = await ledger.lock_level(sku, warehouse_id)
            assert level is not None
        return await ledger.apply(level, item, decide(level))
