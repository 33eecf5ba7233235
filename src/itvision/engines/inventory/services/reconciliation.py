"""Reconciliation: every stock level checked against what should explain it.

- reserved must equal the sum of the level's open (active) reservations. `fix` sets it to that
  sum, with an `adjustment` ledger entry — unless the open reservations exceed on hand, which
  only a count or releasing reservations can settle (reported, not fixed).
- on hand must equal the sum of the level's ledger entries. `fix` keeps on hand (it is what was
  being sold from) and writes the `count` entry the ledger missed; confirm with a physical count.

Repairs carry the reference `reconcile-<time>`, emit `inventory.stock.updated` and any alert,
and run one level per unit of work, each checked again under the level's lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from itvision.engines.inventory import queries, rules
from itvision.engines.inventory.commands import ReconcileStock
from itvision.engines.inventory.events import SOURCE
from itvision.engines.inventory.models import Item
from itvision.engines.inventory.services.ledger import Change, StockLedger
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


@dataclass(frozen=True, slots=True)
class Repair:
    drift: rules.Drift
    fixed: bool
    note: str


@dataclass
class ReconcileReport:
    levels_checked: int
    drifts: list[rules.Drift]
    repairs: list[Repair] = field(default_factory=list)
    reference: str | None = None

    def repair_of(self, drift: rules.Drift) -> Repair | None:
        return next((r for r in self.repairs if r.drift == drift), None)


async def reconcile_stock(
    on: Runner,
    command: ReconcileStock,
    *,
    check_progress: queries.Progress | None = None,
    fix_progress: queries.Progress | None = None,
) -> ReconcileReport:
    """Report every drift; with `fix`, repair them (see the module docstring)."""
    checked, drifts = await queries.find_drifts(on, check_progress)
    report = ReconcileReport(checked, drifts)
    if not command.fix or not drifts:
        return report
    report.reference = f"reconcile-{utcnow():%Y%m%dT%H%M%S%fZ}"
    for done, drift in enumerate(drifts, start=1):
        report.repairs.append(await _repair(on, drift, report.reference))
        if fix_progress is not None:
            fix_progress(done, len(drifts))
    return report


async def _repair(on: Runner, drift: rules.Drift, reference: str) -> Repair:
    key = (drift.sku, drift.warehouse_id)
    async with unit_of_work(on, SOURCE) as uow:
        ledger = StockLedger(uow, utcnow())
        level = await ledger.lock_level(*key)
        item = await uow.session.get(Item, drift.sku)
        if level is None or item is None:
            return Repair(drift, False, "the stock level is gone")
        if drift.quantity == "reserved":
            expected = (await queries.open_reserved(uow, key)).get(key, 0)
            if level.reserved == expected:
                return Repair(drift, False, "already in line")
            if expected > level.on_hand:
                return Repair(
                    drift, False, f"open reservations ({expected}) exceed on hand; count first"
                )
            change = Change(
                "adjustment",
                reference,
                SOURCE,
                reserved_delta=expected - level.reserved,
                note="reserved brought in line with the open reservations",
            )
            await ledger.apply(level, item, change)
            return Repair(drift, True, f"reserved set to {expected}")
        expected = (await queries.ledger_on_hand(uow, key)).get(key, 0)
        if level.on_hand == expected:
            return Repair(drift, False, "already in line")
        change = Change(
            "count",
            reference,
            SOURCE,
            on_hand_delta=level.on_hand - expected,
            note="ledger brought in line with on hand; confirm with a physical count",
        )
        await ledger.acknowledge(level, item, change)
        return Repair(drift, True, f"ledger entry of {level.on_hand - expected:+d} written")
