"""inventory daily sales per stock level, counted from the ledger's sales so far

Revision ID: inventory_0002
Revises: inventory_0001
Create Date: 2026-12-01 16:20:00
"""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date

import sqlalchemy as sa
from alembic import op

from itvision.platform.db import UtcDateTime

revision: str = "inventory_0002"
down_revision: str | Sequence[str] | None = "inventory_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVEMENTS = sa.table(
    "inventory_movements",
    sa.column("sku", sa.String),
    sa.column("warehouse_id", sa.String),
    sa.column("reason", sa.String),
    sa.column("on_hand_delta", sa.Integer),
    sa.column("created_at", UtcDateTime()),
)
BATCH = 5_000
"""Sales read from the ledger, and daily rows written, at a time."""


def upgrade() -> None:
    daily_sales = op.create_table(
        "inventory_daily_sales",
        sa.Column("sku", sa.String(length=100), nullable=False),
        sa.Column("warehouse_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "sku", "warehouse_id", "day", name=op.f("pk_inventory_daily_sales")
        ),
    )
    rows = [
        {"sku": sku, "warehouse_id": w, "day": day, "units": units}
        for (sku, w, day), units in _sales_by_day().items()
    ]
    for start in range(0, len(rows), BATCH):
        op.bulk_insert(daily_sales, rows[start : start + BATCH])


def _sales_by_day() -> Counter[tuple[str, str, date]]:
    """Units sold per level and UTC day by the ledger's `sale` entries. The day is taken in
    Python from the stored UTC time: SQL's date functions differ between SQLite and
    PostgreSQL, and PostgreSQL's follow the session's time zone."""
    sales = (
        sa.select(
            MOVEMENTS.c.sku,
            MOVEMENTS.c.warehouse_id,
            MOVEMENTS.c.created_at,
            MOVEMENTS.c.on_hand_delta,
        )
        .where(MOVEMENTS.c.reason == "sale")
        .execution_options(yield_per=BATCH)
    )
    units = Counter[tuple[str, str, date]]()
    for sku, warehouse_id, created_at, on_hand_delta in op.get_bind().execute(sales):
        units[(sku, warehouse_id, created_at.astimezone(UTC).date())] -= on_hand_delta
    return units


def downgrade() -> None:
    op.drop_table("inventory_daily_sales")
