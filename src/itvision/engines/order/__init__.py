"""Order engine (`order-engine`): carts (priced live through the pricing, promotion and
shipping facades), checkout, and each order's life from placed to delivered, cancelled or
refunded. Its public contract is `events`.

Other engines may read an order here, as it was sold (`get_order`); they change it only
through events (a reservation, a payment, a shipment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The platform only: the engine's internals are imported inside the functions, so that
# importing the engine's `events` does not import them.
from itvision.platform.system import Platform

__all__ = [
    "OrderDelivery",
    "OrderSnapshot",
    "OrderSnapshotLine",
    "OrderTotals",
    "get_order",
]


@dataclass(frozen=True, slots=True)
class OrderSnapshotLine:
    sku: str
    product_id: str
    variant_id: str | None
    name: str
    quantity: int
    unit_price: int  # VAT included, before the line's discount
    unit_price_excl_vat: int | None
    discount: int  # on the whole line, VAT included
    refunded_quantity: int


@dataclass(frozen=True, slots=True)
class OrderTotals:
    subtotal: int
    discount_total: int
    shipping_fee: int
    vat_total: int  # inside `total`
    total: int
    currency: str


@dataclass(frozen=True, slots=True)
class OrderDelivery:
    method: str  # home_delivery | pickup
    recipient_name: str | None
    phone: str | None
    city: str | None
    area: str | None
    address_line: str | None
    country: str | None
    shipping_zone: str | None


@dataclass(frozen=True, slots=True)
class OrderSnapshot:
    id: str
    customer_id: str
    status: str
    lines: tuple[OrderSnapshotLine, ...]
    totals: OrderTotals
    payment_method: str
    delivery: OrderDelivery
    promotion_codes: tuple[str, ...]
    placed_at: datetime
    quote_id: str | None
    pay_by: datetime | None


async def get_order(platform: Platform, order_id: str) -> OrderSnapshot | None:
    """The order as it was sold and where it stands now, or None if there is no such order."""
    from itvision.engines.order.queries.orders import find_order

    order = await find_order(platform, order_id)
    if order is None:
        return None
    address = order.delivery_address or {}
    return OrderSnapshot(
        id=order.id,
        customer_id=order.customer_id,
        status=order.status,
        lines=tuple(
            OrderSnapshotLine(
                sku=line.sku,
                product_id=line.product_id,
                variant_id=line.variant_id,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                unit_price_excl_vat=line.unit_price_excl_vat,
                discount=line.discount,
                refunded_quantity=line.refunded_quantity,
            )
            for line in order.lines
        ),
        totals=OrderTotals(
            subtotal=order.subtotal,
            discount_total=order.discount_total,
            shipping_fee=order.shipping_fee,
            vat_total=order.vat_total,
            total=order.total,
            currency=order.currency,
        ),
        payment_method=order.payment_method,
        delivery=OrderDelivery(
            method=order.delivery_method,
            recipient_name=address.get("recipient_name"),
            phone=address.get("phone"),
            city=address.get("city"),
            area=address.get("area"),
            address_line=address.get("address_line"),
            country=address.get("country"),
            shipping_zone=order.shipping_zone,
        ),
        promotion_codes=tuple(order.promotion_codes),
        placed_at=order.placed_at,
        quote_id=order.quote_id,
        pay_by=order.pay_by,
    )
