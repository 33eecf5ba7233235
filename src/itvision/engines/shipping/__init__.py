"""Shipping engine (`shipping-engine`): delivery zones and fees, pickup stores, shipments and
their tracking. Its public contract is `events`.

Other engines may ask here what delivery to an address costs (`quote_fee`: the cart, the
checkout); shipments are created and moved only through events and the shipping API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from itvision.platform.system import Platform

__all__ = ["Destination", "ShippingFee", "quote_fee"]


@dataclass(frozen=True, slots=True)
class Destination:
    """Where an order goes: a home address (city and quartier) or the city of the store the
    customer collects from. Names are matched whatever their case and accents."""

    country: str
    city: str
    area: str | None
    delivery_method: Literal["home_delivery", "pickup"]


@dataclass(frozen=True, slots=True)
class ShippingFee:
    """What delivery costs: `fee` is 0 from `free_from` (the subtotal, VAT incl., from which
    the zone delivers for free; None: never) and for a pickup, whose `zone` is
    `store:<store code>` and `zone_name` the store's name."""

    zone: str
    zone_name: str
    fee: int
    free_from: int | None
    estimated_days: int


async def quote_fee(
    platform: Platform,
    destination: Destination,
    weight_grams: int,
    subtotal: int,
    customer_id: str | None = None,
) -> ShippingFee | None:
    """The delivery fee for a parcel of that weight and an order of that subtotal (XOF, VAT
    incl., after discounts), for `customer_id` if known (their loyalty tier may deliver free);
    None when no zone serves that address (no store in that city for a pickup, or a parcel
    heavier than the zone carries)."""
    # Imported here so that importing the engine's `events` stays light for other engines.
    from itvision.engines.shipping.queries import fees

    found = await fees.quote(
        platform,
        country=destination.country,
        city=destination.city,
        area=destination.area,
        delivery_method=destination.delivery_method,
        weight_grams=weight_grams,
        subtotal=subtotal,
        customer_id=customer_id,
    )
    if found is None:
        return None
    return ShippingFee(
        found.zone, found.zone_name, found.fee, found.free_from, found.estimated_days
    )
