"""The facade other engines may call: availability, read-only."""

from __future__ import annotations

import itvision.engines.inventory as inventory
from itvision.engines.inventory.commands import ReserveStock
from itvision.engines.inventory.services.reservations import reserve_stock
from itvision.platform.auth import Principal, Role
from tests.engines.inventory.support import stocked


def test_the_facade_offers_only_reads():
    assert sorted(inventory.__all__) == ["Availability", "availability"]
    for name in inventory.__all__:
        assert getattr(inventory, name) is not None


async def test_availability_of_a_sku(system):
    sku = await stocked(system, "KB-LOGI", on_hand=6)
    await reserve_stock(
        system,
        ReserveStock(sku=sku, quantity=2, reference="cart-1", caller=Principal("p", Role.PARTNER)),
    )
    found = await inventory.availability(system, sku)
    assert found == inventory.Availability(sku, 4, {"abidjan": 0, "dakar": 4})
    assert found.in_stock
    assert await inventory.availability(system, "NOPE") is None
