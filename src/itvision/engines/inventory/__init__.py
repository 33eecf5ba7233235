"""Inventory engine (`inventory-engine`): stock per SKU and location, the movement ledger,
reservations, low-stock alerts and reorder suggestions. Its public contract is `events`.

Other engines may read availability here; they change stock only through events (an order
placed reserves it, a shipment sells it, a refund restocks it).
"""

from __future__ import annotations

from dataclasses import dataclass

from itvision.platform.system import Platform

__all__ = ["Availability", "availability"]


@dataclass(frozen=True, slots=True)
class Availability:
    """How many units of a SKU can be sold now, in all and per location."""

    sku: str
    available: int
    by_location: dict[str, int]

    @property
    def in_stock(self) -> bool:
        return self.available > 0


async def availability(platform: Platform, sku: str) -> Availability | None:
    """A SKU's available quantity (on hand − reserved), or None if inventory does not know it."""
    # Imported here so that importing the engine's `events` stays light for other engines.
    from itvision.engines.inventory import queries

    found = (await queries.availability(platform, [sku])).get(sku)
    if found is None:
        return None
    return Availability(sku, sum(found.values()), found)
