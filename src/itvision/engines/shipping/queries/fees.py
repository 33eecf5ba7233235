"""What delivery to an address costs: the zone that serves it and its rate, or the store for a
pickup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from itvision.engines.shipping.models import MemberTier
from itvision.engines.shipping.queries import network
from itvision.engines.shipping.rules.fees import shipping_fee
from itvision.engines.shipping.rules.zones import fold
from itvision.engines.shipping.settings import ShippingSettings
from itvision.platform.uow import Runner, read_session

PICKUP_ZONE_PREFIX = "store:"


@dataclass(frozen=True, slots=True)
class Quote:
    zone: str
    zone_name: str
    fee: int
    free_from: int | None
    estimated_days: int
    store_code: str | None = None


async def quote(
    on: Runner,
    *,
    country: str,
    city: str,
    area: str | None,
    delivery_method: Literal["home_delivery", "pickup"],
    weight_grams: int,
    subtotal: int,
    customer_id: str | None = None,
) -> Quote | None:
    """The fee for that destination, or None when no zone (no store, for a pickup) serves it
    or its zone does not carry that weight; 0 for a customer whose loyalty tier delivers free."""
    if delivery_method == "pickup":
        store = await network.pickup_store(on, country, fold(city))
        if store is None:
            return None
        return Quote(
            PICKUP_ZONE_PREFIX + store.code, store.name, 0, None, store.ready_in_days, store.code
        )
    serving = await network.rate_serving(on, country, city, area)
    if serving is None:
        return None
    zone, bands = serving
    free_from = zone.free_from
    if free_from is None:
        free_from = on.settings_of(ShippingSettings).default_free_from
    fee = shipping_fee(bands, weight_grams, subtotal, free_from)
    if fee is None:
        return None
    if customer_id is not None and await _delivers_free(on, customer_id):
        fee = 0
    return Quote(zone.code, zone.name, fee, free_from, zone.estimated_days)


async def _delivers_free(on: Runner, customer_id: str) -> bool:
    async with read_session(on) as session:
        member = await session.get(MemberTier, customer_id)
    return member is not None and member.free_shipping
