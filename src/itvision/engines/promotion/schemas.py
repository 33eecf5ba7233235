"""What the promotion API reads and writes: *Create/*Update in (each builds its command),
*Public out (each presents a result with `of`)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

from itvision.engines.promotion.commands import (
    UNCHANGED,
    CreatePromotion,
    Unchanged,
    UpdatePromotion,
)
from itvision.engines.promotion.models import Usage
from itvision.engines.promotion.queries.promotions import PromotionRecord
from itvision.engines.promotion.rules.evaluation import Evaluation
from itvision.engines.promotion.rules.offers import BundleItem, Kind, Offer
from itvision.platform.errors import InvalidInput
from itvision.platform.inputs import JSON_NUMBER, InputModel, Omittable, nonblank
from itvision.platform.pagination import Page

T = TypeVar("T")

Name = Annotated[str, nonblank(200)]
Ref = Annotated[str, nonblank(200)]
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9_-]{3,32}$"),
    Field(description="Letters, digits, '-' or '_', 3 to 32; case does not matter"),
]
Money = Annotated[int, Field(ge=0, le=10**12, description="XOF, whole francs")]
PositiveMoney = Annotated[int, Field(ge=1, le=10**12, description="XOF, whole francs")]
RateIn = Annotated[
    Decimal,
    Field(
        gt=0,
        le=1,
        max_digits=7,
        decimal_places=6,
        multiple_of=Decimal("0.000001"),
        description="0.15 is 15 %",
    ),
    JSON_NUMBER,
]
RateOut = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Count = Annotated[int, Field(ge=1, le=1_000_000)]
Refs = Annotated[list[Ref], Field(max_length=500)]


class BundleItemIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    product_id: Ref
    quantity: int = Field(default=1, ge=1, le=1000)


class _Definition(InputModel):
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
    starts_at: Omittable[AwareDatetime] = Field(default=None, description="Left out: now")
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

    def command(self, created_by: str) -> CreatePromotion:
        return CreatePromotion(
            name=self.name,
            kind=self.kind,
            created_by=created_by,
            description=self.description,
            code=self.code,
            starts_at=_utc(self.starts_at),
            ends_at=_utc(self.ends_at),
            active=self.active,
            discount_rate=self.discount_rate,
            discount_amount=self.discount_amount,
            max_discount_amount=self.max_discount_amount,
            min_order_amount=self.min_order_amount,
            min_quantity=self.min_quantity,
            product_ids=frozenset(self.product_ids),
            category_ids=frozenset(self.category_ids),
            brands=frozenset(self.brands),
            bundle_items=tuple(BundleItem(i.product_id, i.quantity) for i in self.bundle_items),
            bundle_price=self.bundle_price,
            buy_quantity=self.buy_quantity,
            get_quantity=self.get_quantity,
            usage_limit=self.usage_limit,
            usage_limit_per_customer=self.usage_limit_per_customer,
            exclusive=self.exclusive,
            priority=self.priority,
        )


class PromotionUpdate(_Definition):
    """Only the fields sent change; null clears an optional field."""

    name: Omittable[Name] = None
    kind: Omittable[Kind] = None
    product_ids: Omittable[Refs] = None
    category_ids: Omittable[Refs] = None
    brands: Omittable[Refs] = None
    bundle_items: Omittable[Annotated[list[BundleItemIn], Field(max_length=20)]] = None
    exclusive: Omittable[bool] = None
    priority: Omittable[Annotated[int, Field(ge=-1000, le=1000)]] = None
    active: Omittable[bool] = None

    def command(self, promotion_id: str) -> UpdatePromotion:
        return UpdatePromotion(
            promotion_id,
            name=self._required("name", self.name),
            kind=self._required("kind", self.kind),
            description=self._sent("description", self.description),
            code=self._sent("code", self.code),
            starts_at=self._required("starts_at", _utc(self.starts_at)),
            ends_at=self._sent("ends_at", _utc(self.ends_at)),
            active=self._required("active", self.active),
            discount_rate=self._sent("discount_rate", self.discount_rate),
            discount_amount=self._sent("discount_amount", self.discount_amount),
            max_discount_amount=self._sent("max_discount_amount", self.max_discount_amount),
            min_order_amount=self._sent("min_order_amount", self.min_order_amount),
            min_quantity=self._sent("min_quantity", self.min_quantity),
            product_ids=self._required("product_ids", _set(self.product_ids)),
            category_ids=self._required("category_ids", _set(self.category_ids)),
            brands=self._required("brands", _set(self.brands)),
            bundle_items=self._required("bundle_items", _bundle(self.bundle_items)),
            bundle_price=self._sent("bundle_price", self.bundle_price),
            buy_quantity=self._sent("buy_quantity", self.buy_quantity),
            get_quantity=self._sent("get_quantity", self.get_quantity),
            usage_limit=self._sent("usage_limit", self.usage_limit),
            usage_limit_per_customer=self._sent(
                "usage_limit_per_customer", self.usage_limit_per_customer
            ),
            exclusive=self._required("exclusive", self.exclusive),
            priority=self._required("priority", self.priority),
        )

    def _sent(self, name: str, value: T) -> T | Unchanged:
        return value if name in self.model_fields_set else UNCHANGED

    def _required(self, name: str, value: T | None) -> T | Unchanged:
        """A field that may be left out but not cleared."""
        if name not in self.model_fields_set:
            return UNCHANGED
        if value is None:
            raise InvalidInput(f"{name} cannot be null", field=f"body.{name}")
        return value


def _utc(at: datetime | None) -> datetime | None:
    return None if at is None else at.astimezone(UTC)


def _set(refs: list[str] | None) -> frozenset[str] | None:
    return None if refs is None else frozenset(refs)


def _bundle(items: list[BundleItemIn] | None) -> tuple[BundleItem, ...] | None:
    return None if items is None else tuple(BundleItem(i.product_id, i.quantity) for i in items)


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

    @classmethod
    def of_offer(cls, offer: Offer) -> SalePublic:
        return cls(
            id=offer.id,
            name=offer.name,
            kind=offer.kind,
            discount_rate=offer.discount_rate,
            discount_amount=offer.discount_amount,
            max_discount_amount=offer.max_discount_amount,
            min_order_amount=offer.min_order_amount,
            min_quantity=offer.min_quantity,
            product_ids=sorted(offer.product_ids),
            category_ids=sorted(offer.category_ids),
            brands=sorted(offer.brands),
            bundle_items=[
                BundleItemPublic(product_id=i.product_id, quantity=i.quantity)
                for i in offer.bundle_items
            ],
            bundle_price=offer.bundle_price,
            buy_quantity=offer.buy_quantity,
            get_quantity=offer.get_quantity,
            exclusive=offer.exclusive,
            priority=offer.priority,
            starts_at=offer.starts_at,
            ends_at=offer.ends_at,
        )


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

    @classmethod
    def of(cls, record: PromotionRecord) -> PromotionPublic:
        offer = record.offer
        return cls(
            **SalePublic.of_offer(offer).model_dump(),
            description=record.description,
            code=offer.code,
            usage_limit=offer.usage_limit,
            usage_limit_per_customer=offer.usage_limit_per_customer,
            active=offer.active,
            live=record.live,
            usage=UsageSummaryPublic(
                reserved=record.usage.reserved,
                redeemed=record.usage.redeemed,
                discount_total=record.usage.discount_total,
            ),
            created_by=record.created_by,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


class CartLineIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    sku: Ref
    product_id: Ref
    quantity: int = Field(ge=1, le=10_000)
    unit_price: Money


class CartEvaluate(InputModel):
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

    @classmethod
    def of(cls, result: Evaluation, evaluated_at: datetime) -> EvaluationPublic:
        lines = result.cart.lines
        return cls(
            customer_id=result.cart.customer_id,
            subtotal=result.cart.subtotal,
            shipping_fee=result.cart.shipping_fee,
            items_discount=result.items_discount,
            shipping_discount=result.shipping_discount,
            discount_total=result.discount_total,
            total=result.total,
            applied=[
                AppliedPublic(
                    promotion_id=a.offer.id,
                    name=a.offer.name,
                    kind=a.offer.kind,
                    code=a.offer.code,
                    exclusive=a.offer.exclusive,
                    amount=a.discount.total,
                    items_amount=a.discount.items,
                    shipping_amount=a.discount.shipping,
                    lines=[
                        LineDiscountPublic(sku=line.sku, product_id=line.product_id, amount=off)
                        for line, off in zip(lines, a.discount.lines, strict=True)
                        if off
                    ],
                )
                for a in result.applied
            ],
            rejected_codes=[
                RejectedCodePublic(
                    code=r.code,
                    reason=r.refusal.reason.value,
                    message_fr=r.refusal.message_fr,
                    message_en=r.refusal.message_en,
                )
                for r in result.refused
            ],
            evaluated_at=evaluated_at,
        )


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

    @classmethod
    def page(cls, page: Page[Usage]) -> Page[UsagePublic]:
        return page.map(lambda usage: cls.model_validate(usage, from_attributes=True))
