"""a group order's payment names the participation payment it was settled from

Revision ID: payment_0003
Revises: payment_0002
Create Date: 2026-11-30 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "payment_0003"
down_revision: str | Sequence[str] | None = "payment_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment_payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paid_from", sa.String(length=40), nullable=True))
    # Until now a group order's payment was told apart by its reference, `group:<participation>`.
    op.execute(
        "UPDATE payment_payments SET paid_from = (SELECT source.id FROM payment_payments source"
        " WHERE source.order_id = substr(payment_payments.provider_reference, 7)"
        " AND source.status = 'succeeded' ORDER BY source.created_at LIMIT 1)"
        " WHERE payment_payments.provider_reference LIKE 'group:%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("payment_payments", schema=None) as batch_op:
        batch_op.drop_column("paid_from")
