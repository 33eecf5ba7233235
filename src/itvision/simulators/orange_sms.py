"""A local simulator of Orange's SMS API (Orange Developer, "SMS Africa and Middle East",
*Getting started*: developer.orange.com/apis/sms/getting-started).

- `POST /oauth/v3/token`: `Authorization: Basic base64(client_id:client_secret)`, form
  `grant_type=client_credentials` → `{token_type: "Bearer", access_token, expires_in: "3600"}`.
- `POST /smsmessaging/v1/outbound/tel%3A%2B{sender}/requests` (bearer token) with
  `{outboundSMSMessageRequest: {address: "tel:+…", senderAddress: "tel:+{sender}",
  senderName?, outboundSMSTextMessage: {message}}}` → 201 echoing the request with its
  `resourceURL`. Errors `{requestError: {serviceException | policyException: {messageId,
  text, variables}}}`: 401 (token), 400 (SVC0002 invalid input), 403 (POL0001 no bundle left).

Control API: `PUT /_simulator/failure` (`{status}` to refuse, `{}` to stop),
`GET /_simulator/messages`.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response


@dataclass
class Sms:
    id: str
    to: str
    sender: str
    sender_name: str | None
    text: str


def _service_error(
    status: int, message_id: str, text: str, kind: str = "serviceException"
) -> JSONResponse:
    return JSONResponse(
        {"requestError": {kind: {"messageId": message_id, "text": text, "variables": []}}},
        status_code=status,
    )


class OrangeSmsSimulator:
    def __init__(self, *, client_id: str, client_secret: str, public_url: str = "") -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.public_url = public_url
        self.tokens: set[str] = set()
        self.messages: list[Sms] = []
        self.failure: int | None = None
        self.app = self._build()

    def _build(self) -> FastAPI:
        app = FastAPI(title="Orange SMS API (simulator)")

        @app.post("/oauth/v3/token")
        async def token(request: Request) -> Response:
            expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            if request.headers.get("authorization") != f"Basic {expected}":
                return JSONResponse(
                    {"error": "invalid_client", "error_description": "bad credentials"}, 401
                )
            form = parse_qs((await request.body()).decode())
            if form.get("grant_type") != ["client_credentials"]:
                return JSONResponse({"error": "unsupported_grant_type"}, 400)
            access = secrets.token_urlsafe(24)
            self.tokens.add(access)
            return JSONResponse(
                {"token_type": "Bearer", "access_token": access, "expires_in": "3600"}
            )

        @app.post("/smsmessaging/v1/outbound/{sender}/requests")
        async def send(sender: str, request: Request) -> Response:
            return await self._send(unquote(sender), request)

        @app.get("/_simulator/messages")
        async def listed() -> Response:
            return JSONResponse([m.__dict__ for m in self.messages])

        @app.put("/_simulator/failure")
        async def failure(request: Request) -> Response:
            body = await request.json()
            self.failure = int(body["status"]) if body else None
            return Response(status_code=204)

        return app

    async def _send(self, sender: str, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        if auth.removeprefix("Bearer ") not in self.tokens:
            return _service_error(401, "SVC0001", "Invalid or expired access token")
        try:
            body: Any = await request.json()
            sms = body["outboundSMSMessageRequest"]
            address = str(sms["address"])
            sender_address = str(sms["senderAddress"])
            text = str(sms["outboundSMSTextMessage"]["message"])
        except (ValueError, KeyError, TypeError):
            return _service_error(400, "SVC0002", "Invalid input value for message part %1")
        if not sender.startswith("tel:+") or sender_address != sender:
            return _service_error(400, "SVC0002", "senderAddress must match the URL's sender")
        if not address.startswith("tel:+") or not address[5:].isdigit():
            return _service_error(400, "SVC0002", "Invalid input value for address")
        if self.failure is not None:
            return _service_error(self.failure, "POL0001", "(simulated) failure", "policyException")
        sms_id = secrets.token_hex(12)
        self.messages.append(Sms(sms_id, address[4:], sender_address, sms.get("senderName"), text))
        sms["resourceURL"] = (
            f"{self.public_url}/smsmessaging/v1/outbound/{sender}/requests/{sms_id}"
        )
        return JSONResponse({"outboundSMSMessageRequest": sms}, status_code=201)
