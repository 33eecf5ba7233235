"""A group order paid before `payment_0003` learns which payment it was paid from (the
schema itself is checked against the models in tests/test_migrations.py)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from itvision import migrations
from itvision.platform.db import Database


async def test_a_group_order_paid_before_payment_0003_names_the_payment_it_was_paid_from(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    columns = (
        "id, order_id, customer_id, amount, currency, method, status, requested_by, "
        "idempotency_key, provider_reference, fee, refunded, session_closed, created_at, "
        "updated_at"
    )
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(
                lambda c: command.upgrade(migrations._config(c), "payment@payment_0002")
            )
            for values in (
                "'pay_part', 'part-1', 'cust', 300000, 'XOF', 'wave', 'succeeded', 'cust', "
                "'k1', 'cos_1', 0, 0, 0, '2026-11-30 10:00:00', '2026-11-30 10:00:00'",
                "'pay_order', 'CMD-1', 'cust', 280000, 'XOF', 'wave', 'succeeded', "
                "'group-buy-engine', 'group:part-1', 'group:part-1', 0, 0, 0, "
                "'2026-11-30 11:00:00', '2026-11-30 11:00:00'",
            ):
                await conn.execute(
                    text(f"INSERT INTO payment_payments ({columns}) VALUES ({values})")
                )
        await migrations.upgrade(db)
        async with db.engine.connect() as conn:
            rows = dict(
                (await conn.execute(text("SELECT id, paid_from FROM payment_payments"))).all()
            )
    finally:
        await db.dispose()
    assert rows == {"pay_part": None, "pay_order": "pay_part"}
