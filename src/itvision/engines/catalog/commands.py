"""The typed inputs of the catalog's use cases (`services`).

An update command changes only the fields given: a field left at `KEEP` keeps its value, and
`None` clears an optional one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Literal

from itvision.engines.catalog.events import Channel, Condition, ProductStatus, Referrer

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
Keep = Literal[_Keep.KEEP]


def _given(command: DataclassInstance, skipped: tuple[str, ...]) -> dict[str, object]:
    """The fields of an update command that are not KEEP, by name."""
    return {
        f.name: getattr(command, f.name)
        for f in fields(command)
        if f.name not in skipped and getattr(command, f.name) is not KEEP
    }


@dataclass(frozen=True, slots=True)
class CreateCategory:
    name_fr: str
    name_en: str | None = None
    slug: str | None = None  # None: made from the French name
    parent_id: str | None = None  # the parent's id or slug
    is_active: bool = True


@dataclass(frozen=True, slots=True)
class UpdateCategory:
    category: str  # its id or slug
    name_fr: str | Keep = KEEP
    name_en: str | Keep | None = KEEP
    slug: str | Keep = KEEP
    parent_id: str | Keep | None = KEEP  # id or slug; None: move to the top level
    is_active: bool | Keep = KEEP

    def changes(self) -> dict[str, object]:
        return _given(self, ("category",))


@dataclass(frozen=True, slots=True)
class NewVariant:
    """A variant given with its product, or added to it later (`CreateVariant`)."""

    sku: str
    options: dict[str, str]
    weight_grams: int | None = None  # None: the product's
    base_cost: int | None = None  # None: the product's


@dataclass(frozen=True, slots=True)
class CreateProduct:
    sku: str
    name_fr: str
    category_id: str  # id or slug
    base_cost: int
    name_en: str | None = None
    description_fr: str | None = None
    description_en: str | None = None
    brand: str | None = None
    status: ProductStatus = "draft"
    condition: Condition = "new"
    grade: str | None = None
    ram_gb: int | None = None
    storage_gb: int | None = None
    cpu: str | None = None
    screen_inches: Decimal | None = None
    warranty_months: int | None = None
    weight_grams: int | None = None
    images: tuple[str, ...] = ()
    variants: tuple[NewVariant, ...] = ()

    def values(self) -> dict[str, object]:
        """The product's fields as the rules see them."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        del values["sku"], values["variants"]
        values["images"] = list(self.images)
        return values


@dataclass(frozen=True, slots=True)
class UpdateProduct:
    """Any product field but the SKU, which names the product for good."""

    product_id: str
    name_fr: str | Keep = KEEP
    name_en: str | Keep | None = KEEP
    description_fr: str | Keep | None = KEEP
    description_en: str | Keep | None = KEEP
    brand: str | Keep | None = KEEP
    category_id: str | Keep = KEEP  # id or slug
    status: ProductStatus | Keep = KEEP
    condition: Condition | Keep = KEEP
    grade: str | Keep | None = KEEP
    ram_gb: int | Keep | None = KEEP
    storage_gb: int | Keep | None = KEEP
    cpu: str | Keep | None = KEEP
    screen_inches: Decimal | Keep | None = KEEP
    warranty_months: int | Keep | None = KEEP
    weight_grams: int | Keep | None = KEEP
    base_cost: int | Keep = KEEP
    images: tuple[str, ...] | Keep = KEEP

    def changes(self) -> dict[str, object]:
        given = _given(self, ("product_id",))
        if isinstance(self.images, tuple):
            given["images"] = list(self.images)
        return given


@dataclass(frozen=True, slots=True)
class ArchiveProduct:
    product_id: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class CreateVariant:
    product_id: str
    variant: NewVariant


@dataclass(frozen=True, slots=True)
class UpdateVariant:
    product_id: str
    variant_id: str
    options: dict[str, str] | Keep = KEEP
    weight_grams: int | Keep | None = KEEP
    base_cost: int | Keep | None = KEEP

    def changes(self) -> dict[str, object]:
        return _given(self, ("product_id", "variant_id"))


@dataclass(frozen=True, slots=True)
class RecordView:
    product_id: str
    session_id: str
    channel: Channel = "web"
    referrer: Referrer = "direct"
    customer_id: str | None = None  # the viewer, when a customer signed in
    by_staff: bool = False  # staff may view products customers cannot


@dataclass(frozen=True, slots=True)
class ImportCatalog:
    """A CSV file to import: `dry_run` only checks; `strict` writes nothing if any row is
    invalid; `create_categories` creates the categories the file names and the catalog lacks."""

    data: bytes
    dry_run: bool = False
    strict: bool = False
    create_categories: bool = False


@dataclass(frozen=True, slots=True)
class RecordPrice:
    """The pricing engine calculated a product's selling price."""

    product_id: str
    final_price: int
    currency: str
    calculated_at: datetime
