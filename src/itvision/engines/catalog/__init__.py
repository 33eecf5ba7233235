"""Catalog engine (`catalog-engine`): categories (a tree), products with typed technical
attributes, their variants, and spreadsheet imports. Its contract with other engines is
`events`; this facade offers the synchronous reads they may need:

    product = await get_product_by_sku(platform, "HP-840-G8")

Prefer a projection fed by `catalog.*` events for anything read on a hot path.
"""

from itvision.engines.catalog.facade import (
    CatalogProduct,
    CatalogVariant,
    get_category_path,
    get_product,
    get_product_by_sku,
    get_variant_by_sku,
)

__all__ = [
    "CatalogProduct",
    "CatalogVariant",
    "get_category_path",
    "get_product",
    "get_product_by_sku",
    "get_variant_by_sku",
]
