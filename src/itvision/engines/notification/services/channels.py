"""The providers' adapters: each sends one rendered message and answers the provider's message
id, or raises `ChannelError` (`permanent` when trying again cannot help). Nothing here knows
whether it talks to the real service or to a local simulator.

- WhatsApp — Meta "WhatsApp Cloud API", pages *Send messages* and *Message templates*
  (developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates):
  `POST {base}/{version}/{phone-number-id}/messages`, `Authorization: Bearer`, body
  `messaging_product: "whatsapp"`, `recipient_type: "individual"`, `to` (digits, no `+`),
  `type: "text"` + `text.body` inside the 24-hour customer-service window, else
  `type: "template"` + `template.name`, `template.language.code`, `template.components`
  (`[{type: "body", parameters: [{type: "text", text}]}]`); answer `messages[0].id`;
  errors `{error: {message, type, code, fbtrace_id}}` (130429 rate limit, 131xxx
  undeliverable: permanent).
- SMS — Orange Developer "SMS Africa and Middle East", *Getting started*
  (developer.orange.com/apis/sms/getting-started): `POST /oauth/v3/token` (Basic client
  credentials, `grant_type=client_credentials` → `access_token`, `expires_in` as a string,
  one hour), then `POST /smsmessaging/v1/outbound/tel%3A%2B{sender}/requests` with
  `outboundSMSMessageRequest: {address: "tel:+…", senderAddress: "tel:+…", senderName,
  outboundSMSTextMessage: {message}}` → 201 with `resourceURL`; errors
  `requestError.serviceException|policyException.{messageId, text}`.
- Email — SMTP through aiosmtplib (`aiosmtplib.send`, STARTTLS optional).
- Web Push — pywebpush's `webpush_async` (RFC 8291 `aes128gcm` encryption to the browser's
  `p256dh`/`auth` keys, RFC 8292 VAPID `Authorization: vapid t=…, k=…` with `sub`, `aud` the
  endpoint's origin, `exp`), `TTL` one day; 404/410 from the push service: the subscription
  is gone (permanent).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import aiosmtplib
import httpx
from pywebpush import WebPushException, webpush_async

from itvision.engines.notification.settings import NotificationSettings


class ChannelError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """A rendered message for one channel."""

    recipient: str
    subject: str
    body: str
    kind: str
    locale: str
    parameters: list[str]
    in_session: bool = False
    """WhatsApp: the customer wrote within 24 hours, free text is allowed."""


def _status_error(response: httpx.Response, what: str) -> ChannelError:
    permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
    return ChannelError(
        f"{what} answered {response.status_code}: {response.text[:300]}", permanent=permanent
    )


class WhatsAppChannel:
    provider = "whatsapp_cloud"

    def __init__(self, settings: NotificationSettings, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.client = client

    async def send(self, message: Outgoing) -> str:
        s = self.settings
        body: dict[str, object] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.recipient.removeprefix("+"),
        }
        if message.in_session:
            body |= {"type": "text", "text": {"body": message.body}}
        else:
            parameters = [{"type": "text", "text": p} for p in message.parameters]
            body |= {
                "type": "template",
                "template": {
                    "name": message.kind,
                    "language": {"code": message.locale},
                    "components": [{"type": "body", "parameters": parameters}],
                },
            }
        url = (
            f"{s.whatsapp_base_url}/{s.whatsapp_api_version}/{s.whatsapp_phone_number_id}/messages"
        )
        headers = {"Authorization": f"Bearer {s.whatsapp_token.get_secret_value()}"}
        try:
            response = await self.client.post(url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ChannelError(f"WhatsApp unreachable: {exc!r}") from exc
        if response.status_code != 200:
            error = _json(response).get("error", {})
            code = error.get("code") if isinstance(error, dict) else None
            raise ChannelError(
                f"WhatsApp error {code}: {error.get('message') if error else response.text[:200]}",
                permanent=isinstance(code, int) and code != 130429 and response.status_code < 500,
            )
        try:
            return str(response.json()["messages"][0]["id"])
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ChannelError(
                f"WhatsApp answer without a message id: {response.text[:200]}"
            ) from exc


class OrangeSmsChannel:
    provider = "orange_sms"

    def __init__(
        self, settings: NotificationSettings, client: httpx.AsyncClient, tokens: OrangeTokens
    ) -> None:
        self.settings = settings
        self.client = client
        self.tokens = tokens

    async def send(self, message: Outgoing) -> str:
        s = self.settings
        sender = s.orange_sms_sender.removeprefix("+")
        url = f"{s.orange_sms_base_url}/smsmessaging/v1/outbound/tel%3A%2B{sender}/requests"
        request = {
            "outboundSMSMessageRequest": {
                "address": f"tel:{message.recipient}",
                "senderAddress": f"tel:+{sender}",
                "senderName": s.orange_sms_sender_name,
                "outboundSMSTextMessage": {"message": message.body},
            }
        }
        token = await self.tokens.token(self.client)
        try:
            response = await self.client.post(
                url, json=request, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise ChannelError(f"Orange SMS unreachable: {exc!r}") from exc
        if response.status_code == 401:
            self.tokens.forget()
        if response.status_code != 201:
            raise _status_error(response, "Orange SMS")
        answer = _json(response).get("outboundSMSMessageRequest", {})
        return str(answer.get("resourceURL") or "")


class OrangeTokens:
    """Orange's OAuth token, cached until a minute before it expires."""

    def __init__(self, settings: NotificationSettings) -> None:
        self.settings = settings
        self._token: str | None = None
        self._until = 0.0

    def forget(self) -> None:
        self._token = None

    async def token(self, client: httpx.AsyncClient) -> str:
        if self._token and time.monotonic() < self._until:
            return self._token
        s = self.settings
        try:
            response = await client.post(
                f"{s.orange_sms_base_url}/oauth/v3/token",
                data={"grant_type": "client_credentials"},
                auth=(s.orange_sms_client_id, s.orange_sms_client_secret.get_secret_value()),
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise ChannelError(f"Orange OAuth unreachable: {exc!r}") from exc
        if response.status_code != 200:
            raise _status_error(response, "Orange OAuth")
        answer = _json(response)
        try:
            lifetime = float(str(answer.get("expires_in", "3600")))
        except ValueError:
            lifetime = 3600.0
        self._token = str(answer["access_token"])
        self._until = time.monotonic() + max(lifetime - 60, 30)
        return self._token


class EmailChannel:
    provider = "smtp"

    def __init__(self, settings: NotificationSettings) -> None:
        self.settings = settings

    async def send(self, message: Outgoing) -> str:
        s = self.settings
        email = EmailMessage()
        email["From"] = s.email_from
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Content-Language"] = message.locale
        email["Message-ID"] = make_msgid(domain="itvision.sn")
        email.set_content(message.body)
        try:
            await aiosmtplib.send(
                email,
                hostname=s.smtp_host,
                port=s.smtp_port,
                start_tls=s.smtp_starttls,
                username=s.smtp_username or None,
                password=s.smtp_password.get_secret_value() or None,
                timeout=s.timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise ChannelError(f"SMTP refused the recipient: {exc}", permanent=True) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP failed: {exc!r}") from exc
        return str(email["Message-ID"] or "")


@dataclass(frozen=True)
class PushTarget:
    endpoint: str
    p256dh: str
    auth: str


class WebPushChannel:
    provider = "web_push"

    def __init__(self, settings: NotificationSettings) -> None:
        self.settings = settings

    async def push(self, target: PushTarget, payload: str) -> None:
        key = self.settings.vapid_private_key.get_secret_value()
        if not key:
            raise ChannelError("no VAPID key configured", permanent=True)
        subscription = {
            "endpoint": target.endpoint,
            "keys": {"p256dh": target.p256dh, "auth": target.auth},
        }
        try:
            await webpush_async(
                subscription,
                data=payload,
                vapid_private_key=key,
                vapid_claims={"sub": self.settings.vapid_subject},
                ttl=86400,
                timeout=self.settings.timeout_seconds,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status", None) or getattr(
                exc.response, "status_code", None
            )
            raise ChannelError(f"Web Push refused: {exc}", permanent=status in (404, 410)) from exc
        except (OSError, ValueError) as exc:
            raise ChannelError(f"Web Push failed: {exc!r}") from exc


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        found = response.json()
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
