"""The group-buy rules, pure functions over plain data.

- **Terms**: tiers' thresholds strictly increase and their unit prices strictly decrease, all
  below the starting price; the minimum to succeed and the caps agree with each other.
- **Tiers**: the tier a count reaches (participants or units, per the group's basis) and the
  unit price it gives; a join pays the price of the tier its own seat reaches.
- **Seats**: a join fits when the group is open, before its deadline, within the participant
  cap, the total and the per-person quantity caps.
- **States**: `open` → `succeeded` (joins stopped: deadline passed or full, and the paid
  participations meet the minimum) → `closed` (every pending payment settled: orders placed);
  `open` → `expired` (deadline passed, below the minimum with nothing pending) → `refunded`
  (every payment taken given back). An expired group never becomes succeeded or closed.
- **Prices at close**: a participant's order is at the reached tier's price, never above what
  they paid; the difference is refunded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from itvision.platform.errors import InvalidInput, InvalidTransition

GroupStatus = Literal["open", "succeeded", "closed", "expired", "refunded"]
ParticipationStatus = Literal["awaiting_payment", "paid", "ordered", "left", "dropped", "expired"]
RefundStatus = Literal["none", "pending", "completed"]
Basis = Literal["participants", "quantity"]

MAX_TIERS = 10
HOLDING = ("awaiting_payment", "paid")
"""Participations holding a seat (and stock)."""


@dataclass(frozen=True, slots=True)
class Tier:
    threshold: int
    unit_price: int


@dataclass(frozen=True, slots=True)
class Terms:
    basis: Basis
    unit_price: int
    tiers: tuple[Tier, ...]
    minimum: int
    max_participants: int
    max_total_quantity: int | None
    max_quantity_per_person: int


@dataclass(frozen=True, slots=True)
class Counts:
    """Seats held (awaiting payment or paid) and, of those, the paid ones."""

    participants: int
    quantity: int
    paid_participants: int
    paid_quantity: int


def validate_terms(terms: Terms) -> Terms:
    """The terms as given, or InvalidInput naming the first offending field."""
    if not terms.tiers:
        raise InvalidInput("a group has at least one price tier", field="tiers")
    if len(terms.tiers) > MAX_TIERS:
        raise InvalidInput(f"at most {MAX_TIERS} tiers", field="tiers")
    previous = Tier(0, terms.unit_price)
    for index, tier in enumerate(terms.tiers):
        if tier.threshold <= previous.threshold:
            raise InvalidInput(
                "tier thresholds must strictly increase", field=f"tiers.{index}.threshold"
            )
        if tier.unit_price >= previous.unit_price:
            raise InvalidInput(
                "each tier's unit price is below the one before (and the starting price)",
                field=f"tiers.{index}.unit_price",
            )
        previous = tier
    if terms.max_quantity_per_person > (terms.max_total_quantity or terms.max_quantity_per_person):
        raise InvalidInput(
            "the per-person cap is above the total cap", field="max_quantity_per_person"
        )
    if terms.minimum > reachable(terms):
        raise InvalidInput("the minimum cannot be reached within the caps", field="minimum")
    return terms


def reachable(terms: Terms) -> int:
    """The most the basis can count within the caps."""
    if terms.basis == "participants":
        return terms.max_participants
    most = terms.max_participants * terms.max_quantity_per_person
    return min(most, terms.max_total_quantity or most)


def counted(basis: Basis, participants: int, quantity: int) -> int:
    return participants if basis == "participants" else quantity


def tier_reached(tiers: Sequence[Tier], count: int) -> int | None:
    """The index of the highest tier `count` reaches (tiers sorted by threshold), or None."""
    reached = None
    for index, tier in enumerate(tiers):
        if count >= tier.threshold:
            reached = index
    return reached


def unit_price_at(terms: Terms, count: int) -> int:
    index = tier_reached(terms.tiers, count)
    return terms.unit_price if index is None else terms.tiers[index].unit_price


class GroupNotOpen(InvalidTransition):
    """409: the group no longer takes joins or leaves."""

    def __init__(self, group_id: str, status: str) -> None:
        super().__init__(f"group {group_id} is {status}: it no longer takes this", status, ["open"])


class ParticipationNotHeld(InvalidTransition):
    """409: the participation no longer holds a seat (left, dropped, ordered…)."""

    def __init__(self, participation_id: str, status: str) -> None:
        super().__init__(f"participation {participation_id} is {status}", status, list(HOLDING))


@dataclass(frozen=True, slots=True)
class Refusal:
    message: str
    field: str


def join_refusal(
    terms: Terms, counts: Counts, quantity: int, deadline: datetime, now: datetime
) -> Refusal | None:
    """Why a join of `quantity` units does not fit the group now, or None."""
    if now >= deadline:
        return Refusal("the group's deadline has passed", "group_id")
    if quantity > terms.max_quantity_per_person:
        return Refusal(f"at most {terms.max_quantity_per_person} units per person", "quantity")
    if counts.participants >= terms.max_participants:
        return Refusal("the group is full", "group_id")
    if (
        terms.max_total_quantity is not None
        and counts.quantity + quantity > terms.max_total_quantity
    ):
        left = terms.max_total_quantity - counts.quantity
        return Refusal(f"only {left} units are left in the group", "quantity")
    return None


def is_full(terms: Terms, counts: Counts) -> bool:
    if counts.participants >= terms.max_participants:
        return True
    return terms.max_total_quantity is not None and counts.quantity >= terms.max_total_quantity


Step = Literal["succeed", "close", "expire", "refund", "wait"]


def next_step(
    status: str,
    terms: Terms,
    counts: Counts,
    *,
    deadline_passed: bool,
    refunds_pending: int,
) -> Step:
    """What a group does next (see the module's states)."""
    pending = counts.participants - counts.paid_participants
    paid = counted(terms.basis, counts.paid_participants, counts.paid_quantity)
    if status == "open":
        if not (deadline_passed or is_full(terms, counts)):
            return "wait"
        if paid >= terms.minimum:
            return "succeed"
        if deadline_passed and pending == 0:
            return "expire"
        return "wait"
    if status == "succeeded":
        return "close" if pending == 0 else "wait"
    if status == "expired":
        return "refund" if refunds_pending == 0 else "wait"
    return "wait"


def order_unit_price(paid_unit_price: int, final_unit_price: int) -> int:
    """A participant never pays more than when they joined."""
    return min(paid_unit_price, final_unit_price)
