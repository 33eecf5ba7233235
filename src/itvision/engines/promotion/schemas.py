"""What the promotion API reads and writes: *Create/*Update in, *Public out."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

from itvision.engines.promotion.offers import BundleItem, Kind
from itvision.platform.errors import InvalidInput

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9_-]{3,32}$"),
    Field(description="Letters, digits, '-' or '_', 3 to 32; case does not matter"),
]
Money = Annotated[int, Field(ge=0, le=10**12, description="XOF, whole francs")]
PositiveMoney = Annotated[int, Field(ge=1, le=10**12, description="XOF, whole francs")]
RateIn = Annotated[
    Decimal,
    Field(gt=0, le=1, max_digits=7, decimal_places=6, description="0.15 is 15 %"),
]
RateOut = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Count = Annotated[int, Field(ge=1, le=1_000_000)]
Refs = Annotated[list[Ref], Field(max_length=500)]


class BundleItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: Ref
    quantity: int = Field(default=1, ge=1, le=1000)


class _Definition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=2000)
    code: Code | None = Field(default=None, description="None: an automatic sale")
    discount_rate: RateIn | None = Field(
        default=None, description="percentage: the rate off; buy_x_get_y: off the Y units"
    )
    discount_amount: PositiveMoney | None = Field(default=None, description="fixed_amount")
    max_discount_amount: PositiveMoney | None = Field(default=None, description="percentage")
    min_order_amount: Money | None = Field(default=None, description="On the items' subtotal")
    min_quantity: Count | None = Field(default=None, description="Units in scope")
    bundle_price: PositiveMoney | None = None
    buy_quantity: Annotated[int, Field(ge=1, le=1000)] | None = None
    get_quantity: Annotated[int, Field(ge=1, le=1000)] | None = None
    usage_limit: Count | None = None
    usage_limit_per_customer: Count | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None


class PromotionCreate(_Definition):
    name: Name
    kind: Kind
    product_ids: Refs = Field(default_factory=list)
    category_ids: Refs = Field(default_factory=list, description="A parent covers its subtree")
    brands: Refs = Field(default_factory=list)
    bundle_items: list[BundleItemIn] = Field(default_factory=list, max_length=20)
    exclusive: bool = False
    priority: int = Field(default=0, ge=-1000, le=1000, description="Higher applies first")
    active: bool = True


class PromotionUpdate(_Definition):
    """Only the fields sent change; null clears an optional field."""

    name: Name | None = None
    kind: Kind | None = None
    product_ids: Refs | None = None
    category_ids: Refs | None = None
    brands: Refs | None = None
    bundle_items: list[BundleItemIn] | None = Field(default=None, max_length=20)
    exclusive: bool | None = None
    priority: int | None = Field(default=None, ge=-1000, le=1000)
    active: bool | None = None


_NOT_NULL = (
    "name",
    "kind",
    "starts_at",
    "product_ids",
    "category_ids",
    "brands",
    "bundle_items",
    "exclusive",
    "priority",
    "active",
)


def offer_fields(body: PromotionCreate | PromotionUpdate) -> dict[str, Any]:
    """The fields sent, as `Offer` (and `description`) values."""
    fields: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is None and name in _NOT_NULL:
            raise InvalidInput(f"{name} cannot be null", field=f"body.{name}")
        if name in ("product_ids", "category_ids", "brands"):
            value = frozenset(value)
        elif name == "bundle_items":
            value = tuple(BundleItem(i.product_id, i.quantity) for i in value)
        elif isinstance(value, datetime):
            value = value.astimezone(UTC)
        fields[name] = value
    if isinstance(body, PromotionCreate):
        for name in ("kind", "name", "exclusive", "priority", "active"):
            fields[name] = getattr(body, name)
    return fields


class BundleItemPublic(BaseModel):
    product_id: str
    quantity: int


class SalePublic(BaseModel):
    """A running automatic sale, as the storefront shows it."""

    id: str
    name: str
    kind: Kind
    discount_rate: RateOut | None
    discount_amount: int | None
    max_discount_amount: int | None
    min_order_amount: int | None
    min_quantity: int | None
    product_ids: list[str]
    category_ids: list[str]
    brands: list[str]
    bundle_items: list[BundleItemPublic]
    bundle_price: int | None
    buy_quantity: int | None
    get_quantity: int | None
    exclusive: bool
    priority: int
    starts_at: datetime
    ends_at: datetime | None
    currency: str = "XOF"


class UsageSummaryPublic(BaseModel):
    reserved: int = Field(description="Orders placed, not paid yet")
    redeemed: int = Field(description="Orders paid")
    discount_total: int = Field(description="Discount given on paid orders")


class PromotionPublic(SalePublic):
    """A promotion as staff read it."""

    description: str | None
    code: str | None
    usage_limit: int | None
    usage_limit_per_customer: int | None
    active: bool
    live: bool = Field(description="Active, within its dates, and not used up")
    usage: UsageSummaryPublic
    created_by: str
    created_at: datetime
    updated_at: datetime


class CartLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Ref
    product_id: Ref
    quantity: int = Field(ge=1, le=10_000)
    unit_price: Money


class CartEvaluate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[CartLineIn] = Field(min_length=1, max_length=200)
    shipping_fee: Money = 0
    currency: Literal["XOF"] = "XOF"
    codes: list[Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=list, max_length=10
    )
    customer_id: Ref | None = Field(
        default=None, description="Staff only; a customer is evaluated as themself"
    )


class LineDiscountPublic(BaseModel):
    sku: str
    product_id: str
    amount: int


class AppliedPublic(BaseModel):
    promotion_id: str
    name: str
    kind: Kind
    code: str | None
    exclusive: bool
    amount: int = Field(description="Items and shipping together")
    items_amount: int
    shipping_amount: int
    lines: list[LineDiscountPublic] = Field(description="Lines this promotion discounts")


class RejectedCodePublic(BaseModel):
    code: str
    reason: str = Field(description="Stable code, e.g. 'expired', 'min_amount_not_reached'")
    message_fr: str
    message_en: str


class EvaluationPublic(BaseModel):
    customer_id: str | None
    currency: str = "XOF"
    subtotal: int
    shipping_fee: int
    items_discount: int
    shipping_discount: int
    discount_total: int
    total: int
    applied: list[AppliedPublic]
    rejected_codes: list[RejectedCodePublic]
    evaluated_at: datetime


class UsagePublic(BaseModel):
    promotion_id: str
    code: str
    order_id: str
    customer_id: str
    discount_amount: int
    status: Literal["reserved", "redeemed", "released"]
    reserved_at: datetime
    redeemed_at: datetime | None
    released_at: datetime | None
