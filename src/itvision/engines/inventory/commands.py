"""What the inventory use cases are asked to do: one frozen dataclass per use case, built by a
route, a consumer, a job or the CLI. `actor` is who asks (a staff member's subject, or the
engine whose event caused it); a reservation's `caller` also decides what it may touch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from itvision.platform.auth import Principal

ItemSetting = Literal["low_stock_threshold", "safety_stock", "lead_time_days", "supplier_id"]
ITEM_SETTINGS: tuple[ItemSetting, ...] = (
    "low_stock_threshold",
    "safety_stock",
    "lead_time_days",
    "supplier_id",
)


@dataclass(frozen=True, slots=True)
class CreateLocation:
    code: str
    name: str
    country: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class _StockIn:
    """Units put on the shelf at a location, with the document they came with."""

    sku: str
    warehouse_id: str
    quantity: int
    reference: str
    actor: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReceiveStock(_StockIn):
    """Goods arrived from a supplier (réception)."""


@dataclass(frozen=True, slots=True)
class ReturnStock(_StockIn):
    """Goods a customer sent back, back on the shelf (retour)."""


@dataclass(frozen=True, slots=True)
class AdjustStock:
    """A correction with a stated cause (ajustement); `note` says why."""

    sku: str
    warehouse_id: str
    delta: int
    reference: str
    note: str
    actor: str


@dataclass(frozen=True, slots=True)
class CountStock:
    """A physical count (inventaire): on hand becomes `counted`."""

    sku: str
    warehouse_id: str
    counted: int
    reference: str
    actor: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterProduct:
    """The catalog created a product: its SKU becomes known to inventory."""

    sku: str
    product_id: str
    name: str
    unit_cost: int | None


@dataclass(frozen=True, slots=True)
class RegisterVariant:
    """The catalog created a variant of a product: its SKU becomes known, named after the
    product and its options, costed as the product when it has no cost of its own."""

    sku: str
    product_id: str
    variant_id: str
    options: tuple[str, ...]
    unit_cost: int | None


@dataclass(frozen=True, slots=True)
class RefreshProduct:
    """The catalog updated a product: its name and cost price."""

    sku: str
    product_id: str
    name: str
    unit_cost: int


@dataclass(frozen=True, slots=True)
class UpdateItemSettings:
    """Set a SKU's replenishment settings: only those named in `changed` change, and a None
    value restores the engine's default."""

    sku: str
    changed: frozenset[ItemSetting]
    low_stock_threshold: int | None = None
    safety_stock: int | None = None
    lead_time_days: int | None = None
    supplier_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReserveStock:
    """Hold a SKU for a reference (a partner's cart, a staff order) until it is sold,
    released, or `expires_in_minutes` (the unpaid default when None) pass."""

    sku: str
    quantity: int
    reference: str
    caller: Principal
    warehouse_id: str | None = None
    expires_in_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class ReleaseReservation:
    reservation_id: str
    caller: Principal


@dataclass(frozen=True, slots=True)
class SellReservation:
    reservation_id: str
    caller: Principal


@dataclass(frozen=True, slots=True)
class ExpireReservations:
    """Release the active reservations whose hold had lapsed at `as_of` (now when None)."""

    as_of: datetime | None = None


@dataclass(frozen=True, slots=True)
class OrderedQuantity:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class ReserveOrder:
    """An order was placed: hold its lines, preferring the delivery country's locations."""

    order_id: str
    lines: tuple[OrderedQuantity, ...]
    payment_method: str
    country: str | None
    actor: str
    participation_id: str | None = None
    """A group buy's order: it takes the stock its participation held."""


@dataclass(frozen=True, slots=True)
class HoldParticipation:
    """A customer joined a group buy: hold their units until the group's order takes them."""

    participation_id: str
    sku: str
    quantity: int
    actor: str


@dataclass(frozen=True, slots=True)
class ReleaseParticipations:
    """Participations ended (left, dropped, their group expired): release what they held."""

    participation_ids: tuple[str, ...]
    actor: str


@dataclass(frozen=True, slots=True)
class ConfirmOrder:
    """An order was paid (or its cash on delivery accepted): its hold no longer expires."""

    order_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class CancelOrder:
    order_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class ShipOrder:
    order_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class RefundOrder:
    order_id: str
    refund_id: str
    reason: str
    is_partial: bool
    actor: str
    lines: tuple[tuple[str, int], ...] = ()  # (SKU, quantity) of the goods that came back


@dataclass(frozen=True, slots=True)
class ReconcileStock:
    """Check every stock level; with `fix`, repair the drifts found."""

    fix: bool = False
