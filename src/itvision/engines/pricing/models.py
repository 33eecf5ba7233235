"""The pricing engine's tables (every name starts with `pricing_`; nobody else touches them).

- `pricing_items`: what pricing knows of the catalog — one row per SKU (product or variant),
  kept from catalog events (a projection: rebuilt by replaying them).
- `pricing_scopes`: settings set by admins, one row per scope (`global`, `category:<id>`,
  `product:<id>`).
- `pricing_price_history`: every unit price a SKU has had, from when; "the price at a past
  moment" is the last row before it.
- `pricing_quotes`: what was quoted, lines and breakdown, as it was quoted, until it expires.
- `pricing_tier_levels`: the highest tier a buyer (a customer or a group buy) has reached per
  SKU, so that `pricing.tier.activated` is emitted when a quantity crosses a tier, once.

Rates are stored as decimal text: exact on SQLite (which has no decimal type) and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Dialect, Index, Integer, String, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column

from itvision.platform.db import Base, UtcDateTime


class DecimalText(TypeDecorator[Decimal]):
    """A Decimal stored as its text, so that 0.05 stays 0.05 on every database."""

    impl = String(24)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class PricedItem(Base):
    __tablename__ = "pricing_items"

    sku: Mapped[str] = mapped_column(String(100), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(100), index=True)
    variant_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    attributes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    category_path: Mapped[list[str]] = mapped_column(JSON)
    own_base_cost: Mapped[int | None] = mapped_column(BigInteger)
    base_cost: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    # When the catalog state this row holds was current (the catalog event's own time): an
    # older event (a replay, a late redelivery) changes nothing.
    catalog_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def is_variant(self) -> bool:
        return self.variant_id is not None


class ScopeSettings(Base):
    __tablename__ = "pricing_scopes"

    scope: Mapped[str] = mapped_column(String(120), primary_key=True)
    margin_rate: Mapped[Decimal | None] = mapped_column(DecimalText())
    service_fee_rate: Mapped[Decimal | None] = mapped_column(DecimalText())
    insurance_rate: Mapped[Decimal | None] = mapped_column(DecimalText())
    tiers: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Set on the `global` row only.
    min_margin_rate: Mapped[Decimal | None] = mapped_column(DecimalText())
    vat_rate: Mapped[Decimal | None] = mapped_column(DecimalText())
    rounding_step: Mapped[int | None] = mapped_column(Integer)
    rounding_mode: Mapped[str | None] = mapped_column(String(10))
    quote_validity_hours: Mapped[int | None] = mapped_column(Integer)
    # Bumped by every settings change, at any scope: processes keep the settings in memory
    # for as long as it holds.
    revision: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(200))


class PriceRecord(Base):
    __tablename__ = "pricing_price_history"
    __table_args__ = (Index("ix_pricing_price_history_sku_valid_from", "sku", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(100))
    product_id: Mapped[str] = mapped_column(String(100))
    base_cost: Mapped[int] = mapped_column(BigInteger)
    margin_rate: Mapped[Decimal] = mapped_column(DecimalText())
    service_fee_rate: Mapped[Decimal] = mapped_column(DecimalText())
    insurance_rate: Mapped[Decimal] = mapped_column(DecimalText())
    price_excl_vat: Mapped[int] = mapped_column(BigInteger)
    vat_rate: Mapped[Decimal] = mapped_column(DecimalText())
    vat_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    # The catalog state it was computed from (PricedItem.catalog_at).
    catalog_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StoredQuote(Base):
    __tablename__ = "pricing_quotes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_subject: Mapped[str | None] = mapped_column(String(200), index=True)
    group_id: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    vat_rate: Mapped[Decimal] = mapped_column(DecimalText())
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    total_excl_vat: Mapped[int] = mapped_column(BigInteger)
    total_vat: Mapped[int] = mapped_column(BigInteger)
    total_incl_vat: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TierLevel(Base):
    __tablename__ = "pricing_tier_levels"

    buyer: Mapped[str] = mapped_column(String(250), primary_key=True)
    sku: Mapped[str] = mapped_column(String(100), primary_key=True)
    min_quantity: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
