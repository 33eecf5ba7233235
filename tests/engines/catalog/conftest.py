"""Fixtures of the catalog tests: the system with only the catalog's consumers running, a
small category tree and product bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from itvision import bootstrap
from itvision.engines.catalog.consumers import GROUP
from itvision.platform.system import Platform
from itvision.settings import Settings
from tests.support.schema import migrate


@pytest.fixture
async def system(backend_settings: Settings) -> AsyncIterator[Platform]:
    """Every engine's topics and tables, but only the catalog's consumers: what these tests
    see does not depend on how other engines react to the catalog's events."""
    platform = Platform(backend_settings, bootstrap.registry(), [GROUP])
    await migrate(platform.db)
    await platform.start()
    yield platform
    await platform.close()


@pytest.fixture
async def tree(api) -> dict[str, str]:
    """informatique > ordinateurs-portables > ultrabooks, and telephones: slug -> id."""
    ids: dict[str, str] = {}
    for name, slug, parent in (
        ("Informatique", "informatique", None),
        ("Ordinateurs portables", "ordinateurs-portables", "informatique"),
        ("Ultrabooks", "ultrabooks", "ordinateurs-portables"),
        ("Téléphones", "telephones", None),
    ):
        response = await api.post(
            "/api/catalog/categories",
            json={"name_fr": name, "slug": slug, "parent_id": parent},
            role="staff",
        )
        assert response.status_code == 201, response.text
        ids[slug] = response.json()["id"]
    return ids


def laptop(sku: str = "HP-840-G8", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sku": sku,
        "name_fr": "HP EliteBook 840 G8",
        "name_en": "HP EliteBook 840 G8",
        "brand": "HP",
        "category_id": "ordinateurs-portables",
        "status": "active",
        "condition": "refurbished",
        "grade": "A",
        "ram_gb": 16,
        "storage_gb": 512,
        "cpu": "Intel Core i5-1145G7",
        "screen_inches": 14.0,
        "warranty_months": 12,
        "base_cost": 250_000,
        "images": ["https://cdn.example.com/hp-840.jpg"],
    }
    body.update(overrides)
    return body


async def create(api, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post("/api/catalog/products", json=body, role="staff")
    assert response.status_code == 201, response.text
    return response.json()


async def events(platform, topic: str) -> list[dict[str, Any]]:
    """The payloads (wire form, camelCase) of every event of `topic` in the log, oldest first."""
    import json

    from itvision.platform.bus import operations

    messages = await operations.read_log(platform, after=0, topic=topic, limit=10_000)
    return [json.loads(m.value)["payload"] for m in messages]
