"""A local simulator of Orange Money's Web Payment (M Payment) API, as Orange Developer's
"Orange Money Web Payment" pages describe it.

- `POST /oauth/v3/token`: `Authorization: Basic base64(client_id:client_secret)`, form
  `grant_type=client_credentials` → `{token_type, access_token, expires_in}` (`expires_in` a
  string, as in Orange's examples); 401 `invalid_client` otherwise.
- `POST /orange-money-webpay/{country}/v1/webpayment` (bearer token; the configured country,
  `dev` in the sandbox): `merchant_key`, `currency` (`OUV` in the sandbox), `order_id` (unique),
  `amount`, `return_url`, `cancel_url`, `notif_url`, `lang`, `reference` → 201 `{status: 201,
  message: "OK", pay_token, payment_url, notif_token}`. Errors `{code, message, description}`:
  401 (token unknown or expired), 400 (a field missing or wrong, an order_id used before).
- `POST /orange-money-webpay/{country}/v1/transactionstatus` (`order_id`, `amount`, `pay_token`)
  → 201 `{status, order_id, txnid}`; `status`: INITIATED (nobody opened the page), PENDING
  (opened), SUCCESS, FAILED, EXPIRED (after `PAYMENT_MINUTES`).
- The notification: `{status, notif_token, txnid}` POSTed to `notif_url`, unsigned.

The page at `payment_url` approves or declines; so does the control API:
`POST /_simulator/payments/{pay_token}/approve|decline|expire`,
`GET /_simulator/payments?order_id=…`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from itvision.simulators.deliveries import Delivery, Sender
from itvision.simulators.pages import checkout_page

PAYMENT_MINUTES = 30
TOKEN_SECONDS = 7_776_000
DECLINES = [("FAILED", "Refuser (PIN erroné, solde insuffisant…)")]


AUTO_APPROVE_SECONDS = 0.05
"""How long after a session is made `auto_approve` pays it (webhooks that still come too
early are answered non-2xx and delivered again)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _error(status: int, code: int | str, message: str, description: str = "") -> JSONResponse:
    return JSONResponse(
        {"code": code, "message": message, "description": description or message},
        status_code=status,
    )


@dataclass
class WebPayment:
    pay_token: str
    notif_token: str
    order_id: str
    amount: int
    currency: str
    return_url: str
    cancel_url: str
    notif_url: str
    lang: str
    reference: str
    created_at: datetime
    status: str = "INITIATED"
    txnid: str | None = None

    def current(self) -> str:
        if self.status in ("INITIATED", "PENDING") and _now() >= self.created_at + timedelta(
            minutes=PAYMENT_MINUTES
        ):
            self.status = "EXPIRED"
        return self.status

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.current(),
            "order_id": self.order_id,
            "txnid": self.txnid,
            "pay_token": self.pay_token,
            "amount": self.amount,
        }


