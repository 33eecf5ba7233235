"""A local Web Push service (what a browser vendor runs: RFC 8030 message delivery, RFC 8292
VAPID, RFC 8291 message encryption), holding the browser's side of each subscription so it
can read what was pushed.

- `subscribe()` makes a subscription as a browser would: an endpoint on this service, the
  browser's P-256 public key (`p256dh`) and a 16-byte `auth` secret.
- `POST /push/{id}`: `Authorization: vapid t=<JWT>, k=<application server public key>` — the
  JWT is ES256, signed by that key, with `aud` the service's origin, `exp` within 24 hours and
  a `sub` (mailto: or https:); `TTL` required; `Content-Encoding: aes128gcm` and a body the
  subscription's keys decrypt. → 201 with a `Location`. Errors: 401 (VAPID), 400 (headers,
  undecryptable body), 404 (unknown subscription), 410 (expired subscription), 413 (> 4 KB).
"""

from __future__ import annotations

import base64
import os
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

MAX_PAYLOAD = 4096


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscription:
    id: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    gone: bool = False
    received: list[bytes] = field(default_factory=list)

    def keys(self) -> dict[str, str]:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": _b64(public), "auth": _b64(self.auth)}


class WebPushSimulator:
    def __init__(self, public_url: str = "") -> None:
        self.public_url = public_url
        self.subscriptions: dict[str, Subscription] = {}
        self.app = self._build()

    def subscribe(self) -> dict[str, Any]:
        """A browser's subscription: `{endpoint, keys: {p256dh, auth}}`."""
        sub = Subscription(
            secrets.token_urlsafe(16), ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
        )
        self.subscriptions[sub.id] = sub
        return {"endpoint": f"{self.public_url}/push/{sub.id}", "keys": sub.keys()}

    def _build(self) -> FastAPI:
        app = FastAPI(title="Web Push service (simulator)")

        @app.post("/push/{subscription_id}")
        async def push(subscription_id: str, request: Request) -> Response:
            return await self._push(subscription_id, request)

        return app

    async def _push(self, subscription_id: str, request: Request) -> Response:
        sub = self.subscriptions.get(subscription_id)
        if sub is None:
            return JSONResponse({"reason": "unknown subscription"}, 404)
        if sub.gone:
            return JSONResponse({"reason": "subscription expired"}, 410)
        problem = self._vapid_problem(request.headers.get("authorization", ""))
        if problem:
            return JSONResponse({"reason": problem}, 401)
        if "ttl" not in request.headers:
            return JSONResponse({"reason": "TTL header required"}, 400)
        if request.headers.get("content-encoding") != "aes128gcm":
            return JSONResponse({"reason": "Content-Encoding must be aes128gcm"}, 400)
        body = await request.body()
        if len(body) > MAX_PAYLOAD:
            return JSONResponse({"reason": "payload too large"}, 413)
        try:
            plain = http_ece.decrypt(
                body, private_key=sub.private_key, auth_secret=sub.auth, version="aes128gcm"
            )
        except Exception:
            return JSONResponse({"reason": "the payload does not decrypt"}, 400)
        sub.received.append(plain)
        message_id = secrets.token_urlsafe(12)
        return Response(status_code=201, headers={"Location": f"/m/{message_id}"})

    def _vapid_problem(self, authorization: str) -> str | None:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            return "Authorization must be vapid t=…, k=…"
        values = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        try:
            point = _unb64(values["k"])
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
            claims = jwt.decode(
                values["t"],
                key,
                algorithms=["ES256"],
                audience=self.public_url,
                options={"require": ["exp", "sub"]},
            )
        except (KeyError, ValueError, jwt.PyJWTError) as exc:
            return f"invalid VAPID token: {exc}"
        if claims["exp"] > time.time() + 24 * 3600:
            return "exp more than 24 hours ahead"
        if not str(claims["sub"]).startswith(("mailto:", "https:")):
            return "sub must be a mailto: or https: URL"
        return None
