"""What the order API reads and answers: carts (priced live), orders as sold, their timeline
and refunds. Amounts are whole francs CFA, VAT included unless the name says otherwise."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from itvision.engines.order.commands import (
    Address,
    CheckoutMethod,
    DeliveryMethod,
    RefundReason,
)
from itvision.engines.order.models import Order, Refund, TimelineEntry
from itvision.engines.order.queries.carts import PricedCart
from itvision.engines.order.rules import lifecycle
from itvision.engines.order.rules.carts import MAX_LINE_QUANTITY
from itvision.engines.order.rules.lifecycle import Status
from itvision.engines.order.rules.timeline import STATUS_LABELS
from itvision.platform.inputs import InputModel, nonblank
from itvision.platform.pagination import Page

Sku = Annotated[str, nonblank(100)]
Quantity = Annotated[int, Field(gt=0, le=MAX_LINE_QUANTITY)]
Code = Annotated[str, nonblank(40), Field(description="A promo code, in any case")]
Note = Annotated[str, nonblank(500)]


# Carts ----------------------------------------------------------------------------------------


class CartLineCreate(InputModel):
    sku: Sku
    quantity: Quantity = Field(default=1, description="Added to what the cart already holds")


class CartLineUpdate(InputModel):
    quantity: Quantity = Field(description="The line's new quantity")


class CartCodeCreate(InputModel):
    code: Code


class CartPointsCreate(InputModel):
    points: Annotated[
        int,
        Field(ge=0, le=100_000_000, description="Loyalty points to spend on the order; 0: none"),
    ]


class CartPointsPublic(BaseModel):
    requested: int = Field(description="Points asked for")
    redeemed: int = Field(
        description="Points that apply: at most the balance and the share of goods allowed"
    )
    discount: int = Field(description="What they pay, F CFA (included in discount_total)")
    available: int = Field(description="The customer's available points")


class AddressInput(InputModel):
    recipient_name: Annotated[str, nonblank(200)]
    phone: Annotated[
        str,
        StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 ]{5,19}$"),
        Field(description="Digits, spaces allowed, an optional leading +: +221 77 123 45 67"),
    ]
    city: Annotated[str, nonblank(100)]
    area: Annotated[str, nonblank(100)] | None = Field(
        default=None, description="Neighbourhood (quartier, commune): Plateau, Cocody…"
    )
    address_line: Annotated[str, nonblank(300)] | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "SN"

    def address(self) -> Address:
        return Address(**self.model_dump())


class DeliveryChoice(InputModel):
    method: DeliveryMethod = Field(description="Delivered home, or collected at a pickup point")
    address: AddressInput = Field(description="Where (for a pickup: who collects, which city)")


class CartLinePublic(BaseModel):
    sku: str
    product_id: str
    variant_id: str | None
    name: str
    quantity: int
    unit_price: int = Field(description="Now, VAT included, before discounts")
    unit_price_excl_vat: int | None
    discount: int = Field(description="Taken off the whole line by the promotions")
    total: int = Field(description="quantity × unit price − discount")
    weight_grams: int | None
    available: bool = Field(description="False: the SKU has no price now; it cannot be ordered")


class PromotionPublic(BaseModel):
    promotion_id: str
    name: str
    code: str | None = Field(description="None: an automatic sale")
    discount: int


class RefusedCodePublic(BaseModel):
    code: str
    reason: str = Field(description="Stable, e.g. `expired`, `min_amount_not_reached`")
    message_fr: str
    message_en: str


class AddressPublic(BaseModel):
    recipient_name: str
    phone: str
    city: str
    area: str | None
    address_line: str | None
    country: str


class ShippingPublic(BaseModel):
    zone: str
    zone_name: str
    fee: int
    free_from: int | None = Field(description="Goods worth this much ship free")
    estimated_days: int


class CartPublic(BaseModel):
    id: str | None = Field(description="None until something is put in the cart")
    customer_id: str | None
    session_id: str | None
    lines: list[CartLinePublic]
    codes: list[str] = Field(description="The codes typed, applied or not")
    promotions: list[PromotionPublic] = Field(description="What applies, codes and sales")
    refused_codes: list[RefusedCodePublic]
    delivery_method: DeliveryMethod | None
    delivery_address: AddressPublic | None
    shipping: ShippingPublic | None = Field(
        description="None: no address chosen yet, or no delivery zone serves it"
    )
    deliverable: bool = Field(description="An address is chosen and a delivery zone serves it")
    weight_grams: int
    points: CartPointsPublic | None = Field(
        default=None, description="Loyalty points spent on the cart (None: none asked for)"
    )
    subtotal: int = Field(description="Before discounts, shipping excluded")
    discount_total: int
    shipping_fee: int
    vat_total: int = Field(description="VAT included in `total` (18 %)")
    total: int
    currency: Literal["XOF"] = "XOF"
    updated_at: datetime | None

    @classmethod
    def of(cls, cart: PricedCart) -> CartPublic:
        return cls(
            id=cart.cart_id,
            customer_id=cart.customer_id,
            session_id=cart.session_id,
            lines=[
                CartLinePublic(
                    sku=line.sku,
                    product_id=line.product_id,
                    variant_id=line.variant_id,
                    name=line.name,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    unit_price_excl_vat=line.unit_price_excl_vat,
                    discount=line.discount,
                    total=line.total,
                    weight_grams=line.weight_grams,
                    available=line.priced,
                )
                for line in cart.lines
            ],
            codes=list(cart.codes),
            promotions=[
                PromotionPublic(
                    promotion_id=p.promotion_id, name=p.name, code=p.code, discount=p.discount
                )
                for p in cart.promotions
            ],
            refused_codes=[
                RefusedCodePublic(
                    code=r.code, reason=r.reason, message_fr=r.message_fr, message_en=r.message_en
                )
                for r in cart.refused_codes
            ],
            delivery_method=cart.delivery_method,
            delivery_address=AddressPublic(**asdict(cart.address)) if cart.address else None,
            shipping=ShippingPublic(**asdict(cart.shipping)) if cart.shipping else None,
            deliverable=cart.deliverable,
            weight_grams=cart.weight_grams,
            points=CartPointsPublic(**asdict(cart.points)) if cart.points else None,
            subtotal=cart.totals.subtotal,
            discount_total=cart.totals.discount_total,
            shipping_fee=cart.totals.shipping_fee,
            vat_total=cart.totals.vat_total,
            total=cart.totals.total,
            updated_at=cart.updated_at,
        )


# Orders ---------------------------------------------------------------------------------------


class CheckoutCreate(InputModel):
    payment_method: CheckoutMethod = Field(
        description="Wave or Orange Money: pay within ITVISION_ORDER_PAYMENT_MINUTES; cash on "
        "delivery: confirmed at once, paid to the courier"
    )


class CancelCreate(InputModel):
    reason: Literal["customer_request", "fraud_suspected", "out_of_stock", "other"] | None = Field(
        default=None, description="Staff only; a customer's cancellation is their request"
    )
    note: Note | None = None


class RefundLineInput(InputModel):
    sku: Sku
    quantity: Quantity


class RefundCreate(InputModel):
    reason: RefundReason = "returned"
    lines: list[RefundLineInput] = Field(
        default_factory=list, max_length=100, description="The goods that came back"
    )
    amount: Annotated[int, Field(gt=0, le=10**12)] | None = Field(
        default=None,
        description="What is given back; without it, what the returned lines cost the "
        "customer. Send lines, an amount, or both.",
    )
    note: Note | None = None


class OrderLinePublic(BaseModel):
    sku: str
    product_id: str
    variant_id: str | None
    name: str
    quantity: int
    unit_price: int = Field(description="As sold, VAT included, before discounts")
    unit_price_excl_vat: int | None
    discount: int = Field(description="On the whole line")
    total: int
    refunded_quantity: int


class ShipmentPublic(BaseModel):
    shipment_id: str | None
    carrier: str | None
    tracking_number: str | None
    estimated_delivery_at: datetime | None
    dispatched_at: datetime | None
    delivered_at: datetime | None


class CancellationPublic(BaseModel):
    reason: str
    cancelled_by: str
    note: str | None
    cancelled_at: datetime


class OrderPublic(BaseModel):
    id: str
    customer_id: str
    status: Status
    status_label: str = Field(description="The status in French")
    next_statuses: list[Status] = Field(description="Where the order may go from here")
    lines: list[OrderLinePublic]
    subtotal: int
    discount_total: int
    points_redeemed: int = Field(description="Loyalty points spent on the order")
    points_discount: int = Field(description="What they paid, F CFA (part of discount_total)")
    shipping_fee: int
    vat_total: int
    total: int
    currency: str
    payment_method: str
    delivery_method: str
    delivery_address: AddressPublic | None
    shipping_zone: str | None
    promotion_codes: list[str]
    quote_id: str | None
    pay_by: datetime | None = Field(description="Unpaid by then, the order is cancelled")
    placed_at: datetime
    confirmed_at: datetime | None
    paid_at: datetime | None
    shipment: ShipmentPublic | None
    cancellation: CancellationPublic | None
    refunded_total: int = Field(description="Refunds granted")
    paid_back_total: int = Field(description="Money payment reported as returned")

    @classmethod
    def of(cls, order: Order) -> OrderPublic:
        status: Status = order.status  # type: ignore[assignment]
        return cls(
            id=order.id,
            customer_id=order.customer_id,
            status=status,
            status_label=STATUS_LABELS[status],
            next_statuses=lifecycle.allowed_from(status),
            lines=[
                OrderLinePublic(
                    sku=line.sku,
                    product_id=line.product_id,
                    variant_id=line.variant_id,
                    name=line.name,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    unit_price_excl_vat=line.unit_price_excl_vat,
                    discount=line.discount,
                    total=line.quantity * line.unit_price - line.discount,
                    refunded_quantity=line.refunded_quantity,
                )
                for line in order.lines
            ],
            subtotal=order.subtotal,
            discount_total=order.discount_total,
            points_redeemed=order.points_redeemed or 0,
            points_discount=order.points_discount or 0,
            shipping_fee=order.shipping_fee,
            vat_total=order.vat_total,
            total=order.total,
            currency=order.currency,
            payment_method=order.payment_method,
            delivery_method=order.delivery_method,
            delivery_address=AddressPublic(**order.delivery_address)
            if order.delivery_address
            else None,
            shipping_zone=order.shipping_zone,
            promotion_codes=list(order.promotion_codes),
            quote_id=order.quote_id,
            pay_by=order.pay_by,
            placed_at=order.placed_at,
            confirmed_at=order.confirmed_at,
            paid_at=order.paid_at,
            shipment=ShipmentPublic(
                shipment_id=order.shipment_id,
                carrier=order.carrier,
                tracking_number=order.tracking_number,
                estimated_delivery_at=order.estimated_delivery_at,
                dispatched_at=order.dispatched_at,
                delivered_at=order.delivered_at,
            )
            if order.shipment_id
            else None,
            cancellation=CancellationPublic(
                reason=order.cancel_reason or "other",
                cancelled_by=order.cancelled_by or "system",
                note=order.cancel_note,
                cancelled_at=order.cancelled_at,
            )
            if order.cancelled_at
            else None,
            refunded_total=order.refunded_total,
            paid_back_total=order.paid_back_total,
        )

    @classmethod
    def page(cls, page: Page[Order]) -> Page[OrderPublic]:
        return page.map(cls.of)


class TimelineEntryPublic(BaseModel):
    at: datetime
    engine: str = Field(description="Which engine said it: `payment-engine`, `order-engine`…")
    event: str = Field(description="The event's topic")
    status: Status = Field(description="The order's status after it")
    summary: str = Field(description="What happened, in French")

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryPublic:
        return cls(
            at=entry.at,
            engine=entry.engine,
            event=entry.event,
            status=entry.status,
            summary=entry.summary,
        )


class TimelinePublic(BaseModel):
    order_id: str
    status: Status
    entries: list[TimelineEntryPublic]


class RefundedLinePublic(BaseModel):
    sku: str
    quantity: int


class RefundPublic(BaseModel):
    id: str
    order_id: str
    amount: int
    reason: str
    is_partial: bool
    lines: list[RefundedLinePublic]
    note: str | None
    requested_by: str
    requested_at: datetime
    completed_at: datetime | None = Field(description="When payment reported the money returned")

    @classmethod
    def of(cls, refund: Refund) -> RefundPublic:
        return cls(
            id=refund.id,
            order_id=refund.order_id,
            amount=refund.amount,
            reason=refund.reason,
            is_partial=refund.is_partial,
            lines=[RefundedLinePublic(**line) for line in refund.lines],
            note=refund.note,
            requested_by=refund.requested_by,
            requested_at=refund.requested_at,
            completed_at=refund.completed_at,
        )


class ExpiredPublic(BaseModel):
    expired: int
