"""What the group-buy use cases are asked to do: one frozen dataclass per use case, built by a
route, a consumer, a job or the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itvision.engines.groupbuy.rules import Basis, Tier
from itvision.platform.auth import Principal


@dataclass(frozen=True, slots=True)
class OpenGroup:
    """Staff open a group for a SKU (its product and price read from the catalog and pricing
    before: `queries.sku_to_group`)."""

    sku: str
    product_id: str
    name: str
    basis: Basis
    tiers: tuple[Tier, ...]
    minimum: int
    deadline: datetime
    max_participants: int | None
    max_total_quantity: int | None
    max_quantity_per_person: int
    unit_price: int
    actor: str


@dataclass(frozen=True, slots=True)
class JoinGroup:
    group_id: str
    customer_id: str
    quantity: int
    payment_method: str
    delivery_method: str
    delivery_address: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class LeaveGroup:
    participation_id: str
    caller: Principal


@dataclass(frozen=True, slots=True)
class RecordPayment:
    """Payment says a participation's payment succeeded."""

    participation_id: str
    payment_id: str
    amount: int


@dataclass(frozen=True, slots=True)
class RecordPaymentFailure:
    participation_id: str
    payment_id: str


@dataclass(frozen=True, slots=True)
class RecordRefund:
    """Payment gave (part of) a participation's money back."""

    participation_id: str
    refund_id: str
    amount: int
    completed_at: datetime


@dataclass(frozen=True, slots=True)
class AdvanceGroups:
    """Drop unpaid participations past their time, then move every group whose time came:
    succeeded, closed, expired, refunded. `as_of` None: now."""

    as_of: datetime | None = None
