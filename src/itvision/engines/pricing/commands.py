"""What the pricing use cases are asked to do: what the catalog says of a SKU, a cart to quote,
settings to change, SKUs to reprice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from itvision.engines.pricing.rules.formula import RoundingMode
from itvision.engines.pricing.rules.scopes import Overrides
from itvision.engines.pricing.rules.tiers import Tier

# The catalog, as of `at` (its event's own time: an older one than pricing holds is stale) ----


@dataclass(frozen=True, slots=True)
class SyncProduct:
    """A product was created or updated in the catalog."""

    product_id: str
    sku: str
    name: str
    name_en: str | None
    category_id: str
    category_path: tuple[str, ...]
    base_cost: int
    currency: str
    status: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SyncVariant:
    """A variant was created or updated; `base_cost` None: the product's."""

    product_id: str
    variant_id: str
    sku: str
    attributes: Mapping[str, str]
    base_cost: int | None
    currency: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ArchiveProduct:
    product_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class MoveCategory:
    """A category's path (root → itself) is now `path`."""

    category_id: str
    path: tuple[str, ...]
    at: datetime


# Quotes -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CartLine:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class QuoteCart:
    """`owner_subject`: the authenticated caller (None: anonymous); `group_id`: the group buy
    the quantities are for. The buyer whose tier crossings are followed is the group buy, else
    the owner."""

    lines: tuple[CartLine, ...]
    owner_subject: str | None = None
    group_id: str | None = None


# Settings ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpdateGlobalSettings:
    """The global settings to change; a field left None stays as it is."""

    changed_by: str
    default_margin_rate: Decimal | None = None
    service_fee_rate: Decimal | None = None
    insurance_rate: Decimal | None = None
    min_margin_rate: Decimal | None = None
    vat_rate: Decimal | None = None
    rounding_step: int | None = None
    rounding_mode: RoundingMode | None = None
    quote_validity_hours: int | None = None
    tiers: tuple[Tier, ...] | None = None

    def changes(self) -> dict[str, Any]:
        """The settings given, by name (fields of `GlobalSettings`)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "changed_by" and getattr(self, f.name) is not None
        }


@dataclass(frozen=True, slots=True)
class SetOverrides:
    """Replace what a category or a product (`scope`, e.g. `category:laptops`) sets."""

    scope: str
    overrides: Overrides
    changed_by: str


@dataclass(frozen=True, slots=True)
class RemoveOverrides:
    """The category or product (`scope`) goes back to inheriting every component."""

    scope: str
    changed_by: str


# Repricing --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepriceItems:
    """Recompute the prices of `skus` (every SKU when None) from the settings in force."""

    skus: tuple[str, ...] | None = None
    changed_by: str | None = None


# Group buys -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActivateGroupTier:
    """A group buy reached one of its tiers: its prices are VAT included."""

    group_id: str
    product_id: str
    sku: str | None
    tier_index: int
    threshold: int
    count: int
    unit_price: int
    previous_unit_price: int | None
    currency: str
    reached_at: datetime
