"""What a cart or an order costs, in whole francs CFA, VAT included (TVA 18 %):

    subtotal       = Σ unit price × quantity                (before discounts)
    discount_total = Σ line discounts + shipping discount   (from the promotions applied)
                     + points discount                      (loyalty points spent)
    total          = subtotal − discount_total + shipping fee
    vat_total      = the VAT inside `total`: total × 18 / 118, rounded to the franc

Prices and the shipping fee are VAT included; the VAT is taken out of what the customer pays
once, at the end, so that rounding line by line never drifts from the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from itvision.platform.money import VAT_RATE, round_amount


@dataclass(frozen=True, slots=True)
class LineAmount:
    quantity: int
    unit_price: int
    discount: int = 0  # on the whole line

    @property
    def gross(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: int
    discount_total: int
    shipping_fee: int
    vat_total: int
    total: int


def vat_inside(amount_incl_vat: int, rate: Decimal = VAT_RATE) -> int:
    """The VAT an amount that includes it holds: 389 400 F at 18 % holds 59 400 F."""
    return round_amount(Decimal(amount_incl_vat) * rate / (1 + rate))


def totals_of(
    lines: Iterable[LineAmount],
    shipping_fee: int = 0,
    shipping_discount: int = 0,
    rate: Decimal = VAT_RATE,
    points_discount: int = 0,
) -> Totals:
    lines = list(lines)
    subtotal = sum(line.gross for line in lines)
    discount = sum(line.discount for line in lines) + shipping_discount + points_discount
    total = max(subtotal - discount + shipping_fee, 0)
    return Totals(subtotal, discount, shipping_fee, vat_inside(total, rate), total)


def line_discounts(line_count: int, discounts: Iterable[Sequence[int]]) -> list[int]:
    """Each line's discount: the sum of what every applied promotion took off it."""
    found = [0] * line_count
    for per_line in discounts:
        for index, amount in enumerate(per_line):
            found[index] += amount
    return found


def cart_weight(lines: Iterable[tuple[int, int | None]]) -> int:
    """Grams of (quantity, unit weight) lines; a SKU the catalog gave no weight weighs 0."""
    return sum(quantity * (weight or 0) for quantity, weight in lines)
