"""The typed inputs of the loyalty use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from itvision.engines.loyalty.rules import RuleScope


@dataclass(frozen=True, slots=True)
class OrderedLine:
    product_id: str
    gross: int


@dataclass(frozen=True, slots=True)
class CreditOrder:
    """An order placed: its points pending, the points it spends debited."""

    order_id: str
    customer_id: str
    lines: tuple[OrderedLine, ...]
    subtotal: int
    discount_total: int
    total: int
    points_redeemed: int
    points_discount: int
    placed_at: datetime
    event_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class ReleaseOrder:
    """An order delivered: its pending points become available."""

    order_id: str
    delivered_at: datetime
    event_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class CancelOrder:
    order_id: str
    cancelled_at: datetime
    event_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class RefundOrder:
    order_id: str
    refund_id: str
    amount: int
    refunded_at: datetime
    event_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class AdjustPoints:
    customer_id: str
    points: int  # signed
    reference: str
    note: str
    actor: str


@dataclass(frozen=True, slots=True)
class UpdateProfile:
    customer_id: str
    birthday: date | None
    referrer_id: str | None
    fields: frozenset[str]  # those given (an omitted field is left as it is)


@dataclass(frozen=True, slots=True)
class CreateEarnRule:
    scope: RuleScope
    target: str
    multiplier: Decimal


@dataclass(frozen=True, slots=True)
class RemoveEarnRule:
    rule_id: str


@dataclass(frozen=True, slots=True)
class CreateReward:
    name: str
    threshold: int
    kind: str
    value: int | None


@dataclass(frozen=True, slots=True)
class RecordProduct:
    product_id: str
    category_path: tuple[str, ...]
    brand: str | None


@dataclass(frozen=True, slots=True)
class ExpirePoints:
    at: datetime | None = None  # now, unless a test or an operator says otherwise


@dataclass(frozen=True, slots=True)
class ReviewTiers:
    at: datetime | None = None
