"""Helpers of the order engine's tests: products made as staff make them (catalog, then priced
by the pricing engine and stocked by inventory), carts filled and checked out through the API,
and the other engines' events published as they would publish them."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select
from tests.conftest import eventually
from tests.support.api import ApiClient

from itvision.engines.order.events import SOURCE
from itvision.platform.bus.tables import InboxEntry, LoggedEvent
from itvision.platform.events import Payload
from itvision.platform.system import Platform

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
    """Wait until `group` applied the event (it is in the group's inbox)."""

    async def done() -> bool:
        async with platform.db.reads() as session:
            return await session.get(InboxEntry, (group, event_id)) is not None

    await eventually(done, 30, f"{group} to apply event {event_id}")


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
