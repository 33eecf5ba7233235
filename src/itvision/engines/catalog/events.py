"""Events of the catalog engine: products, their variants and categories."""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

OWNER = "catalog-engine"

Condition = Literal["new", "refurbished", "used"]
ProductStatus = Literal["draft", "active", "archived"]


class ProductCreated(Payload):
    product_id: str
    sku: str
    name: str
    category_id: str
    brand: str | None = None
    condition: Condition = "new"
    base_cost: Amount = Field(description="What the product costs the marketplace, before margin")
    currency: Currency = "XOF"
    status: ProductStatus = "draft"
    vendor_id: str | None = None
    created_at: UtcDatetime


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


class ProductDeleted(Payload):
    product_id: str
    sku: str
    reason: str | None = None
    deleted_at: UtcDatetime


class ProductViewed(Payload):
    product_id: str
    session_id: str
    customer_id: str | None = None
    channel: Literal["web", "mobile_app", "whatsapp", "api"] = "web"
    referrer: Literal["search", "category", "recommendation", "promotion", "direct", "external"] = (
        "direct"
    )
    viewed_at: UtcDatetime


class VariantCreated(Payload):
    product_id: str
    variant_id: str
    sku: str
    attributes: dict[str, str] = Field(description="e.g. {'ram': '16 Go', 'storage': '512 Go'}")
    base_cost: Amount | None = Field(default=None, description="None: same as the product")
    currency: Currency = "XOF"
    created_at: UtcDatetime


class CategoryUpdated(Payload):
    category_id: str
    name: str
    slug: str
    parent_id: str | None = None
    is_active: bool = True
    updated_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "catalog.product.created",
        ProductCreated,
        OWNER,
        "A product was added to the catalog (Nouveau produit ajouté)",
        key="product_id",
    ),
    Topic(
        "catalog.product.updated",
        ProductUpdated,
        OWNER,
        "A product was modified (Produit modifié)",
        key="product_id",
    ),
    Topic(
        "catalog.product.deleted",
        ProductDeleted,
        OWNER,
        "A product was removed from the catalog (Produit supprimé)",
        key="product_id",
    ),
    Topic(
        "catalog.product.viewed",
        ProductViewed,
        OWNER,
        "A product page was viewed (Produit consulté)",
        key="product_id",
    ),
    Topic(
        "catalog.variant.created",
        VariantCreated,
        OWNER,
        "A variant was added to a product (Variante ajoutée)",
        key="product_id",
    ),
    Topic(
        "catalog.category.updated",
        CategoryUpdated,
        OWNER,
        "A category was modified (Catégorie modifiée)",
        key="category_id",
    ),
)
