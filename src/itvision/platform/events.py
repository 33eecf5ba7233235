"""The event envelope and the base of every payload.

On the wire an event is one JSON object, a superset of what the seed's KafkaJS producers send
(`type`, `payload`, `timestamp`): consumers written like the seed's `JSON.parse(message.value)`
read ours, and events written by such producers are accepted (missing envelope fields get
defaults; the id is derived from the log position so redelivery is still recognised).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

import uuid6
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
)
from pydantic.alias_generators import to_camel

# XOF has no minor unit: an Amount of 1500 is 1 500 F CFA. Never a float.
Amount = Annotated[
    int, Field(ge=0, description="Amount in the currency's minor unit (XOF: francs)")
]
SignedAmount = Annotated[int, Field(description="Signed amount in the currency's minor unit")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
# Rates are exact decimals in Python; the seed's consumers read them as JSON numbers.
_AS_JSON_NUMBER = PlainSerializer(lambda d: float(d), return_type=float, when_used="json")
Rate = Annotated[
    Decimal,
    Field(ge=0, le=10, description="A rate as a decimal fraction: 0.18 is 18 %"),
    _AS_JSON_NUMBER,
]
# A margin can be negative (a sale at a loss). Narrow a bound with Annotated[Rate, Field(le=1)]:
# `x: Rate = Field(le=1)` would keep the wider bound.
SignedRate = Annotated[
    Decimal,
    Field(le=1, description="A rate that may be negative, as a decimal fraction: -0.05 is -5 %"),
    _AS_JSON_NUMBER,
]


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_as_utc)]


def new_event_id() -> uuid.UUID:
    """A UUIDv7: time-ordered, so ids sort roughly in publication order."""
    return uuid.UUID(bytes=uuid6.uuid7().bytes)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Payload(BaseModel):
    """Base of every topic's payload: snake_case in Python, camelCase on the wire.

    Unknown fields are ignored when reading, so a producer may add a field without breaking
    older consumers; removing or changing one needs a new topic version.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
    )


P = TypeVar("P", bound=Payload)


class Envelope(BaseModel):
    """What travels on every topic (ARCHITECTURE §3)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    id: uuid.UUID
    type: str
    version: int = Field(default=1, ge=1)
    source: str = "unknown"
    key: str = ""
    timestamp: UtcDatetime
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None
    payload: dict[str, Any]

    def to_wire(self) -> bytes:
        return self.model_dump_json(by_alias=True).encode()


@dataclass(frozen=True, slots=True)
class Event(Generic[P]):
    """An envelope whose payload has been validated against its topic's model, with where it
    was read from (the position in the SQL log, or partition and offset in Kafka)."""

    envelope: Envelope
    payload: P
    partition: int = 0
    offset: int = 0

    @property
    def id(self) -> uuid.UUID:
        return self.envelope.id

    @property
    def type(self) -> str:
        return self.envelope.type

    @property
    def key(self) -> str:
        return self.envelope.key

    @property
    def correlation_id(self) -> uuid.UUID:
        return self.envelope.correlation_id or self.envelope.id
