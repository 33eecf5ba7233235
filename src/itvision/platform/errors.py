"""One exception hierarchy for the whole system; `itvision.app` maps it to RFC 9457
problem+json. Each error has a stable `code` (for programs) and a readable message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ITVisionError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer must carry (a challenge for a 401)."""
        return {}

    @property
    def members(self) -> dict[str, Any]:
        """Members of the problem document beyond the standard ones."""
        return {}


class NotFound(ITVisionError):
    status = 404
    code = "not_found"


class Conflict(ITVisionError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    """409: a record's status does not allow this step; the answer says where it stands
    (`current_status`) and where it may go (`allowed_statuses`)."""

    code = "invalid_transition"

    def __init__(self, message: str, current: str, allowed: Sequence[str]) -> None:
        super().__init__(message, field="status")
        self.current = current
        self.allowed = list(allowed)

    @property
    def members(self) -> dict[str, Any]:
        return {"current_status": self.current, "allowed_statuses": self.allowed}


class Unauthenticated(ITVisionError):
    """No credentials: the challenge names the scheme only (RFC 6750 §3.1)."""

    status = 401
    code = "unauthenticated"
    challenge = "Bearer"

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": self.challenge}


class InvalidToken(Unauthenticated):
    """A token was sent and is unknown, revoked, expired or badly signed."""

    challenge = 'Bearer error="invalid_token"'


class Forbidden(ITVisionError):
    status = 403
    code = "forbidden"


class InvalidInput(ITVisionError):
    status = 422
    code = "validation_error"


class PayloadTooLarge(ITVisionError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(ITVisionError):
    status = 415
    code = "unsupported_media_type"


class UnknownTopic(ITVisionError):
    code = "unknown_topic"

    def __init__(self, name: str) -> None:
        super().__init__(f"topic {name!r} is not in the registry", field="topic")
        self.topic = name


class InvalidPayload(ITVisionError):
    status = 422
    code = "invalid_payload"


class NotYet(ITVisionError):
    """A consumer's handler cannot apply this event yet: what it depends on (a product for its
    variant, an order for its payment) has not arrived, which on Kafka happens whenever the two
    travel on different topics. The platform parks the event and tries it again as the group
    moves on; it becomes a dead letter only after ITVISION_CONSUMER_PARK_MINUTES."""

    status = 409
    code = "not_yet"


class ConfigurationError(ITVisionError):
    """A setting has a value the system cannot run with; raised at start."""

    code = "configuration_error"
