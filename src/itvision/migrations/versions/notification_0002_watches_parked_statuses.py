"""notification: products customers watch, provider statuses that came before their message

Revision ID: notification_0002
Revises: notification_0001
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from itvision.platform.db import UtcDateTime

revision: str = "notification_0002"
down_revision: str | Sequence[str] | None = "notification_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_watches",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("product_name", sa.String(length=300), nullable=False),
        sa.Column("product_name_en", sa.String(length=300), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_watches")),
        sa.UniqueConstraint("customer_id", "sku", name="uq_notification_watch"),
    )
    op.create_index(
        op.f("ix_notification_watches_sku"), "notification_watches", ["sku"], unique=False
    )
    op.create_table(
        "notification_parked_statuses",
        sa.Column("provider_message_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "provider_message_id", "status", name=op.f("pk_notification_parked_statuses")
        ),
    )
    op.create_index(
        op.f("ix_notification_parked_statuses_received_at"),
        "notification_parked_statuses",
        ["received_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_notification_parked_statuses_received_at"),
        table_name="notification_parked_statuses",
    )
    op.drop_table("notification_parked_statuses")
    op.drop_index(op.f("ix_notification_watches_sku"), table_name="notification_watches")
    op.drop_table("notification_watches")
