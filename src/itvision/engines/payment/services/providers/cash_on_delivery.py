"""Cash on delivery: no provider. The courier collects the cash; the payment is recorded when
the shipment is delivered with the amount collected (`shipping.shipment.delivered`), and money
given back is paid by hand, then recorded by an operator."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from itvision.engines.payment.rules import webhooks
from itvision.engines.payment.rules.states import PENDING, Outcome
from itvision.engines.payment.services.providers.base import (
    Notification,
    PaymentRef,
    ProviderError,
    Session,
    SessionRequest,
)
from itvision.engines.payment.settings import PaymentSettings


class CashOnDeliveryProvider:
    method = "cash_on_delivery"
    online = False
    refunds_by_api = False

    def __init__(self, settings: PaymentSettings) -> None:
        self._settings = settings

    async def create_session(self, request: SessionRequest) -> Session:
        raise ProviderError("cash on delivery is paid to the courier, not online")

    async def fetch_outcome(self, payment: PaymentRef) -> Outcome:
        return PENDING  # only the courier's delivery settles it

    async def refund(self, payment: PaymentRef) -> str | None:
        raise ProviderError("cash is given back by hand")

    async def close_session(self, payment: PaymentRef) -> None:
        """No session to close."""

    def read_notification(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> Notification:
        raise webhooks.WebhookRefused("cash on delivery sends no notification")
