"""How catalog rows read as plain values (for the rules) and as event payloads (for others)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from itvision.engines.catalog.events import (
    CategoryUpdated,
    ProductCreated,
    ProductUpdated,
    VariantCreated,
    VariantUpdated,
)
from itvision.engines.catalog.models import Category, Product, Variant
from itvision.engines.catalog.rules.products import PRODUCT_FIELDS

_TENTH = Decimal("0.1")


def inches_to_tenths(inches: Decimal | None) -> int | None:
    if inches is None:
        return None
    return int(Decimal(inches).quantize(_TENTH, rounding=ROUND_HALF_UP) * 10)


def tenths_to_inches(tenths: int | None) -> Decimal | None:
    return None if tenths is None else Decimal(tenths) / 10


def product_values(product: Product) -> dict[str, Any]:
    """The product's editable fields, as the rules and the API see them."""
    values = {f: getattr(product, f) for f in PRODUCT_FIELDS if f != "screen_inches"}
    values["screen_inches"] = tenths_to_inches(product.screen_tenths)
    values["images"] = list(product.images or [])
    return values


def assign_product(product: Product, values: dict[str, Any]) -> None:
    for field in PRODUCT_FIELDS:
        if field == "screen_inches":
            product.screen_tenths = inches_to_tenths(values.get(field))
        else:
            setattr(product, field, values.get(field))


def _product_facts(product: Product, category_path: list[str]) -> dict[str, Any]:
    """What product created and product updated both say of the product."""
    return {
        "product_id": product.id,
        "sku": product.sku,
        "name": product.name_fr,
        "name_en": product.name_en,
        "category_id": product.category_id,
        "category_path": category_path,
        "brand": product.brand,
        "condition": product.condition,
        "base_cost": product.base_cost,
        "currency": product.currency,
        "status": product.status,
        "weight_grams": product.weight_grams,
    }


def product_created(product: Product, category_path: list[str]) -> ProductCreated:
    return ProductCreated(**_product_facts(product, category_path), created_at=product.created_at)


def product_updated(
    product: Product, category_path: list[str], changed: list[str]
) -> ProductUpdated:
    return ProductUpdated(
        **_product_facts(product, category_path),
        changed_fields=changed,
        updated_at=product.updated_at,
    )


def variant_values(variant: Variant) -> dict[str, Any]:
    return {
        "options": dict(variant.options),
        "weight_grams": variant.weight_grams,
        "base_cost": variant.base_cost,
    }


def _variant_facts(variant: Variant, currency: str) -> dict[str, Any]:
    """What variant created and variant updated both say of the variant."""
    return {
        "product_id": variant.product_id,
        "variant_id": variant.id,
        "sku": variant.sku,
        "attributes": variant.options,
        "base_cost": variant.base_cost,
        "currency": currency,
        "weight_grams": variant.weight_grams,
    }


def variant_created(variant: Variant, currency: str) -> VariantCreated:
    return VariantCreated(**_variant_facts(variant, currency), created_at=variant.created_at)


def variant_updated(variant: Variant, currency: str, changed: list[str]) -> VariantUpdated:
    return VariantUpdated(
        **_variant_facts(variant, currency), changed_fields=changed, updated_at=variant.updated_at
    )


def category_updated(category: Category, path: list[str]) -> CategoryUpdated:
    return CategoryUpdated(
        category_id=category.id,
        name=category.name_fr,
        name_en=category.name_en,
        slug=category.slug,
        parent_id=category.parent_id,
        is_active=category.is_active,
        path=path,
        updated_at=category.updated_at,
    )
