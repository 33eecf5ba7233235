"""The notification API's models."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field

from itvision.engines.notification.rules.delivery import CHANNELS
from itvision.engines.notification.rules.templates import KINDS
from itvision.platform.inputs import InputModel, nonblank

Phone = Annotated[str, Field(pattern=r"^\+[1-9][0-9]{6,14}$", description="E.164")]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]
Language = Literal["fr", "en"]
if TYPE_CHECKING:
    KindName = str
    ChoiceKind = str
    TimeZone = str
else:  # the kinds and IANA time zones, as the API document lists them
    KindName = Literal[tuple(KINDS)]
    ChoiceKind = Literal[("*", *KINDS)]
    TimeZone = Literal[tuple(sorted(available_timezones()))]
ChannelName = Literal[CHANNELS]  # type: ignore[valid-type]
Hour = Annotated[int, Field(ge=0, le=23)]


class PushSubscription(InputModel):
    endpoint: Annotated[str, Field(pattern=r"^https?://", max_length=2000)]
    p256dh: Annotated[str, nonblank(200)]
    auth: Annotated[str, nonblank(100)]


class ContactUpdate(InputModel):
    phone: Phone | None = None
    email: Email | None = None
    language: Language = "fr"
    country: Literal["SN", "CI"] = "SN"
    time_zone: TimeZone = "Africa/Dakar"
    quiet_start: Hour | None = Field(default=None, description="Local hour quiet hours begin")
    quiet_end: Hour | None = Field(default=None, description="Local hour quiet hours end")
    push: PushSubscription | None = None


class ContactPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    customer_id: str
    phone: str | None
    email: str | None
    language: str
    country: str
    time_zone: str
    quiet_start: int | None
    quiet_end: int | None
    push_subscribed: bool


class Choice(InputModel):
    kind: ChoiceKind = Field(description="A kind of message, or * for every kind")
    channel: ChannelName
    enabled: bool


class PreferencesUpdate(InputModel):
    choices: list[Choice] = Field(min_length=1, max_length=200)


class PreferencePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    channel: str
    enabled: bool


class TemplateUpdate(InputModel):
    subject: Annotated[str, nonblank(200)]
    body: Annotated[str, nonblank(2000)]


class TemplatePublic(BaseModel):
    kind: str
    locale: str
    subject: str
    body: str
    variables: list[str]
    transactional: bool
    edited: bool


class PreviewPublic(BaseModel):
    kind: str
    locale: str
    subject: str
    body: str


class MessagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    customer_id: str
    order_id: str | None
    kind: str
    locale: str
    channel: str
    chain: str
    status: str
    subject: str
    body: str
    attempts: int
    last_error: str | None
    provider_message_id: str | None
    created_at: datetime
    sent_at: datetime | None
    updated_at: datetime


class WatchCreate(InputModel):
    sku: Annotated[str, nonblank(64), Field(description="A product's or a variant's SKU")]


class WatchPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    customer_id: str
    sku: str
    product_name: str
    created_at: datetime
