"""WhatsApp Cloud API webhooks (Meta, *Webhooks* and *Set up webhooks*): a POST is proved by
`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`; status items are in
`entry[].changes[].value.statuses[]` (`id`, `status`, `timestamp`, `recipient_id`,
`errors[]`), customers' messages in `…value.messages[]` (`from`, `timestamp`). The
subscription check is a GET with `hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

STATUSES = ("sent", "delivered", "read", "failed")


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def subscription_answer(mode: str | None, token: str | None, expected: str) -> bool:
    return (
        mode == "subscribe"
        and bool(expected)
        and hmac.compare_digest((token or "").encode(), expected.encode())
    )


@dataclass(frozen=True)
class StatusItem:
    message_id: str
    status: str
    error: str | None


@dataclass(frozen=True)
class InboundItem:
    phone: str
    at: datetime


def _values(document: Any) -> list[dict[str, Any]]:
    found = []
    for entry in document.get("entry", []) if isinstance(document, dict) else []:
        for change in entry.get("changes", []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict):
                found.append(value)
    return found


def statuses_of(document: Any) -> list[StatusItem]:
    items = []
    for value in _values(document):
        for status in value.get("statuses", []):
            if not isinstance(status, dict) or status.get("status") not in STATUSES:
                continue
            errors = status.get("errors") or []
            error = None
            if errors and isinstance(errors[0], dict):
                error = (
                    f"{errors[0].get('code')}: {errors[0].get('title') or errors[0].get('message')}"
                )
            items.append(StatusItem(str(status.get("id")), status["status"], error))
    return items


def inbound_of(document: Any) -> list[InboundItem]:
    items = []
    for value in _values(document):
        for message in value.get("messages", []):
            if isinstance(message, dict) and message.get("from"):
                try:
                    at = datetime.fromtimestamp(int(message.get("timestamp", 0)), UTC)
                except (TypeError, ValueError):
                    continue
                items.append(InboundItem(str(message["from"]), at))
    return items
