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

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.inventory import ledger, rules
from itvision.engines.inventory.config import inventory_settings
from itvision.engines.inventory.models import (
    Item,
    Movement,
    Reservation,
    ReservationLine,
    StockLevel,
)
from itvision.engines.inventory.stock import SOURCE
from itvision.platform.events import utcnow
from itvision.platform.system import Platform

Progress = Callable[[int, int], None]
# (sku, location, total) rows
Sums = Select[tuple[str, str, int]]


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


def _open_reserved(sku: str | None = None, warehouse_id: str | None = None) -> Sums:
    query = (
        select(
            ReservationLine.sku, ReservationLine.warehouse_id, func.sum(ReservationLine.quantity)
        )
        .join(Reservation, Reservation.id == ReservationLine.reservation_id)
        .where(Reservation.status == "active")
        .group_by(ReservationLine.sku, ReservationLine.warehouse_id)
    )
    if sku is not None:
        query = query.where(
            ReservationLine.sku == sku, ReservationLine.warehouse_id == warehouse_id
        )
    return query


def _ledger_on_hand(sku: str | None = None, warehouse_id: str | None = None) -> Sums:
    query = select(Movement.sku, Movement.warehouse_id, func.sum(Movement.on_hand_delta)).group_by(
        Movement.sku, Movement.warehouse_id
    )
    if sku is not None:
        query = query.where(Movement.sku == sku, Movement.warehouse_id == warehouse_id)
    return query


async def _sums(session: AsyncSession, query: Sums) -> dict[tuple[str, str], int]:
    return {(sku, w): int(total or 0) for sku, w, total in await session.execute(query)}


async def find_drifts(
    platform: Platform, progress: Progress | None = None
) -> tuple[int, list[rules.Drift]]:
    """(levels checked, drifts found)."""
    async with platform.db.reads() as session:
        levels = [
            rules.LevelQuantities(sku, w, on_hand, reserved)
            for sku, w, on_hand, reserved in await session.execute(
                select(
                    StockLevel.sku, StockLevel.warehouse_id, StockLevel.on_hand, StockLevel.reserved
                ).order_by(StockLevel.sku, StockLevel.warehouse_id)
            )
        ]
        open_reserved = await _sums(session, _open_reserved())
        ledger_on_hand = await _sums(session, _ledger_on_hand())
    drifts: list[rules.Drift] = []
    for done, level in enumerate(levels, start=1):
        drifts.extend(rules.find_drifts([level], open_reserved, ledger_on_hand))
        if progress is not None:
            progress(done, len(levels))
    return len(levels), drifts


async def _repair(platform: Platform, drift: rules.Drift, reference: str) -> Repair:
    now = utcnow()
    config = inventory_settings()
    async with platform.uows(SOURCE) as uow:
        session = uow.session
        level = await ledger.lock_level(session, drift.sku, drift.warehouse_id)
        item = await session.get(Item, drift.sku)
        if level is None or item is None:
            return Repair(drift, False, "the stock level is gone")
        if drift.quantity == "reserved":
            expected = (await _sums(session, _open_reserved(drift.sku, drift.warehouse_id))).get(
                (drift.sku, drift.warehouse_id), 0
            )
            if level.reserved == expected:
                return Repair(drift, False, "already in line")
            if expected > level.on_hand:
                return Repair(
                    drift, False, f"open reservations ({expected}) exceed on hand; count first"
                )
            change = ledger.Change(
                "adjustment",
                reference,
                SOURCE,
                reserved_delta=expected - level.reserved,
                note="reserved brought in line with the open reservations",
            )
            await ledger.apply(uow, level, item, change, now, config)
            return Repair(drift, True, f"reserved set to {expected}")
        expected = (await _sums(session, _ledger_on_hand(drift.sku, drift.warehouse_id))).get(
            (drift.sku, drift.warehouse_id), 0
        )
        if level.on_hand == expected:
            return Repair(drift, False, "already in line")
        change = ledger.Change(
            "count",
            reference,
            SOURCE,
            on_hand_delta=level.on_hand - expected,
            note="ledger brought in line with on hand; confirm with a physical count",
        )
        await ledger.acknowledge(uow, level, item, change, now, config)
        return Repair(drift, True, f"ledger entry of {level.on_hand - expected:+d} written")


async def reconcile(
    platform: Platform,
    *,
    fix: bool = False,
    check_progress: Progress | None = None,
    fix_progress: Progress | None = None,
) -> ReconcileReport:
    """Report every drift; with `fix`, repair them (see the module docstring)."""
    checked, drifts = await find_drifts(platform, check_progress)
    report = ReconcileReport(checked, drifts)
    if not fix or not drifts:
        return report
    report.reference = f"reconcile-{utcnow():%Y%m%dT%H%M%S%fZ}"
    for done, drift in enumerate(drifts, start=1):
        report.repairs.append(await _repair(platform, drift, report.reference))
        if fix_progress is not None:
            fix_progress(done, len(drifts))
    return report
