"""Typed inputs of the notification engine's use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from itvision.engines.notification.rules.templates import Value


@dataclass(frozen=True)
class Notify:
    """Tell `customer_id` about something (`kind`), because of event `cause_event_id`."""

    cause_event_id: str
    customer_id: str
    kind: str
    variables: dict[str, Value]
    order_id: str | None = None


@dataclass(frozen=True)
class LearnPhone:
    """An order's delivery phone: the customer's number when none is known."""

    customer_id: str
    phone: str
    country: str


@dataclass(frozen=True)
class SetContact:
    customer_id: str
    phone: str | None
    email: str | None
    language: str
    country: str
    time_zone: str
    quiet_start: int | None
    quiet_end: int | None
    push_endpoint: str | None = None
    push_p256dh: str | None = None
    push_auth: str | None = None


@dataclass(frozen=True)
class SetPreferences:
    customer_id: str
    choices: dict[tuple[str, str], bool] = field(default_factory=dict)
    """(kind, channel) → on/off"""


@dataclass(frozen=True)
class EditTemplate:
    kind: str
    locale: str
    subject: str
    body: str
    editor: str


@dataclass(frozen=True)
class SendDueMessages:
    as_of: datetime | None = None
    limit: int = 200


@dataclass(frozen=True)
class RecordStatus:
    """A provider's word on a message it took (WhatsApp status webhook)."""

    provider_message_id: str
    status: str
    error: str | None = None


@dataclass(frozen=True)
class RecordInbound:
    """The customer wrote to us on WhatsApp: the 24-hour window opens."""

    phone: str
    at: datetime


@dataclass(frozen=True)
class JoinGroup:
    group_id: str
    customer_id: str


@dataclass(frozen=True)
class WatchProduct:
    """`customer_id` wants to hear when `sku` is back in stock (names read from the catalog)."""

    customer_id: str
    sku: str
    product_name: str
    product_name_en: str | None = None


@dataclass(frozen=True)
class StopWatch:
    watch_id: str


@dataclass(frozen=True)
class TellWatchers:
    """`sku` is available again (event `cause_event_id`): each watcher is told once."""

    cause_event_id: str
    sku: str


@dataclass(frozen=True)
class ApplyParkedStatuses:
    """Apply the statuses parked for messages whose provider id is now known; forget those
    parked before `as_of` - `PARKED_FOR`."""

    as_of: datetime | None = None
