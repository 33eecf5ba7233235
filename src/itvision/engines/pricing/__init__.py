"""Pricing engine (`pricing-engine`): prices, margins, quantity tiers, quotes.

Its public contract is `events`. Other engines may also read, synchronously, through this
facade: what a quote said (an order keeps the price it was quoted) and what a SKU cost at a
given moment (many SKUs at once). Both take the platform and read what is committed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

# The platform only: the engine's internals are imported inside the functions, so that
# importing the engine's `events` does not import them.
from itvision.platform.system import Platform

__all__ = ["Quote", "QuotedLine", "SkuPrice", "prices_at", "quote"]


@dataclass(frozen=True, slots=True)
class QuotedLine:
    sku: str
    product_id: str
    variant_id: str | None
    quantity: int
    base_cost: int
    unit_price_excl_vat: int
    unit_vat: int
    unit_price_incl_vat: int
    line_total_excl_vat: int
    line_vat: int
    line_total_incl_vat: int


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    owner_subject: str | None
    currency: str
    vat_rate: Decimal
    lines: tuple[QuotedLine, ...]
    total_excl_vat: int
    total_vat: int
    total_incl_vat: int
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SkuPrice:
    """One unit of a SKU, excl. and incl. VAT, as recorded in the price history."""

    sku: str
    product_id: str
    currency: str
    base_cost: int
    price_excl_vat: int
    vat_amount: int
    price_incl_vat: int


async def quote(platform: Platform, quote_id: str) -> Quote | None:
    """The quote as it was given, expired or not (compare `expires_at`), or None."""
    from itvision.engines.pricing.queries.quotes import find_quote

    stored = await find_quote(platform, quote_id)
    if stored is None:
        return None
    fields = QuotedLine.__dataclass_fields__
    return Quote(
        id=stored.id,
        owner_subject=stored.owner_subject,
        currency=stored.currency,
        vat_rate=stored.vat_rate,
        lines=tuple(
            QuotedLine(**{k: v for k, v in line.items() if k in fields}) for line in stored.lines
        ),
        total_excl_vat=stored.total_excl_vat,
        total_vat=stored.total_vat,
        total_incl_vat=stored.total_incl_vat,
        created_at=stored.created_at,
        expires_at=stored.expires_at,
    )


async def prices_at(platform: Platform, skus: Collection[str], at: datetime) -> dict[str, SkuPrice]:
    """The price of one unit of each of `skus` at `at` (any status), by SKU; a SKU that had
    none then (or is unknown) is left out. One statement, whatever the number of SKUs."""
    from itvision.engines.pricing.queries.prices import recorded_prices

    return {
        view.item.sku: SkuPrice(
            sku=view.item.sku,
            product_id=view.item.product_id,
            currency=view.item.currency,
            base_cost=view.price.base_cost,
            price_excl_vat=view.price.price_excl_vat,
            vat_amount=view.price.vat_amount,
            price_incl_vat=view.price.price_incl_vat,
        )
        for view in await recorded_prices(platform, skus, at)
    }
