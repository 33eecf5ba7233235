"""What the catalog API reads and answers: *Create and *Update bodies (and the commands they
make), *Public answers (and how rows and results are presented).

Non-staff callers get `ProductPublic`, which has no cost field at all; staff get `ProductStaff`.
Both forbid extra fields, so an answer can only ever match the model it was built for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

from itvision.engines.catalog.commands import (
    CreateCategory,
    CreateProduct,
    NewVariant,
    RecordView,
    UpdateCategory,
    UpdateProduct,
    UpdateVariant,
)
from itvision.engines.catalog.events import Channel, Condition, ProductStatus, Referrer
from itvision.engines.catalog.rules.products import LENGTHS, MAX_IMAGES, MAX_OPTIONS, RANGES
from itvision.engines.catalog.rules.rows import product_values
from itvision.engines.catalog.rules.violations import Language
from itvision.platform.auth import Principal, Role
from itvision.platform.inputs import JSON_NUMBER, InputModel, Omittable, QueryModel, nonblank

if TYPE_CHECKING:
    from itvision.engines.catalog.models import Category, Product, ProductPrice, Variant
    from itvision.engines.catalog.rules.import_plan import PlannedProduct, PlannedVariant
    from itvision.engines.catalog.services.imports import ImportResult

Grade = Literal["A", "B", "C"]


def _length(field: str) -> StringConstraints:
    return nonblank(LENGTHS[field])


def _bounds(field: str) -> Any:
    low, high = RANGES[field]
    return Field(ge=low, le=high)


NameFr = Annotated[str, _length("name_fr")]
NameEn = Annotated[str, _length("name_en")]
DescriptionFr = Annotated[str, _length("description_fr")]
DescriptionEn = Annotated[str, _length("description_en")]
Brand = Annotated[str, _length("brand")]
Cpu = Annotated[str, _length("cpu")]
RamGb = Annotated[int, _bounds("ram_gb")]
StorageGb = Annotated[int, _bounds("storage_gb")]
TENTH = Decimal("0.1")
ScreenInches = Annotated[
    Decimal,
    Field(
        ge=RANGES["screen_inches"][0],
        le=RANGES["screen_inches"][1],
        decimal_places=1,
        multiple_of=TENTH,
    ),
    JSON_NUMBER,
    PlainSerializer(float, return_type=float, when_used="json"),
]
WarrantyMonths = Annotated[int, _bounds("warranty_months")]
WeightGrams = Annotated[int, _bounds("weight_grams")]
BaseCost = Annotated[int, _bounds("base_cost")]
Sku = Annotated[str, nonblank(64)]
Images = Annotated[
    list[Annotated[str, StringConstraints(max_length=1000)]], Field(max_length=MAX_IMAGES)
]
Options = Annotated[
    dict[
        Annotated[str, nonblank(40)],
        Annotated[str, nonblank(100)],
    ],
    Field(
        min_length=1, max_length=MAX_OPTIONS, examples=[{"couleur": "Noir", "capacite": "256 Go"}]
    ),
]
CategoryName = Annotated[str, nonblank(120)]
Slug = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$"),
    Field(description="Letters, digits and hyphens; kept in lower case"),
]
ParentRef = Annotated[str, nonblank(80)]
CategoryRef = Annotated[
    str,
    nonblank(80),
    Field(description="A category id or slug"),
]


class _Body(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Patch(_Body):
    """A partial update: only the fields sent change; `null` clears an optional field, and
    the `Omittable` ones may be left out but not cleared."""

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class CategoryCreate(_Body):
    name_fr: CategoryName
    name_en: CategoryName | None = None
    slug: Slug | None = Field(default=None, description="Default: made from the French name")
    parent_id: ParentRef | None = Field(default=None, description="Parent category id or slug")
    is_active: bool = True

    def command(self) -> CreateCategory:
        return CreateCategory(**self.model_dump())


class CategoryUpdate(_Patch):
    name_fr: Omittable[CategoryName] = None
    name_en: CategoryName | None = None
    slug: Omittable[Slug] = None
    parent_id: ParentRef | None = Field(default=None, description="null: move to the top level")
    is_active: Omittable[bool] = None

    def command(self, ref: str) -> UpdateCategory:
        return UpdateCategory(category=ref, **self.changes())


class CategoryPublic(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    id: str
    slug: str
    name_fr: str
    name_en: str | None
    parent_id: str | None
    path: list[str] = Field(description="Ids from the root to this category (inclusive)")
    is_active: bool

    @classmethod
    def of(cls, category: Category, path: list[str]) -> CategoryPublic:
        return cls(
            id=category.id,
            slug=category.slug,
            name_fr=category.name_fr,
            name_en=category.name_en,
            parent_id=category.parent_id,
            path=path,
            is_active=category.is_active,
        )


class CategoryNode(CategoryPublic):
    children: list[CategoryNode] = []


class VariantCreate(_Body):
    sku: Sku
    options: Options
    weight_grams: WeightGrams | None = Field(default=None, description="null: the product's")
    base_cost: BaseCost | None = Field(default=None, description="null: the product's")

    def variant(self) -> NewVariant:
        return NewVariant(**self.model_dump())


class VariantUpdate(_Patch):
    options: Omittable[Options] = None
    weight_grams: WeightGrams | None = None
    base_cost: BaseCost | None = None

    def command(self, product_id: str, variant_id: str) -> UpdateVariant:
        return UpdateVariant(product_id=product_id, variant_id=variant_id, **self.changes())


class ProductCreate(_Body):
    sku: Sku
    name_fr: NameFr
    name_en: NameEn | None = None
    description_fr: DescriptionFr | None = None
    description_en: DescriptionEn | None = None
    brand: Brand | None = None
    category_id: CategoryRef
    status: ProductStatus = "draft"
    condition: Condition = "new"
    grade: Grade | None = Field(default=None, description="Refurbished products only: A, B, C")
    ram_gb: RamGb | None = None
    storage_gb: StorageGb | None = None
    cpu: Cpu | None = None
    screen_inches: ScreenInches | None = None
    warranty_months: WarrantyMonths | None = None
    weight_grams: WeightGrams | None = None
    base_cost: BaseCost = Field(description="What the product costs the marketplace (XOF)")
    images: Images = []
    variants: Annotated[list[VariantCreate], Field(max_length=100)] = []

    def command(self) -> CreateProduct:
        fields = self.model_dump(exclude={"images", "variants"})
        return CreateProduct(
            **fields, images=tuple(self.images), variants=tuple(v.variant() for v in self.variants)
        )


class ProductUpdate(_Patch):
    """Any product field but the SKU, which names the product for good."""

    name_fr: Omittable[NameFr] = None
    name_en: NameEn | None = None
    description_fr: DescriptionFr | None = None
    description_en: DescriptionEn | None = None
    brand: Brand | None = None
    category_id: Omittable[CategoryRef] = None
    status: Omittable[ProductStatus] = None
    condition: Omittable[Condition] = None
    grade: Grade | None = None
    ram_gb: RamGb | None = None
    storage_gb: StorageGb | None = None
    cpu: Cpu | None = None
    screen_inches: ScreenInches | None = None
    warranty_months: WarrantyMonths | None = None
    weight_grams: WeightGrams | None = None
    base_cost: Omittable[BaseCost] = None
    images: Omittable[Images] = None

    def command(self, product_id: str) -> UpdateProduct:
        changes = self.changes()
        if self.images is not None:
            changes["images"] = tuple(self.images)
        return UpdateProduct(product_id=product_id, **changes)


class PricePublic(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    amount: int = Field(description="Selling price in XOF, as the pricing engine calculated it")
    currency: str
    calculated_at: datetime


class _VariantAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    id: str
    sku: str
    options: dict[str, str]
    weight_grams: int | None = Field(description="null: the product's weight")


class VariantPublic(_VariantAnswer):
    pass


class VariantStaff(_VariantAnswer):
    base_cost: int | None = Field(description="null: the product's base cost")
    created_at: datetime
    updated_at: datetime


class _ProductAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    id: str
    sku: str
    name_fr: str
    name_en: str | None
    description_fr: str | None
    description_en: str | None
    brand: str | None
    category_id: str
    category_path: list[str]
    status: ProductStatus
    condition: Condition
    grade: Grade | None
    ram_gb: int | None
    storage_gb: int | None
    cpu: str | None
    screen_inches: ScreenInches | None
    warranty_months: int | None
    weight_grams: int | None
    images: list[str]
    price: PricePublic | None = Field(description="null until the pricing engine prices it")
    created_at: datetime
    updated_at: datetime


class ProductPublic(_ProductAnswer):
    variants: list[VariantPublic]


class ProductStaff(_ProductAnswer):
    base_cost: int
    currency: str
    variants: list[VariantStaff]

    @classmethod
    def of(
        cls,
        product: Product,
        price: ProductPrice | None,
        category_path: list[str],
        variants: list[Variant],
    ) -> ProductStaff:
        return cls(
            **product_values(product),
            id=product.id,
            sku=product.sku,
            category_path=category_path,
            currency=product.currency,
            price=(
                PricePublic(
                    amount=price.final_price,
                    currency=price.currency,
                    calculated_at=price.calculated_at,
                )
                if price is not None
                else None
            ),
            variants=[VariantStaff.model_validate(v) for v in variants],
            created_at=product.created_at,
            updated_at=product.updated_at,
        )

    def public(self) -> ProductPublic:
        """The same product without its costs."""
        return ProductPublic.model_validate(self, from_attributes=True)


def is_staff(caller: Principal | None) -> bool:
    return caller is not None and caller.is_staff


def product_for(caller: Principal | None, answer: ProductStaff) -> ProductStaff | ProductPublic:
    """What `caller` may read of a product: staff everything, others no costs."""
    return answer if is_staff(caller) else answer.public()


Sort = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "name",
    "-name",
    "sku",
    "-sku",
    "price",
    "-price",
]


# Query bounds: wide enough for any real filter, narrow enough for every database's integers.
FilterInt = Annotated[int, Field(ge=0, le=2**31 - 1)]
FilterInches = Annotated[
    Decimal,
    Field(ge=0, le=RANGES["screen_inches"][1], decimal_places=1, multiple_of=TENTH),
    JSON_NUMBER,
]


class ProductFilters(QueryModel):
    """Query parameters of the product list. A repeated parameter means any of its values
    (`?brand=HP&brand=Dell`); `min_`/`max_` bounds are inclusive; price filters keep only
    priced products."""

    category: str | None = Field(
        default=None,
        min_length=1,
        description="Category id or slug: that category and all below it",
    )
    brand: list[str] = []
    status: list[ProductStatus] = Field(default=[], description="Staff only, but for 'active'")
    condition: list[Condition] = []
    grade: list[Grade] = []
    ram_gb: list[FilterInt] = []
    min_ram_gb: FilterInt | None = None
    storage_gb: list[FilterInt] = []
    min_storage_gb: FilterInt | None = None
    cpu: str | None = Field(default=None, max_length=100, description="Part of the CPU name")
    min_screen_inches: FilterInches | None = None
    max_screen_inches: FilterInches | None = None
    min_warranty_months: FilterInt | None = None
    min_price: FilterInt | None = Field(default=None, description="XOF")
    max_price: FilterInt | None = Field(default=None, description="XOF")
    q: str | None = Field(
        default=None, max_length=100, description="Part of the SKU, a name or the brand"
    )
    sort: Sort = Field(default="-created_at", description="A field; '-' first: descending")


class ViewCreate(_Body):
    session_id: Annotated[str, nonblank(100)]
    channel: Channel = "web"
    referrer: Referrer = "direct"

    def command(self, product_id: str, caller: Principal | None) -> RecordView:
        """A customer's token adds their id; staff may view products customers cannot."""
        customer = caller.subject if caller and caller.role == Role.CUSTOMER else None
        return RecordView(
            product_id=product_id,
            **self.model_dump(),
            customer_id=customer,
            by_staff=is_staff(caller),
        )


