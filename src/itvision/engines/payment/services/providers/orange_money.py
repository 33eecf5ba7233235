"""Orange Money, through its Web Payment (M Payment) API.

Followed: Orange Developer, "Orange Money Web Payment" (Getting started and API reference of
`om-webpay`, and its sandbox `om-webpay-dev`).

- OAuth2: `POST /oauth/v3/token`, `Authorization: Basic base64(client_id:client_secret)`, form
  body `grant_type=client_credentials` → `access_token`, `expires_in` (a string such as
  `"7776000"` in Orange's examples, so read either way). The token is kept and renewed a
  minute before it expires, or at once when a call answers 401.
- `POST /orange-money-webpay/{country}/v1/webpayment` (`dev` in the sandbox), bearer token,
  JSON `merchant_key`, `currency` (`OUV` in the sandbox, `XOF` live), `order_id` (our payment
  id: unique per payment), `amount`, `return_url`, `cancel_url`, `notif_url`, `lang`,
  `reference` → 201 `{status, message, pay_token, payment_url, notif_token}`.
- `POST /orange-money-webpay/{country}/v1/transactionstatus` with `order_id`, `amount`,
  `pay_token` → `{status, order_id, txnid}`; `status` is `INITIATED`, `PENDING`, `EXPIRED`,
  `SUCCESS` or `FAILED`.
- The notification: Orange POSTs `{status, notif_token, txnid}` to `notif_url`, unsigned. It
  is about the payment whose `notif_token` it carries (else refused), and its status is
  believed only once `transactionstatus` confirms it (`Notification.confirm`).
- The Web Payment API has no refund and no way to cancel a payment: refunds are paid back by
  hand; a cancelled order's payment page stays up until Orange expires it (a payment made
  there anyway is recorded, then given back).
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from itvision.engines.payment.rules import webhooks
from itvision.engines.payment.rules.states import PENDING, Outcome
from itvision.engines.payment.services.providers.base import (
    Notification,
    PaymentRef,
    ProviderError,
    Session,
    SessionRequest,
    tls,
)
from itvision.engines.payment.settings import PaymentSettings

RENEW_BEFORE_SECONDS = 60.0
STATUSES: dict[str, Outcome] = {
    "SUCCESS": Outcome("succeeded"),
    "FAILED": Outcome("failed", "declined", code="FAILED"),
    "EXPIRED": Outcome("failed", "expired", code="EXPIRED"),
    "INITIATED": PENDING,
    "PENDING": PENDING,
}
# Access tokens by (token URL, client id): a token is valid for the whole process, for every
# platform using the same credentials, and asking for one per call would double the calls.
_tokens: dict[tuple[str, str], tuple[str, float]] = {}


class OrangeMoneyProvider:
    method = "orange_money"
    online = True
    refunds_by_api = False

    def __init__(self, settings: PaymentSettings) -> None:
        self._settings = settings
        country = settings.orange_money_country
        self._webpay = f"/orange-money-webpay/{country}/v1"

    async def create_session(self, request: SessionRequest) -> Session:
        merchant_key = self._settings.orange_money_merchant_key
        if merchant_key is None:
            raise ProviderError("ITVISION_PAYMENT_ORANGE_MONEY_MERCHANT_KEY is not set")
        body = {
            "merchant_key": merchant_key.get_secret_value(),
            "currency": self._settings.orange_money_currency,
            "order_id": request.payment_id,
            "amount": request.amount,
            "return_url": request.success_url,
            "cancel_url": request.error_url,
            "notif_url": request.notify_url,
            "lang": request.lang,
            "reference": f"Commande {request.order_id}",
        }
        answer = await self._call(f"{self._webpay}/webpayment", body)
        try:
            return Session(
                reference=str(answer["pay_token"]),
                checkout_url=str(answer["payment_url"]),
                notif_token=str(answer["notif_token"]),
            )
        except KeyError as exc:
            raise ProviderError(f"Orange Money's answer lacks {exc}") from None

    async def fetch_outcome(self, payment: PaymentRef) -> Outcome:
        body = {
            "order_id": payment.payment_id,
            "amount": payment.amount,
            "pay_token": payment.reference,
        }
        answer = await self._call(f"{self._webpay}/transactionstatus", body)
        if answer.get("order_id") not in (None, payment.payment_id):
            raise ProviderError(f"transactionstatus answered for order {answer['order_id']}")
        outcome = STATUSES.get(str(answer.get("status", "")).upper())
        if outcome is None:
            raise ProviderError(f"unknown Orange Money status {answer.get('status')!r}")
        if outcome.result == "succeeded":
            return Outcome("succeeded", transaction_id=_text(answer.get("txnid")))
        return outcome

    async def refund(self, payment: PaymentRef) -> str | None:
        raise ProviderError("Orange Money Web Payment has no refund: pay it back by hand")

    async def close_session(self, payment: PaymentRef) -> None:
        """Nothing to call: the payment page expires at Orange."""

    def read_notification(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> Notification:
        try:
            notice = json.loads(body)
        except ValueError:
            raise webhooks.WebhookMismatch("the body is not JSON", field="body") from None
        if not isinstance(notice, dict):
            raise webhooks.WebhookMismatch("the body is not a JSON object", field="body")
        token, status = notice.get("notif_token"), str(notice.get("status", "")).upper()
        if not isinstance(token, str) or not token:
            raise webhooks.WebhookRefused("no notif_token", field="body.notif_token")
        if status not in STATUSES:
            raise webhooks.WebhookMismatch(f"unknown status {status!r}", field="body.status")
        claimed = STATUSES[status].result
        # The token is a secret: the event id keeps only a digest of it.
        digest = hashlib.sha256(token.encode()).hexdigest()[:24]
        txnid = _text(notice.get("txnid"))
        return Notification(
            event_id=f"{digest}:{status}:{txnid or ''}",
            kind="ignored" if claimed == "pending" else claimed,
            notif_token=token,
            confirm=True,
        )

    async def _token(self, client: httpx.AsyncClient, *, renew: bool = False) -> str:
        client_id = self._settings.orange_money_client_id
        secret = self._settings.orange_money_client_secret
        if not client_id or secret is None:
            raise ProviderError("the Orange Money client id and secret are not set")
        key = (self._settings.orange_money_base_url, client_id)
        known = _tokens.get(key)
        if known and not renew and known[1] - RENEW_BEFORE_SECONDS > time.monotonic():
            return known[0]
        basic = base64.b64encode(f"{client_id}:{secret.get_secret_value()}".encode()).decode()
        response = await client.post(
            "/oauth/v3/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        if not response.is_success:
            raise ProviderError(
                f"Orange Money refused the token request ({response.status_code})",
                status=response.status_code,
            )
        answer = response.json()
        token = str(answer["access_token"])
        _tokens[key] = (token, time.monotonic() + _seconds(answer.get("expires_in")))
        return token

    async def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(
                base_url=self._settings.orange_money_base_url,
                timeout=self._settings.provider_timeout_seconds,
                verify=tls(),
            ) as client:
                token = await self._token(client)
                response = await client.post(path, json=body, headers=_bearer(token))
                if response.status_code == 401:  # revoked or expired early: renew once
                    token = await self._token(client, renew=True)
                    response = await client.post(path, json=body, headers=_bearer(token))
        except httpx.HTTPError as exc:
            raise ProviderError(f"Orange Money unreachable: {exc!r}") from None
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if not response.is_success or not isinstance(answer, dict):
            message = (
                answer.get("description") or answer.get("message")
                if isinstance(answer, dict)
                else None
            )
            raise ProviderError(
                f"Orange Money answered {response.status_code}: {message or response.text[:200]}",
                code=str(answer.get("code")) if isinstance(answer, dict) else None,
                status=response.status_code,
            )
        return answer


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def _seconds(expires_in: Any) -> float:
    """`expires_in` as Orange sends it: a number, or a string of one; an hour if unreadable."""
    try:
        return float(str(expires_in).strip())
    except ValueError:
        return 3600.0


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
