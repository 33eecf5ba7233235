"""Whether a provider's delivery proves where it comes from, and whether what it says matches
the payment it names. A delivery refused here changes nothing.

Wave (docs.wave.com/webhook) signs with one of two strategies, chosen per webhook:
- signing secret: `Wave-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, t + raw body)>`,
  the timestamp and the body concatenated with no separator. Several `v1=` may be sent while
  a secret is rotated: one matching is enough. A delivery whose timestamp is more than the
  tolerance (five minutes) away from now is a replay.
- shared secret: `Authorization: Bearer <secret>`.

Orange Money signs nothing: its notification carries the `notif_token` given when the payment
was started, which must be the payment's; and its status is only believed once
`transactionstatus` confirms it.
"""

from __future__ import annotations

import hashlib
import hmac

from itvision.platform.errors import ITVisionError


class WebhookRefused(ITVisionError):
    """403: the delivery does not prove it comes from the provider (forged, replayed)."""

    status = 403
    code = "webhook_refused"


class WebhookMismatch(ITVisionError):
    """422: a genuine delivery that disagrees with the payment it names."""

    status = 422
    code = "webhook_mismatch"


SIGNATURE_HEADER = "Wave-Signature"


def wave_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 Wave sends as `v1=` for `body` at `timestamp`."""
    message = str(timestamp).encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_wave_signature(
    header: str | None, body: bytes, secret: str, *, now: float, tolerance_seconds: int
) -> None:
    """Raise WebhookRefused unless `header` signs `body` with `secret`, recently."""
    field = f"header.{SIGNATURE_HEADER}"
    if not header:
        raise WebhookRefused(f"no {SIGNATURE_HEADER} header", field=field)
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            signatures.append(value.strip().lower())
    if timestamp is None or not signatures:
        raise WebhookRefused(f"{SIGNATURE_HEADER} needs t= and v1=", field=field)
    expected = wave_signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise WebhookRefused("the signature does not match the body", field=field)
    if abs(now - timestamp) > tolerance_seconds:
        raise WebhookRefused(
            f"the signature is {int(now - timestamp)} s old: a replay is refused", field=field
        )


def check_shared_secret(authorization: str | None, secret: str) -> None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), secret.encode()
    ):
        raise WebhookRefused("the webhook secret does not match", field="header.Authorization")


def mismatch(
    expected: dict[str, str | None], received: dict[str, str | None]
) -> tuple[str, str] | None:
    """The first field (and what it should be) where a delivery disagrees with the payment;
    a field the delivery leaves out is not checked."""
    for name, value in expected.items():
        got = received.get(name)
        if got is not None and got != value:
            return name, f"{name} is {got!r}, the payment's is {value!r}"
    return None
