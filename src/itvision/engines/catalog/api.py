"""The catalog API, mounted at /api/catalog.

Anyone, even without a token, reads active products and categories; staff write the catalog
and also see drafts, archived products and base costs. Non-staff callers get `ProductPublic`,
which has no cost field.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from itvision.engines.catalog.commands import ArchiveProduct, CreateVariant, ImportCatalog
from itvision.engines.catalog.queries import categories as category_queries
from itvision.engines.catalog.queries import products as product_queries
from itvision.engines.catalog.rules.csv_format import CSV_TEMPLATE
from itvision.engines.catalog.rules.violations import Language
from itvision.engines.catalog.schemas import (
    CategoryCreate,
    CategoryNode,
    CategoryPublic,
    CategoryUpdate,
    ImportReport,
    ProductCreate,
    ProductFilters,
    ProductPublic,
    ProductStaff,
    ProductUpdate,
    VariantCreate,
    VariantStaff,
    VariantUpdate,
    ViewCreate,
    ViewRecorded,
    is_staff,
    product_for,
)
from itvision.engines.catalog.services import categories, imports, products
from itvision.platform.auth import Anyone, Staff
from itvision.platform.deps import PlatformDep
from itvision.platform.errors import PayloadTooLarge
from itvision.platform.openapi import may_answer
from itvision.platform.pagination import Page, Paging
from itvision.platform.spreadsheets import CsvResponse

router = APIRouter()

MAX_IMPORT_BYTES = 10 * 1024 * 1024


@router.get("/categories")
async def list_categories(platform: PlatformDep, caller: Anyone) -> list[CategoryPublic]:
    """Every category, flat, by French name (staff also see inactive ones)."""
    return await category_queries.list_categories(platform, staff=is_staff(caller))


@router.get("/categories/tree")
async def category_tree(platform: PlatformDep, caller: Anyone) -> list[CategoryNode]:
    """The categories as a tree: top-level categories with their `children`."""
    return await category_queries.category_tree(platform, staff=is_staff(caller))


@router.get("/categories/{ref}")
async def get_category(platform: PlatformDep, ref: str, caller: Anyone) -> CategoryPublic:
    """A category by id or slug."""
    return await category_queries.get_category(platform, ref, staff=is_staff(caller))


@router.post("/categories", status_code=201)
async def create_category(platform: PlatformDep, body: CategoryCreate, _: Staff) -> CategoryPublic:
    """Emits `catalog.category.updated`. 409 if the slug is taken."""
    category_id = await categories.create_category(platform, body.command())
    return await category_queries.get_category(platform, category_id, staff=True)


@router.patch("/categories/{ref}")
async def update_category(
    platform: PlatformDep, ref: str, body: CategoryUpdate, _: Staff
) -> CategoryPublic:
    """Emits `catalog.category.updated`; moving a category also emits
    `catalog.product.updated` for every product below it (their category path changed)."""
    category_id = await categories.update_category(platform, body.command(ref))
    return await category_queries.get_category(platform, category_id, staff=True)


@router.get("/products", responses=may_answer(403))
async def list_products(
    platform: PlatformDep,
    caller: Anyone,
    paging: Paging,
    filters: Annotated[ProductFilters, Query()],
) -> Page[ProductStaff] | Page[ProductPublic]:
    """Products, filtered, sorted and paged; anyone sees the active ones."""
    page = await product_queries.list_products(platform, filters, paging, staff=is_staff(caller))
    if is_staff(caller):
        return page
    return page.map(ProductStaff.public)


@router.get("/products/by-sku/{sku}")
async def get_product_by_sku(
    platform: PlatformDep, sku: str, caller: Anyone
) -> ProductStaff | ProductPublic:
    """The product with this SKU, or the product of the variant with this SKU."""
    found = await product_queries.get_product_by_sku(platform, sku, staff=is_staff(caller))
    return product_for(caller, found)


@router.get("/products/{product_id}")
async def get_product(
    platform: PlatformDep, product_id: str, caller: Anyone
) -> ProductStaff | ProductPublic:
    found = await product_queries.get_product(platform, product_id, staff=is_staff(caller))
    return product_for(caller, found)


@router.post("/products", status_code=201)
async def create_product(platform: PlatformDep, body: ProductCreate, _: Staff) -> ProductStaff:
    """Emits `catalog.product.created` (and `catalog.variant.created` for each variant given).
    409 naming the SKU if it is taken by a product or a variant."""
    created = await products.create_product(platform, body.command())
    return ProductStaff.of(created.product, None, created.category_path, created.variants)


@router.patch("/products/{product_id}")
async def update_product(
    platform: PlatformDep, product_id: str, body: ProductUpdate, _: Staff
) -> ProductStaff:
    """Emits `catalog.product.updated` with the fields that changed (nothing if none did)."""
    await products.update_product(platform, body.command(product_id))
    return await product_queries.get_product(platform, product_id, staff=True)


@router.delete("/products/{product_id}", status_code=204)
async def delete_product(
    platform: PlatformDep,
    product_id: str,
    _: Staff,
    reason: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """A soft delete: the product is archived (staff still read it; setting its status back
    restores it) and `catalog.product.deleted` is emitted."""
    await products.archive_product(platform, ArchiveProduct(product_id, reason))
    return Response(status_code=204)


@router.post("/products/{product_id}/variants", status_code=201)
async def create_variant(
    platform: PlatformDep, product_id: str, body: VariantCreate, _: Staff
) -> VariantStaff:
    """Emits `catalog.variant.created`. 409 if the SKU is taken or another variant of the
    product has the same options."""
    variant_id = await products.create_variant(platform, CreateVariant(product_id, body.variant()))
    return await product_queries.get_variant(platform, product_id, variant_id)


@router.patch("/products/{product_id}/variants/{variant_id}")
async def update_variant(
    platform: PlatformDep, product_id: str, variant_id: str, body: VariantUpdate, _: Staff
) -> VariantStaff:
    """Emits `catalog.variant.updated` with the fields that changed."""
    await products.update_variant(platform, body.command(product_id, variant_id))
    return await product_queries.get_variant(platform, product_id, variant_id)


@router.post("/products/{product_id}/views", status_code=202)
async def record_view(
    platform: PlatformDep, product_id: str, body: ViewCreate, caller: Anyone
) -> ViewRecorded:
    """Emits `catalog.product.viewed` (for analytics); a customer's token adds their id."""
    event_id = await products.record_view(platform, body.command(product_id, caller))
    return ViewRecorded(event_id=event_id)


