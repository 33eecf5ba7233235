"""An order's life, as a guarded state machine:

    placed → stock_reserved → awaiting_payment → paid → confirmed → shipped → delivered
                            ↘ confirmed (cash on delivery: settled at delivery)
    cancelled: from any status before shipment
    refunded / partially_refunded: after delivery (a return), partially_refunded again

The saga's answers (stock reserved, paid, dispatched, delivered) may reach the engine in any
order: each is kept as a fact (`Progress`), and `advance` walks the order as far as what is
known allows. A payment that arrives before the stock is reserved leaves the order `placed`;
when the reservation arrives the order goes through `stock_reserved`, `awaiting_payment` and
`paid` to `confirmed` at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from itvision.platform import errors

Status = Literal[
    "placed",
    "stock_reserved",
    "awaiting_payment",
    "paid",
    "confirmed",
    "shipped",
    "delivered",
    "cancelled",
    "refunded",
    "partially_refunded",
]
STATUSES: tuple[Status, ...] = get_args(Status)

TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    "placed": frozenset({"stock_reserved", "cancelled"}),
    "stock_reserved": frozenset({"awaiting_payment", "confirmed", "cancelled"}),
    "awaiting_payment": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"confirmed", "cancelled"}),
    "confirmed": frozenset({"shipped", "cancelled"}),
    "shipped": frozenset({"delivered"}),
    "delivered": frozenset({"refunded", "partially_refunded"}),
    "partially_refunded": frozenset({"refunded", "partially_refunded"}),
    "refunded": frozenset(),
    "cancelled": frozenset(),
}

UNPAID: frozenset[Status] = frozenset({"placed", "stock_reserved", "awaiting_payment"})
"""Statuses in which an order paid by mobile money is still waiting for its money."""


class InvalidTransition(errors.InvalidTransition):
    """409: the order's status does not allow this step."""

    def __init__(self, current: Status, target: Status) -> None:
        message = f"an order that is {current} cannot become {target}"
        super().__init__(message, current, allowed_from(current))


def allowed_from(status: Status) -> list[Status]:
    """The statuses `status` may go to, in the order of an order's life."""
    return [s for s in STATUSES if s in TRANSITIONS[status]]


def may_become(status: Status, target: Status) -> bool:
    return target in TRANSITIONS[status]


def ensure_transition(status: Status, target: Status) -> None:
    if not may_become(status, target):
        raise InvalidTransition(status, target)


@dataclass(frozen=True, slots=True)
class Progress:
    """What the saga said about an order so far, whatever the order it came in."""

    cash_on_delivery: bool
    reserved: bool = False
    paid: bool = False
    dispatched: bool = False
    delivered: bool = False


def advance(status: Status, progress: Progress) -> list[Status]:
    """The statuses the order goes through, from `status`, on what is known (empty when it
    stays). Cancelled and refunded orders never move on."""
    path: list[Status] = []
    while (following := _next(status, progress)) is not None:
        path.append(following)
        status = following
    return path


def _next(status: Status, progress: Progress) -> Status | None:
    if status == "placed" and progress.reserved:
        return "stock_reserved"
    if status == "stock_reserved":
        return "confirmed" if progress.cash_on_delivery else "awaiting_payment"
    if status == "awaiting_payment" and progress.paid:
        return "paid"
    if status == "paid":
        return "confirmed"
    # A delivery reported before its dispatch (two topics: no order between them) means the
    # goods left: the order is shipped, then delivered.
    if status == "confirmed" and (progress.dispatched or progress.delivered):
        return "shipped"
    if status == "shipped" and progress.delivered:
        return "delivered"
    return None


def cancels_on_refusal(status: Status) -> bool:
    """Inventory refused the stock: the order is cancelled if nothing moved it on since (it
    cannot have: an order is not reserved twice)."""
    return status == "placed"


def cancels_on_payment_failure(status: Status, progress: Progress) -> bool:
    """A failed payment cancels an order still waiting for its money; once a payment
    succeeded, a failed attempt of another changes nothing."""
    return status in UNPAID and not progress.paid and not progress.cash_on_delivery


def is_overdue(status: Status, progress: Progress, pay_by: datetime | None, now: datetime) -> bool:
    """An order not paid by its deadline expires (cash on delivery has none)."""
    return (
        pay_by is not None
        and pay_by <= now
        and status in UNPAID
        and not progress.paid
        and not progress.cash_on_delivery
    )
