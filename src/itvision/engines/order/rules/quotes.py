"""An accepted quote (devis) becomes an order at the quoted prices. A quote's lines are priced
excluding VAT, after its discounts; an order's lines include VAT:

    unit price incl. VAT = unit price excl. VAT × (1 + VAT rate), rounded to the franc
    total                = the quote's total (what the customer accepted)

Rounding each unit can make the lines add up to a few francs more than the quote's total: the
difference is the order's discount, so the customer never pays more than the quote. When they
add up to less, the customer pays what the lines say.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from itvision.engines.order.rules.totals import LineAmount, Totals, vat_inside
from itvision.platform.money import VAT_RATE, round_amount


def price_incl_vat(unit_price_excl_vat: int, rate: Decimal) -> int:
    return round_amount(Decimal(unit_price_excl_vat) * (1 + rate))


def quote_totals(
    lines: Sequence[LineAmount], quoted_total: int, quoted_vat: int, rate: Decimal
) -> Totals:
    """The order's totals for lines priced with `price_incl_vat` from a quote whose total and
    VAT were `quoted_total` and `quoted_vat`."""
    subtotal = sum(line.gross for line in lines)
    if subtotal >= quoted_total:
        return Totals(subtotal, subtotal - quoted_total, 0, quoted_vat, quoted_total)
    return Totals(subtotal, 0, 0, vat_inside(subtotal), subtotal)


def excl_vat(unit_price_incl_vat: int, rate: Decimal = VAT_RATE) -> int:
    """A price VAT included, without it (a group buy's price is set VAT included)."""
    return unit_price_incl_vat - vat_inside(unit_price_incl_vat, rate)
