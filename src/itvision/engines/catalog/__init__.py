"""Catalog engine: categories (a tree), products with typed technical attributes, their
variants, and spreadsheet imports. Its contract with other engines is `events`; this facade
offers the synchronous reads they may need:

    product = await get_product_by_sku(platform, "HP-840-G8")

Prefer a projection fed by `catalog.*` events for anything read on a hot path. The engine's
internals are imported inside the functions, so that importing `events` stays light.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from itvision.platform.system import Platform
from itvision.platform.uow import read_session

if TYPE_CHECKING:
    from itvision.engines.catalog.models import Product, Variant

__all__ = [
    "CatalogProduct",
    "CatalogSku",
    "CatalogVariant",
    "get_category_path",
    "get_product",
    "get_product_by_sku",
    "get_skus",
    "get_variant_by_sku",
]


@dataclass(frozen=True, slots=True)
class CatalogVariant:
    variant_id: str
    product_id: str
    sku: str
    options: dict[str, str]
    weight_grams: int | None
    base_cost: int = 0  # the variant's own cost, or its product's when it has none


@dataclass(frozen=True, slots=True)
class CatalogProduct:
    product_id: str
    sku: str
    name: str  # French
    name_en: str | None
    brand: str | None
    category_id: str
    category_path: tuple[str, ...]
    status: str
    condition: str
    grade: str | None
    base_cost: int
    currency: str
    weight_grams: int | None
    final_price: int | None  # the latest price the pricing engine calculated, if any
    variants: tuple[CatalogVariant, ...] = ()


@dataclass(frozen=True, slots=True)
class CatalogSku:
    """What a SKU sells: a product, or one of its variants (`variant_id`), named as a
    customer reads it ("HP EliteBook 840 (16 Go, 512 Go)")."""

    sku: str  # as the catalog stores it
    product_id: str
    variant_id: str | None
    name: str  # French
    status: str  # the product's
    weight_grams: int | None  # the variant's, else its product's


async def get_skus(platform: Platform, skus: Iterable[str]) -> dict[str, CatalogSku]:
    """The products and variants of these SKUs (any status), by SKU as given (case and
    spaces as the caller wrote them); unknown ones are left out. One statement."""
    from sqlalchemy import select

    from itvision.engines.catalog.models import Product, Sku, Variant
    from itvision.engines.catalog.rules.products import stored_sku

    keys = {given: key for given in skus if (key := stored_sku(given)) is not None}
    if not keys:
        return {}
    query = (
        select(Sku, Product, Variant)
        .join(Product, Product.id == Sku.product_id)
        .outerjoin(Variant, Variant.id == Sku.variant_id)
        .where(Sku.sku.in_(sorted(set(keys.values()))))
    )
    async with read_session(platform) as session:
        rows = (await session.execute(query)).all()
    found: dict[str, CatalogSku] = {}
    for claim, product, variant in rows:
        name, weight = product.name_fr, product.weight_grams
        if variant is not None:
            if variant.options:
                name = f"{name} ({', '.join(variant.options.values())})"
            if variant.weight_grams is not None:
                weight = variant.weight_grams
        found[claim.sku] = CatalogSku(
            claim.sku, product.id, claim.variant_id, name, product.status, weight
        )
    return {given: found[key] for given, key in keys.items() if key in found}


async def get_product(platform: Platform, product_id: str) -> CatalogProduct | None:
    """Any product, whatever its status (callers decide what an archived product means)."""
    from sqlalchemy import select

    from itvision.engines.catalog.models import Product, ProductPrice, Variant
    from itvision.engines.catalog.queries.categories import load_tree

    tree = await load_tree(platform)
    async with read_session(platform) as session:
        row = (
            await session.execute(
                select(Product, ProductPrice)
                .outerjoin(ProductPrice, ProductPrice.product_id == Product.id)
                .where(Product.id == product_id)
            )
        ).first()
        if row is None:
            return None
        product, price = row
        variants = await session.scalars(
            select(Variant).where(Variant.product_id == product.id).order_by(Variant.created_at)
        )
        return CatalogProduct(
            product_id=product.id,
            sku=product.sku,
            name=product.name_fr,
            name_en=product.name_en,
            brand=product.brand,
            category_id=product.category_id,
            category_path=tuple(tree.path(product.category_id)),
            status=product.status,
            condition=product.condition,
            grade=product.grade,
            base_cost=product.base_cost,
            currency=product.currency,
            weight_grams=product.weight_grams,
            final_price=price.final_price if price is not None else None,
            variants=tuple(_variant(v, product) for v in variants),
        )


async def get_product_by_sku(platform: Platform, sku: str) -> CatalogProduct | None:
    """The product with this SKU (not a variant's; see get_variant_by_sku). Case-insensitive."""
    from itvision.engines.catalog.models import Sku
    from itvision.engines.catalog.rules.products import stored_sku

    key = stored_sku(sku)
    if key is None:
        return None
    async with read_session(platform) as session:
        claim = await session.get(Sku, key)
    if claim is None or claim.variant_id is not None:
        return None
    return await get_product(platform, claim.product_id)


async def get_variant_by_sku(platform: Platform, sku: str) -> CatalogVariant | None:
    from sqlalchemy import select

    from itvision.engines.catalog.models import Product, Variant
    from itvision.engines.catalog.rules.products import stored_sku

    key = stored_sku(sku)
    if key is None:
        return None
    async with read_session(platform) as session:
        row = (
            await session.execute(
                select(Variant, Product)
                .join(Product, Product.id == Variant.product_id)
                .where(Variant.sku == key)
            )
        ).first()
    return None if row is None else _variant(row[0], row[1])


async def get_category_path(platform: Platform, category_id: str) -> list[str] | None:
    """Category ids from the root to `category_id` (inclusive); None for an unknown id."""
    from itvision.engines.catalog.queries.categories import load_tree

    tree = await load_tree(platform)
    return tree.path(category_id) if category_id in tree.parents else None


def _variant(variant: Variant, product: Product) -> CatalogVariant:
    return CatalogVariant(
        variant_id=variant.id,
        product_id=variant.product_id,
        sku=variant.sku,
        options=dict(variant.options),
        weight_grams=variant.weight_grams
        if variant.weight_grams is not None
        else product.weight_grams,
        base_cost=variant.base_cost if variant.base_cost is not None else product.base_cost,
    )
