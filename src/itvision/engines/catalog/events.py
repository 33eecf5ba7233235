"""Events of the catalog engine: products, their variants and categories.

Other engines (pricing, inventory, promotion, search…) keep their own projections of the catalog
from these events, so a product event carries what they need to act without calling back:
the category path (ids from the root to the product's category) lets them scope a rule to a
category subtree. Fields are only ever added, with a default, so older events still read.
"""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "catalog-engine"

Condition = Literal["new", "refurbished", "used"]
ProductStatus = Literal["draft", "active", "archived"]
Channel = Literal["web", "mobile_app", "whatsapp", "api"]
Referrer = Literal["search", "category", "recommendation", "promotion", "direct", "external"]

_CATEGORY_PATH: list[str] = Field(
    default_factory=list,
    description="Category ids from the root to the product's category (inclusive)",
)
_WEIGHT = Field(default=None, ge=0, description="Shipping weight in grams")


class ProductCreated(Payload):
    product_id: str
    sku: str
    name: str = Field(description="The French name (what customers read by default)")
    category_id: str
    brand: str | None = None
    condition: Condition = "new"
    base_cost: Amount = Field(description="What the product costs the marketplace, before margin")
    currency: Currency = "XOF"
    status: ProductStatus = "draft"
    vendor_id: str | None = None
    created_at: UtcDatetime
    category_path: list[str] = _CATEGORY_PATH
    name_en: str | None = None
    weight_grams: int | None = _WEIGHT


class ProductUpdated(Payload):
    """The product as it is after the change, with the names of the fields that changed."""

    product_id: str
    sku: str
    name: str
    category_id: str
    brand: str | None = None
    condition: Condition = "new"
    base_cost: Amount
    currency: Currency = "XOF"
    status: ProductStatus
    changed_fields: list[str] = Field(description="snake_case names, e.g. ['base_cost']")
    updated_at: UtcDatetime
    category_path: list[str] = _CATEGORY_PATH
    name_en: str | None = None
    weight_grams: int | None = _WEIGHT


class ProductDeleted(Payload):
    """The product was archived (a soft delete: it stays readable by staff, hidden from
    customers, and can be restored by setting its status back)."""

    product_id: str
    sku: str
    reason: str | None = None
    deleted_at: UtcDatetime


class ProductViewed(Payload):
    product_id: str
    session_id: str
    customer_id: str | None = None
    channel: Channel = "web"
    referrer: Referrer = "direct"
    viewed_at: UtcDatetime


class VariantCreated(Payload):
    product_id: str
    variant_id: str
    sku: str
    attributes: dict[str, str] = Field(description="e.g. {'ram': '16 Go', 'storage': '512 Go'}")
    base_cost: Amount | None = Field(default=None, description="None: same as the product")
    currency: Currency = "XOF"
    created_at: UtcDatetime
    weight_grams: int | None = Field(default=None, ge=0, description="None: same as the product")


class VariantUpdated(Payload):
    """The variant as it is after the change, with the names of the fields that changed."""

    product_id: str
    variant_id: str
    sku: str
    attributes: dict[str, str]
    base_cost: Amount | None = Field(default=None, description="None: same as the product")
    currency: Currency = "XOF"
    weight_grams: int | None = Field(default=None, ge=0, description="None: same as the product")
    changed_fields: list[str] = Field(description="snake_case names, e.g. ['base_cost']")
    updated_at: UtcDatetime


class CategoryUpdated(Payload):
    """A category as it is after it was created or changed (the seed has no `created` topic:
    a new category is its first update)."""

    category_id: str
    name: str = Field(description="The French name")
    slug: str
    parent_id: str | None = None
    is_active: bool = True
    updated_at: UtcDatetime
    name_en: str | None = None
    path: list[str] = Field(
        default_factory=list, description="Category ids from the root to this one (inclusive)"
    )


TOPICS: tuple[Topic, ...] = (
    Topic(
        "catalog.product.created",
        ProductCreated,
        SOURCE,
        "A product was added to the catalog (Nouveau produit ajouté)",
        key="product_id",
    ),
    Topic(
        "catalog.product.updated",
        ProductUpdated,
        SOURCE,
        "A product was modified (Produit modifié)",
        key="product_id",
    ),
    Topic(
        "catalog.product.deleted",
        ProductDeleted,
        SOURCE,
        "A product was removed from the catalog: archived, not erased (Produit supprimé)",
        key="product_id",
    ),
    Topic(
        "catalog.product.viewed",
        ProductViewed,
        SOURCE,
        "A product page was viewed (Produit consulté)",
        key="product_id",
    ),
    Topic(
        "catalog.variant.created",
        VariantCreated,
        SOURCE,
        "A variant was added to a product (Variante ajoutée)",
        key="product_id",
    ),
    Topic(
        "catalog.variant.updated",
        VariantUpdated,
        SOURCE,
        "A variant's options, weight or cost changed (Variante modifiée)",
        key="product_id",
    ),
    Topic(
        "catalog.category.updated",
        CategoryUpdated,
        SOURCE,
        "A category was created or modified (Catégorie modifiée)",
        key="category_id",
    ),
)
