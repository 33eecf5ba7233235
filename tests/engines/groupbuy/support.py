"""Helpers of the group-buy tests: a product to group on, a group opened, customers joining."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from itvision.platform.events import utcnow
from tests.engines.order.support import category, product
from tests.support.api import ApiClient

DAKAR = {
    "recipient_name": "Awa Ndiaye",
    "phone": "+221 77 123 45 67",
    "city": "Dakar",
    "area": "Plateau",
    "address_line": "12 rue Carnot",
    "country": "SN",
}
TIERS = [{"threshold": 3, "unit_price": 90_000}, {"threshold": 5, "unit_price": 80_000}]


async def grouped_product(api: ApiClient, stock: int = 50) -> str:
    """A product in stock in Dakar; its SKU."""
    made = await product(
        api, await category(api), f"GROUPE-{uuid.uuid4().hex[:6].upper()}", stock=stock
    )
    return str(made["sku"])


async def open_group(api: ApiClient, sku: str, **terms: Any) -> dict[str, Any]:
    body = {
        "sku": sku,
        "basis": "participants",
        "unit_price": 100_000,
        "tiers": TIERS,
        "minimum": 2,
        "deadline": (utcnow() + timedelta(days=2)).isoformat(),
        "max_participants": 10,
        "max_quantity_per_person": 3,
        **terms,
    }
    created = await api.post("/api/group-buys", json=body, role="staff")
    assert created.status_code == 201, created.text
    return dict(created.json())


async def join(
    api: ApiClient,
    group_id: str,
    customer: str,
    quantity: int = 1,
    method: str = "wave",
    **choice: Any,
) -> dict[str, Any]:
    joined = await api.post(
        f"/api/group-buys/{group_id}/participations",
        json={"quantity": quantity, "payment_method": method, "delivery_address": DAKAR, **choice},
        role="customer",
        subject=customer,
    )
    assert joined.status_code == 201, joined.text
    return dict(joined.json())


async def group_of(api: ApiClient, group_id: str) -> dict[str, Any]:
    found = await api.get(f"/api/group-buys/{group_id}")
    assert found.status_code == 200, found.text
    return dict(found.json())
