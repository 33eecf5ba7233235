"""Reading products: lists (filtered, sorted, paged), one product, one variant.

Callers who are not staff see active products only, and answers built here are narrowed to
`ProductPublic` (no cost) by the API. Prices come from the projection of the pricing engine's
events (`catalog_prices`); a product not priced yet has no price and sorts last by price.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.models import Product, ProductPrice, Sku, Variant
from itvision.engines.catalog.queries.categories import load_tree
from itvision.engines.catalog.rules.categories import CategoryTree
from itvision.engines.catalog.rules.products import stored_sku
from itvision.engines.catalog.rules.rows import inches_to_tenths
from itvision.engines.catalog.rules.violations import Violation
from itvision.engines.catalog.schemas import ProductFilters, ProductStaff, Sort, VariantStaff
from itvision.platform.errors import Forbidden, InvalidInput, NotFound
from itvision.platform.pagination import Page, PageParams
from itvision.platform.uow import Runner, read_session


async def list_products(
    on: Runner, filters: ProductFilters, paging: PageParams, *, staff: bool
) -> Page[ProductStaff]:
    if filters.min_price is not None and filters.max_price is not None:
        if filters.max_price < filters.min_price:
            raise InvalidInput("max_price is below min_price", field="max_price")
    if not staff and set(filters.status) - {"active"}:
        raise Forbidden("only staff see draft and archived products", field="status")
    tree = await load_tree(on)
    async with read_session(on) as session:
        query = _filtered(select(Product, ProductPrice), filters, tree, staff=staff)
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        page = (
            await session.execute(
                _sorted(query, filters.sort).limit(paging.limit).offset(paging.offset)
            )
        ).all()
        items = await _answers(session, tree, [(row[0], row[1]) for row in page])
    # Typed: the route answers staff and others with two page models.
    return Page[ProductStaff].of(items, total or 0, paging)


async def get_product(on: Runner, product_id: str, *, staff: bool) -> ProductStaff:
    tree = await load_tree(on)
    async with read_session(on) as session:
        row = (
            await session.execute(
                _with_price(select(Product, ProductPrice)).where(Product.id == product_id)
            )
        ).first()
        return await _one(session, tree, row, staff, product_id, "product_id")


async def get_product_by_sku(on: Runner, sku: str, *, staff: bool) -> ProductStaff:
    """The product with this SKU, or the product of the variant with this SKU."""
    normalized = stored_sku(sku)
    tree = await load_tree(on)
    async with read_session(on) as session:
        owner = await session.get(Sku, normalized) if normalized else None
        row = None
        if owner is not None:
            row = (
                await session.execute(
                    _with_price(select(Product, ProductPrice)).where(Product.id == owner.product_id)
                )
            ).first()
        return await _one(session, tree, row, staff, sku, "sku")


def _with_price(query: Select[Product, ProductPrice]) -> Select[Product, ProductPrice]:
    return query.outerjoin(ProductPrice, ProductPrice.product_id == Product.id)


def _filtered(
    query: Select[Product, ProductPrice], f: ProductFilters, tree: CategoryTree, *, staff: bool
) -> Select[Product, ProductPrice]:
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


def _sorted(query: Select[Product, ProductPrice], sort: Sort) -> Select[Product, ProductPrice]:
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


async def get_variant(on: Runner, product_id: str, variant_id: str) -> VariantStaff:
    async with read_session(on) as session:
        variant = await session.get(Variant, variant_id)
        if variant is None or variant.product_id != product_id:
            raise NotFound(f"no variant {variant_id} of product {product_id}", field="variant_id")
        return VariantStaff.model_validate(variant)


async def _one(
    session: AsyncSession, tree: CategoryTree, row: Any, staff: bool, ref: str, field: str
) -> ProductStaff:
    """The product of `row`, asked for as `ref` in the input `field`."""
    if row is None or not (staff or row[0].status == "active"):
        raise NotFound(f"no product {ref}", field=field)
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
    return [
        ProductStaff.of(
            product, price, tree.path(product.category_id), variants.get(product.id, [])
        )
        for product, price in rows
    ]
