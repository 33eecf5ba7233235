"""The facade the cart and the checkout call: what delivery to an address costs, from the zones,
rates and stores the migration seeds."""

from __future__ import annotations

import pytest

import itvision.engines.shipping as shipping
from itvision.engines.shipping import Destination, ShippingFee


def home(country: str, city: str, area: str | None = None) -> Destination:
    return Destination(country, city, area, "home_delivery")


def test_the_facade_offers_only_reads():
    assert sorted(shipping.__all__) == ["Destination", "ShippingFee", "quote_fee"]


@pytest.mark.parametrize(
    ("destination", "zone"),
    [
        (home("SN", "Dakar", "Plateau"), "sn-dakar-plateau"),
        (home("SN", "DAKAR", "medina"), "sn-dakar-medina"),
        (home("SN", "dakar", "Sacre-Coeur"), "sn-dakar-mermoz"),
        (home("SN", "Dakar", "Point E"), "sn-dakar-fann"),
        (home("SN", "Pikine"), "sn-dakar-pikine"),
        (home("SN", "Guediawaye", "Golf Sud"), "sn-dakar-guediawaye"),
        (home("SN", "Dakar", "Sicap Baobab"), "sn-dakar"),
        (home("SN", "Thies", "Randoulène"), "sn-thies"),
        (home("SN", "Touba"), "sn-touba"),
        (home("SN", "Podor"), "sn-autres"),
        (home("CI", "Abidjan", "Cocody"), "ci-abidjan-cocody"),
        (home("CI", "Abidjan", "Plateau"), "ci-abidjan-plateau"),
        (home("CI", "Yopougon"), "ci-abidjan-yopougon"),
        (home("CI", "Port Bouet"), "ci-abidjan-port-bouet"),
        (home("CI", "Korhogo"), "ci-autres"),
    ],
)
async def test_an_address_finds_its_zone(system, destination, zone):
    found = await shipping.quote_fee(system, destination, 800, 10_000)
    assert found is not None and found.zone == zone


async def test_the_fee_follows_the_weight_and_the_threshold(system):
    plateau = home("SN", "Dakar", "Plateau")
    assert await shipping.quote_fee(system, plateau, 800, 10_000) == ShippingFee(
        "sn-dakar-plateau", "Dakar — Plateau", 1000, 100_000, 1
    )
    heavy = await shipping.quote_fee(system, plateau, 32_500, 10_000)
    assert heavy is not None and heavy.fee == 4000 + 3 * 150
    free = await shipping.quote_fee(system, plateau, 32_500, 100_000)
    assert free is not None and free.fee == 0
    thies = await shipping.quote_fee(system, home("SN", "Thiès"), 3000, 120_000)
    assert thies is not None and (thies.fee, thies.free_from, thies.estimated_days) == (
        4000,
        150_000,
        2,
    )


async def test_pickup_at_a_store_is_free(system):
    found = await shipping.quote_fee(system, Destination("CI", "abidjan", None, "pickup"), 5000, 0)
    assert found == ShippingFee("store:abidjan-cocody", "IT Vision Abidjan Cocody", 0, None, 1)


async def test_no_zone_no_fee(system):
    assert await shipping.quote_fee(system, home("ML", "Bamako"), 800, 10_000) is None
    no_store = Destination("SN", "Thiès", None, "pickup")
    assert await shipping.quote_fee(system, no_store, 1, 0) is None