@router.post(
    "/imports",
    max_body_size=MAX_IMPORT_BYTES,  # above the platform's default (ITVISION_MAX_BODY_BYTES)
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def import_csv(
    platform: PlatformDep,
    request: Request,
    _: Staff,
    dry_run: Annotated[bool, Query(description="Check every row, write nothing")] = False,
    strict: Annotated[bool, Query(description="Write nothing if any row is invalid")] = False,
    create_categories: Annotated[
        bool,
        Query(
            description="Create the categories the file's category column names and the "
            "catalog lacks (a path `Parent > Child` creates the parents too); the report "
            "lists them, in a dry run too"
        ),
    ] = False,
    lang: Annotated[Language, Query(description="Language of the reasons")] = "fr",
) -> ImportReport:
    """Import a spreadsheet saved as CSV, sent as the request body (`Content-Type: text/csv`).
    Valid rows are created or updated in one transaction; invalid rows are reported with row,
    column and reason. See docs/engines/catalog.md for the columns."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_IMPORT_BYTES:
            raise PayloadTooLarge(
                f"a CSV import is at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split the file",
                field="body",
            )
    command = ImportCatalog(
        bytes(data), dry_run=dry_run, strict=strict, create_categories=create_categories
    )
    return ImportReport.of(await imports.import_catalog(platform, command), lang)


@router.get("/imports/template", response_class=CsvResponse)
async def import_template(_: Staff) -> CsvResponse:
    """A CSV file to fill in: the header row with French column names and two example rows."""
    return CsvResponse(
        CSV_TEMPLATE, headers={"Content-Disposition": 'attachment; filename="catalogue.csv"'}
    )
