"""Wave, through its Checkout API and webhooks.

Followed: docs.wave.com/checkout (Checkout API) and docs.wave.com/webhook (Webhooks).

- Base URL (`https://api.wave.com`), `Authorization: Bearer <api key>`, JSON.
- `POST /v1/checkout/sessions` with `amount` (a string: XOF has no decimals), `currency`
  (`XOF`), `success_url`, `error_url`, `client_reference` (our payment id), and the
  `Idempotency-Key` header (our payment id, so a retried creation gives the same session) →
  the session: `id` (`cos-…`), `wave_launch_url` (where the customer pays), `when_expires`.
- `GET /v1/checkout/sessions/{id}` → the session: `checkout_status` (`open`, `complete`,
  `expired`), `payment_status` (`processing`, `cancelled`, `succeeded`), `transaction_id`,
  `last_payment_error.code` (`insufficient-funds`, `blocked-account`,
  `payer-mobile-mismatch`…).
- `POST /v1/checkout/sessions/{id}/refund` (the whole payment back; idempotent) and
  `POST /v1/checkout/sessions/{id}/expire` (no one can pay it any more): 200, empty body.
- Errors: `{code, message, details: [{loc, msg}]}` with 400/401/404/409/422/429.
- Webhooks: an event `{id, type, data}`; `data` is the session for
  `checkout.session.completed` and `checkout.session.payment_failed`; other types
  (`merchant.payment_received`, `b2b.*`, `test.test_event`) are acknowledged and ignored.
  Verified with the webhook's strategy (see `rules.webhooks`): `Wave-Signature` or the bearer
  shared secret. Wave may deliver an event twice: its `id` is the deduplication key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from itvision.engines.payment.rules import webhooks
from itvision.engines.payment.rules.states import PENDING, Outcome, wave_failure
from itvision.engines.payment.services.providers.base import (
    Notification,
    PaymentRef,
    ProviderError,
    Session,
    SessionRequest,
    tls,
)
from itvision.engines.payment.settings import PaymentSettings

SETTLING_EVENTS = {
    "checkout.session.completed": "succeeded",
    "checkout.session.payment_failed": "failed",
}


class WaveProvider:
    method = "wave"
    online = True
    refunds_by_api = True

    def __init__(self, settings: PaymentSettings) -> None:
        self._settings = settings

    def _client(self) -> httpx.AsyncClient:
        key = self._settings.wave_api_key
        if key is None:
            raise ProviderError("ITVISION_PAYMENT_WAVE_API_KEY is not set", code="not-configured")
        return httpx.AsyncClient(
            base_url=self._settings.wave_base_url,
            headers={"Authorization": f"Bearer {key.get_secret_value()}"},
            timeout=self._settings.provider_timeout_seconds,
            verify=tls(),
        )

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            async with self._client() as client:
                response = await client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Wave unreachable: {exc!r}") from None
        if response.is_success:
            return response
        error = _error_of(response)
        raise ProviderError(
            f"Wave answered {response.status_code}: {error.get('message', response.text[:200])}",
            code=error.get("code"),
            status=response.status_code,
        )

    async def create_session(self, request: SessionRequest) -> Session:
        body = {
            "amount": str(request.amount),
            "currency": request.currency,
            "success_url": request.success_url,
            "error_url": request.error_url,
            "client_reference": request.payment_id,
        }
        response = await self._call(
            "POST",
            "/v1/checkout/sessions",
            json=body,
            headers={"Idempotency-Key": request.payment_id},
        )
        session = response.json()
        return Session(
            reference=session["id"],
            checkout_url=session["wave_launch_url"],
            expires_at=_moment(session.get("when_expires")),
        )

    async def fetch_outcome(self, payment: PaymentRef) -> Outcome:
        response = await self._call("GET", f"/v1/checkout/sessions/{payment.reference}")
        return outcome_of(response.json())

    async def refund(self, payment: PaymentRef) -> str | None:
        await self._call("POST", f"/v1/checkout/sessions/{payment.reference}/refund")
        return payment.reference

    async def close_session(self, payment: PaymentRef) -> None:
        await self._call("POST", f"/v1/checkout/sessions/{payment.reference}/expire")

    def read_notification(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> Notification:
        secret = self._settings.wave_webhook_secret
        if secret is None:
            raise webhooks.WebhookRefused("no Wave webhook secret is configured", field="header")
        if self._settings.wave_webhook_strategy == "signing_secret":
            webhooks.check_wave_signature(
                headers.get(webhooks.SIGNATURE_HEADER),
                body,
                secret.get_secret_value(),
                now=now.timestamp(),
                tolerance_seconds=self._settings.webhook_tolerance_seconds,
            )
        else:
            webhooks.check_shared_secret(headers.get("Authorization"), secret.get_secret_value())
        event = _json_object(body)
        event_id, kind, session = event.get("id"), event.get("type"), event.get("data")
        if not isinstance(event_id, str) or not event_id or not isinstance(kind, str):
            raise webhooks.WebhookMismatch("a Wave event has an id and a type", field="body.id")
        if kind not in SETTLING_EVENTS:
            return Notification(event_id=event_id, kind="ignored")
        if not isinstance(session, dict) or not isinstance(session.get("id"), str):
            raise webhooks.WebhookMismatch("the event's data is not a session", field="body.data")
        outcome = outcome_of(session)
        if SETTLING_EVENTS[kind] == "failed" and outcome.result != "failed":
            outcome = Outcome("failed", wave_failure(None))
        return Notification(
            event_id=event_id,
            kind="succeeded" if SETTLING_EVENTS[kind] == "succeeded" else "failed",
            outcome=outcome if outcome.result != "pending" else None,
            reference=session["id"],
            checked={
                "amount": _text(session.get("amount")),
                "currency": _text(session.get("currency")),
                "client_reference": _text(session.get("client_reference")),
            },
        )


def outcome_of(session: dict[str, Any]) -> Outcome:
    """What a Wave checkout session says of its payment."""
    if session.get("payment_status") == "succeeded":
        return Outcome("succeeded", transaction_id=session.get("transaction_id"))
    error = session.get("last_payment_error") or {}
    if session.get("payment_status") == "cancelled" or error:
        code = error.get("code") if isinstance(error, dict) else None
        return Outcome("failed", wave_failure(code), code=code)
    if session.get("checkout_status") == "expired":
        return Outcome("failed", "expired", code="checkout-session-expired")
    return PENDING


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except ValueError:
        raise webhooks.WebhookMismatch("the body is not JSON", field="body") from None
    if not isinstance(event, dict):
        raise webhooks.WebhookMismatch("the body is not a JSON object", field="body")
    return event


def _error_of(response: httpx.Response) -> dict[str, Any]:
    try:
        error = response.json()
    except ValueError:
        return {}
    return error if isinstance(error, dict) else {}


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
