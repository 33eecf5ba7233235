"""What a parcel costs in a zone.

A zone's rate is a list of weight bands, each up to a weight (inclusive) or open-ended, with a
fee and an optional amount per started kilogram above the band's start (for heavy parcels).
The band is the lightest that holds the parcel. Shipping is free when the order's subtotal
(incl. VAT, after discounts) reaches the zone's threshold, or the default one when the zone has
none. Pickup at a store is always free.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Band:
    up_to_grams: int | None
    fee: int
    per_extra_kg: int = 0


def sorted_bands(bands: Sequence[Band]) -> list[Band]:
    """Lightest first, the open-ended band last."""
    return sorted(bands, key=lambda b: (b.up_to_grams is None, b.up_to_grams or 0))


def weight_fee(bands: Sequence[Band], weight_grams: int) -> int | None:
    """The fee for a parcel of that weight, or None if no band holds it."""
    start = 0
    for band in sorted_bands(bands):
        if band.up_to_grams is None or weight_grams <= band.up_to_grams:
            extra_kg = math.ceil(max(weight_grams - start, 0) / 1000)
            return band.fee + band.per_extra_kg * extra_kg
        start = band.up_to_grams
    return None


def bands_problem(bands: Sequence[Band]) -> str | None:
    """Why a rate cannot be used (empty, two bands for one weight), or None."""
    if not bands:
        return "a rate needs at least one weight band"
    limits = [b.up_to_grams for b in bands]
    if len(set(limits)) != len(limits):
        return "two bands end at the same weight"
    return None


def shipping_fee(
    bands: Sequence[Band], weight_grams: int, subtotal: int, free_from: int | None
) -> int | None:
    """The fee the customer pays: 0 from the free-shipping threshold, else the weight's fee;
    None if the zone does not carry that weight."""
    fee = weight_fee(bands, weight_grams)
    if fee is None:
        return None
    if free_from is not None and subtotal >= free_from:
        return 0
    return fee
