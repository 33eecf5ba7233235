"""A local simulator of the WhatsApp Cloud API (Meta, developers.facebook.com/docs/whatsapp/
cloud-api: *Send messages*, *Message templates*, *Webhooks*).

API (`Authorization: Bearer <token>`):
- `POST /{version}/{phone-number-id}/messages` with `messaging_product: "whatsapp"`, `to`,
  `type` `text` (`text.body`) or `template` (`template.name` among the approved ones,
  `template.language.code`, `template.components`) → `{messaging_product, contacts: [{input,
  wa_id}], messages: [{id: "wamid.…"}]}`. A free-text message to someone who has not written
  within 24 hours is refused (code 131047), as Meta does.
- Errors `{error: {message, type, code, fbtrace_id}}`: 401 (code 190, bad token), 400 (code
  100, invalid parameter; 132001, template unknown), 429 (130429, rate limit).

Status webhooks: `sent`, then `delivered` (and `read` on demand) for each accepted message,
POSTed as `{object: "whatsapp_business_account", entry: [{id, changes: [{field: "messages",
value: {messaging_product, metadata, statuses: [{id, status, timestamp, recipient_id}]}}]}]}`
with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`.

Control API: `PUT /_simulator/failure` (`{code, status}` to refuse every message, `{}` to
stop), `GET /_simulator/messages`, `POST /_simulator/messages/{id}/read|fail`,
`POST /_simulator/inbound` (`{from}`: the customer writes, opening the 24-hour window).
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
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from itvision.simulators.deliveries import Sender

WINDOW_SECONDS = 24 * 3600
STATUS_DELAY_SECONDS = 0.3


@dataclass
class SentMessage:
    id: str
    to: str
    type: str
    body: dict[str, Any]
    at: float = field(default_factory=time.time)
    statuses: list[str] = field(default_factory=list)


def _error(status: int, code: int, message: str, kind: str = "OAuthException") -> JSONResponse:
    return JSONResponse(
        {
            "error": {
                "message": message,
                "type": kind,
                "code": code,
                "fbtrace_id": secrets.token_urlsafe(12),
            }
        },
        status_code=status,
    )


class WhatsAppSimulator:
    def __init__(
        self,
        *,
        token: str,
        phone_number_id: str,
        app_secret: str,
        webhook_url: str | None = None,
        templates: set[str] | None = None,
        send_statuses: bool = True,
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.app_secret = app_secret
        self.webhook_url = webhook_url
        self.templates = templates
        """Approved template names (None: any name is approved)."""
        self.send_statuses = send_statuses
        self.messages: list[SentMessage] = []
        self.inbound: dict[str, float] = {}
        self.failure: dict[str, Any] | None = None
        self.sender = Sender()
        self._tasks: set[asyncio.Task[None]] = set()
        self.app = self._build()

    def fail(self, code: int = 131026, status: int = 400) -> None:
        """Refuse every message from now on (131026: message undeliverable)."""
        self.failure = {"code": code, "status": status}

    def recover(self) -> None:
        self.failure = None

    def signed(self, body: bytes) -> dict[str, str]:
        digest = hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
        return {"X-Hub-Signature-256": f"sha256={digest}"}

    def status_document(self, message: SentMessage, status: str) -> bytes:
        item: dict[str, Any] = {
            "id": message.id,
            "status": status,
            "timestamp": str(int(time.time())),
            "recipient_id": message.to,
        }
        if status == "failed":
            item["errors"] = [{"code": 131026, "title": "Message undeliverable"}]
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"phone_number_id": self.phone_number_id},
            "statuses": [item],
        }
        document = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "waba-sim", "changes": [{"field": "messages", "value": value}]}],
        }
        return json.dumps(document).encode()

    async def report(self, message: SentMessage, status: str) -> None:
        message.statuses.append(status)
        if self.webhook_url and self.send_statuses:
            body = self.status_document(message, status)
            await self.sender.send(self.webhook_url, self.signed(body), body)

    def _later(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _progress(self, message: SentMessage) -> None:
        # As Meta does: the statuses come after the answer, not before it.
        await asyncio.sleep(STATUS_DELAY_SECONDS)
        await self.report(message, "sent")
        await self.report(message, "delivered")

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.sender.close()

    def _build(self) -> FastAPI:
        app = FastAPI(title="WhatsApp Cloud API (simulator)")

        @app.post("/{version}/{phone_number_id}/messages")
        async def send(version: str, phone_number_id: str, request: Request) -> Response:
            return await self._send(phone_number_id, request)

        @app.get("/_simulator/messages")
        async def listed() -> Response:
            return JSONResponse(
                [
                    {"id": m.id, "to": m.to, "type": m.type, "statuses": m.statuses}
                    for m in self.messages
                ]
            )

        @app.put("/_simulator/failure")
        async def failure(request: Request) -> Response:
            body = await request.json()
            if body:
                self.fail(int(body.get("code", 131026)), int(body.get("status", 400)))
            else:
                self.recover()
            return Response(status_code=204)

        @app.post("/_simulator/messages/{message_id}/{status}")
        async def mark(message_id: str, status: str) -> Response:
            found = next((m for m in self.messages if m.id == message_id), None)
            if found is None or status not in ("read", "failed", "delivered"):
                return Response(status_code=404)
            await self.report(found, status)
            return Response(status_code=204)

        @app.post("/_simulator/inbound")
        async def inbound(request: Request) -> Response:
            phone = str((await request.json()).get("from", "")).removeprefix("+")
            self.inbound[phone] = time.time()
            return Response(status_code=204)

        return app

    async def _send(self, phone_number_id: str, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _error(401, 190, "Invalid OAuth access token.")
        if phone_number_id != self.phone_number_id:
            return _error(
                400,
                100,
                f"Unsupported post request. Object {phone_number_id} unknown.",
                "GraphMethodException",
            )
        try:
            body = await request.json()
        except ValueError:
            return _error(400, 100, "(#100) Invalid JSON")
        problem = self._invalid(body)
        if problem is not None:
            return problem
        if self.failure is not None:
            return _error(self.failure["status"], self.failure["code"], "(simulated) failure")
        to = str(body["to"]).removeprefix("+")
        message = SentMessage("wamid." + secrets.token_urlsafe(24), to, body["type"], body)
        self.messages.append(message)
        self._later(self._progress(message))
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": to}],
                "messages": [{"id": message.id}],
            }
        )

    def _invalid(self, body: Any) -> JSONResponse | None:
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            return _error(400, 100, "(#100) The parameter messaging_product is required.")
        to = str(body.get("to", "")).removeprefix("+")
        if not to.isdigit() or not 7 <= len(to) <= 15:
            return _error(400, 100, "(#100) Invalid parameter: to")
        kind = body.get("type")
        if kind == "text":
            text = body.get("text")
            if not isinstance(text, dict) or not str(text.get("body", "")).strip():
                return _error(400, 100, "(#100) The parameter text['body'] is required.")
            opened = self.inbound.get(to)
            if opened is None or time.time() - opened > WINDOW_SECONDS:
                return _error(
                    400,
                    131047,
                    "Re-engagement message: more than 24 hours have "
                    "passed since the recipient last replied; use a template.",
                )
            return None
        if kind == "template":
            template = body.get("template")
            if not isinstance(template, dict) or not template.get("name"):
                return _error(400, 100, "(#100) The parameter template['name'] is required.")
            language = template.get("language")
            if not isinstance(language, dict) or not language.get("code"):
                return _error(400, 100, "(#100) The parameter template['language'] is required.")
            if self.templates is not None and template["name"] not in self.templates:
                return _error(404, 132001, "Template name does not exist in the translation")
            return None
        return _error(400, 100, f"(#100) Unsupported message type: {kind}")
