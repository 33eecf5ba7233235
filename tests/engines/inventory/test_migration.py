"""The sales written before `inventory_0002` are counted in its daily sales, by level and UTC
day, on both databases; its downgrade takes the table away (the schema itself is checked
against the models in tests/test_migrations.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from itvision import migrations
from itvision.engines.inventory.models import Movement
from itvision.platform.db import Database
from itvision.settings import Settings
from tests.conftest import COMBINATIONS

# The ledger is the same at inventory_0001 as in the model.
MOVEMENTS = Movement.__table__


def _movement(
    reason: str, on_hand_delta: int, at: datetime, sku: str = "SSD-1T", warehouse_id: str = "dakar"
) -> dict[str, object]:
    return {
        "sku": sku,
        "warehouse_id": warehouse_id,
        "reason": reason,
        "on_hand_delta": on_hand_delta,
        "reserved_delta": 0,
        "on_hand_after": 0,
        "reserved_after": 0,
        "reference": "ref",
        "actor": "awa",
        "created_at": at,
    }


@pytest.mark.parametrize("backend_settings", COMBINATIONS[:2], indirect=True)
async def test_the_sales_before_inventory_0002_are_counted_by_utc_day(backend_settings: Settings):
    db = Database(backend_settings.database)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(
                lambda c: command.upgrade(migrations._config(c), "inventory@inventory_0001")
            )
            await conn.execute(
                sa.insert(MOVEMENTS),
                [
                    _movement("receipt", 50, datetime(2026, 11, 30, 8, 0, tzinfo=UTC)),
                    _movement("sale", -2, datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
                    _movement("sale", -3, datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC)),
                    _movement("sale", -1, datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
                    _movement("reservation", 0, datetime(2026, 12, 1, 1, 0, tzinfo=UTC)),
                    _movement("return", 1, datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
                    _movement(
                        "sale", -4, datetime(2026, 12, 1, 3, 0, tzinfo=UTC), warehouse_id="abidjan"
                    ),
                    _movement("sale", -5, datetime(2026, 12, 1, 4, 0, tzinfo=UTC), sku="RAM-16G"),
                ],
            )
        await migrations.upgrade(db)
        async with db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT sku, warehouse_id, day, units FROM inventory_daily_sales"
                        " ORDER BY sku, warehouse_id, day"
                    ).columns(day=sa.Date)
                )
            ).all()
        async with db.engine.begin() as conn:
            await conn.run_sync(
                lambda c: command.downgrade(migrations._config(c), "inventory_0001")
            )
            tables = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
    finally:
        await db.dispose()
    assert [tuple(row) for row in rows] == [
        ("RAM-16G", "dakar", date(2026, 12, 1), 5),
        ("SSD-1T", "abidjan", date(2026, 12, 1), 4),
        ("SSD-1T", "dakar", date(2026, 11, 30), 5),
        ("SSD-1T", "dakar", date(2026, 12, 1), 1),
    ]
    assert "inventory_daily_sales" not in tables and "inventory_movements" in tables
