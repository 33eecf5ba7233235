"""A payment recorded before `billing_0002` keeps its invoice and learns its order (the
schema itself is checked against the models in tests/test_migrations.py)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from itvision import migrations
from itvision.platform.db import Database


async def test_a_payment_of_an_earlier_version_learns_its_order(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(
                lambda c: command.upgrade(migrations._config(c), "billing@billing_0001")
            )
            await conn.execute(
                text(
                    "INSERT INTO billing_invoices (id, number, order_id, customer_id, "
                    "is_business, seller, buyer, lines, subtotal, discount_total, shipping_fee, "
                    "amount_excl_vat, vat_rate, vat_amount, total, currency, payment_method, "
                    "issued_at, due_at, verification_token) VALUES ('inv-1', 'FAC-2026-000001', "
                    "'CMD-1', 'cust-1', 0, '{}', '{}', '[]', 1000, 0, 0, 847, '0.18', 153, 1000, "
                    "'XOF', 'wave', '2026-11-30 10:00:00', '2026-11-30 10:00:00', 'token')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO billing_payments (payment_id, invoice_id, amount, method, "
                    "paid_at) VALUES ('pay-1', 'inv-1', 1000, 'wave', '2026-11-30 10:00:00')"
                )
            )
        await migrations.upgrade(db)
        async with db.engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT order_id, invoice_id FROM billing_payments"
                        " WHERE payment_id = 'pay-1'"
                    )
                )
            ).one()
    finally:
        await db.dispose()
    assert tuple(row) == ("CMD-1", "inv-1")
