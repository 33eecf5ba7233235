"""billing payments kept by order: a payment seen before its invoice waits for it

Revision ID: billing_0002
Revises: billing_0001
Create Date: 2026-11-30 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "billing_0002"
down_revision: str | Sequence[str] | None = "billing_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("billing_payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_id", sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE billing_payments SET order_id = (SELECT billing_invoices.order_id"
        " FROM billing_invoices WHERE billing_invoices.id = billing_payments.invoice_id)"
    )
    with op.batch_alter_table("billing_payments", schema=None) as batch_op:
        batch_op.alter_column("order_id", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("invoice_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.create_index(batch_op.f("ix_billing_payments_order_id"), ["order_id"])


def downgrade() -> None:
    op.execute("DELETE FROM billing_payments WHERE invoice_id IS NULL")
    with op.batch_alter_table("billing_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_payments_order_id"))
        batch_op.alter_column("invoice_id", existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column("order_id")
