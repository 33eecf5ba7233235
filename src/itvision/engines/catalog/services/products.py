"""Creating, changing and archiving products, adding and changing their variants, and
recording a view. Each runs in one unit of work: state and events commit together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from itvision.engines.catalog.commands import (
    ArchiveProduct,
    CreateProduct,
    CreateVariant,
    NewVariant,
    RecordView,
    UpdateProduct,
    UpdateVariant,
)
from itvision.engines.catalog.events import SOURCE, ProductDeleted, ProductViewed
from itvision.engines.catalog.models import Product, Variant
from itvision.engines.catalog.queries.categories import load_tree
from itvision.engines.catalog.rules import rows
from itvision.engines.catalog.rules.products import (
    check_distinct_options,
    normalize_options,
    normalize_sku,
    prepare_values,
)
from itvision.engines.catalog.services.writer import CatalogWriter
from itvision.platform.errors import Conflict, NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


@dataclass(frozen=True, slots=True)
class NewProduct:
    """A product just created, as the caller presents it: no price yet (pricing reacts to
    its event), its category's path and its variants."""

    product: Product
    category_path: list[str]
    variants: list[Variant]


async def create_product(on: Runner, command: CreateProduct) -> NewProduct:
    """Create a product and the variants given with it: `catalog.product.created` (and
    `catalog.variant.created` for each variant). 409 naming a SKU already taken."""
    async with unit_of_work(on, SOURCE) as uow:
        tree = await load_tree(uow)
        sku = normalize_sku(command.sku)
        values = prepare_values(command.values(), tree)
        variants = [_variant_input(v, f"variants.{i}") for i, v in enumerate(command.variants)]
        skus = [sku, *(v_sku for v_sku, _ in variants)]
        for i, repeated in enumerate(skus):
            if repeated in skus[:i]:
                raise Conflict(f"SKU {repeated} is given twice", field=f"variants.{i - 1}.sku")
        writer = CatalogWriter(uow, tree)
        # A SKU already taken fails the flush (unique): a 409 without a read first.
        product = writer.add_product(sku, values)
        await writer.flush(f"SKU {sku}")
        siblings: list[Variant] = []
        for v_sku, v_values in variants:
            check_distinct_options(siblings, v_values["options"])
            await writer.check_free(v_sku)
            siblings.append(writer.add_variant(product, v_sku, v_values))
        await writer.flush("a variant SKU")
        return NewProduct(product, tree.path(product.category_id), siblings)


async def update_product(on: Runner, command: UpdateProduct) -> None:
    """Emits `catalog.product.updated` with the fields that changed (nothing if none did)."""
    async with unit_of_work(on, SOURCE) as uow:
        product = await _product_for_update(uow.session, command.product_id)
        tree = await load_tree(uow)
        after = prepare_values({**rows.product_values(product), **command.changes()}, tree)
        CatalogWriter(uow, tree).change_product(product, after)


async def archive_product(on: Runner, command: ArchiveProduct) -> None:
    """Soft delete: the product becomes archived (hidden from customers, kept for orders,
    invoices and history) and `catalog.product.deleted` is emitted. Archiving an archived
    product changes nothing."""
    async with unit_of_work(on, SOURCE) as uow:
        product = await _product_for_update(uow.session, command.product_id)
        if product.status == "archived":
            return
        now = utcnow()
        product.status = "archived"
        product.updated_at = now
        uow.emit(
            ProductDeleted(
                product_id=product.id, sku=product.sku, reason=command.reason, deleted_at=now
            ),
        )


async def create_variant(on: Runner, command: CreateVariant) -> str:
    """Emits `catalog.variant.created`; the variant's id. 409 if the SKU is taken or another
    variant of the product has the same options."""
    async with unit_of_work(on, SOURCE) as uow:
        product = await _product_for_update(uow.session, command.product_id)
        sku, values = _variant_input(command.variant)
        check_distinct_options(await _variants_of(uow.session, product.id), values["options"])
        writer = CatalogWriter.of_variants(uow)
        variant = writer.add_variant(product, sku, values)
        await writer.flush(f"SKU {sku}")
        return variant.id


async def update_variant(on: Runner, command: UpdateVariant) -> None:
    """Emits `catalog.variant.updated` with the fields that changed."""
    async with unit_of_work(on, SOURCE) as uow:
        product = await _product_for_update(uow.session, command.product_id)
        siblings = await _variants_of(uow.session, product.id)
        variant = next((v for v in siblings if v.id == command.variant_id), None)
        if variant is None:
            raise NotFound(
                f"no variant {command.variant_id} of product {command.product_id}",
                field="variant_id",
            )
        changes = command.changes()
        after = {**rows.variant_values(variant), **changes}
        if "options" in changes:
            after["options"] = normalize_options(after["options"])
            check_distinct_options(siblings, after["options"], variant.id)
        writer = CatalogWriter.of_variants(uow)
        writer.change_variant(product, variant, after)
        await writer.flush("these options", "options")


async def record_view(on: Runner, command: RecordView) -> str:
    """Emit `catalog.product.viewed` for a product the viewer may see; the event id."""
    async with unit_of_work(on, SOURCE) as uow:
        product = await uow.session.get(Product, command.product_id)
        if product is None or (product.status != "active" and not command.by_staff):
            raise NotFound(f"no product {command.product_id}", field="product_id")
        envelope = uow.emit(
            ProductViewed(
                product_id=product.id,
                session_id=command.session_id,
                customer_id=command.customer_id,
                channel=command.channel,
                referrer=command.referrer,
                viewed_at=utcnow(),
            ),
        )
        return str(envelope.id)


def _variant_input(variant: NewVariant, field: str = "") -> tuple[str, dict[str, Any]]:
    prefix = f"{field}." if field else ""
    sku = normalize_sku(variant.sku, f"{prefix}sku")
    options = normalize_options(variant.options, f"{prefix}options")
    return sku, {
        "options": options,
        "weight_grams": variant.weight_grams,
        "base_cost": variant.base_cost,
    }


async def _product_for_update(session: AsyncSession, product_id: str) -> Product:
    # FOR UPDATE serializes concurrent edits of one product on PostgreSQL (SQLite's units of
    # work are serialized already), so each event reports the fields that really changed.
    product = await session.scalar(
        select(Product).where(Product.id == product_id).with_for_update()
    )
    if product is None:
        raise NotFound(f"no product {product_id}", field="product_id")
    return product


async def _variants_of(session: AsyncSession, product_id: str) -> list[Variant]:
    return list(
        await session.scalars(
            select(Variant).where(Variant.product_id == product_id).order_by(Variant.created_at)
        )
    )
