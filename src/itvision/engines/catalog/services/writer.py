"""Writing catalog rows and their events inside a use case's unit of work: what creating a
product through the API and importing a file share.

Every SKU is claimed in `catalog_skus` (a unique key shared by products and variants), so a
duplicate is a 409 naming it, even when two writers race on PostgreSQL: the claim is checked
first, and the database decides at `flush`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from itvision.engines.catalog.models import Category, Product, Sku, Variant, new_id
from itvision.engines.catalog.rules import rows
from itvision.engines.catalog.rules.categories import CategoryTree, NewCategory
from itvision.engines.catalog.rules.products import (
    PRODUCT_FIELDS,
    VARIANT_FIELDS,
    changed_fields,
    options_key,
)
from itvision.platform.errors import Conflict
from itvision.platform.events import utcnow
from itvision.platform.uow import UnitOfWork


class CatalogWriter:
    """Adds and changes rows in `uow`, emitting what each change says (with category paths
    from `tree`); all at `now`."""

    def __init__(self, uow: UnitOfWork, tree: CategoryTree, now: datetime | None = None) -> None:
        self.uow = uow
        self.tree = tree
        self.now = now or utcnow()

    @classmethod
    def of_variants(cls, uow: UnitOfWork) -> CatalogWriter:
        """A writer of variants only: their events carry no category path."""
        return cls(uow, CategoryTree({}, {}))

    async def flush(self, what: str, field: str = "sku") -> None:
        """Write pending rows; what another writer took meanwhile is a 409."""
        try:
            await self.uow.session.flush()
        except IntegrityError:
            raise Conflict(f"{what} is already used", field=field) from None

    async def check_free(self, sku: str) -> None:
        if await self.uow.session.get(Sku, sku) is not None:
            raise Conflict(f"SKU {sku} already exists", field="sku")

    def add_category(
        self, new: NewCategory, *, name_en: str | None = None, is_active: bool = True
    ) -> Category:
        """A new category (its parent already added); the slug is checked at `flush`."""
        category = Category(
            id=new.id,
            slug=new.slug,
            name_fr=new.name_fr,
            name_en=name_en,
            parent_id=new.parent_id,
            is_active=is_active,
            created_at=self.now,
            updated_at=self.now,
        )
        self.uow.session.add(category)
        if new.id not in self.tree.parents:
            self.tree.add(new)
        self.uow.emit(rows.category_updated(category, self.tree.path(category.id)))
        return category

    def add_product(self, sku: str, values: dict[str, Any]) -> Product:
        """A new product from prepared values; its SKU is claimed, not yet flushed."""
        product = Product(
            id=new_id(), sku=sku, currency="XOF", created_at=self.now, updated_at=self.now
        )
        rows.assign_product(product, values)
        self.uow.session.add(Sku(sku=sku, product_id=product.id))
        self.uow.session.add(product)
        self.uow.emit(rows.product_created(product, self.tree.path(product.category_id)))
        return product

    def change_product(self, product: Product, after: dict[str, Any]) -> list[str]:
        """Give `product` the prepared values `after`; the names of the fields that changed."""
        changed = changed_fields(rows.product_values(product), after, PRODUCT_FIELDS)
        if not changed:
            return []
        rows.assign_product(product, after)
        product.updated_at = self.now
        reported = [*changed, "category_path"] if "category_id" in changed else changed
        self.uow.emit(rows.product_updated(product, self.tree.path(product.category_id), reported))
        return changed

    def add_variant(self, product: Product, sku: str, values: dict[str, Any]) -> Variant:
        """A new variant from normalized values; its SKU is claimed, not yet flushed."""
        variant = Variant(
            id=new_id(),
            product_id=product.id,
            sku=sku,
            options=values["options"],
            options_key=options_key(values["options"]),
            weight_grams=values.get("weight_grams"),
            base_cost=values.get("base_cost"),
            created_at=self.now,
            updated_at=self.now,
        )
        self.uow.session.add(Sku(sku=sku, product_id=product.id, variant_id=variant.id))
        self.uow.session.add(variant)
        self.uow.emit(rows.variant_created(variant, product.currency))
        return variant

    def change_variant(self, product: Product, variant: Variant, after: dict[str, Any]) -> None:
        changed = changed_fields(rows.variant_values(variant), after, VARIANT_FIELDS)
        if not changed:
            return
        variant.options = after["options"]
        variant.options_key = options_key(after["options"])
        variant.weight_grams = after["weight_grams"]
        variant.base_cost = after["base_cost"]
        variant.updated_at = self.now
        self.uow.emit(rows.variant_updated(variant, product.currency, changed))
