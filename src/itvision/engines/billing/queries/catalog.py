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
    found: dict[str, CatalogItem] = {}
    for sku in dict.fromkeys(skus):
        product = await catalog.get_product_by_sku(platform, sku)
        if product is not None:
            found[sku] = CatalogItem(sku, product.product_id, product.name)
            continue
        variant = await catalog.get_variant_by_sku(platform, sku)
        if variant is None:
            continue
        parent = await catalog.get_product(platform, variant.product_id)
        options = " ".join(variant.options.values())
        name = f"{parent.name} {options}".strip() if parent is not None else variant.sku
        found[sku] = CatalogItem(sku, variant.product_id, name)
    return found
