"""What the payment use cases are asked to do: one frozen dataclass per use case, built by a
route, a consumer, a job or the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from itvision.platform.auth import Principal


@dataclass(frozen=True, slots=True)
class RecordOrder:
    """An order was placed: what it costs, how it is paid, by whom."""

    order_id: str
    customer_id: str
    amount: int
    currency: str
    method: str
    pay_by: datetime | None
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class RecordParticipation:
    """A customer joined a group buy: the participation is payable at once, until `pay_by`."""

    participation_id: str
    group_id: str
    customer_id: str
    amount: int
    currency: str
    method: str
    pay_by: datetime | None
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class CancelParticipations:
    """Participations ended (left, dropped, their group expired): close their open payments,
    give back what was paid."""

    participation_ids: tuple[str, ...]
    ended_at: datetime


@dataclass(frozen=True, slots=True)
class SettleGroupOrder:
    """The order a closed group placed for a participant: paid from the participation's
    payment, the difference given back."""

    order_id: str
    participation_id: str
    group_id: str | None


@dataclass(frozen=True, slots=True)
class MarkOrderPayable:
    """The order's stock is reserved: it may be paid."""

    order_id: str
    reserved_at: datetime


@dataclass(frozen=True, slots=True)
class CancelOrder:
    """The order was cancelled: close its open payments, give back what was paid."""

    order_id: str
    cancelled_at: datetime


@dataclass(frozen=True, slots=True)
class RefundOrder:
    """The order engine refunded (part of) an order: give that amount back."""

    order_id: str
    order_refund_id: str
    amount: int


@dataclass(frozen=True, slots=True)
class SettleCashOnDelivery:
    """The courier delivered and collected cash."""

    order_id: str
    customer_id: str
    shipment_id: str
    cash_collected: int | None
    currency: str
    delivered_at: datetime


@dataclass(frozen=True, slots=True)
class StartPayment:
    """Pay an order online: a provider session and its checkout URL. `idempotency_key` is the
    caller's: the same key again gives the same payment."""

    order_id: str
    caller: Principal
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class ReceiveNotification:
    """A provider's webhook or notification, as it arrived (headers and raw body)."""

    method: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class ProcessNotification:
    notification_id: int
    believed: bool = False
    """The delivery is known to be believed as it says (it needs no confirmation from the
    provider: a Wave webhook), so it is applied without being read first."""


@dataclass(frozen=True, slots=True)
class ProcessNotifications:
    """Process the stored notifications still unprocessed (the background task's backstop)."""

    received_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReconcilePayments:
    """Ask the providers about payments pending longer than `min_age_minutes` (the setting's
    when None) and settle them."""

    min_age_minutes: float | None = None
    as_of: datetime | None = None


@dataclass(frozen=True, slots=True)
class PerformRefunds:
    """Call the providers' refund APIs for the refunds due (retried until they succeed)."""

    as_of: datetime | None = None


@dataclass(frozen=True, slots=True)
class CloseSessions:
    """Close the provider sessions of payments whose order was cancelled."""


@dataclass(frozen=True, slots=True)
class CompleteRefund:
    """An operator paid a refund back by hand and records it."""

    refund_id: str
    operator: str
    note: str | None = None
    reference: str | None = None
