"""Checking the rows of a spreadsheet against the rules and the catalog as it is, before
anything is written (the import's first half; see `importer`).

A row whose SKU exists updates that product or variant: columns absent from the file keep their
values, and a blank cell clears an optional value (a variant's blank cost or weight means "the
product's"). A blank name, category, cost, status or condition keeps the current one; a new
product needs a name, a category and a cost, and is a draft in condition "new" unless told.
Rows are checked in file order: the first row of a SKU wins, later ones are duplicates.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from itvision.engines.catalog import records, rules
from itvision.engines.catalog.categories import CategoryTree, load_tree
from itvision.engines.catalog.csvfile import Row, RowError, Sheet
from itvision.engines.catalog.models import Product, Sku, Variant
from itvision.engines.catalog.products import prepare_values
from itvision.engines.catalog.violations import Violation

REQUIRED_FOR_NEW = ("name_fr", "category", "base_cost")
KEPT_WHEN_BLANK = frozenset({"name_fr", "category", "base_cost", "status", "condition"})
PRODUCT_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(rules.PRODUCT_FIELDS),
    "status": "draft",
    "condition": "new",
    "images": [],
}
VARIANT_COLUMNS = ("options", "weight_grams", "base_cost")
_CHUNK = 500


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
    products: list[PlannedProduct] = field(default_factory=list)
    variants: list[PlannedVariant] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class Planner:
    """Checks rows against the rules and the catalog as it is, in file order."""

    def __init__(self, session: AsyncSession, sheet: Sheet) -> None:
        self.session = session
        self.sheet = sheet
        self.tree = CategoryTree({}, {})
        self.claims: dict[str, Sku] = {}
        self.products: dict[str, Product] = {}
        self.variants: dict[str, Variant] = {}
        self.options_taken: dict[tuple[str, str], str] = {}  # (parent SKU, options key) -> SKU
        self.file_products: dict[str, PlannedProduct] = {}
        self.invalid_products: dict[str, int] = {}  # SKU -> row

    async def plan(self) -> Plan:
        await self._load()
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

    async def _load(self) -> None:
        rows = self.sheet.rows
        skus = {r.sku for r in rows if r.sku} | {r.parent_sku for r in rows if r.parent_sku}
        self.tree = await load_tree(self.session)
        self.claims = {c.sku: c for c in await _load_in(self.session, Sku, Sku.sku, skus)}
        product_ids = {c.product_id for c in self.claims.values()}
        for product in await _load_in(
            self.session, Product, Product.id, product_ids, for_update=True
        ):
            self.products[product.id] = product
        for variant in await _load_in(self.session, Variant, Variant.product_id, product_ids):
            self.variants[variant.id] = variant
            parent_sku = self.products[variant.product_id].sku
            self.options_taken[(parent_sku, variant.options_key)] = variant.sku

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

    def _plan_product(self, row: Row, duplicate: Violation | None, plan: Plan) -> None:
        errors = [e.violation for e in row.errors] + ([duplicate] if duplicate else [])
        claim = self.claims.get(row.sku) if row.sku else None
        if claim is not None and claim.variant_id is not None:
            errors.append(Violation("sku_is_variant", self._column("sku"), sku=row.sku))
            claim = None
        existing = self.products[claim.product_id] if claim else None
        values = records.product_values(existing) if existing else dict(PRODUCT_DEFAULTS)
        for name, value in row.values.items():
            if name == "options":
                continue
            if value is None and name in KEPT_WHEN_BLANK:
                if existing is None and name in REQUIRED_FOR_NEW:
                    errors.append(Violation("required", self._column(name)))
                continue
            values["category_id" if name == "category" else name] = value
        if existing is None:
            errors.extend(
                Violation("required", self._column(name))
                for name in REQUIRED_FOR_NEW
                if name not in self.sheet.headers
            )
        category = values.get("category_id")
        if category is not None and self.tree.resolve(category) is None:
            errors.append(Violation("unknown_category", self._column("category"), value=category))
        if not errors:
            try:
                values = prepare_values(values, self.tree)
            except Violation as violation:
                errors.append(violation.at(self._column(violation.field or "")))
        if errors:
            self._reject(row, errors, plan)
            if row.sku and not duplicate:
                self.invalid_products[row.sku] = row.number
            return
        assert row.sku is not None
        changed = existing is None or bool(
            rules.changed_fields(records.product_values(existing), values, rules.PRODUCT_FIELDS)
        )
        planned = PlannedProduct(row, existing, values, changed)
        self.file_products[row.sku] = planned
        plan.products.append(planned)

    def _plan_variant(self, row: Row, duplicate: Violation | None, plan: Plan) -> None:
        errors = [e.violation for e in row.errors] + ([duplicate] if duplicate else [])
        claim = self.claims.get(row.sku) if row.sku else None
        if claim is not None and claim.variant_id is None:
            errors.append(Violation("sku_is_product", self._column("sku"), sku=row.sku))
            claim = None
        existing = self.variants.get(claim.variant_id) if claim and claim.variant_id else None
        parent = self._parent(row, errors)
        if existing is not None and row.parent_sku is not None:
            owner = self.products[existing.product_id]
            if owner.sku != row.parent_sku:
                errors.append(
                    Violation("variant_moved", self._column("sku"), sku=row.sku, parent=owner.sku)
                )
        values = (
            records.variant_values(existing)
            if existing
            else {"options": None, "weight_grams": None, "base_cost": None}
        )
        for name in VARIANT_COLUMNS:
            if name not in row.values:
                continue
            if name == "options" and row.values[name] is None:
                continue
            values[name] = row.values[name]
        if values["options"] is None and not any(
            e.field == self._column("options") for e in errors
        ):
            errors.append(Violation("required", self._column("options")))
        if not errors:
            assert row.parent_sku is not None and row.sku is not None
            errors.extend(self._take_options(row.parent_sku, row.sku, existing, values["options"]))
        if errors:
            self._reject(row, errors, plan)
            return
        assert row.sku is not None and row.parent_sku is not None
        changed = existing is None or bool(
            rules.changed_fields(records.variant_values(existing), values, rules.VARIANT_FIELDS)
        )
        plan.variants.append(PlannedVariant(row, existing, row.parent_sku, parent, values, changed))

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
        claim = self.claims.get(sku)
        if claim is None:
            errors.append(Violation("unknown_parent", column, sku=sku))
        elif claim.variant_id is not None:
            errors.append(Violation("sku_is_variant", column, sku=sku))
        else:
            return self.products[claim.product_id]
        return None

    def _take_options(
        self, parent_sku: str, sku: str, existing: Variant | None, options: dict[str, str]
    ) -> list[Violation]:
        if existing is not None:
            self.options_taken.pop((parent_sku, existing.options_key), None)
        key = rules.options_key(options)
        holder = self.options_taken.get((parent_sku, key))
        if holder is not None and holder != sku:
            if existing is not None:
                self.options_taken[(parent_sku, existing.options_key)] = sku
            return [Violation("duplicate_options", self._column("options"), sku=holder)]
        self.options_taken[(parent_sku, key)] = sku
        return []

    def _reject(self, row: Row, errors: list[Violation], plan: Plan) -> None:
        plan.errors.extend(RowError(row.number, e.field, e, row.sku) for e in errors)

    def _column(self, name: str) -> str:
        return self.sheet.header("category" if name == "category_id" else name)


M = TypeVar("M")


async def _load_in(
    session: AsyncSession,
    model: type[M],
    column: InstrumentedAttribute[Any],
    values: Collection[str],
    *,
    for_update: bool = False,
) -> list[M]:
    """Rows whose `column` is in `values`, asked in chunks (databases bound the parameters)."""
    ordered = sorted(values)
    found: list[M] = []
    for start in range(0, len(ordered), _CHUNK):
        query = select(model).where(column.in_(ordered[start : start + _CHUNK]))
        if for_update:
            query = query.with_for_update()
        found.extend(await session.scalars(query))
    return found
