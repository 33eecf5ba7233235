"""When an order may be paid, and what a provider's word does to a payment.

An order is payable once it is placed (amount, method, customer known) and its stock is
reserved, until it is paid, cancelled or past its `pay_by`. Cash on delivery is never paid
online: the courier collects it.

A payment moves `initiating` → `pending` → `succeeded` | `failed`; `cancelled` when its order
was cancelled first; `abandoned` when the provider never gave it a session. Provider outcomes
arrive late, twice and out of order, so each is applied only if it moves the payment on:

- `succeeded` wins over everything but itself: money the provider took is never ignored (a
  success after a failure or a cancellation is recorded, and its money given back);
- `failed` applies only to a payment still waiting (`initiating`, `pending`): a late failure
  after a success changes nothing;
- `pending` changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from itvision.platform.errors import ITVisionError

OrderState = Literal[
    "unknown",
    "awaiting_stock",
    "payable",
    "paid",
    "cancelled",
    "expired",
    "cash_on_delivery",
    "unsupported_method",
]
PaymentStatus = Literal["initiating", "pending", "succeeded", "failed", "cancelled", "abandoned"]
OPEN: frozenset[str] = frozenset({"initiating", "pending"})
FailureReason = Literal[
    "insufficient_funds",
    "declined",
    "expired",
    "cancelled_by_customer",
    "amount_mismatch",
    "provider_error",
]
ONLINE_METHODS = frozenset({"wave", "orange_money"})

WHY_NOT: dict[str, str] = {
    "unknown": "payments does not know this order yet (try again in a moment), or it is not yours",
    "awaiting_stock": "the order's stock is not reserved yet: try again in a moment",
    "paid": "the order is already paid",
    "cancelled": "the order was cancelled",
    "expired": "the time to pay the order has passed",
    "cash_on_delivery": "the order is paid in cash to the courier",
    "unsupported_method": "the order's payment method cannot be paid online",
}


class NotPayable(ITVisionError):
    """409: the order cannot be paid now; `state` says why."""

    status = 409
    code = "not_payable"

    def __init__(self, order_id: str, state: OrderState) -> None:
        super().__init__(f"order {order_id} cannot be paid: {WHY_NOT[state]}", field="order_id")
        self.state = state


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What payment knows of an order."""

    placed: bool
    reserved: bool
    cancelled: bool
    method: str | None
    pay_by: datetime | None
    paid: bool


def order_state(order: OrderFacts, now: datetime) -> OrderState:
    if order.cancelled:
        return "cancelled"
    if not order.placed:
        return "unknown"
    if order.paid:
        return "paid"
    if order.method == "cash_on_delivery":
        return "cash_on_delivery"
    if order.method not in ONLINE_METHODS:
        return "unsupported_method"
    if not order.reserved:
        return "awaiting_stock"
    if order.pay_by is not None and order.pay_by <= now:
        return "expired"
    return "payable"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a provider says of a payment (a webhook, a notification confirmed, a status)."""

    result: Literal["succeeded", "failed", "pending"]
    reason: FailureReason | None = None
    code: str | None = None
    transaction_id: str | None = None


PENDING = Outcome("pending")


def next_status(current: str, outcome: Outcome) -> PaymentStatus | None:
    """The payment's new status, or None when the outcome changes nothing."""
    if outcome.result == "succeeded":
        return None if current == "succeeded" else "succeeded"
    if outcome.result == "failed" and current in OPEN:
        return "failed"
    return None


# Wave's `last_payment_error.code`s (docs.wave.com/checkout) as the contract's reasons.
WAVE_ERRORS: dict[str, FailureReason] = {
    "insufficient-funds": "insufficient_funds",
    "blocked-account": "declined",
    "payer-mobile-mismatch": "declined",
    "cancelled-by-payer": "cancelled_by_customer",
}


def wave_failure(code: str | None) -> FailureReason:
    return WAVE_ERRORS.get(code or "", "declined")
