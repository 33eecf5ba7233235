"""The shipping engine's tables: zones with the places they cover and their weight bands,
pickup stores, the orders it learnt from the order engine, shipments and their status history.
Nobody else reads or writes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from itvision.platform.db import Base, UtcDateTime


class Zone(Base):
    """A delivery zone (a Dakar commune, a region, the rest of a country) with its delivery
    delay and free-shipping threshold; None takes the engine's default threshold."""

    __tablename__ = "shipping_zones"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    estimated_days: Mapped[int] = mapped_column(Integer)
    free_from: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ZonePlace(Base):
    """A place a zone covers, as typed by staff (`city`, `area`) and folded for matching
    (`city_key`, `area_key`; "" for a whole city or country). A place belongs to one zone."""

    __tablename__ = "shipping_zone_places"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    city_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    area_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    zone_code: Mapped[str] = mapped_column(
        ForeignKey("shipping_zones.code", ondelete="CASCADE"), index=True
    )
    city: Mapped[str | None] = mapped_column(String(120))
    area: Mapped[str | None] = mapped_column(String(120))


class RateBand(Base):
    """One weight band of a zone's rate: up to `up_to_grams` (None: heavier), `fee`, plus
    `per_extra_kg` for each started kilogram above the band's start."""

    __tablename__ = "shipping_rate_bands"
    __table_args__ = (
        UniqueConstraint("zone_code", "up_to_grams", name="one_band_per_weight"),
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        CheckConstraint("per_extra_kg >= 0", name="per_extra_kg_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zone_code: Mapped[str] = mapped_column(
        ForeignKey("shipping_zones.code", ondelete="CASCADE"), index=True
    )
    up_to_grams: Mapped[int | None] = mapped_column(Integer)
    fee: Mapped[int] = mapped_column(Integer)
    per_extra_kg: Mapped[int] = mapped_column(Integer, default=0)


class Store(Base):
    """A shop where customers collect their orders (pickup: no fee)."""

    __tablename__ = "shipping_stores"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120))
    city_key: Mapped[str] = mapped_column(String(120), index=True)
    area: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    opening_hours: Mapped[str | None] = mapped_column(String(200))
    ready_in_days: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class KnownOrder(Base):
    """What shipping knows of an order, from `order.order.placed` (address, method, fee, what
    the courier collects) and `order.order.cancelled`, which may come first: a row cancelled
    before it is placed has `placed_at` None."""

    __tablename__ = "shipping_orders"

    order_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(100))
    delivery_method: Mapped[str | None] = mapped_column(String(20))
    payment_method: Mapped[str | None] = mapped_column(String(40))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(120))
    area: Mapped[str | None] = mapped_column(String(120))
    address_line: Mapped[str | None] = mapped_column(String(300))
    shipping_fee: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="XOF")
    placed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Shipment(Base):
    """One order's shipment. `cash_due` is what the courier collects (cash on delivery), None
    for a paid order; `cash_collected` what the delivery reported."""

    __tablename__ = "shipping_shipments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(100), unique=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    delivery_method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    carrier: Mapped[str] = mapped_column(String(60))
    tracking_number: Mapped[str] = mapped_column(String(40), unique=True)
    store_code: Mapped[str | None] = mapped_column(String(60))
    zone: Mapped[str | None] = mapped_column(String(60))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120))
    area: Mapped[str | None] = mapped_column(String(120))
    address_line: Mapped[str | None] = mapped_column(String(300))
    shipping_fee: Mapped[int] = mapped_column(Integer)
    cash_due: Mapped[int | None] = mapped_column(Integer)
    cash_collected: Mapped[int | None] = mapped_column(Integer)
    estimated_delivery_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StatusChange(Base):
    """A shipment's history, one row per status it took. `reference` identifies a carrier's
    report (its event id, or status@time) so the same report twice has one effect."""

    __tablename__ = "shipping_status_changes"
    __table_args__ = (UniqueConstraint("shipment_id", "reference", name="one_effect_per_report"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipping_shipments.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    previous_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(200))
    changed_by: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MemberTier(Base):
    """A customer's loyalty tier as the loyalty engine announced it (a projection of
    `loyalty.tier.*`): a tier that delivers free makes home delivery free for them."""

    __tablename__ = "shipping_member_tiers"

    customer_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    tier: Mapped[str] = mapped_column(String(20))
    free_shipping: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
