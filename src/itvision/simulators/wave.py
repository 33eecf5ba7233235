"""A local simulator of Wave's Checkout API and webhooks, as docs.wave.com/checkout and
docs.wave.com/webhook describe them.

API (`Authorization: Bearer <api key>`; errors `{code, message, details: [{loc, msg}]}`):
- `POST /v1/checkout/sessions` (`amount` a string of francs, `currency` XOF, `success_url`,
  `error_url`, optional `client_reference`, `restrict_payer_mobile`; `Idempotency-Key`: the
  same key and body give the same session, another body a 409) → the session, open for 30
  minutes: `id` `cos-…`, `checkout_status` `open`, `payment_status` `processing`,
  `wave_launch_url`, `when_created`, `when_expires`…
- `GET /v1/checkout/sessions/{id}`, `GET /v1/checkout/sessions?transaction_id=…`,
  `GET /v1/checkout/sessions/search?client_reference=…` → `{result: [...]}`.
- `POST /v1/checkout/sessions/{id}/expire` (an open session; 409 once paid) and
  `POST /v1/checkout/sessions/{id}/refund` (a paid session, idempotent): 200, empty body.
- 401 `missing-auth-header` / `no-matching-api-key`; 400 `request-validation-error`;
  404 `checkout-session-not-found`.

Webhooks: `checkout.session.completed` and `checkout.session.payment_failed` (data: the
session) POSTed to the configured URL, with `Wave-Signature: t=…,v1=…` (one `v1` per signing
secret: rotation) or, with the shared-secret strategy, `Authorization: Bearer <secret>`.

The customer's page (`wave_launch_url`, `/c/{id}`) approves or declines; so does the control
API: `POST /_simulator/sessions/{id}/approve|decline|expire`,
`GET /_simulator/sessions?client_reference=…`, `PUT /_simulator/webhook`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from itvision.simulators.deliveries import Delivery, Sender
from itvision.simulators.pages import checkout_page

SESSION_MINUTES = 30
DECLINES = [
    ("insufficient-funds", "Solde insuffisant"),
    ("blocked-account", "Compte bloqué"),
    ("payer-mobile-mismatch", "Autre numéro que celui demandé"),
]


AUTO_APPROVE_SECONDS = 0.05
"""How long after a session is made `auto_approve` pays it (webhooks that still come too
early are answered non-2xx and delivered again)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


@dataclass
class WaveSession:
    id: str
    amount: str
    currency: str
    client_reference: str | None
    success_url: str
    error_url: str
    restrict_payer_mobile: str | None
    launch_url: str
    when_created: datetime
    when_expires: datetime
    checkout_status: str = "open"
    payment_status: str = "processing"
    transaction_id: str | None = None
    when_completed: datetime | None = None
    when_refunded: datetime | None = None
    last_payment_error: dict[str, str] | None = None
    request: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        if self.checkout_status == "open" and _now() >= self.when_expires:
            self.checkout_status = "expired"
        return {
            "id": self.id,
            "amount": self.amount,
            "checkout_status": self.checkout_status,
            "client_reference": self.client_reference,
            "currency": self.currency,
            "error_url": self.error_url,
            "last_payment_error": self.last_payment_error,
            "business_name": "IT Vision (simulateur)",
            "payment_status": self.payment_status,
            "restrict_payer_mobile": self.restrict_payer_mobile,
            "success_url": self.success_url,
            "transaction_id": self.transaction_id,
            "wave_launch_url": self.launch_url,
            "when_completed": _iso(self.when_completed),
            "when_created": _iso(self.when_created),
            "when_expires": _iso(self.when_expires),
            "when_refunded": _iso(self.when_refunded),
        }


def _error(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=status)


