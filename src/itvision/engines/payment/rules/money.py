"""The fee a provider keeps, and how a refund is paid back.

- The fee is the provider's rate of the amount, rounded half up to the franc (XOF has no
  smaller unit): Wave keeps 1 % of a merchant payment.
- A refund is never more than what is left of the payment (paid minus already refunded).
- Wave's refund API gives back a whole checkout session, so a Wave refund goes through the
  API when it is the first and the whole amount; a partial one, an Orange Money one (its Web
  Payment API has no refund) and cash are paid back by hand, then recorded by an operator.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def provider_fee(amount: int, rate: Decimal) -> int:
    return int((Decimal(amount) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def refundable(amount: int, refunded: int, asked: int) -> int:
    """How much of `asked` can still be given back of a payment of `amount`."""
    return max(0, min(asked, amount - refunded))


def refunded_by_api(*, by_api: bool, amount: int, paid: int, refunded_before: int) -> bool:
    """True when the provider's refund API pays it back, False when it is done by hand."""
    return by_api and refunded_before == 0 and amount == paid
