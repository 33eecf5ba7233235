"""notification tables: contacts, preferences, edited templates, messages

Revision ID: notification_0001
Revises: 0001
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from itvision.platform.db import UtcDateTime

revision: str = "notification_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("notification",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_group_members",
        sa.Column("group_id", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint(
            "group_id", "customer_id", name=op.f("pk_notification_group_members")
        ),
    )
    op.create_table(
        "notification_contacts",
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("time_zone", sa.String(length=60), nullable=False),
        sa.Column("quiet_start", sa.Integer(), nullable=True),
        sa.Column("quiet_end", sa.Integer(), nullable=True),
        sa.Column("push_endpoint", sa.Text(), nullable=True),
        sa.Column("push_p256dh", sa.String(length=200), nullable=True),
        sa.Column("push_auth", sa.String(length=100), nullable=True),
        sa.Column("whatsapp_last_inbound_at", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_notification_contacts")),
    )
    op.create_table(
        "notification_messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cause_event_id", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("order_id", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("locale", sa.String(length=2), nullable=False),
        sa.Column("chain", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("push", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("provider", sa.String(length=40), nullable=True),
        sa.Column("provider_message_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_messages")),
        sa.UniqueConstraint("cause_event_id", "customer_id", name="uq_notification_message_cause"),
    )
    op.create_index(
        op.f("ix_notification_messages_customer_id"),
        "notification_messages",
        ["customer_id"],
        unique=False,
    )
    op.create_index(
        "ix_notification_messages_due",
        "notification_messages",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_notification_messages_order_id"),
        "notification_messages",
        ["order_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_notification_messages_provider_message_id"),
        "notification_messages",
        ["provider_message_id"],
        unique=False,
    )
    op.create_table(
        "notification_preferences",
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint(
            "customer_id", "kind", "channel", name=op.f("pk_notification_preferences")
        ),
    )
    op.create_table(
        "notification_templates",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("locale", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "locale", name=op.f("pk_notification_templates")),
    )


def downgrade() -> None:
    op.drop_table("notification_group_members")
    op.drop_table("notification_templates")
    op.drop_table("notification_preferences")
    op.drop_index(
        op.f("ix_notification_messages_provider_message_id"), table_name="notification_messages"
    )
    op.drop_index(op.f("ix_notification_messages_order_id"), table_name="notification_messages")
    op.drop_index("ix_notification_messages_due", table_name="notification_messages")
    op.drop_index(op.f("ix_notification_messages_customer_id"), table_name="notification_messages")
    op.drop_table("notification_messages")
    op.drop_table("notification_contacts")
