"""Events of the notification engine: a message was handed to its provider on one channel.

Every message names the template it was rendered from and its language, so analytics and CRM
can follow what each customer was told.
"""

from typing import Literal

from pydantic import Field

from itvision.platform.events import Payload, UtcDatetime
from itvision.platform.topics import Topic

SOURCE = "notification-engine"

PHONE = r"^\+[1-9][0-9]{6,14}$"


class NotificationSent(Payload):
    notification_id: str
    customer_id: str | None = None
    template: str = Field(description="e.g. 'order_confirmed'")
    locale: Literal["fr", "en"] = "fr"
    provider: str
    provider_message_id: str | None = None
    cause_event_id: str | None = Field(
        default=None, description="The event that triggered the message"
    )
    sent_at: UtcDatetime


class EmailSent(NotificationSent):
    to_address: str
    subject: str


class SmsSent(NotificationSent):
    to_phone: str = Field(pattern=PHONE, description="E.164, e.g. +221771234567")
    segments: int = Field(default=1, ge=1)


class PushSent(NotificationSent):
    device_id: str
    title: str


class WhatsappSent(NotificationSent):
    to_phone: str = Field(pattern=PHONE, description="E.164, e.g. +2250701234567")


class NotificationFailed(Payload):
    """Every channel of the message's fallback chain failed, or none could reach the
    recipient (no contact, opted out of every channel)."""

    notification_id: str
    customer_id: str | None = None
    template: str
    channels_tried: list[str] = Field(default_factory=list)
    reason: str = Field(description="Why, in English (provider error or missing contact)")
    cause_event_id: str | None = None
    failed_at: UtcDatetime


class NotificationQueued(Payload):
    """A message was recorded to send: its commit wakes the sender at once."""

    notification_id: str
    customer_id: str | None = None
    template: str
    channel: str
    cause_event_id: str | None = None
    queued_at: UtcDatetime


TOPICS: tuple[Topic, ...] = (
    Topic(
        "notification.email.sent",
        EmailSent,
        SOURCE,
        "An email was sent (Email envoyé)",
        key="notification_id",
    ),
    Topic(
        "notification.sms.sent",
        SmsSent,
        SOURCE,
        "An SMS was sent (SMS envoyé)",
        key="notification_id",
    ),
    Topic(
        "notification.push.sent",
        PushSent,
        SOURCE,
        "A push notification was sent (Push notification envoyée)",
        key="notification_id",
    ),
    Topic(
        "notification.whatsapp.sent",
        WhatsappSent,
        SOURCE,
        "A WhatsApp message was sent (WhatsApp envoyé)",
        key="notification_id",
    ),
    Topic(
        "notification.message.failed",
        NotificationFailed,
        SOURCE,
        "A message could not be delivered by any channel (Notification échouée)",
        key="notification_id",
    ),
    Topic(
        "notification.message.queued",
        NotificationQueued,
        SOURCE,
        "A message was queued to send (Notification en attente)",
        key="notification_id",
    ),
)
