"""Helpers of the notification engine's tests: publish what other engines would, read the
messages through the API."""

from __future__ import annotations

from typing import Any

from itvision.engines.inventory.events import StockUpdated
from itvision.engines.loyalty.events import TierUpgraded
from itvision.engines.order.events import DeliveryAddress, OrderLine, OrderPlaced
from itvision.platform.events import utcnow
from tests.conftest import eventually


async def emit(platform, source: str, payload) -> str:
    """Publish as engine `source` would; returns the event id."""
    async with platform.uows(source) as uow:
        envelope = uow.emit(payload)
    return str(envelope.id)


def order_placed(order_id: str, customer_id: str, phone: str = "+221771234567") -> OrderPlaced:
    return OrderPlaced(
        order_id=order_id,
        customer_id=customer_id,
        lines=[
            OrderLine(
                sku="UPS-1500", product_id="p-1", name="Onduleur", quantity=1, unit_price=45500
            )
        ],
        subtotal=45500,
        total=45500,
        payment_method="cash_on_delivery",
        delivery_address=DeliveryAddress(recipient_name="Awa Ndiaye", phone=phone, city="Dakar"),
        placed_at=utcnow(),
    )


def tier_upgraded(customer_id: str) -> TierUpgraded:
    return TierUpgraded(
        customer_id=customer_id,
        previous_tier="silver",
        tier="gold",
        qualifying_points=5000,
        upgraded_at=utcnow(),
    )


async def set_contact(api, customer_id: str, **fields: Any) -> dict[str, Any]:
    body = {"phone": "+221771234567", **fields}
    response = await api.put(
        f"/api/notifications/contacts/{customer_id}",
        json=body,
        role="customer",
        subject=customer_id,
    )
    assert response.status_code == 200, response.text
    return response.json()


async def messages_of(api, customer_id: str, **query: str) -> list[dict[str, Any]]:
    response = await api.get(
        "/api/notifications/messages", params=query, role="customer", subject=customer_id
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def wait_message(api, customer_id: str, check, what: str) -> dict[str, Any]:
    found: dict[str, Any] = {}

    async def seen() -> bool:
        for message in await messages_of(api, customer_id):
            if check(message):
                found.update(message)
                return True
        return False

    await eventually(seen, 20, what)
    return found


async def catalog_product(api, sku: str, **fields: Any) -> dict[str, Any]:
    """A product in the catalog (staff, through its API), in a category made for it."""
    category = await api.post(
        "/api/catalog/categories",
        json={"name_fr": f"Rayon {sku}", "slug": f"rayon-{sku.lower()}"},
        role="staff",
    )
    assert category.status_code == 201, category.text
    body = {
        "sku": sku,
        "name_fr": "Onduleur APC 1500 VA",
        "category_id": category.json()["id"],
        "status": "active",
        "base_cost": 90_000,
        **fields,
    }
    product = await api.post("/api/catalog/products", json=body, role="staff")
    assert product.status_code == 201, product.text
    return product.json()


def stock_updated(sku: str, available: int, delta: int, reserved_delta: int = 0) -> StockUpdated:
    """A movement at one warehouse leaving `available` units of `sku` (nothing reserved)."""
    return StockUpdated(
        sku=sku,
        product_id="p-1",
        warehouse_id="DKR-1",
        quantity_on_hand=available,
        quantity_reserved=0,
        quantity_available=available,
        delta=delta,
        reserved_delta=reserved_delta,
        reason="receipt" if delta > 0 else "adjustment",
        updated_at=utcnow(),
    )
