"""Checking the rows of a spreadsheet against the rules and the catalog as it is, before
anything is written (the import's first half; `services.imports` loads and writes).

A row whose SKU exists updates that product or variant: columns absent from the file keep their
values, and a blank cell clears an optional value (a variant's blank cost or weight means "the
product's"). A blank name, category, cost, status or condition keeps the current one; a new
product needs a name, a category and a cost, and is a draft in condition "new" unless told.
Rows are checked in file order: the first row of a SKU wins, later ones are duplicates.
When asked, a category the file names and the catalog lacks is planned for creation, but only
for the valid rows that need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from itvision.engines.catalog.models import Product, Sku, Variant
from itvision.engines.catalog.rules import rows
from itvision.engines.catalog.rules.categories import CategoryTree, NewCategory, place_cell
from itvision.engines.catalog.rules.csv_format import Row, RowError, Sheet
from itvision.engines.catalog.rules.products import (
    PRODUCT_FIELDS,
    VARIANT_FIELDS,
    changed_fields,
    options_key,
    prepare_values,
)
from itvision.engines.catalog.rules.violations import Violation

REQUIRED_FOR_NEW = ("name_fr", "category", "base_cost")
KEPT_WHEN_BLANK = frozenset({"name_fr", "category", "base_cost", "status", "condition"})
PRODUCT_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(PRODUCT_FIELDS),
    "status": "draft",
    "condition": "new",
    "images": [],
}
VARIANT_COLUMNS = ("options", "weight_grams", "base_cost")


@dataclass
class CatalogSnapshot:
    """What an import needs of the catalog as it is: the whole category tree, and the SKU
    claims, products and variants the file's SKUs name (products and variants by id)."""

    tree: CategoryTree
    claims: dict[str, Sku]
    products: dict[str, Product]
    variants: dict[str, Variant]


@dataclass
class PlannedProduct:
    row: Row
    existing: Product | None
    values: dict[str, Any]
    changed: bool


@dataclass
class PlannedVariant:
    row: Row
    existing: Variant | None
    parent_sku: str
    parent: Product | None  # None: the parent is created by this file
    values: dict[str, Any]
    changed: bool


