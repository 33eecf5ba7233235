"""Never oversold: 100 concurrent reservations of the last 10 units, on SQLite (units of work
serialize on BEGIN IMMEDIATE) and on PostgreSQL (the levels are locked FOR UPDATE)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from itvision.engines.inventory.commands import ReserveStock
from itvision.engines.inventory.models import Reservation, ReservationLine
from itvision.engines.inventory.rules import InsufficientStock
from itvision.engines.inventory.services.reservations import reserve_stock
from itvision.platform.auth import Principal, Role
from tests.conftest import COMBINATIONS
from tests.engines.inventory.support import ledger_of, level_of, stocked

pytestmark = pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)


async def test_100_concurrent_reservations_of_10_units_succeed_exactly_10_times(system):
    sku = await stocked(system, "SSD-1TB", on_hand=10)
    partner = Principal("partner-sn", Role.PARTNER)

    async def attempt(i: int) -> str | InsufficientStock:
        try:
            await reserve_stock(
                system, ReserveStock(sku=sku, quantity=1, reference=f"cart-{i}", caller=partner)
            )
        except InsufficientStock as exc:
            return exc
        return "reserved"

    outcomes = await asyncio.gather(*(attempt(i) for i in range(100)))

    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert outcomes.count("reserved") == 10
    assert len(refused) == 90
    assert all(e.status == 409 and e.field == "sku" and e.available == 0 for e in refused)
    level = await level_of(system, sku)
    assert (level.on_hand, level.reserved) == (10, 10)
    held = await ledger_of(system, sku, "reservation")
    assert len(held) == 10
    assert sum(m.reserved_delta for m in held) == level.reserved
    assert sorted(m.reserved_after for m in held) == list(range(1, 11))
    async with system.db.reads() as session:
        open_units = await session.scalar(
            select(func.sum(ReservationLine.quantity))
            .join(Reservation)
            .where(Reservation.status == "active")
        )
    assert open_units == 10
