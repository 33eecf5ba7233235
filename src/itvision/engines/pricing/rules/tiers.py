"""Quantity tiers (paliers de quantité): from `min_quantity` units of one SKU on a line, the unit
price is reduced by `discount_rate` (e.g. 5+ units −5 %, 10+ −8 %).

A tier list is valid when its quantities strictly increase from 2 and its discounts never
decrease (a bigger quantity never costs more per unit); the line gets the highest tier it reaches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from itvision.platform.errors import InvalidInput

MAX_TIERS = 10
MAX_TIER_DISCOUNT = Decimal("0.9")


@dataclass(frozen=True, slots=True)
class Tier:
    min_quantity: int
    discount_rate: Decimal


def validate_tiers(tiers: Sequence[Tier], field: str = "tiers") -> tuple[Tier, ...]:
    """The tiers as given, or InvalidInput naming the first offending field."""
    if len(tiers) > MAX_TIERS:
        raise InvalidInput(f"at most {MAX_TIERS} tiers", field=field)
    previous: Tier | None = None
    for index, tier in enumerate(tiers):
        where = f"{field}.{index}"
        if tier.min_quantity < 2:
            raise InvalidInput("a tier starts at 2 units or more", field=f"{where}.min_quantity")
        if not Decimal(0) < tier.discount_rate <= MAX_TIER_DISCOUNT:
            raise InvalidInput(
                f"a tier discount is above 0 and at most {MAX_TIER_DISCOUNT}",
                field=f"{where}.discount_rate",
            )
        if previous is not None:
            if tier.min_quantity <= previous.min_quantity:
                raise InvalidInput(
                    "tier quantities must strictly increase", field=f"{where}.min_quantity"
                )
            if tier.discount_rate < previous.discount_rate:
                raise InvalidInput(
                    "a higher tier cannot have a smaller discount",
                    field=f"{where}.discount_rate",
                )
        previous = tier
    return tuple(tiers)


def tier_for(tiers: Sequence[Tier], quantity: int) -> Tier | None:
    """The highest tier `quantity` reaches, if any (tiers sorted by quantity)."""
    reached = None
    for tier in tiers:
        if quantity >= tier.min_quantity:
            reached = tier
    return reached


def tier_below(tiers: Sequence[Tier], tier: Tier) -> Tier | None:
    """The tier just under `tier` (None: the untiered price)."""
    below = None
    for candidate in tiers:
        if candidate.min_quantity < tier.min_quantity:
            below = candidate
    return below


def tiers_from_json(rows: Sequence[dict[str, Any]] | None) -> tuple[Tier, ...] | None:
    """Tiers as stored (JSON, the discount as decimal text); None stays None (inherited)."""
    if rows is None:
        return None
    return tuple(Tier(int(r["min_quantity"]), Decimal(str(r["discount_rate"]))) for r in rows)


def tiers_to_json(tiers: Sequence[Tier] | None) -> list[dict[str, Any]] | None:
    if tiers is None:
        return None
    return [{"min_quantity": t.min_quantity, "discount_rate": str(t.discount_rate)} for t in tiers]
