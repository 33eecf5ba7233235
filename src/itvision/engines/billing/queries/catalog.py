"""The catalog products a quote names, read through the catalog's facade: a quote line is a
product or a variant the catalog sells, so that the order an accepted quote becomes can be
reserved and shipped like any other."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from itvision.engines import catalog
from itvision.platform.system import Platform


@dataclass(frozen=True, slots=True)
class CatalogItem:
    sku: str
    product_id: str
    name: str


async def catalog_items(platform: Platform, skus: Iterable[str]) -> dict[str, CatalogItem]:
    """The products and variants of these SKUs the catalog knows, by SKU as given."""
    found = await catalog.get_skus(platform, skus)
    return {given: CatalogItem(given, item.product_id, item.name) for given, item in found.items()}
