"""The one interface every payment provider's adapter offers: start a payment session, ask
how a payment went, give its money back, close its session, and read (verify and parse) a
webhook or notification. A new provider is one module of this package with a class of this
shape, named in `providers.ADAPTERS`.

Adapters talk HTTP (httpx) to the base URL and with the credentials of `PaymentSettings`, and
are called outside any unit of work. A provider that cannot be reached, or that refuses a
request, raises ProviderError; a delivery that does not prove itself raises WebhookRefused.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from itvision.engines.payment.rules.states import Outcome


class ProviderError(Exception):
    """The provider could not be reached, or refused the request (`code` is its own)."""

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


@dataclass(frozen=True, slots=True)
class SessionRequest:
    payment_id: str
    order_id: str
    amount: int
    currency: str
    success_url: str
    error_url: str
    notify_url: str
    lang: str = "fr"


@dataclass(frozen=True, slots=True)
class Session:
    """Where the customer pays (`checkout_url`), and the provider's reference of it."""

    reference: str
    checkout_url: str
    expires_at: datetime | None = None
    notif_token: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentRef:
    """What an adapter needs to ask about a payment it started."""

    payment_id: str
    reference: str
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class Notification:
    """A delivery read and verified: `kind` says what it claims (`ignored`: an event type the
    engine does not act on); `confirm` that the claim must be confirmed with the provider
    before it is believed. `reference`/`notif_token` name the payment; `checked` holds what
    must match it (amount, currency, client reference), as the provider wrote it."""

    event_id: str
    kind: Literal["succeeded", "failed", "ignored"]
    outcome: Outcome | None = None
    reference: str | None = None
    notif_token: str | None = None
    checked: Mapping[str, str | None] | None = None
    confirm: bool = False


class PaymentProvider(Protocol):
    method: str
    online: bool
    """False for cash on delivery: nothing to start online."""
    refunds_by_api: bool
    """True when `refund` gives the whole payment back through the provider's API."""

    async def create_session(self, request: SessionRequest) -> Session: ...

    async def fetch_outcome(self, payment: PaymentRef) -> Outcome: ...

    async def refund(self, payment: PaymentRef) -> str | None:
        """Give the whole payment back; returns the provider's reference of the refund."""
        ...

    async def close_session(self, payment: PaymentRef) -> None:
        """The customer may no longer pay this session (its order was cancelled)."""
        ...

    def read_notification(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> Notification: ...


@functools.cache
def tls() -> ssl.SSLContext:
    """The TLS settings every provider client uses: made once, as loading the system's
    certificate authorities took a fifth of the API's CPU when made per call."""
    return ssl.create_default_context()
