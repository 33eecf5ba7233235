"""Reading the catalog: products (filtered, sorted, paged), one product, categories.

Callers who are not staff see active products only, and answers built here are narrowed to
`ProductPublic` (no cost) by the API. Prices come from the projection of the pricing engine's
events (`catalog_prices`); a product not priced yet has no price and sorts last by price.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.categories import CategoryTree, category_public, load_tree
from itvision.engines.catalog.models import Category, Product, ProductPrice, Sku, Variant
from itvision.engines.catalog.records import inches_to_tenths, product_values
from itvision.engines.catalog.schemas import (
    CategoryNode,
    CategoryPublic,
    PricePublic,
    ProductFilters,
    ProductStaff,
    Sort,
    VariantStaff,
)
from itvision.engines.catalog.violations import Violation
from itvision.platform.errors import Forbidden, InvalidInput, NotFound
from itvision.platform.pagination import Page, PageParams
from itvision.platform.system import Platform


async def list_products(
    platform: Platform, filters: ProductFilters, paging: PageParams, *, staff: bool
) -> Page[ProductStaff]:
    if filters.min_price is not None and filters.max_price is not None:
        if filters.max_price < filters.min_price:
            raise InvalidInput("max_price is below min_price", field="max_price")
    if not staff and set(filters.status) - {"active"}:
        raise Forbidden("only staff see draft and archived products", field="status")
    async with platform.db.reads() as session:
        tree = await load_tree(session)
        query = _filtered(select(Product, ProductPrice), filters, tree, staff=staff)
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        page = (
            await session.execute(
                _sorted(query, filters.sort).limit(paging.limit).offset(paging.offset)
            )
        ).all()
        items = await _answers(session, tree, [(row[0], row[1]) for row in page])
    return Page[ProductStaff](
        items=items, total=total or 0, limit=paging.limit, offset=paging.offset
    )


async def get_product(platform: Platform, product_id: str, *, staff: bool) -> ProductStaff:
    async with platform.db.reads() as session:
        row = (
            await session.execute(
                _with_price(select(Product, ProductPrice)).where(Product.id == product_id)
            )
        ).first()
        return await _one(session, row, product_id, staff)


async def get_product_by_sku(platform: Platform, sku: str, *, staff: bool) -> ProductStaff:
    """The product with this SKU, or the product of the variant with this SKU."""
    normalized = sku.strip().upper()
    async with platform.db.reads() as session:
        owner = await session.get(Sku, normalized)
        row = None
        if owner is not None:
            row = (
                await session.execute(
                    _with_price(select(Product, ProductPrice)).where(Product.id == owner.product_id)
                )
            ).first()
        return await _one(session, row, sku, staff)


async def list_categories(platform: Platform, *, staff: bool) -> list[CategoryPublic]:
    async with platform.db.reads() as session:
        tree = await load_tree(session)
        query = select(Category).order_by(Category.name_fr, Category.id)
        if not staff:
            query = query.where(Category.is_active.is_(True))
        return [category_public(c, tree) for c in await session.scalars(query)]


async def category_tree(platform: Platform, *, staff: bool) -> list[CategoryNode]:
    """The categories as nested nodes; a hidden (inactive) category hides its subtree from
    non-staff callers."""
    categories = await list_categories(platform, staff=staff)
    nodes = {c.id: CategoryNode(**c.model_dump()) for c in categories}
    roots: list[CategoryNode] = []
    for node in nodes.values():
        if node.parent_id is None:
            roots.append(node)
        elif node.parent_id in nodes:
            nodes[node.parent_id].children.append(node)
    return roots


async def get_category(platform: Platform, ref: str, *, staff: bool) -> CategoryPublic:
    async with platform.db.reads() as session:
        tree = await load_tree(session)
        category_id = tree.resolve(ref)
        category = await session.get(Category, category_id) if category_id else None
        if category is None or not (staff or category.is_active):
            raise NotFound(f"no category {ref}", field="id")
        return category_public(category, tree)


def _with_price(query: Select[Any]) -> Select[Any]:
    return query.outerjoin(ProductPrice, ProductPrice.product_id == Product.id)


def _filtered(
    query: Select[Any], f: ProductFilters, tree: CategoryTree, *, staff: bool
) -> Select[Any]:
    query = _with_price(query)
    statuses = list(f.status) if f.status else (None if staff else ["active"])
    if statuses:
        query = query.where(Product.status.in_(statuses))
    if f.category is not None:
        category_id = tree.resolve(f.category)
        if category_id is None:
            raise Violation("unknown_category", "category", value=f.category)
        query = query.where(Product.category_id.in_(tree.subtree(category_id)))
    if f.brand:
        query = query.where(func.lower(Product.brand).in_([b.strip().lower() for b in f.brand]))
    for column, values in (
        (Product.condition, f.condition),
        (Product.grade, f.grade),
        (Product.ram_gb, f.ram_gb),
        (Product.storage_gb, f.storage_gb),
    ):
        if values:
            query = query.where(column.in_(list(values)))
    for column, low, high in (
        (Product.ram_gb, f.min_ram_gb, None),
        (Product.storage_gb, f.min_storage_gb, None),
        (Product.warranty_months, f.min_warranty_months, None),
        (
            Product.screen_tenths,
            inches_to_tenths(f.min_screen_inches),
            inches_to_tenths(f.max_screen_inches),
        ),
        (ProductPrice.final_price, f.min_price, f.max_price),
    ):
        if low is not None:
            query = query.where(column >= low)
        if high is not None:
            query = query.where(column <= high)
    if f.cpu:
        query = query.where(
            func.lower(Product.cpu).contains(f.cpu.strip().lower(), autoescape=True)
        )
    if f.q:
        text = f.q.strip().lower()
        query = query.where(
            or_(
                *(
                    func.lower(column).contains(text, autoescape=True)
                    for column in (Product.sku, Product.name_fr, Product.name_en, Product.brand)
                )
            )
        )
    return query


def _sorted(query: Select[Any], sort: Sort) -> Select[Any]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "price":
        column: Any = ProductPrice.final_price
        unpriced_last = case((ProductPrice.final_price.is_(None), 1), else_=0)
        order = column.desc() if descending else column.asc()
        return query.order_by(unpriced_last, order, Product.id)
    column = {
        "created_at": Product.created_at,
        "updated_at": Product.updated_at,
        "name": func.lower(Product.name_fr),
        "sku": Product.sku,
    }[key]
    return query.order_by(column.desc() if descending else column.asc(), Product.id)


async def get_variant(platform: Platform, product_id: str, variant_id: str) -> VariantStaff:
    async with platform.db.reads() as session:
        variant = await session.get(Variant, variant_id)
        if variant is None or variant.product_id != product_id:
            raise NotFound(f"no variant {variant_id} of product {product_id}", field="variant_id")
        return VariantStaff.model_validate(variant)


async def _one(session: AsyncSession, row: Any, ref: str, staff: bool) -> ProductStaff:
    if row is None or not (staff or row[0].status == "active"):
        raise NotFound(f"no product {ref}", field="id")
    tree = await load_tree(session)
    return (await _answers(session, tree, [(row[0], row[1])]))[0]


async def _answers(
    session: AsyncSession,
    tree: CategoryTree,
    rows: list[tuple[Product, ProductPrice | None]],
) -> list[ProductStaff]:
    ids = [product.id for product, _ in rows]
    variants: dict[str, list[Variant]] = {}
    if ids:
        for variant in await session.scalars(
            select(Variant)
            .where(Variant.product_id.in_(ids))
            .order_by(Variant.created_at, Variant.id)
        ):
            variants.setdefault(variant.product_id, []).append(variant)
    return [_answer(product, price, tree, variants.get(product.id, [])) for product, price in rows]


def _answer(
    product: Product, price: ProductPrice | None, tree: CategoryTree, variants: list[Variant]
) -> ProductStaff:
    return ProductStaff(
        **product_values(product),
        id=product.id,
        sku=product.sku,
        category_path=tree.path(product.category_id),
        currency=product.currency,
        price=(
            PricePublic(
                amount=price.final_price, currency=price.currency, calculated_at=price.calculated_at
            )
            if price is not None
            else None
        ),
        variants=[VariantStaff.model_validate(v) for v in variants],
        created_at=product.created_at,
        updated_at=product.updated_at,
    )
