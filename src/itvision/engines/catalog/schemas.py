"""What the catalog API reads and answers: *Create and *Update bodies, *Public answers.

Non-staff callers get `ProductPublic`, which has no cost field at all; staff get `ProductStaff`.
Both forbid extra fields, so an answer can only ever match the model it was built for.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
)

from itvision.engines.catalog.events import Channel, Condition, ProductStatus, Referrer
from itvision.engines.catalog.rules import LENGTHS, MAX_IMAGES, MAX_OPTIONS, RANGES

Grade = Literal["A", "B", "C"]


def _text(field: str) -> Any:
    return Annotated[str, StringConstraints(min_length=1, max_length=LENGTHS[field])]


def _bounded(field: str) -> Any:
    low, high = RANGES[field]
    return Annotated[int, Field(ge=low, le=high)]


NameFr = _text("name_fr")
NameEn = _text("name_en")
DescriptionFr = _text("description_fr")
DescriptionEn = _text("description_en")
Brand = _text("brand")
Cpu = _text("cpu")
RamGb = _bounded("ram_gb")
StorageGb = _bounded("storage_gb")
ScreenInches = Annotated[
    Decimal,
    Field(ge=RANGES["screen_inches"][0], le=RANGES["screen_inches"][1], decimal_places=1),
    PlainSerializer(float, return_type=float, when_used="json"),
]
WarrantyMonths = _bounded("warranty_months")
WeightGrams = _bounded("weight_grams")
BaseCost = _bounded("base_cost")
Sku = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Images = Annotated[
    list[Annotated[str, StringConstraints(max_length=1000)]], Field(max_length=MAX_IMAGES)
]
Options = Annotated[
    dict[
        Annotated[str, StringConstraints(max_length=40)],
        Annotated[str, StringConstraints(max_length=100)],
    ],
    Field(
        min_length=1, max_length=MAX_OPTIONS, examples=[{"couleur": "Noir", "capacite": "256 Go"}]
    ),
]
CategoryName = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=80)]
CategoryRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80),
    Field(description="A category id or slug"),
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Patch(_Body):
    """A partial update: only the fields sent change; `null` clears an optional field."""

    NOT_NULL: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: Any) -> Any:
        if value is None and info.field_name in cls.NOT_NULL:
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class CategoryCreate(_Body):
    name_fr: CategoryName
    name_en: CategoryName | None = None
    slug: Slug | None = Field(default=None, description="Default: made from the French name")
    parent_id: str | None = Field(default=None, description="Parent category id or slug")
    is_active: bool = True


class CategoryUpdate(_Patch):
    NOT_NULL = frozenset({"name_fr", "slug", "is_active"})

    name_fr: CategoryName | None = None
    name_en: CategoryName | None = None
    slug: Slug | None = None
    parent_id: str | None = Field(default=None, description="null: move to the top level")
    is_active: bool | None = None


class CategoryPublic(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    id: str
    slug: str
    name_fr: str
    name_en: str | None
    parent_id: str | None
    path: list[str] = Field(description="Ids from the root to this category (inclusive)")
    is_active: bool


class CategoryNode(CategoryPublic):
    children: list[CategoryNode] = []


class VariantCreate(_Body):
    sku: Sku
    options: Options
    weight_grams: WeightGrams | None = Field(default=None, description="null: the product's")
    base_cost: BaseCost | None = Field(default=None, description="null: the product's")


class VariantUpdate(_Patch):
    NOT_NULL = frozenset({"options"})

    options: Options | None = None
    weight_grams: WeightGrams | None = None
    base_cost: BaseCost | None = None


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

    def values(self) -> dict[str, Any]:
        return self.model_dump(exclude={"sku", "variants"})


class ProductUpdate(_Patch):
    """Any product field but the SKU, which names the product for good."""

    NOT_NULL = frozenset({"name_fr", "category_id", "status", "condition", "base_cost", "images"})

    name_fr: NameFr | None = None
    name_en: NameEn | None = None
    description_fr: DescriptionFr | None = None
    description_en: DescriptionEn | None = None
    brand: Brand | None = None
    category_id: CategoryRef | None = None
    status: ProductStatus | None = None
    condition: Condition | None = None
    grade: Grade | None = None
    ram_gb: RamGb | None = None
    storage_gb: StorageGb | None = None
    cpu: Cpu | None = None
    screen_inches: ScreenInches | None = None
    warranty_months: WarrantyMonths | None = None
    weight_grams: WeightGrams | None = None
    base_cost: BaseCost | None = None
    images: Images | None = None


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
FilterInches = Annotated[Decimal, Field(ge=0, le=RANGES["screen_inches"][1], decimal_places=1)]


class ProductFilters(BaseModel):
    """Query parameters of the product list. A repeated parameter means any of its values
    (`?brand=HP&brand=Dell`); `min_`/`max_` bounds are inclusive; price filters keep only
    priced products."""

    category: str | None = Field(
        default=None, description="Category id or slug: that category and all below it"
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
    session_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    channel: Channel = "web"
    referrer: Referrer = "direct"


class ViewRecorded(BaseModel):
    event_id: str


class ImportRowError(BaseModel):
    row: int = Field(description="Spreadsheet row: the header is row 1")
    column: str | None
    sku: str | None
    code: str
    reason: str


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
