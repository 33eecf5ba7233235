"""The bus's tables: the event log (which is also the outbox), consumer positions with their
leases, the inbox that makes effects exactly-once, parked events, and the dead-letter store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from itvision.platform.db import Base, UtcDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants a BIGINT identity.
Position = BigInteger().with_variant(Integer(), "sqlite")


class LoggedEvent(Base):
    """One published event. `position` orders the log: on PostgreSQL positions are handed out
    under a transaction-scoped lock, so they become visible in commit order and a reader that
    has passed position N never later sees an event below N appear."""

    __tablename__ = "event_log"
    __table_args__ = (
        Index("ix_event_log_topic_position", "topic", "position"),
        {"sqlite_autoincrement": True},
    )

    position: Mapped[int] = mapped_column(Position, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    correlation_id: Mapped[str] = mapped_column(String(36))
    envelope: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConsumerPosition(Base):
    """Where a consumer group (or the Kafka relay) is in the SQL log, and who holds it."""

    __tablename__ = "consumer_positions"

    group: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InboxEntry(Base):
    """An event a group has applied, written in the same transaction as the effects."""

    __tablename__ = "consumer_inbox"

    group: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    topic: Mapped[str] = mapped_column(String(200))
    partition: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(BigInteger)
    event_time: Mapped[datetime] = mapped_column(UtcDateTime())


class ParkedEvent(Base):
    """An event a group has taken in (its inbox row is written when it is parked) and not yet
    applied: its handler said `NotYet` (reason `not_yet`), or an earlier event of the same topic
    and key is parked (reason `behind`: order per key holds). It is applied, and its row
    deleted, in one transaction; after `deadline` a `not_yet` event becomes a dead letter."""

    __tablename__ = "consumer_parked"
    __table_args__ = (
        Index("ix_consumer_parked_group_topic_key", "group", "topic", "key"),
        UniqueConstraint("group", "event_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Position, primary_key=True, autoincrement=True)
    group: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(36))
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    partition: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(BigInteger)
    event_time: Mapped[datetime] = mapped_column(UtcDateTime())
    message: Mapped[str] = mapped_column(Text, doc="The message exactly as it was read")
    reason: Mapped[str] = mapped_column(String(40))
    error: Mapped[str] = mapped_column(Text)
    parked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deadline: Mapped[datetime] = mapped_column(UtcDateTime())


class DeadLetter(Base):
    """A message a group could not read or apply. `message` is its text; when the message was
    not valid UTF-8 or held characters the database cannot store in text (NUL on PostgreSQL),
    those bytes are escaped in `message` (`\\xff`, `\\x00`) and `raw` keeps the exact bytes,
    which a replay reads."""

    __tablename__ = "dead_letters"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Position, primary_key=True, autoincrement=True)
    group: Mapped[str] = mapped_column(String(200), index=True)
    event_id: Mapped[str | None] = mapped_column(String(36))
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    partition: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(BigInteger)
    message: Mapped[str] = mapped_column(Text, doc="The message as text (bad bytes escaped)")
    raw: Mapped[bytes | None] = mapped_column(
        LargeBinary, doc="The message's exact bytes, when `message` had to escape some"
    )
    reason: Mapped[str] = mapped_column(String(40))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime())
