"""How a carrier's report proves it comes from the carrier.

The carrier signs each webhook with the secret it shares with the shop:
`X-Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>" + raw body)>`.
A report is refused when the header is missing or malformed, when no v1 matches (forged, or
changed on the way), or when `t` is further than the tolerance from now (replayed later; a
clock far ahead is refused alike). Several v1 are accepted so a carrier can roll its secret.
"""

from __future__ import annotations

import hashlib
import hmac

from itvision.platform.errors import ITVisionError

HEADER = "X-Carrier-Signature"


class InvalidSignature(ITVisionError):
    status = 401
    code = "invalid_signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for `body` sent at `timestamp` (carriers and tests sign alike)."""
    return f"t={timestamp},v1={_digest(secret, str(timestamp), body)}"


def verify(secret: str, header: str | None, body: bytes, now: float, tolerance: int) -> int:
    """The report's timestamp, if `header` signs `body` with `secret` within the tolerance."""
    if not header:
        raise InvalidSignature(f"the {HEADER} header is missing", field=f"header.{HEADER}")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    stamps, signatures = parts.get("t", []), parts.get("v1", [])
    if len(stamps) != 1 or not (stamps[0].isascii() and stamps[0].isdigit()) or not signatures:
        raise InvalidSignature(f"{HEADER} is not t=…,v1=…", field=f"header.{HEADER}")
    expected = _digest(secret, stamps[0], body)
    if not any(hmac.compare_digest(expected.encode(), given.encode()) for given in signatures):
        raise InvalidSignature("the signature does not match the body", field=f"header.{HEADER}")
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature(
            f"the report was signed {int(now - timestamp)} s ago: outside the {tolerance} s "
            "window (replayed?)",
            field=f"header.{HEADER}",
        )
    return timestamp


def _digest(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).hexdigest()
