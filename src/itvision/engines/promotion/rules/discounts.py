"""What one promotion takes off a cart, given what earlier promotions left to pay.

Each kind first computes the exact discount it wants on each line (a fraction of a franc is
possible), never more than the line has left. The promotion's discount is that sum rounded UP
to the franc — the customer's favour — then capped (`max_discount_amount`, and what the lines
have left), and spread back over the lines in whole francs (see `allocation`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from itvision.engines.promotion.rules import reasons
from itvision.engines.promotion.rules.allocation import allocate
from itvision.engines.promotion.rules.carts import Cart
from itvision.engines.promotion.rules.offers import Kind, Offer
from itvision.engines.promotion.rules.reasons import Refusal


@dataclass(frozen=True, slots=True)
class Discount:
    """Francs off each cart line (same order as the cart) and off the shipping fee."""

    lines: tuple[int, ...]
    shipping: int = 0

    @property
    def items(self) -> int:
        return sum(self.lines)

    @property
    def total(self) -> int:
        return self.items + self.shipping


@dataclass(frozen=True, slots=True)
class Remaining:
    """What is left to pay on each line and on shipping, after the promotions applied so far."""

    lines: tuple[int, ...]
    shipping: int

    @classmethod
    def of(cls, cart: Cart) -> Remaining:
        return cls(tuple(line.amount for line in cart.lines), cart.shipping_fee)

    def after(self, discount: Discount) -> Remaining:
        return Remaining(
            tuple(left - off for left, off in zip(self.lines, discount.lines, strict=True)),
            self.shipping - discount.shipping,
        )


def discount_of(offer: Offer, cart: Cart, left: Remaining) -> Discount | Refusal:
    """The discount `offer` gives on `cart` when `left` is what remains to pay, or why the cart
    does not qualify (which depends only on the cart, not on earlier promotions)."""
    if offer.kind is Kind.FREE_SHIPPING:
        if offer.is_scoped and not any(offer.covers(line) for line in cart.lines):
            return reasons.no_eligible_item()
        if cart.shipping_fee == 0:
            return reasons.no_shipping_fee()
        return Discount((0,) * len(cart.lines), left.shipping)
    wanted = _WANTED[offer.kind](offer, cart, left)
    if isinstance(wanted, Refusal):
        return wanted
    amount = math.ceil(sum(wanted, Fraction(0)))
    if offer.max_discount_amount is not None:
        amount = min(amount, offer.max_discount_amount)
    return Discount(tuple(allocate(amount, wanted, left.lines)))


Wanted = list[Fraction]


def _percentage(offer: Offer, cart: Cart, left: Remaining) -> Wanted | Refusal:
    if not any(offer.covers(line) for line in cart.lines):
        return reasons.no_eligible_item()
    rate = Fraction(offer.discount_rate or 0)
    return [
        rate * remaining if offer.covers(line) else Fraction(0)
        for line, remaining in zip(cart.lines, left.lines, strict=True)
    ]


def _fixed_amount(offer: Offer, cart: Cart, left: Remaining) -> Wanted | Refusal:
    covered = [offer.covers(line) for line in cart.lines]
    if not any(covered):
        return reasons.no_eligible_item()
    base = sum(r for r, c in zip(left.lines, covered, strict=True) if c)
    if base == 0:
        return [Fraction(0)] * len(cart.lines)
    off = Fraction(min(offer.discount_amount or 0, base), base)
    return [off * r if c else Fraction(0) for r, c in zip(left.lines, covered, strict=True)]


def _bundle(offer: Offer, cart: Cart, left: Remaining) -> Wanted | Refusal:
    """Whole bundles only; each takes the most expensive units of each product (the largest
    saving). The bundle's units end up costing `bundle_price` per bundle, never less than 0
    off."""
    units = {item.product_id: 0 for item in offer.bundle_items}
    for line in cart.lines:
        if line.product_id in units:
            units[line.product_id] += line.quantity
    bundles = min(units[item.product_id] // item.quantity for item in offer.bundle_items)
    if bundles == 0:
        return reasons.bundle_incomplete()
    taken = [0] * len(cart.lines)
    for item in offer.bundle_items:
        needed = item.quantity * bundles
        lines = [i for i, line in enumerate(cart.lines) if line.product_id == item.product_id]
        for i in sorted(lines, key=lambda i: (-cart.lines[i].unit_price, i)):
            take = min(needed, cart.lines[i].quantity)
            taken[i] = take
            needed -= take
    regular = [
        Fraction(left.lines[i] * taken[i], line.quantity) for i, line in enumerate(cart.lines)
    ]
    saving = sum(regular, Fraction(0)) - bundles * (offer.bundle_price or 0)
    if saving <= 0:
        return [Fraction(0)] * len(cart.lines)
    share = saving / sum(regular, Fraction(0))
    return [share * r for r in regular]


def _buy_x_get_y(offer: Offer, cart: Cart, left: Remaining) -> Wanted | Refusal:
    """Units in scope, most expensive first, form sets of X + Y; in each complete set the Y
    cheapest units are discounted (free unless `discount_rate` says otherwise). Each
    discounted unit is thus paired with X units that cost at least as much."""
    buy, get = offer.buy_quantity or 1, offer.get_quantity or 1
    size = buy + get
    covered = [i for i, line in enumerate(cart.lines) if offer.covers(line)]
    units = sum(cart.lines[i].quantity for i in covered)
    if not covered:
        return reasons.no_eligible_item()
    if units < size:
        return reasons.min_quantity_not_reached(size)
    in_sets = units // size * size

    def discounted_before(position: int) -> int:
        """How many of the first `position` units (capped at complete sets) are discounted."""
        position = min(position, in_sets)
        return position // size * get + max(0, position % size - buy)

    rate = Fraction(offer.discount_rate if offer.discount_rate is not None else 1)
    wanted = [Fraction(0)] * len(cart.lines)
    position = 0
    for i in sorted(covered, key=lambda i: (-cart.lines[i].unit_price, i)):
        line = cart.lines[i]
        free = discounted_before(position + line.quantity) - discounted_before(position)
        wanted[i] = rate * Fraction(left.lines[i] * free, line.quantity)
        position += line.quantity
    return wanted


_WANTED = {
    Kind.PERCENTAGE: _percentage,
    Kind.FIXED_AMOUNT: _fixed_amount,
    Kind.BUNDLE: _bundle,
    Kind.BUY_X_GET_Y: _buy_x_get_y,
}