class ViewRecorded(BaseModel):
    event_id: str


class ImportRowError(BaseModel):
    row: int = Field(description="Spreadsheet row: the header is row 1")
    column: str | None
    sku: str | None
    code: str
    reason: str


class ImportedCategory(BaseModel):
    slug: str
    name_fr: str
    parent_slug: str | None = Field(description="null: a top-level category")


class ImportReport(BaseModel):
    rows: int = Field(description="Data rows read (blank rows skipped)")
    products_created: int
    products_updated: int
    variants_created: int
    variants_updated: int
    unchanged: int
    invalid_rows: int
    applied: bool = Field(description="false: a dry run, or a strict import with errors")
    separator: str
    encoding: str
    ignored_columns: list[str]
    errors: list[ImportRowError]
    categories_created: list[ImportedCategory] = Field(
        description="Created for the file's category column (--create-categories), parents "
        "first; in a dry run, those it would create"
    )

    @classmethod
    def of(cls, result: ImportResult, language: Language) -> ImportReport:
        plan = result.plan

        def count(items: Sequence[PlannedProduct] | Sequence[PlannedVariant], new: bool) -> int:
            return sum(1 for i in items if i.changed and (i.existing is None) == new)

        def unchanged(items: Sequence[PlannedProduct] | Sequence[PlannedVariant]) -> int:
            return sum(1 for i in items if not i.changed)

        slugs = {category_id: slug for slug, category_id in result.tree.slugs.items()}
        return cls(
            rows=len(result.sheet.rows),
            products_created=count(plan.products, True),
            products_updated=count(plan.products, False),
            variants_created=count(plan.variants, True),
            variants_updated=count(plan.variants, False),
            unchanged=unchanged(plan.products) + unchanged(plan.variants),
            invalid_rows=len({e.row for e in plan.errors}),
            applied=result.applied,
            separator=result.sheet.separator,
            encoding=result.sheet.encoding,
            ignored_columns=result.sheet.ignored_columns,
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
            categories_created=[
                ImportedCategory(
                    slug=c.slug,
                    name_fr=c.name_fr,
                    parent_slug=slugs[c.parent_id] if c.parent_id else None,
                )
                for c in plan.categories
            ],
        )
