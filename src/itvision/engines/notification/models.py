"""The notification engine's tables: who can be reached how (contacts, preferences), the
templates staff edited, every message with its delivery status, the products customers watch
and the provider statuses that came before their message's id. Nobody else reads or writes
them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from itvision.platform.db import Base, UtcDateTime


class Contact(Base):
    """How to reach a customer (there is no customer engine yet): set by the customer or
    staff through the API; an order's delivery phone fills `phone` when none is known.
    Quiet hours are local hours [start, end) in `time_zone`."""

    __tablename__ = "notification_contacts"

    customer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    country: Mapped[str] = mapped_column(String(2), default="SN")
    time_zone: Mapped[str] = mapped_column(String(60), default="Africa/Dakar")
    quiet_start: Mapped[int | None] = mapped_column(Integer)
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    push_endpoint: Mapped[str | None] = mapped_column(Text)
    push_p256dh: Mapped[str | None] = mapped_column(String(200))
    push_auth: Mapped[str | None] = mapped_column(String(100))
    whatsapp_last_inbound_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Preference(Base):
    """A customer's choice for one kind of message on one channel (absent: the default)."""

    __tablename__ = "notification_preferences"

    customer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)


class Template(Base):
    """A template staff rewrote; the built-in one (`rules.templates`) otherwise."""

    __tablename__ = "notification_templates"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    locale: Mapped[str] = mapped_column(String(2), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Message(Base):
    """One message for one recipient, caused by one event (unique: a redelivered event makes
    no second message). It goes down `chain` (channels, comma-separated) from `channel`:
    status `queued` (due at `next_attempt_at`), `sent`, `delivered`, `read` or `failed`."""

    __tablename__ = "notification_messages"
    __table_args__ = (
        UniqueConstraint("cause_event_id", "customer_id", name="uq_notification_message_cause"),
        Index("ix_notification_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cause_event_id: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    order_id: Mapped[str | None] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(2))
    chain: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    parameters: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[str] = mapped_column(String(20))
    push: Mapped[bool] = mapped_column(Boolean, default=False)
    """Also pushed to the customer's browser (Web Push), once, when first sent."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    provider: Mapped[str | None] = mapped_column(String(40))
    provider_message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GroupMember(Base):
    """Who joined a group buy (from `groupbuy.participant.joined`): told when it reaches a
    price tier, an event that does not list them."""

    __tablename__ = "notification_group_members"

    group_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(200), primary_key=True)


class Watch(Base):
    """A customer waiting for a SKU to be back in stock: told once (`stock_back`), then the
    watch ends (the row goes). The product's names are read from the catalog when the watch
    begins."""

    __tablename__ = "notification_watches"
    __table_args__ = (UniqueConstraint("customer_id", "sku", name="uq_notification_watch"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(64), index=True)
    product_name: Mapped[str] = mapped_column(String(300))
    product_name_en: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ParkedStatus(Base):
    """A provider's status for a message id we do not know yet: the webhook beat the send's
    answer (or the id is older than our records). Applied once the message shows that id;
    forgotten after a while otherwise."""

    __tablename__ = "notification_parked_statuses"

    provider_message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    error: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
