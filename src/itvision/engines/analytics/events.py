"""Events of the analytics engine: visitor sessions, what happened in them, and conversions."""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Amount, Currency, Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "analytics-engine"

Channel = Literal["web", "mobile_app", "whatsapp", "api"]


class EventTracked(Payload):
    session_id: str
    name: str = Field(description="e.g. 'add_to_cart', 'search', 'checkout_started'")
    customer_id: str | None = None
    page: str | None = None
    properties: dict[str, str | int | bool | None] = Field(default_factory=dict)
    tracked_at: UtcDatetime


class ConversionRecorded(Payload):
    session_id: str
    kind: Literal["order", "quote", "group_buy", "mission", "signup"]
    customer_id: str | None = None
    reference_id: str | None = Field(
        default=None, description="The order, quote, group or mission id"
    )
    value: Amount = 0
    currency: Currency = "XOF"
    utm_source: str | None = None
    utm_campaign: str | None = None
    recorded_at: UtcDatetime


class SessionStarted(Payload):
    session_id: str
    customer_id: str | None = None
    channel: Channel
    device: Literal["desktop", "mobile", "tablet", "other"] = "mobile"
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    referrer: str | None = None
    utm_source: str | None = None
    utm_campaign: str | None = None
    started_at: UtcDatetime


class SessionEnded(Payload):
    session_id: str
    customer_id: str | None = None
    duration_seconds: int = Field(ge=0)
    page_views: int = Field(ge=0)
    converted: bool = False
    ended_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "analytics.event.tracked",
        EventTracked,
        SOURCE,
        "A user action was tracked in a session (Événement tracké)",
        key="session_id",
    ),
    Topic(
        "analytics.conversion.recorded",
        ConversionRecorded,
        SOURCE,
        "A session led to a conversion (Conversion enregistrée)",
        key="session_id",
    ),
    Topic(
        "analytics.session.started",
        SessionStarted,
        SOURCE,
        "A visitor session started (Session démarrée)",
        key="session_id",
    ),
    Topic(
        "analytics.session.ended",
        SessionEnded,
        SOURCE,
        "A visitor session ended (Session terminée)",
        key="session_id",
    ),
)
