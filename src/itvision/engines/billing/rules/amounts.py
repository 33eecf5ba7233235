"""Money on the documents: VAT split of amounts that include it, quote totals from prices
before VAT, what a credit note may still take from an invoice, and how amounts are written.

Amounts are integer francs (XOF); rates are Decimal. The order engine sells at prices that
include VAT, so an invoice's VAT is the part of its total that is VAT; a quote is priced before
VAT (as businesses ask for it), so its VAT is added on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from itvision.platform.money import VAT_RATE, format_xof, round_amount

# The fonts the PDF documents embed (Bitstream Vera, shipped with ReportLab) have no narrow
# no-break space: thousands are set apart by a no-break space everywhere billing writes money.
_NARROW_NO_BREAK_SPACE = "\u202f"
_NO_BREAK_SPACE = "\u00a0"


def format_amount(amount: int) -> str:
    """'389 400 F CFA', as people in Dakar and Abidjan write it (no-break spaces)."""
    return format_xof(amount).replace(_NARROW_NO_BREAK_SPACE, _NO_BREAK_SPACE)


def vat_part(amount_incl_vat: int, rate: Decimal = VAT_RATE) -> int:
    """The VAT included in an amount: 389 400 at 18 % holds 59 400."""
    return amount_incl_vat - round_amount(Decimal(amount_incl_vat) / (1 + rate))


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A quote line: a list price before VAT, less a percentage."""

    quantity: int
    unit_price: int
    discount_percent: int = 0

    @property
    def net_unit_price(self) -> int:
        """One unit after the discount, before VAT, to the franc."""
        return round_amount(Decimal(self.unit_price) * (100 - self.discount_percent) / 100)

    @property
    def gross(self) -> int:
        return self.quantity * self.unit_price

    @property
    def amount(self) -> int:
        """The line's total before VAT, after the discount."""
        return self.quantity * self.net_unit_price


@dataclass(frozen=True, slots=True)
class QuoteTotals:
    gross: int  # before discounts and VAT
    discount_total: int
    subtotal: int  # before VAT, after discounts
    vat_amount: int
    total: int  # VAT included


def quote_totals(lines: Sequence[PricedLine], rate: Decimal = VAT_RATE) -> QuoteTotals:
    gross = sum(line.gross for line in lines)
    subtotal = sum(line.amount for line in lines)
    vat = round_amount(Decimal(subtotal) * rate)
    return QuoteTotals(gross, gross - subtotal, subtotal, vat, subtotal + vat)


@dataclass(frozen=True, slots=True)
class CreditAmounts:
    amount: int  # VAT included
    vat_amount: int

    @property
    def amount_excl_vat(self) -> int:
        return self.amount - self.vat_amount


def credit_amounts(
    asked: int | None,
    *,
    invoice_total: int,
    invoice_vat: int,
    credited: int,
    credited_vat: int,
    rate: Decimal = VAT_RATE,
) -> CreditAmounts | None:
    """What a credit note takes from an invoice: `asked` (all that is left when None), never
    more than is left; None when nothing is. A credit that takes all that is left takes all
    the VAT left too, so the credit notes of an invoice add up to exactly its total and VAT."""
    left = invoice_total - credited
    if left <= 0 or asked == 0:
        return None
    if asked is None or asked >= left:
        return CreditAmounts(left, invoice_vat - credited_vat)
    return CreditAmounts(asked, min(vat_part(asked, rate), invoice_vat - credited_vat))
