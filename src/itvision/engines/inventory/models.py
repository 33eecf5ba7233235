"""The inventory engine's tables: locations, the SKUs it knows, stock levels, the movement
ledger, the daily sales and reservations. Nobody else reads or writes them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from itvision.platform.db import Base, UtcDateTime


class Location(Base):
    """A warehouse or shop holding stock (`dakar`, `abidjan`). New SKUs get a stock level at
    every default location."""

    __tablename__ = "inventory_locations"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Item(Base):
    """A SKU known to inventory (a projection of the catalog's products and variants) and its
    replenishment settings; a None setting means the engine's default."""

    __tablename__ = "inventory_items"

    sku: Mapped[str] = mapped_column(String(100), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(100), index=True)
    variant_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300), default="")
    unit_cost: Mapped[int | None] = mapped_column(Integer)
    low_stock_threshold: Mapped[int | None] = mapped_column(Integer)
    safety_stock: Mapped[int | None] = mapped_column(Integer)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    supplier_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StockLevel(Base):
    """A SKU's stock at one location. The `*_alerted` flags remember that an alert was sent
    for the current crossing, so it is not sent again until stock rises back above. A new
    level raises no alert at 0 (nothing moved yet); its first receipt is judged like any
    movement, so a receipt that leaves the stock at or under the threshold is `low`."""

    __tablename__ = "inventory_stock_levels"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        # The last line of defence against overselling, whatever the code above it does.
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    )

    sku: Mapped[str] = mapped_column(ForeignKey("inventory_items.sku"), primary_key=True)
    warehouse_id: Mapped[str] = mapped_column(
        ForeignKey("inventory_locations.code"), primary_key=True
    )
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    low_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    depleted_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    reorder_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Movement(Base):
    """One entry of the ledger: every change of on hand or reserved, with its reason and
    reference, and the quantities after it."""

    __tablename__ = "inventory_movements"
    __table_args__ = (Index("ix_inventory_movements_level", "sku", "warehouse_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(100))
    warehouse_id: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(20))
    on_hand_delta: Mapped[int] = mapped_column(Integer)
    reserved_delta: Mapped[int] = mapped_column(Integer)
    on_hand_after: Mapped[int] = mapped_column(Integer)
    reserved_after: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(200), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DailySales(Base):
    """Units a level sold on one UTC day, counted with each `sale` entry of the ledger. The
    reorder plan reads its units sold here, at most one row per day of the velocity window,
    rather than every movement of the level over the window (reservations and releases
    included), which would make each order dearer the more its SKUs sell."""

    __tablename__ = "inventory_daily_sales"

    sku: Mapped[str] = mapped_column(String(100), primary_key=True)
    warehouse_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    units: Mapped[int] = mapped_column(Integer)


class Reservation(Base):
    """Stock held for a reference (an order id, or a partner's cart). `reference` is unique:
    it makes reserving for the same order twice impossible. An order's later events that
    arrive before it was placed (topics are ordered per key only within a topic) leave a
    `pending` reservation holding nothing, applied when the order is placed."""

    __tablename__ = "inventory_reservations"
    __table_args__ = (Index("ix_inventory_reservations_due", "status", "expires_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(2))
    # On a `pending` order: the furthest step (confirmed, shipped) seen before it was placed.
    pending_step: Mapped[str | None] = mapped_column(String(12))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lines: Mapped[list[ReservationLine]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="ReservationLine.id"
    )


class ReservationLine(Base):
    """How much of a SKU a reservation holds at one location."""

    __tablename__ = "inventory_reservation_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_inventory_reservation_lines_level", "sku", "warehouse_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reservation_id: Mapped[str] = mapped_column(
        ForeignKey("inventory_reservations.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(100))
    warehouse_id: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(Integer)
