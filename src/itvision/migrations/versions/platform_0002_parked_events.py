"""parked events; dead letters keep the exact bytes of a message that text cannot hold

Revision ID: platform_0002
Revises: 0001
Create Date: 2026-12-02 10:00:00.000000

The platform's own branch (label `platform`) starts here from 0001, as each engine's does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from itvision.platform.db import UtcDateTime

revision: str = "platform_0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("platform",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consumer_parked",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("group", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("event_time", UtcDateTime(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("parked_at", UtcDateTime(), nullable=False),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consumer_parked")),
        sa.UniqueConstraint("group", "event_id", name=op.f("uq_consumer_parked_group")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("consumer_parked", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consumer_parked_group_topic_key", ["group", "topic", "key"], unique=False
        )
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raw", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.drop_column("raw")
    with op.batch_alter_table("consumer_parked", schema=None) as batch_op:
        batch_op.drop_index("ix_consumer_parked_group_topic_key")
    op.drop_table("consumer_parked")
