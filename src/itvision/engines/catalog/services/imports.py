"""Importing a spreadsheet (`itvision catalog import FILE.csv`, `POST /api/catalog/imports`).

Every row is checked first (`rules.import_plan`); then all the valid rows are written in one
unit of work (one transaction with their events), so an import is never half-written: a crash
or a conflict writes none of it. Invalid rows are reported with their row number, column and
reason and written nowhere. `dry_run` only checks; `strict` writes nothing if any row is
invalid; `create_categories` first creates the categories the valid rows name and the catalog
lacks (each announced by `catalog.category.updated`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from itvision.engines.catalog.commands import ImportCatalog
from itvision.engines.catalog.events import SOURCE
from itvision.engines.catalog.models import Product, Sku, Variant, new_id
from itvision.engines.catalog.queries.categories import load_tree
from itvision.engines.catalog.rules.categories import CategoryTree
from itvision.engines.catalog.rules.csv_format import Sheet, read_sheet
from itvision.engines.catalog.rules.import_plan import CatalogSnapshot, Plan, Planner
from itvision.engines.catalog.services.writer import CatalogWriter
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work

Progress = Callable[[int, int], None]
"""Called with (rows written, rows to write) as the import goes."""

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ImportResult:
    sheet: Sheet
    plan: Plan
    applied: bool  # False: a dry run, or a strict import with errors
    tree: CategoryTree  # with the categories the plan creates


async def import_catalog(
    on: Runner, command: ImportCatalog, *, progress: Progress | None = None
) -> ImportResult:
    """Check every row of a CSV file and write the valid ones; file-level problems (not
    text, no `sku` column, broken quoting…) raise a Violation on `file`."""
    # Reading and checking 20,000 rows is pure work: done off the event loop, so that the shop
    # keeps answering while a merchant imports.
    sheet = await asyncio.to_thread(read_sheet, command.data)
    async with unit_of_work(on, SOURCE) as uow:
        catalog = await _snapshot(uow, sheet)
        planner = Planner(
            sheet, catalog, create_categories=command.create_categories, new_id=new_id
        )
        plan = await asyncio.to_thread(planner.plan)
        applied = not command.dry_run and not (command.strict and plan.errors)
        if applied:
            await _write(uow, catalog.tree, plan, progress or (lambda done, total: None))
    return ImportResult(sheet, plan, applied, catalog.tree)


async def _snapshot(uow: UnitOfWork, sheet: Sheet) -> CatalogSnapshot:
    """The tree, and the rows of the SKUs the file names (products locked: the rows are
    checked against what will be written over)."""
    rows = sheet.rows
    skus = {r.sku for r in rows if r.sku} | {r.parent_sku for r in rows if r.parent_sku}
    session = uow.session
    claims = {c.sku: c for c in await _load_in(session, Sku, Sku.sku, skus)}
    product_ids = {c.product_id for c in claims.values()}
    products = await _load_in(session, Product, Product.id, product_ids, for_update=True)
    variants = await _load_in(session, Variant, Variant.product_id, product_ids)
    return CatalogSnapshot(
        await load_tree(uow),
        claims,
        {p.id: p for p in products},
        {v.id: v for v in variants},
    )


async def _write(uow: UnitOfWork, tree: CategoryTree, plan: Plan, progress: Progress) -> None:
    writer = CatalogWriter(uow, tree)
    for category in plan.categories:
        writer.add_category(category)
    if plan.categories:
        await writer.flush("a category slug of this file", "category")
    total = len(plan.products) + len(plan.variants)
    done = 0
    progress(done, total)
    by_sku: dict[str, Product] = {}
    for item in plan.products:
        sku = item.row.sku
        assert sku is not None
        if item.existing is None:
            by_sku[sku] = writer.add_product(sku, item.values)
        else:
            writer.change_product(item.existing, item.values)
            by_sku[sku] = item.existing
        done += 1
        progress(done, total)
        if done % _CHUNK == 0:
            await _written(writer, "a SKU of this file")
    # Products first: variants reference them.
    await _written(writer, "a SKU of this file")
    for variant in plan.variants:
        parent = by_sku.get(variant.parent_sku) or variant.parent
        assert parent is not None and variant.row.sku is not None
        if variant.existing is None:
            writer.add_variant(parent, variant.row.sku, variant.values)
        else:
            writer.change_variant(parent, variant.existing, variant.values)
        done += 1
        progress(done, total)
        if done % _CHUNK == 0:
            await _written(writer, "a SKU or option set of this file")
    await _written(writer, "a SKU or option set of this file")


async def _written(writer: CatalogWriter, what: str) -> None:
    """Write what is pending, then let the rest of the process run: 20,000 rows are written
    in one transaction, but not in one stretch of the event loop."""
    await writer.flush(what)
    await asyncio.sleep(0)


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
