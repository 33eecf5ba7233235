"""Use cases that change products and variants: create, update, archive, add and change a
variant, and record a view. Each runs in one unit of work: state and events commit together.

Every SKU is first claimed in `catalog_skus` (a unique key shared by products and variants),
so a duplicate is a 409 naming it, even when two writers race on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog import records, rules
from itvision.engines.catalog.categories import SOURCE, CategoryTree, load_tree
from itvision.engines.catalog.events import ProductDeleted, ProductViewed
from itvision.engines.catalog.models import Product, Sku, Variant, new_id
from itvision.engines.catalog.schemas import (
    ProductCreate,
    VariantCreate,
    ViewCreate,
)
from itvision.platform.auth import Principal, Role
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.platform.uow import UnitOfWork


def prepare_values(values: dict[str, Any], tree: CategoryTree) -> dict[str, Any]:
    """Product values ready to save: category resolved from id or slug, rules checked."""
    prepared = dict(values)
    prepared["category_id"] = tree.require(prepared["category_id"], "category_id")
    prepared["images"] = rules.check_images(prepared.get("images") or [])
    rules.check_product(prepared)
    return prepared


async def claim_sku(
    session: AsyncSession,
    sku: str,
    product_id: str,
    variant_id: str | None = None,
    *,
    checked: bool = False,
) -> None:
    """Reserve `sku` for a product or variant; `checked`: the caller already knows it is free."""
    if not checked and await session.get(Sku, sku) is not None:
        raise Conflict(f"SKU {sku} already exists", field="sku")
    session.add(Sku(sku=sku, product_id=product_id, variant_id=variant_id))


async def flush_claims(session: AsyncSession, what: str, field: str = "sku") -> None:
    """Write pending rows; what another writer took meanwhile is a 409."""
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"{what} is already used", field=field) from None


async def add_product(
    uow: UnitOfWork,
    tree: CategoryTree,
    sku: str,
    values: dict[str, Any],
    now: datetime,
    *,
    sku_checked: bool = False,
) -> Product:
    """A new product from prepared values; its SKU is claimed, not yet flushed."""
    product = Product(id=new_id(), sku=sku, currency="XOF", created_at=now, updated_at=now)
    records.assign_product(product, values)
    await claim_sku(uow.session, sku, product.id, checked=sku_checked)
    uow.session.add(product)
    uow.emit(records.product_created(product, tree.path(product.category_id)))
    return product


def change_product(
    uow: UnitOfWork, tree: CategoryTree, product: Product, after: dict[str, Any], now: datetime
) -> list[str]:
    """Give `product` the prepared values `after`; the names of the fields that changed."""
    changed = rules.changed_fields(records.product_values(product), after, rules.PRODUCT_FIELDS)
    if not changed:
        return []
    records.assign_product(product, after)
    product.updated_at = now
    reported = [*changed, "category_path"] if "category_id" in changed else changed
    uow.emit(
        records.product_updated(product, tree.path(product.category_id), reported),
    )
    return changed


async def add_variant(
    uow: UnitOfWork,
    product: Product,
    sku: str,
    values: dict[str, Any],
    now: datetime,
    *,
    sku_checked: bool = False,
) -> Variant:
    """A new variant from normalized values; its SKU is claimed, not yet flushed."""
    variant = Variant(
        id=new_id(),
        product_id=product.id,
        sku=sku,
        options=values["options"],
        options_key=rules.options_key(values["options"]),
        weight_grams=values.get("weight_grams"),
        base_cost=values.get("base_cost"),
        created_at=now,
        updated_at=now,
    )
    await claim_sku(uow.session, sku, product.id, variant.id, checked=sku_checked)
    uow.session.add(variant)
    uow.emit(records.variant_created(variant, product.currency))
    return variant


def change_variant(
    uow: UnitOfWork, product: Product, variant: Variant, after: dict[str, Any], now: datetime
) -> list[str]:
    changed = rules.changed_fields(records.variant_values(variant), after, rules.VARIANT_FIELDS)
    if not changed:
        return []
    variant.options = after["options"]
    variant.options_key = rules.options_key(after["options"])
    variant.weight_grams = after["weight_grams"]
    variant.base_cost = after["base_cost"]
    variant.updated_at = now
    uow.emit(records.variant_updated(variant, product.currency, changed))
    return changed


def check_distinct_options(
    siblings: list[Variant], options: dict[str, str], variant_id: str | None = None
) -> None:
    """No two variants of a product have the same option values (409 naming the other)."""
    key = rules.options_key(options)
    for sibling in siblings:
        if sibling.id != variant_id and sibling.options_key == key:
            raise Conflict(f"same options as variant {sibling.sku}", field="options")


async def create_product(platform: Platform, data: ProductCreate) -> str:
    """Create a product (and the variants given with it); returns its id."""
    async with platform.uows(SOURCE) as uow:
        tree = await load_tree(uow.session)
        sku = rules.normalize_sku(data.sku)
        values = prepare_values(data.values(), tree)
        variants = [_variant_input(v, f"variants.{i}") for i, v in enumerate(data.variants)]
        skus = [sku, *(v_sku for v_sku, _ in variants)]
        for i, repeated in enumerate(skus):
            if repeated in skus[:i]:
                raise Conflict(f"SKU {repeated} is given twice", field=f"variants.{i - 1}.sku")
        now = utcnow()
        product = await add_product(uow, tree, sku, values, now)
        await flush_claims(uow.session, f"SKU {sku}")
        siblings: list[Variant] = []
        for v_sku, v_values in variants:
            check_distinct_options(siblings, v_values["options"])
            siblings.append(await add_variant(uow, product, v_sku, v_values, now))
        await flush_claims(uow.session, "a variant SKU")
        return product.id


async def update_product(platform: Platform, product_id: str, changes: dict[str, Any]) -> None:
    async with platform.uows(SOURCE) as uow:
        product = await _product_for_update(uow.session, product_id)
        tree = await load_tree(uow.session)
        after = prepare_values({**records.product_values(product), **changes}, tree)
        change_product(uow, tree, product, after, utcnow())


async def archive_product(platform: Platform, product_id: str, reason: str | None) -> None:
    """Soft delete: the product becomes archived (hidden from customers, kept for orders,
    invoices and history) and `catalog.product.deleted` is emitted. Archiving an archived
    product changes nothing."""
    async with platform.uows(SOURCE) as uow:
        product = await _product_for_update(uow.session, product_id)
        if product.status == "archived":
            return
        now = utcnow()
        product.status = "archived"
        product.updated_at = now
        uow.emit(
            ProductDeleted(product_id=product.id, sku=product.sku, reason=reason, deleted_at=now),
        )


async def create_variant(platform: Platform, product_id: str, data: VariantCreate) -> str:
    async with platform.uows(SOURCE) as uow:
        product = await _product_for_update(uow.session, product_id)
        sku, values = _variant_input(data)
        check_distinct_options(await _variants_of(uow.session, product.id), values["options"])
        variant = await add_variant(uow, product, sku, values, utcnow())
        await flush_claims(uow.session, f"SKU {sku}")
        return variant.id


async def update_variant(
    platform: Platform, product_id: str, variant_id: str, changes: dict[str, Any]
) -> None:
    async with platform.uows(SOURCE) as uow:
        product = await _product_for_update(uow.session, product_id)
        siblings = await _variants_of(uow.session, product.id)
        variant = next((v for v in siblings if v.id == variant_id), None)
        if variant is None:
            raise NotFound(f"no variant {variant_id} of product {product_id}", field="variant_id")
        after = {**records.variant_values(variant), **changes}
        if "options" in changes:
            after["options"] = rules.normalize_options(after["options"])
            check_distinct_options(siblings, after["options"], variant.id)
        change_variant(uow, product, variant, after, utcnow())
        await flush_claims(uow.session, "these options", "options")


async def record_view(
    platform: Platform, product_id: str, data: ViewCreate, caller: Principal | None
) -> str:
    """Emit `catalog.product.viewed` for a product the caller may see; the event id."""
    async with platform.uows(SOURCE) as uow:
        product = await uow.session.get(Product, product_id)
        staff = caller is not None and caller.is_staff
        if product is None or (product.status != "active" and not staff):
            raise NotFound(f"no product {product_id}", field="id")
        customer = caller.subject if caller and caller.role == Role.CUSTOMER else None
        envelope = uow.emit(
            ProductViewed(
                product_id=product.id,
                session_id=data.session_id,
                customer_id=customer,
                channel=data.channel,
                referrer=data.referrer,
                viewed_at=utcnow(),
            ),
        )
        return str(envelope.id)


def _variant_input(data: VariantCreate, field: str = "") -> tuple[str, dict[str, Any]]:
    prefix = f"{field}." if field else ""
    sku = rules.normalize_sku(data.sku, f"{prefix}sku")
    options = rules.normalize_options(data.options, f"{prefix}options")
    return sku, {"options": options, "weight_grams": data.weight_grams, "base_cost": data.base_cost}


async def _product_for_update(session: AsyncSession, product_id: str) -> Product:
    # FOR UPDATE serializes concurrent edits of one product on PostgreSQL (SQLite's units of
    # work are serialized already), so each event reports the fields that really changed.
    product = await session.scalar(
        select(Product).where(Product.id == product_id).with_for_update()
    )
    if product is None:
        raise NotFound(f"no product {product_id}", field="id")
    return product


async def _variants_of(session: AsyncSession, product_id: str) -> list[Variant]:
    return list(
        await session.scalars(
            select(Variant).where(Variant.product_id == product_id).order_by(Variant.created_at)
        )
    )
