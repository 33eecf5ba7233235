"""The typed inputs of the promotion engine's use cases (see `services`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import Enum

from itvision.engines.promotion.rules.carts import CartLine
from itvision.engines.promotion.rules.offers import BundleItem, Kind, Offer


class Unchanged(Enum):
    """The value of a field an update leaves as it is (None, by contrast, clears it)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


@dataclass(frozen=True, slots=True)
class CreatePromotion:
    """A promo code (with `code`) or an automatic sale (without); `starts_at` None: now."""

    name: str
    kind: Kind
    created_by: str
    description: str | None = None
    code: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    active: bool = True
    discount_rate: Decimal | None = None
    discount_amount: int | None = None
    max_discount_amount: int | None = None
    min_order_amount: int | None = None
    min_quantity: int | None = None
    product_ids: frozenset[str] = frozenset()
    category_ids: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    bundle_items: tuple[BundleItem, ...] = ()
    bundle_price: int | None = None
    buy_quantity: int | None = None
    get_quantity: int | None = None
    usage_limit: int | None = None
    usage_limit_per_customer: int | None = None
    exclusive: bool = False
    priority: int = 0

    def offer(self, promotion_id: str, now: datetime) -> Offer:
        return Offer(
            id=promotion_id,
            name=self.name,
            kind=self.kind,
            starts_at=self.starts_at or now,
            ends_at=self.ends_at,
            code=self.code,
            active=self.active,
            discount_rate=self.discount_rate,
            discount_amount=self.discount_amount,
            max_discount_amount=self.max_discount_amount,
            min_order_amount=self.min_order_amount,
            min_quantity=self.min_quantity,
            product_ids=self.product_ids,
            category_ids=self.category_ids,
            brands=self.brands,
            bundle_items=self.bundle_items,
            bundle_price=self.bundle_price,
            buy_quantity=self.buy_quantity,
            get_quantity=self.get_quantity,
            usage_limit=self.usage_limit,
            usage_limit_per_customer=self.usage_limit_per_customer,
            exclusive=self.exclusive,
            priority=self.priority,
        )


@dataclass(frozen=True, slots=True)
class UpdatePromotion:
    """Change the fields given (None clears an optional one); the rest stays `UNCHANGED`."""

    promotion_id: str
    name: str | Unchanged = UNCHANGED
    kind: Kind | Unchanged = UNCHANGED
    description: str | Unchanged | None = UNCHANGED
    code: str | Unchanged | None = UNCHANGED
    starts_at: datetime | Unchanged = UNCHANGED
    ends_at: datetime | Unchanged | None = UNCHANGED
    active: bool | Unchanged = UNCHANGED
    discount_rate: Decimal | Unchanged | None = UNCHANGED
    discount_amount: int | Unchanged | None = UNCHANGED
    max_discount_amount: int | Unchanged | None = UNCHANGED
    min_order_amount: int | Unchanged | None = UNCHANGED
    min_quantity: int | Unchanged | None = UNCHANGED
    product_ids: frozenset[str] | Unchanged = UNCHANGED
    category_ids: frozenset[str] | Unchanged = UNCHANGED
    brands: frozenset[str] | Unchanged = UNCHANGED
    bundle_items: tuple[BundleItem, ...] | Unchanged = UNCHANGED
    bundle_price: int | Unchanged | None = UNCHANGED
    buy_quantity: int | Unchanged | None = UNCHANGED
    get_quantity: int | Unchanged | None = UNCHANGED
    usage_limit: int | Unchanged | None = UNCHANGED
    usage_limit_per_customer: int | Unchanged | None = UNCHANGED
    exclusive: bool | Unchanged = UNCHANGED
    priority: int | Unchanged = UNCHANGED

    def applied_to(self, offer: Offer) -> Offer:
        """`offer` with this update's changes (the description is not part of an offer)."""
        changes = {
            name: value
            for name in _OFFER_FIELDS
            if not isinstance(value := getattr(self, name), Unchanged)
        }
        return replace(offer, **changes)


_OFFER_FIELDS = tuple(
    name for name in UpdatePromotion.__dataclass_fields__ if name in Offer.__dataclass_fields__
)


@dataclass(frozen=True, slots=True)
class ActivatePromotion:
    promotion_id: str


@dataclass(frozen=True, slots=True)
class DeactivatePromotion:
    promotion_id: str


@dataclass(frozen=True, slots=True)
class AnnounceCampaigns:
    """Announce those of these promotions whose live state changed since last announced."""

    promotion_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class ReserveOrderCodes:
    """An order was placed with these codes: its lines as priced, without catalog scope."""

    order_id: str
    customer_id: str
    codes: tuple[str, ...]
    lines: tuple[CartLine, ...]
    shipping_fee: int
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class RedeemOrderCodes:
    """The order was paid."""

    order_id: str
    customer_id: str
    paid_at: datetime


@dataclass(frozen=True, slots=True)
class ReleaseOrderCodes:
    """The order was cancelled."""

    order_id: str
    customer_id: str
    cancelled_at: datetime


@dataclass(frozen=True, slots=True)
class RecordProduct:
    """What the catalog said of a product at `as_of`: its category path (root → leaf) and
    brand."""

    product_id: str
    sku: str
    category_path: tuple[str, ...]
    brand: str | None
    as_of: datetime