class OrangeMoneySimulator:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        merchant_key: str,
        country: str = "dev",
        currency: str = "OUV",
        public_url: str = "http://127.0.0.1:8702",
        auto_approve: bool = False,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.merchant_key = merchant_key
        self.country = country
        self.currency = currency
        self.public_url = public_url.rstrip("/")
        self.auto_approve = auto_approve
        self.tokens: dict[str, datetime] = {}
        self.payments: dict[str, WebPayment] = {}
        self.sender = Sender()
        self.token_requests = 0
        self._approvals: set[asyncio.Task[None]] = set()
        self.app = self._build()

    # What a person (the page) or a test does ----------------------------------------------

    def find(self, *, order_id: str) -> list[WebPayment]:
        return [p for p in self.payments.values() if p.order_id == order_id]

    async def approve(self, pay_token: str) -> WebPayment:
        payment = self._open(pay_token)
        payment.status = "SUCCESS"
        payment.txnid = (
            "MP" + datetime.now(UTC).strftime("%y%m%d") + "." + secrets.token_hex(4).upper()
        )
        await self.notify(payment)
        return payment

    async def decline(self, pay_token: str) -> WebPayment:
        payment = self._open(pay_token)
        payment.status = "FAILED"
        await self.notify(payment)
        return payment

    def expire_now(self, pay_token: str) -> WebPayment:
        payment = self.payments[pay_token]
        payment.created_at -= timedelta(minutes=PAYMENT_MINUTES)
        payment.current()
        return payment

    def revoke_tokens(self) -> None:
        """Every access token given so far stops working (as when one expires early)."""
        self.tokens.clear()

    def _open(self, pay_token: str) -> WebPayment:
        payment = self.payments[pay_token]
        if payment.current() not in ("INITIATED", "PENDING"):
            raise ValueError(f"payment {pay_token} is {payment.status}")
        return payment

    def notification(self, payment: WebPayment) -> bytes:
        body: dict[str, Any] = {"status": payment.status, "notif_token": payment.notif_token}
        if payment.txnid:
            body["txnid"] = payment.txnid
        return json.dumps(body).encode()

    async def notify(self, payment: WebPayment) -> Delivery:
        return await self.sender.send(payment.notif_url, {}, self.notification(payment))

    async def close(self) -> None:
        for task in list(self._approvals):
            task.cancel()
        await self.sender.close()

    # The HTTP API --------------------------------------------------------------------------

    def _build(self) -> FastAPI:
        app = FastAPI(title="Orange Money (simulator)", docs_url=None, redoc_url=None)
        webpay = "/orange-money-webpay/{country}/v1"

        @app.post("/oauth/v3/token")
        async def token(request: Request) -> Response:
            return await self._token(request)

        @app.post(webpay + "/webpayment")
        async def webpayment(country: str, request: Request) -> Response:
            refused = self._refused(country, request)
            if refused is not None:
                return refused
            return await self._webpayment(request)

        @app.post(webpay + "/transactionstatus")
        async def transactionstatus(country: str, request: Request) -> Response:
            refused = self._refused(country, request)
            if refused is not None:
                return refused
            body = await _json(request)
            payment = self.payments.get(str((body or {}).get("pay_token", "")))
            if body is None or payment is None or str(body.get("order_id")) != payment.order_id:
                return _error(400, 1, "Bad request", "unknown pay_token or order_id")
            if str(body.get("amount")) != str(payment.amount):
                return _error(400, 1, "Bad request", "amount does not match the payment")
            answer = {
                "status": payment.current(),
                "order_id": payment.order_id,
                "txnid": payment.txnid,
            }
            return JSONResponse(answer, status_code=201)

        self._pages(app)
        self._control(app)
        return app

    async def _token(self, request: Request) -> Response:
        self.token_requests += 1
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            given = base64.b64decode(encoded).decode()
        except ValueError:
            given = ""
        form = {
            k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()
        }
        if scheme.lower() != "basic" or given != f"{self.client_id}:{self.client_secret}":
            return JSONResponse(
                {
                    "error": "invalid_client",
                    "error_description": "The credentials provided were invalid.",
                },
                status_code=401,
            )
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        access = secrets.token_urlsafe(24)
        self.tokens[access] = _now() + timedelta(seconds=TOKEN_SECONDS)
        return JSONResponse(
            {"token_type": "Bearer", "access_token": access, "expires_in": str(TOKEN_SECONDS)}
        )

    def _refused(self, country: str, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        expiry = self.tokens.get(token) if scheme.lower() == "bearer" else None
        if expiry is None or expiry <= _now():
            return _error(
                401, 42, "Expired credentials", "The access token is unknown or has expired"
            )
        if country != self.country:
            return _error(404, 404, "Resource not found", f"no web payment in country {country!r}")
        return None

    async def _webpayment(self, request: Request) -> Response:
        body = await _json(request)
        if body is None:
            return _error(400, 1, "Bad request", "the body is not a JSON object")
        for name in (
            "merchant_key",
            "currency",
            "order_id",
            "amount",
            "return_url",
            "cancel_url",
            "notif_url",
            "lang",
            "reference",
        ):
            if body.get(name) in (None, ""):
                return _error(400, 1, "Bad request", f"{name} is missing")
        if body["merchant_key"] != self.merchant_key:
            return _error(401, 2, "Unknown merchant", "merchant_key is not valid")
        if body["currency"] != self.currency:
            return _error(400, 1, "Bad request", f"currency must be {self.currency}")
        if (
            not isinstance(body["amount"], int)
            or isinstance(body["amount"], bool)
            or body["amount"] <= 0
        ):
            return _error(400, 1, "Bad request", "amount must be a positive integer")
        if any(p.order_id == str(body["order_id"]) for p in self.payments.values()):
            return _error(400, 1, "Bad request", "order_id is already used")
        pay_token = "v1" + secrets.token_hex(16)
        payment = WebPayment(
            pay_token=pay_token,
            notif_token=secrets.token_hex(16),
            order_id=str(body["order_id"]),
            amount=body["amount"],
            currency=body["currency"],
            return_url=body["return_url"],
            cancel_url=body["cancel_url"],
            notif_url=body["notif_url"],
            lang=body["lang"],
            reference=body["reference"],
            created_at=_now(),
        )
        self.payments[pay_token] = payment
        if self.auto_approve:
            task = asyncio.create_task(self._approve_soon(pay_token))
            self._approvals.add(task)
            task.add_done_callback(self._approvals.discard)
        return JSONResponse(
            {
                "status": 201,
                "message": "OK",
                "pay_token": pay_token,
                "payment_url": f"{self.public_url}/payment/{pay_token}",
                "notif_token": payment.notif_token,
            },
            status_code=201,
        )

    async def _approve_soon(self, pay_token: str) -> None:
        await asyncio.sleep(AUTO_APPROVE_SECONDS)  # the merchant records the session first
        await self.approve(pay_token)

    def _pages(self, app: FastAPI) -> None:
        @app.get("/payment/{pay_token}", response_class=HTMLResponse)
        async def page(pay_token: str) -> Response:
            payment = self.payments.get(pay_token)
            if payment is None:
                return HTMLResponse("<p>Paiement inconnu</p>", status_code=404)
            if payment.current() == "INITIATED":
                payment.status = "PENDING"
            status = payment.current()
            return HTMLResponse(
                checkout_page(
                    provider="Orange Money",
                    colour="#ff7900",
                    amount=str(payment.amount),
                    currency=payment.currency,
                    reference=payment.reference,
                    state="open" if status in ("INITIATED", "PENDING") else status,
                    approve_url=f"/payment/{pay_token}/approve",
                    decline_url=f"/payment/{pay_token}/decline",
                    declines=DECLINES,
                )
            )

        @app.post("/payment/{pay_token}/approve")
        async def approve(pay_token: str) -> Response:
            payment = await self._act(pay_token, "approve")
            return (
                payment
                if isinstance(payment, Response)
                else RedirectResponse(payment.return_url, status_code=303)
            )

        @app.post("/payment/{pay_token}/decline")
        async def decline(pay_token: str) -> Response:
            payment = await self._act(pay_token, "decline")
            return (
                payment
                if isinstance(payment, Response)
                else RedirectResponse(payment.cancel_url, status_code=303)
            )

    async def _act(self, pay_token: str, action: str) -> WebPayment | Response:
        if pay_token not in self.payments:
            return _error(404, 404, "Resource not found", "unknown pay_token")
        try:
            return await (
                self.approve(pay_token) if action == "approve" else self.decline(pay_token)
            )
        except ValueError as exc:
            return _error(409, 409, "Conflict", str(exc))

    def _control(self, app: FastAPI) -> None:
        @app.get("/_simulator/payments")
        async def payments(order_id: str | None = None) -> Response:
            found = self.find(order_id=order_id) if order_id else list(self.payments.values())
            return JSONResponse([p.as_json() for p in found])

        @app.post("/_simulator/payments/{pay_token}/approve")
        async def approve(pay_token: str) -> Response:
            payment = await self._act(pay_token, "approve")
            return payment if isinstance(payment, Response) else JSONResponse(payment.as_json())

        @app.post("/_simulator/payments/{pay_token}/decline")
        async def decline(pay_token: str) -> Response:
            payment = await self._act(pay_token, "decline")
            return payment if isinstance(payment, Response) else JSONResponse(payment.as_json())

        @app.post("/_simulator/payments/{pay_token}/expire")
        async def expire(pay_token: str) -> Response:
            if pay_token not in self.payments:
                return _error(404, 404, "Resource not found", "unknown pay_token")
            return JSONResponse(self.expire_now(pay_token).as_json())

        @app.put("/_simulator/notifications")
        async def notifications(request: Request) -> Response:
            config = await request.json()
            self.sender.drop = bool(config.get("drop", False))
            return JSONResponse({"drop": self.sender.drop})


async def _json(request: Request) -> dict[str, Any] | None:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
