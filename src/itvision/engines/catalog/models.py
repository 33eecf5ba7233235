"""The catalog's tables (all named `catalog_*`; no other engine reads or writes them).

Every SKU, of a product or of a variant, is also a row of `catalog_skus`: its primary key makes
a SKU unique across products and variants on every database, even when two writers race.
`catalog_prices` is a projection of the pricing engine's `pricing.price.calculated` events.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import uuid6
from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from itvision.platform.db import Base, UtcDateTime


def new_id() -> str:
    """A UUIDv7 as text: time-ordered, so new rows land at the end of the index."""
    return str(uuid.UUID(bytes=uuid6.uuid7().bytes))


class Category(Base):
    __tablename__ = "catalog_categories"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("catalog_categories.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Sku(Base):
    __tablename__ = "catalog_skus"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(36))
    variant_id: Mapped[str | None] = mapped_column(String(36))


class Product(Base):
    __tablename__ = "catalog_products"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    description_fr: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    brand: Mapped[str | None] = mapped_column(String(80), index=True)
    category_id: Mapped[str] = mapped_column(ForeignKey("catalog_categories.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    condition: Mapped[str] = mapped_column(String(12))
    grade: Mapped[str | None] = mapped_column(String(1))
    ram_gb: Mapped[int | None] = mapped_column(Integer)
    storage_gb: Mapped[int | None] = mapped_column(Integer)
    cpu: Mapped[str | None] = mapped_column(String(100))
    # Tenths of an inch (15.6" is 156): exact on every database, where a NUMERIC is a float
    # on SQLite.
    screen_tenths: Mapped[int | None] = mapped_column(Integer)
    warranty_months: Mapped[int | None] = mapped_column(Integer)
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    base_cost: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    images: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Variant(Base):
    __tablename__ = "catalog_variants"
    __table_args__ = (UniqueConstraint("product_id", "options_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(ForeignKey("catalog_products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    options_key: Mapped[str] = mapped_column(String(1500))
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    base_cost: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProductPrice(Base):
    """The latest selling price the pricing engine calculated for a product."""

    __tablename__ = "catalog_prices"

    product_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    final_price: Mapped[int] = mapped_column(BigInteger, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    calculated_at: Mapped[datetime] = mapped_column(UtcDateTime())
