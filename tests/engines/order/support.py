"""Helpers of the order engine's tests: products made as staff make them (catalog, then priced
by the pricing engine and stocked by inventory), carts filled and checked out through the API,
and the other engines' events published as they would publish them."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select

from itvision.engines.inventory.events import (
    RefusedLine,
    ReservationConfirmed,
    ReservationRefused,
    ReservedLine,
)
from itvision.engines.order.commands import Address, PlacedLine, PlaceOrder
from itvision.engines.order.events import SOURCE
from itvision.engines.order.rules.totals import vat_inside
from itvision.engines.order.services.checkout import place_order
from itvision.engines.payment.events import PaymentFailed, PaymentSucceeded
from itvision.engines.shipping.events import ShipmentDelivered, ShipmentDispatched
from itvision.platform.bus.tables import LoggedEvent
from itvision.platform.events import Payload, utcnow
from itvision.platform.system import Platform
from tests.conftest import eventually
from tests.support.api import ApiClient
from tests.support.buses import applied as applied_by

CUSTOMER = "cust-awa"
OTHER_CUSTOMER = "cust-koffi"
DAKAR = {
    "recipient_name": "Awa Ndiaye",
    "phone": "+221 77 123 45 67",
    "city": "Dakar",
    "area": "Plateau",
    "address_line": "12 avenue Léopold Sédar Senghor",
    "country": "SN",
}


async def category(api: ApiClient) -> str:
    created = await api.post(
        "/api/catalog/categories",
        json={"name_fr": "Ordinateurs portables", "slug": f"portables-{uuid.uuid4().hex[:6]}"},
        role="staff",
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def product(
    api: ApiClient,
    category_id: str,
    sku: str,
    *,
    base_cost: int = 250_000,
    weight_grams: int | None = 1_800,
    stock: int = 10,
) -> dict[str, Any]:
    """An active product, priced by the pricing engine and with `stock` units in Dakar; its
    price as the pricing API shows it."""
    created = await api.post(
        "/api/catalog/products",
        json={"sku": sku, "name_fr": f"Portable {sku}", "brand": "HP", "status": "active",
              "category_id": category_id, "condition": "new", "base_cost": base_cost,
              "weight_grams": weight_grams},
        role="staff",
    )  # fmt: skip
    assert created.status_code == 201, created.text

    async def priced_and_known() -> bool:
        price = await api.get(f"/api/pricing/prices/{sku}")
        stock_level = await api.get(f"/api/inventory/stock/{sku}")
        return price.status_code == 200 and stock_level.status_code == 200

    await eventually(priced_and_known, 30, f"{sku} priced and known to inventory")
    if stock:
        receipt = await api.post(
            "/api/inventory/receipts",
            json={"sku": sku, "warehouse_id": "dakar", "quantity": stock, "reference": "BL-1"},
            role="staff",
        )
        assert receipt.status_code == 201, receipt.text
    price = (await api.get(f"/api/pricing/prices/{sku}")).json()
    return {"product_id": created.json()["id"], **price}


async def fill_cart(
    api: ApiClient,
    lines: list[tuple[str, int]],
    *,
    customer: str = CUSTOMER,
    address: dict[str, Any] | None = None,
    method: str = "home_delivery",
) -> dict[str, Any]:
    for sku, quantity in lines:
        added = await api.post(
            "/api/carts/current/lines",
            json={"sku": sku, "quantity": quantity},
            role="customer",
            subject=customer,
        )
        assert added.status_code == 200, added.text
    chosen = await api.put(
        "/api/carts/current/delivery",
        json={"method": method, "address": address or DAKAR},
        role="customer",
        subject=customer,
    )
    assert chosen.status_code == 200, chosen.text
    return dict(chosen.json())


async def check_out(
    api: ApiClient,
    method: str = "wave",
    *,
    customer: str = CUSTOMER,
    key: str | None = None,
) -> dict[str, Any]:
    placed = await api.post(
        "/api/orders/checkout",
        json={"payment_method": method},
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
        role="customer",
        subject=customer,
    )
    assert placed.status_code == 201, placed.text
    return dict(placed.json())


async def status_of(api: ApiClient, order_id: str) -> str:
    found = await api.get(f"/api/orders/{order_id}", role="staff")
    assert found.status_code == 200, found.text
    return str(found.json()["status"])


async def reaches(api: ApiClient, order_id: str, status: str, timeout: float = 30) -> None:
    async def there() -> bool:
        return await status_of(api, order_id) == status

    await eventually(there, timeout, f"order {order_id} {status}")


async def emit(platform: Platform, source: str, payload: Payload) -> str:
    """Publish as engine `source` would; returns the event id."""
    async with platform.uows(source) as uow:
        event = uow.emit(payload)
    return str(event.id)


async def applied(platform: Platform, event_id: str, group: str = SOURCE) -> None:
    """Wait until `group` applied the event."""
    await applied_by(platform, group, event_id)


async def published(platform: Platform, topic: str, order_id: str | None = None) -> list[dict]:
    """Payloads (wire form, camelCase) published on `topic`, oldest first."""
    async with platform.db.reads() as session:
        rows = await session.scalars(
            select(LoggedEvent.envelope)
            .where(LoggedEvent.topic == topic)
            .order_by(LoggedEvent.position)
        )
        payloads = [json.loads(row)["payload"] for row in rows]
    return [p for p in payloads if order_id is None or p.get("orderId") == order_id]


# An order placed through the engine's own use case (no catalog or pricing needed), and the
# answers of the other engines about it.


async def placed_order(
    platform: Platform,
    method: str = "wave",
    *,
    customer: str = CUSTOMER,
    lines: tuple[tuple[str, int, int], ...] = (("LAPTOP-1", 1, 389_400), ("MOUSE-1", 2, 10_000)),
    shipping_fee: int = 1_500,
) -> str:
    """An order of `lines` (SKU, quantity, unit price incl. VAT) as a checkout places it."""
    placed = [
        PlacedLine(sku, f"prod-{sku}", None, f"Article {sku}", q, price, None, 0)
        for sku, q, price in lines
    ]
    subtotal = sum(line.quantity * line.unit_price for line in placed)
    total = subtotal + shipping_fee
    placement = await place_order(
        platform,
        PlaceOrder(
            customer_id=customer,
            idempotency_key=str(uuid.uuid4()),
            request_hash="h",
            cart_id="no-cart",
            lines=tuple(placed),
            subtotal=subtotal,
            discount_total=0,
            shipping_fee=shipping_fee,
            vat_total=vat_inside(total),
            total=total,
            payment_method=method,  # type: ignore[arg-type]
            delivery_method="home_delivery",
            address=Address(**DAKAR),
            shipping_zone="sn-dakar-plateau",
            promotion_codes=(),
        ),
    )
    return placement.order.id


def reserved(order_id: str) -> ReservationConfirmed:
    return ReservationConfirmed(
        order_id=order_id,
        reservation_id=f"res-{order_id}",
        lines=[ReservedLine(sku="LAPTOP-1", quantity=1)],
        confirmed_at=utcnow(),
    )


def refused(order_id: str) -> ReservationRefused:
    return ReservationRefused(
        order_id=order_id,
        lines=[RefusedLine(sku="MOUSE-1", requested=2, available=1)],
        reason="Stock insuffisant : « MOUSE-1 » : 2 demandé(s), seulement 1 disponible.",
        refused_at=utcnow(),
    )


def paid(order_id: str, amount: int, method: str = "wave") -> PaymentSucceeded:
    return PaymentSucceeded(
        payment_id=f"pay-{order_id}",
        order_id=order_id,
        customer_id=CUSTOMER,
        amount=amount,
        fee=amount // 100,
        method=method,  # type: ignore[arg-type]
        provider_reference="T_ABC123",
        succeeded_at=utcnow(),
    )


def payment_failed(order_id: str, amount: int) -> PaymentFailed:
    return PaymentFailed(
        payment_id=f"pay-{order_id}",
        order_id=order_id,
        customer_id=CUSTOMER,
        amount=amount,
        method="orange_money",
        reason="insufficient_funds",
        failed_at=utcnow(),
    )


def dispatched(order_id: str) -> ShipmentDispatched:
    return ShipmentDispatched(
        shipment_id=f"shp-{order_id}",
        order_id=order_id,
        customer_id=CUSTOMER,
        carrier="Yango Delivery",
        tracking_number="YG-778",
        dispatched_at=utcnow(),
    )


def delivered(order_id: str, cash: int | None = None) -> ShipmentDelivered:
    return ShipmentDelivered(
        shipment_id=f"shp-{order_id}",
        order_id=order_id,
        customer_id=CUSTOMER,
        cash_collected=cash,
        delivered_at=utcnow(),
    )


async def timeline_of(api: ApiClient, order_id: str) -> list[dict[str, Any]]:
    found = await api.get(f"/api/orders/{order_id}/timeline", role="staff")
    assert found.status_code == 200, found.text
    return list(found.json()["entries"])
