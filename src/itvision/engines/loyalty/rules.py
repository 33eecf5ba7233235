"""The loyalty programme's rules, as pure functions over plain data (no I/O): what an order
earns, what a refund takes back, which tier a customer's points support and what a yearly
review does, what expires, and how many points an order may spend."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Literal

TierName = Literal["bronze", "silver", "gold"]
TIER_ORDER: tuple[TierName, ...] = ("bronze", "silver", "gold")
RuleScope = Literal["product", "category", "brand"]


@dataclass(frozen=True, slots=True)
class TierTerms:
    """A tier: the 12-month points that reach it and its benefits. Earning more is applied
    here; free shipping by the shipping engine, from the tier events."""

    name: TierName
    threshold: int
    earn_multiplier: Decimal
    free_shipping: bool


def tier_ladder(
    silver: int, gold: int, silver_multiplier: Decimal, gold_multiplier: Decimal
) -> tuple[TierTerms, ...]:
    """The three tiers, lowest first (Gold delivers free)."""
    return (
        TierTerms("bronze", 0, Decimal(1), False),
        TierTerms("silver", silver, silver_multiplier, False),
        TierTerms("gold", max(gold, silver), gold_multiplier, True),
    )


def supported_tier(qualifying_points: int, ladder: Sequence[TierTerms]) -> TierName:
    """The highest tier whose threshold the points of the last 12 months reach."""
    reached = [t.name for t in ladder if qualifying_points >= t.threshold]
    return reached[-1] if reached else "bronze"


def rank(tier: str) -> int:
    return TIER_ORDER.index(tier) if tier in TIER_ORDER else 0


def upgraded_tier(
    current: TierName, qualifying_points: int, ladder: Sequence[TierTerms]
) -> TierName:
    """A tier is upgraded as soon as the points support a higher one; never lowered here."""
    supported = supported_tier(qualifying_points, ladder)
    return supported if rank(supported) > rank(current) else current


def reviewed_tier(
    current: TierName, qualifying_points: int, ladder: Sequence[TierTerms]
) -> TierName:
    """The yearly review: a member whose last 12 months no longer support their tier goes
    down one tier (never below what the points support, never up: upgrades are immediate)."""
    supported = supported_tier(qualifying_points, ladder)
    if rank(supported) >= rank(current):
        return current
    return TIER_ORDER[max(rank(current) - 1, rank(supported))]


@dataclass(frozen=True, slots=True)
class EarnRule:
    """A staff rule: lines of this product, category (anywhere in the line's category path) or
    brand earn `multiplier` times the base points."""

    scope: RuleScope
    target: str
    multiplier: Decimal


@dataclass(frozen=True, slots=True)
class PricedLine:
    product_id: str
    gross: int  # quantity × unit price, VAT included, before discounts
    category_path: tuple[str, ...] = ()
    brand: str | None = None


def line_multiplier(line: PricedLine, rules: Iterable[EarnRule]) -> Decimal:
    """The best multiplier of the rules matching the line (they do not stack); 1 without."""
    matching = [
        r.multiplier
        for r in rules
        if (r.scope == "product" and r.target == line.product_id)
        or (r.scope == "category" and r.target in line.category_path)
        or (
            r.scope == "brand" and line.brand is not None and r.target.lower() == line.brand.lower()
        )
    ]
    return max(matching, default=Decimal(1))


def paid_for_goods(subtotal: int, discount_total: int) -> int:
    """What the customer actually pays for the goods: after every discount, the part paid with
    points included (points do not earn points: the order's `discount_total` holds them);
    shipping is not included (it is a service, not a purchase)."""
    return max(subtotal - discount_total, 0)


def order_points(
    lines: Sequence[PricedLine],
    paid: int,
    rules: Iterable[EarnRule],
    tier_multiplier: Decimal,
    francs_per_point: int,
) -> int:
    """Points an order earns: the amount paid for goods, shared among the lines in proportion to
    their gross amount, each share times its line's multiplier, the whole times the tier's
    multiplier, one point per `francs_per_point` francs, rounded down."""
    gross = sum(line.gross for line in lines)
    if gross <= 0 or paid <= 0:
        return 0
    rules = list(rules)
    weighted = sum(Decimal(line.gross) * line_multiplier(line, rules) for line in lines)
    earned = weighted * Decimal(paid) / Decimal(gross) * tier_multiplier / francs_per_point
    return int(earned.to_integral_value(ROUND_FLOOR))


def in_birthday_month(birthday: date | None, placed_at: datetime) -> bool:
    return birthday is not None and birthday.month == placed_at.month


def refund_take_back(earned: int, order_total: int, refunded_so_far: int, taken_so_far: int) -> int:
    """Points a refund takes back: the order's points in proportion to everything refunded so
    far (capped at the whole order), less what earlier refunds already took."""
    if order_total <= 0:
        share = Decimal(1) if refunded_so_far > 0 else Decimal(0)
    else:
        share = min(Decimal(refunded_so_far) / Decimal(order_total), Decimal(1))
    due = int((Decimal(earned) * share).to_integral_value(ROUND_FLOOR))
    return max(due - taken_so_far, 0)


@dataclass(frozen=True, slots=True)
class Lot:
    """Available points credited at once, expiring together."""

    points: int
    expires_at: datetime


def unspent_by(lots: Iterable[Lot], spent: int, moment: datetime) -> int:
    """Points of the lots expiring by `moment` still unspent, when spending (and earlier
    expiries) used the oldest points first."""
    due = sum(lot.points for lot in lots if lot.expires_at <= moment)
    return max(due - spent, 0)


def redeemable(
    requested: int, available: int, goods_total: int, point_value: int, max_percent: int
) -> tuple[int, int]:
    """(points, discount in F CFA) for a request to spend `requested` points on goods worth
    `goods_total`: no more than the balance, nor than `max_percent` % of the goods."""
    cap_francs = goods_total * max_percent // 100
    points = max(min(requested, available, cap_francs // point_value), 0)
    return points, points * point_value


def first_unspent_expiry(lots: Sequence[Lot], spent: int) -> datetime | None:
    """When the oldest unspent points expire (lots oldest first, spending the oldest first)."""
    for lot in lots:
        if lot.points > spent:
            return lot.expires_at
        spent -= lot.points
    return None
