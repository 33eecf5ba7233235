"""Our projection of the catalog: each product's category path and brand, so that a sale can
be scoped by category (a parent category covers its subtree) and by brand.

Fed by `catalog.product.created|updated`. Those topics are separate partitions, so an update
may be read before the creation it follows: a row only moves forward in time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.events import ProductCreated, ProductUpdated
from itvision.engines.promotion.cart import CartLine
from itvision.engines.promotion.models import ProductScope


def category_path_of(product: ProductCreated | ProductUpdated) -> list[str]:
    """The path the catalog sends (root → leaf); events written before it carried one give
    only the product's own category."""
    path = list(getattr(product, "category_path", None) or [])
    if product.category_id not in path:
        path.append(product.category_id)
    return path


async def record_product(
    session: AsyncSession, product: ProductCreated | ProductUpdated, as_of: datetime
) -> None:
    row = await session.get(ProductScope, product.product_id)
    if row is None:
        row = ProductScope(product_id=product.product_id)
        session.add(row)
    elif row.as_of > as_of:
        return
    row.sku = product.sku
    row.category_path = category_path_of(product)
    row.brand = product.brand
    row.as_of = as_of


@dataclass(frozen=True, slots=True)
class Scope:
    category_path: tuple[str, ...]
    brand: str | None


async def scopes_of(session: AsyncSession, product_ids: Iterable[str]) -> dict[str, Scope]:
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = await session.scalars(select(ProductScope).where(ProductScope.product_id.in_(ids)))
    return {r.product_id: Scope(tuple(r.category_path), r.brand) for r in rows}


def with_scope(line: CartLine, scopes: dict[str, Scope]) -> CartLine:
    """The line with its product's categories and brand; a product the catalog never told us
    about matches only promotions that name it (or none)."""
    scope = scopes.get(line.product_id)
    if scope is None:
        return line
    return CartLine(
        line.sku, line.product_id, line.quantity, line.unit_price, scope.category_path, scope.brand
    )


async def forget_products(session: AsyncSession) -> None:
    """Empty the projection before the catalog's events are replayed from the start."""
    await session.execute(delete(ProductScope))