@dataclass
class Plan:
    categories: list[NewCategory] = field(default_factory=list)  # parents before children
    products: list[PlannedProduct] = field(default_factory=list)
    variants: list[PlannedVariant] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class Planner:
    """Checks rows against the rules and the catalog as it is, in file order. `new_id` names
    the categories it plans to create (when `create_categories`); they join `catalog.tree`."""

    def __init__(
        self,
        sheet: Sheet,
        catalog: CatalogSnapshot,
        *,
        create_categories: bool = False,
        new_id: Callable[[], str],
    ) -> None:
        self.sheet = sheet
        self.catalog = catalog
        self.create_categories = create_categories
        self.new_id = new_id
        self.options_taken: dict[tuple[str, str], str] = {  # (parent SKU, options key) -> SKU
            (catalog.products[v.product_id].sku, v.options_key): v.sku
            for v in catalog.variants.values()
        }
        self.file_products: dict[str, PlannedProduct] = {}
        self.invalid_products: dict[str, int] = {}  # SKU -> row

    def plan(self) -> Plan:
        plan = Plan()
        duplicates = self._duplicates()
        for row in self.sheet.rows:
            if not row.is_variant:
                self._plan_product(row, duplicates.get(row.number), plan)
        for row in self.sheet.rows:
            if row.is_variant:
                self._plan_variant(row, duplicates.get(row.number), plan)
        order = {written: i for i, written in enumerate(self.sheet.headers.values())}
        plan.errors.sort(key=lambda e: (e.row, order.get(e.column or "", len(order))))
        return plan

    def _duplicates(self) -> dict[int, Violation]:
        first: dict[str, int] = {}
        found: dict[int, Violation] = {}
        for row in self.sheet.rows:
            if row.sku is None:
                continue
            if row.sku in first:
                found[row.number] = Violation(
                    "duplicate_in_file", self._column("sku"), sku=row.sku, row=first[row.sku]
                )
            else:
                first[row.sku] = row.number
        return found

    # Products

    def _plan_product(self, row: Row, duplicate: Violation | None, plan: Plan) -> None:
        errors = self._cell_errors(row, duplicate)
        existing = self._existing_product(row, errors)
        values = self._product_values(row, existing, errors)
        created = self._place_category(values, errors)
        if not errors:
            values = self._prepared(values, errors)
        if errors:
            self.catalog.tree.remove(created)
            self._reject(row, errors, plan)
            if row.sku and not duplicate:
                self.invalid_products[row.sku] = row.number
            return
        assert row.sku is not None
        changed = existing is None or bool(
            changed_fields(rows.product_values(existing), values, PRODUCT_FIELDS)
        )
        planned = PlannedProduct(row, existing, values, changed)
        self.file_products[row.sku] = planned
        plan.categories.extend(created)
        plan.products.append(planned)

    def _existing_product(self, row: Row, errors: list[Violation]) -> Product | None:
        claim = self.catalog.claims.get(row.sku) if row.sku else None
        if claim is None:
            return None
        if claim.variant_id is not None:
            errors.append(Violation("sku_is_variant", self._column("sku"), sku=row.sku))
            return None
        return self.catalog.products[claim.product_id]

    def _product_values(
        self, row: Row, existing: Product | None, errors: list[Violation]
    ) -> dict[str, Any]:
        """The product's values after the row: its current ones (or the defaults) with the
        row's cells over them, but for blank cells that keep a value."""
        values = rows.product_values(existing) if existing else dict(PRODUCT_DEFAULTS)
        for name, value in row.values.items():
            if name == "options":
                continue
            if value is None and name in KEPT_WHEN_BLANK:
                if existing is None and name in REQUIRED_FOR_NEW:
                    errors.append(Violation("required", self._column(name)))
                continue
            values["category_id" if name == "category" else name] = value
        if existing is None:
            errors.extend(self._missing_for_new())
        return values

    def _missing_for_new(self) -> list[Violation]:
        """A new product's required columns the file lacks."""
        return [
            Violation("required", self._column(name))
            for name in REQUIRED_FOR_NEW
            if name not in self.sheet.headers
        ]

    def _place_category(self, values: dict[str, Any], errors: list[Violation]) -> list[NewCategory]:
        """Resolve the category cell to an id in `values`; the categories created for it."""
        cell = values.get("category_id")
        if cell is None:
            return []
        try:
            values["category_id"], created = place_cell(
                self.catalog.tree, cell, create=self.create_categories, new_id=self.new_id
            )
        except Violation as violation:
            errors.append(violation.at(self._column("category")))
            return []
        return created

    def _prepared(self, values: dict[str, Any], errors: list[Violation]) -> dict[str, Any]:
        try:
            return prepare_values(values, self.catalog.tree)
        except Violation as violation:
            errors.append(violation.at(self._column(violation.field or "")))
            return values

    # Variants

    def _plan_variant(self, row: Row, duplicate: Violation | None, plan: Plan) -> None:
        errors = self._cell_errors(row, duplicate)
        existing = self._existing_variant(row, errors)
        parent = self._parent(row, errors)
        self._check_owner(row, existing, errors)
        values = self._variant_values(row, existing, errors)
        if not errors:
            assert row.parent_sku is not None and row.sku is not None
            errors.extend(self._take_options(row.parent_sku, row.sku, existing, values["options"]))
        if errors:
            self._reject(row, errors, plan)
            return
        assert row.sku is not None and row.parent_sku is not None
        changed = existing is None or bool(
            changed_fields(rows.variant_values(existing), values, VARIANT_FIELDS)
        )
        plan.variants.append(PlannedVariant(row, existing, row.parent_sku, parent, values, changed))

    def _existing_variant(self, row: Row, errors: list[Violation]) -> Variant | None:
        claim = self.catalog.claims.get(row.sku) if row.sku else None
        if claim is None:
            return None
        if claim.variant_id is None:
            errors.append(Violation("sku_is_product", self._column("sku"), sku=row.sku))
            return None
        return self.catalog.variants.get(claim.variant_id)

    def _check_owner(self, row: Row, existing: Variant | None, errors: list[Violation]) -> None:
        """A variant stays with its product: a row naming another parent is refused."""
        if existing is None or row.parent_sku is None:
            return
        owner = self.catalog.products[existing.product_id]
        if owner.sku != row.parent_sku:
            errors.append(
                Violation("variant_moved", self._column("sku"), sku=row.sku, parent=owner.sku)
            )

    def _variant_values(
        self, row: Row, existing: Variant | None, errors: list[Violation]
    ) -> dict[str, Any]:
        values = (
            rows.variant_values(existing)
            if existing
            else {"options": None, "weight_grams": None, "base_cost": None}
        )
        for name in VARIANT_COLUMNS:
            if name in row.values and (name != "options" or row.values[name] is not None):
                values[name] = row.values[name]
        options = self._column("options")
        if values["options"] is None and not any(e.field == options for e in errors):
            errors.append(Violation("required", options))
        return values

    def _parent(self, row: Row, errors: list[Violation]) -> Product | None:
        """The parent product when it exists already; None when this file creates it or when
        there is none (then a violation is added)."""
        sku, column = row.parent_sku, self._column("parent_sku")
        if sku is None:
            return None
        if sku in self.file_products:
            return self.file_products[sku].existing
        if sku in self.invalid_products:
            errors.append(Violation("parent_row_invalid", column, row=self.invalid_products[sku]))
            return None
        claim = self.catalog.claims.get(sku)
        if claim is None:
            errors.append(Violation("unknown_parent", column, sku=sku))
        elif claim.variant_id is not None:
            errors.append(Violation("sku_is_variant", column, sku=sku))
        else:
            return self.catalog.products[claim.product_id]
        return None

    def _take_options(
        self, parent_sku: str, sku: str, existing: Variant | None, options: dict[str, str]
    ) -> list[Violation]:
        if existing is not None:
            self.options_taken.pop((parent_sku, existing.options_key), None)
        key = options_key(options)
        holder = self.options_taken.get((parent_sku, key))
        if holder is not None and holder != sku:
            if existing is not None:
                self.options_taken[(parent_sku, existing.options_key)] = sku
            return [Violation("duplicate_options", self._column("options"), sku=holder)]
        self.options_taken[(parent_sku, key)] = sku
        return []

    # Rows

    def _cell_errors(self, row: Row, duplicate: Violation | None) -> list[Violation]:
        return [e.violation for e in row.errors] + ([duplicate] if duplicate else [])

    def _reject(self, row: Row, errors: list[Violation], plan: Plan) -> None:
        plan.errors.extend(RowError(row.number, e.field, e, row.sku) for e in errors)

    def _column(self, name: str) -> str:
        return self.sheet.header("category" if name == "category_id" else name)
