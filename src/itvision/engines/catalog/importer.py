"""Importing a spreadsheet (`itvision catalog import FILE.csv`, `POST /api/catalog/imports`).

Every row is checked first (`import_plan`); then all the valid rows are written in one unit of
work (one transaction with their events), so an import is never half-written: a crash or a
conflict writes none of it. Invalid rows are reported with their row number, column and reason
and written nowhere. `dry_run` only checks; `strict` writes nothing if any row is invalid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from itvision.engines.catalog import csvfile
from itvision.engines.catalog.categories import SOURCE, CategoryTree
from itvision.engines.catalog.csvfile import Sheet
from itvision.engines.catalog.import_plan import Plan, PlannedProduct, PlannedVariant, Planner
from itvision.engines.catalog.models import Product
from itvision.engines.catalog.products import (
    add_product,
    add_variant,
    change_product,
    change_variant,
    flush_claims,
)
from itvision.engines.catalog.schemas import ImportReport, ImportRowError
from itvision.engines.catalog.violations import Language
from itvision.platform.events import utcnow
from itvision.platform.system import Platform
from itvision.platform.uow import UnitOfWork

Progress = Callable[[int, int], None]
"""Called with (rows written, rows to write) as the import goes."""


async def import_catalog(
    platform: Platform,
    data: bytes,
    *,
    dry_run: bool = False,
    strict: bool = False,
    language: Language = "fr",
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of a CSV file and write the valid ones; file-level problems (not
    text, no `sku` column, broken quoting…) raise a Violation on `file`."""
    sheet = csvfile.read_sheet(data)
    async with platform.uows(SOURCE) as uow:
        planner = Planner(uow.session, sheet)
        plan = await planner.plan()
        applied = not dry_run and not (strict and plan.errors)
        if applied:
            await _write(uow, planner.tree, plan, progress or (lambda done, total: None))
    return _report(sheet, plan, applied, language)


async def _write(uow: UnitOfWork, tree: CategoryTree, plan: Plan, progress: Progress) -> None:
    total = len(plan.products) + len(plan.variants)
    done = 0
    progress(done, total)
    now = utcnow()
    by_sku: dict[str, Product] = {}
    for item in plan.products:
        sku = item.row.sku
        assert sku is not None
        if item.existing is None:
            by_sku[sku] = await add_product(uow, tree, sku, item.values, now, sku_checked=True)
        else:
            change_product(uow, tree, item.existing, item.values, now)
            by_sku[sku] = item.existing
        done += 1
        progress(done, total)
    # Products first: variants reference them.
    await flush_claims(uow.session, "a SKU of this file")
    for variant in plan.variants:
        parent = by_sku.get(variant.parent_sku) or variant.parent
        assert parent is not None and variant.row.sku is not None
        if variant.existing is None:
            await add_variant(uow, parent, variant.row.sku, variant.values, now, sku_checked=True)
        else:
            change_variant(uow, parent, variant.existing, variant.values, now)
        done += 1
        progress(done, total)
    await flush_claims(uow.session, "a SKU or option set of this file")


def _report(sheet: Sheet, plan: Plan, applied: bool, language: Language) -> ImportReport:
    def count(items: Iterable[PlannedProduct | PlannedVariant], new: bool) -> int:
        return sum(1 for i in items if i.changed and (i.existing is None) == new)

    unchanged = [i for i in [*plan.products, *plan.variants] if not i.changed]
    return ImportReport(
        rows=len(sheet.rows),
        products_created=count(plan.products, True),
        products_updated=count(plan.products, False),
        variants_created=count(plan.variants, True),
        variants_updated=count(plan.variants, False),
        unchanged=len(unchanged),
        invalid_rows=len({e.row for e in plan.errors}),
        applied=applied,
        separator=sheet.separator,
        encoding=sheet.encoding,
        ignored_columns=sheet.ignored_columns,
        errors=[
            ImportRowError(
                row=e.row,
                column=e.column,
                sku=e.sku,
                code=e.violation.rule,
                reason=e.violation.text(language),
            )
            for e in plan.errors
        ],
    )