class WaveSimulator:
    """Wave's state and behaviour; `app` serves it. `public_url` is where the simulator is
    reached (the launch URLs point there)."""

    def __init__(
        self,
        *,
        api_key: str,
        webhook_url: str | None = None,
        webhook_secrets: list[str] | None = None,
        strategy: str = "signing_secret",
        public_url: str = "http://127.0.0.1:8701",
        auto_approve: bool = False,
    ) -> None:
        self.api_key = api_key
        self.webhook_url = webhook_url
        self.webhook_secrets = list(webhook_secrets or [])
        self.strategy = strategy
        self.public_url = public_url.rstrip("/")
        self.auto_approve = auto_approve
        self.sessions: dict[str, WaveSession] = {}
        self.by_key: dict[str, tuple[str, str]] = {}
        self.sender = Sender()
        self._approvals: set[asyncio.Task[None]] = set()
        self.app = self._build()

    # What a person (the page) or a test (the control API, or these methods) does --------

    def find(self, *, client_reference: str | None = None) -> list[WaveSession]:
        return [s for s in self.sessions.values() if s.client_reference == client_reference]

    async def approve(self, session_id: str) -> WaveSession:
        session = self._open(session_id)
        session.checkout_status = "complete"
        session.payment_status = "succeeded"
        session.transaction_id = "T_" + secrets.token_hex(8).upper()
        session.when_completed = _now()
        await self.notify("checkout.session.completed", session)
        return session

    async def decline(self, session_id: str, code: str = "insufficient-funds") -> WaveSession:
        session = self._open(session_id)
        session.payment_status = "cancelled"
        labels = dict(DECLINES)
        session.last_payment_error = {"code": code, "message": labels.get(code, code)}
        await self.notify("checkout.session.payment_failed", session)
        return session

    def expire_now(self, session_id: str) -> WaveSession:
        """Time passes: the session's 30 minutes are over."""
        session = self.sessions[session_id]
        session.when_expires = _now()
        session.as_json()
        return session

    def _open(self, session_id: str) -> WaveSession:
        session = self.sessions[session_id]
        session.as_json()
        if session.checkout_status != "open" or session.payment_status == "succeeded":
            raise ValueError(f"session {session_id} is {session.checkout_status}")
        return session

    # Webhooks ------------------------------------------------------------------------------

    def event(self, kind: str, session: WaveSession) -> dict[str, Any]:
        return {
            "id": "AE_" + secrets.token_hex(10),
            "type": kind,
            "data": session.as_json(),
        }

    def signed(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """The headers Wave sends with `body` (a signature per secret at `timestamp`)."""
        if self.strategy == "shared_secret":
            return {"Authorization": f"Bearer {self.webhook_secrets[0]}"}
        t = int(time.time()) if timestamp is None else timestamp
        signatures = ",".join(
            "v1=" + hmac.new(s.encode(), str(t).encode() + body, hashlib.sha256).hexdigest()
            for s in self.webhook_secrets
        )
        return {"Wave-Signature": f"t={t},{signatures}"}

    async def notify(self, kind: str, session: WaveSession) -> Delivery | None:
        if not self.webhook_url or not self.webhook_secrets:
            return None
        body = json.dumps(self.event(kind, session)).encode()
        return await self.sender.send(self.webhook_url, self.signed(body), body)

    async def close(self) -> None:
        for task in list(self._approvals):
            task.cancel()
        await self.sender.close()

    # The HTTP API --------------------------------------------------------------------------

    def _build(self) -> FastAPI:
        app = FastAPI(title="Wave (simulator)", docs_url=None, redoc_url=None)
        app.middleware("http")(self._authenticate)

        @app.post("/v1/checkout/sessions")
        async def create(request: Request) -> Response:
            return await self._create(request)

        @app.get("/v1/checkout/sessions/search")
        async def search(client_reference: str | None = None) -> Response:
            if not client_reference:
                return _error(400, "request-validation-error", "client_reference is required")
            found = [s.as_json() for s in self.find(client_reference=client_reference)]
            return JSONResponse({"result": found})

        @app.get("/v1/checkout/sessions")
        async def by_transaction(transaction_id: str | None = None) -> Response:
            for session in self.sessions.values():
                if transaction_id and session.transaction_id == transaction_id:
                    return JSONResponse(session.as_json())
            return _error(404, "checkout-session-not-found", "No checkout session found")

        @app.get("/v1/checkout/sessions/{session_id}")
        async def read(session_id: str) -> Response:
            session = self.sessions.get(session_id)
            if session is None:
                return _error(404, "checkout-session-not-found", "No checkout session found")
            return JSONResponse(session.as_json())

        @app.post("/v1/checkout/sessions/{session_id}/expire")
        async def expire(session_id: str) -> Response:
            session = self.sessions.get(session_id)
            if session is None:
                return _error(404, "checkout-session-not-found", "No checkout session found")
            session.as_json()
            if session.payment_status == "succeeded":
                return _error(409, "checkout-session-not-open", "The session was paid")
            session.checkout_status = "expired"
            return Response(status_code=200)

        @app.post("/v1/checkout/sessions/{session_id}/refund")
        async def refund(session_id: str) -> Response:
            session = self.sessions.get(session_id)
            if session is None:
                return _error(404, "checkout-session-not-found", "No checkout session found")
            if session.payment_status != "succeeded":
                return _error(409, "checkout-session-not-paid", "Only a paid session is refunded")
            session.when_refunded = session.when_refunded or _now()
            return Response(status_code=200)

        self._pages(app)
        self._control(app)
        return app

    async def _authenticate(self, request: Request, call_next):  # type: ignore[no-untyped-def]
        if not request.url.path.startswith("/v1/"):
            return await call_next(request)
        header = request.headers.get("authorization")
        if not header:
            return _error(401, "missing-auth-header", "Authorization header is missing")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            key.encode(), self.api_key.encode()
        ):
            return _error(401, "no-matching-api-key", "The API key is not valid")
        return await call_next(request)

    async def _create(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "request-validation-error", "The body is not valid JSON")
        if not isinstance(body, dict):
            return _error(400, "request-validation-error", "The body must be a JSON object")
        problems = _invalid_session_request(body)
        if problems:
            return _error(400, "request-validation-error", "Request invalid", problems)
        key = request.headers.get("idempotency-key")
        fingerprint = json.dumps(body, sort_keys=True)
        if key and key in self.by_key:
            known_id, known_body = self.by_key[key]
            if known_body != fingerprint:
                return _error(409, "idempotency-mismatch", "This Idempotency-Key had another body")
            return JSONResponse(self.sessions[known_id].as_json())
        now = _now()
        session_id = "cos-" + secrets.token_hex(10)
        session = WaveSession(
            id=session_id,
            amount=body["amount"],
            currency=body["currency"],
            client_reference=body.get("client_reference"),
            success_url=body["success_url"],
            error_url=body["error_url"],
            restrict_payer_mobile=body.get("restrict_payer_mobile"),
            launch_url=f"{self.public_url}/c/{session_id}",
            when_created=now,
            when_expires=now + timedelta(minutes=SESSION_MINUTES),
            request=body,
        )
        self.sessions[session_id] = session
        if key:
            self.by_key[key] = (session_id, fingerprint)
        if self.auto_approve:
            task = asyncio.create_task(self._approve_soon(session_id))
            self._approvals.add(task)
            task.add_done_callback(self._approvals.discard)
        return JSONResponse(session.as_json())

    async def _approve_soon(self, session_id: str) -> None:
        await asyncio.sleep(AUTO_APPROVE_SECONDS)  # the merchant records the session first
        await self.approve(session_id)

    def _pages(self, app: FastAPI) -> None:
        @app.get("/c/{session_id}", response_class=HTMLResponse)
        async def page(session_id: str) -> Response:
            session = self.sessions.get(session_id)
            if session is None:
                return HTMLResponse("<p>Session inconnue</p>", status_code=404)
            data = session.as_json()
            state = (
                "open"
                if data["checkout_status"] == "open" and data["payment_status"] == "processing"
                else data["payment_status"]
            )
            return HTMLResponse(
                checkout_page(
                    provider="Wave",
                    colour="#1dc3ff",
                    amount=session.amount,
                    currency=session.currency,
                    reference=session.client_reference or session.id,
                    state=state if state != "expired" else "expiré",
                    approve_url=f"/c/{session_id}/approve",
                    decline_url=f"/c/{session_id}/decline",
                    declines=DECLINES,
                )
            )

        @app.post("/c/{session_id}/approve")
        async def approve(session_id: str) -> Response:
            session = await self._act(session_id, self.approve(session_id))
            if isinstance(session, Response):
                return session
            return RedirectResponse(session.success_url, status_code=303)

        @app.post("/c/{session_id}/decline")
        async def decline(session_id: str, request: Request) -> Response:
            form = parse_qs((await request.body()).decode("utf-8", "replace"))
            code = form.get("code", ["insufficient-funds"])[0]
            session = await self._act(session_id, self.decline(session_id, code))
            if isinstance(session, Response):
                return session
            return RedirectResponse(session.error_url, status_code=303)

    async def _act(
        self, session_id: str, action: Coroutine[Any, Any, WaveSession]
    ) -> WaveSession | Response:
        if session_id not in self.sessions:
            action.close()
            return _error(404, "checkout-session-not-found", "No checkout session found")
        try:
            return await action
        except ValueError as exc:
            return _error(409, "checkout-session-not-open", str(exc))

    def _control(self, app: FastAPI) -> None:
        @app.get("/_simulator/sessions")
        async def sessions(client_reference: str | None = None) -> Response:
            found = (
                self.find(client_reference=client_reference)
                if client_reference
                else list(self.sessions.values())
            )
            return JSONResponse({"result": [s.as_json() for s in found]})

        @app.post("/_simulator/sessions/{session_id}/approve")
        async def approve(session_id: str) -> Response:
            session = await self._act(session_id, self.approve(session_id))
            return session if isinstance(session, Response) else JSONResponse(session.as_json())

        @app.post("/_simulator/sessions/{session_id}/decline")
        async def decline(session_id: str, code: str = "insufficient-funds") -> Response:
            session = await self._act(session_id, self.decline(session_id, code))
            return session if isinstance(session, Response) else JSONResponse(session.as_json())

        @app.post("/_simulator/sessions/{session_id}/expire")
        async def expire(session_id: str) -> Response:
            if session_id not in self.sessions:
                return _error(404, "checkout-session-not-found", "No checkout session found")
            return JSONResponse(self.expire_now(session_id).as_json())

        @app.put("/_simulator/webhook")
        async def webhook(request: Request) -> Response:
            config = await request.json()
            self.webhook_url = config.get("url", self.webhook_url)
            self.webhook_secrets = config.get("secrets", self.webhook_secrets)
            self.strategy = config.get("strategy", self.strategy)
            self.sender.drop = bool(config.get("drop", False))
            return JSONResponse(
                {"url": self.webhook_url, "strategy": self.strategy, "drop": self.sender.drop}
            )

        @app.get("/_simulator/deliveries")
        async def deliveries() -> Response:
            return JSONResponse(
                [
                    {"url": d.url, "body": json.loads(d.body), "statuses": d.statuses}
                    for d in self.sender.deliveries
                ]
            )


def _invalid_session_request(body: dict[str, Any]) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []

    def wrong(name: str, message: str) -> None:
        problems.append({"loc": [name], "msg": message})

    amount = body.get("amount")
    if not isinstance(amount, str) or not amount.isdigit() or int(amount) <= 0:
        wrong("amount", "a positive amount as a string of digits (XOF has no decimals)")
    if body.get("currency") != "XOF":
        wrong("currency", "currency must be XOF")
    for url in ("success_url", "error_url"):
        value = body.get(url)
        if not isinstance(value, str) or not value.startswith(("http://", "https://")):
            wrong(url, f"{url} must be an http(s) URL")
    for optional in ("client_reference", "restrict_payer_mobile"):
        if body.get(optional) is not None and not isinstance(body[optional], str):
            wrong(optional, f"{optional} must be a string")
    if isinstance(body.get("client_reference"), str) and len(body["client_reference"]) > 255:
        wrong("client_reference", "at most 255 characters")
    return problems
