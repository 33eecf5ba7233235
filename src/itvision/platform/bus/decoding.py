"""Reading a message: the event it carries, or why it cannot be read (bad JSON, unknown topic,
a newer version than we know, a payload that does not match its model): such a message is
dead-lettered at once, since retrying cannot fix it."""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError, create_model

from itvision.platform.bus.messages import Message
from itvision.platform.errors import UnknownTopic
from itvision.platform.events import Envelope, Event, Payload
from itvision.platform.topics import TopicRegistry

# Events written by producers that set no id (the seed's KafkaJS code) get one derived from
# where they were read, so that reading them twice is still recognised.
DERIVED_ID_NAMESPACE = uuid.UUID("6f1c1f0e-4f57-4c8e-9a43-2f7d1f0a9e11")


@dataclass(frozen=True, slots=True)
class Unreadable:
    reason: str
    error: str
    event_id: str | None = None


def decode(registry: TopicRegistry, message: Message) -> Event[Any] | Unreadable:
    """The event in a message, or why it cannot be read. Our own envelopes take the fast path
    (validated straight from JSON); anything else is read field by field, with defaults for
    what producers like the seed's KafkaJS code leave out."""
    topic = registry.find(message.topic)
    if topic is not None:
        try:
            envelope = _envelope_of(topic.payload).model_validate_json(message.value)
        except ValidationError:
            pass
        else:
            if envelope.type == message.topic and envelope.version <= topic.version:
                if not envelope.key and message.key:
                    envelope.key = message.key
                return Event(envelope, envelope.payload, message.partition, message.offset)
    return _decode_leniently(registry, message)


@functools.cache
def _envelope_of(payload: type[Payload]) -> type[Envelope]:
    """The envelope with this payload model: one validation from JSON reads both."""
    return create_model(f"{payload.__name__}Envelope", __base__=Envelope, payload=(payload, ...))


def _decode_leniently(registry: TopicRegistry, message: Message) -> Event[Any] | Unreadable:
    try:
        data = json.loads(message.value)
    except (ValueError, UnicodeDecodeError) as exc:
        return Unreadable("malformed", f"not JSON: {exc}")
    if not isinstance(data, dict):
        return Unreadable("malformed", "not a JSON object")
    if "id" not in data:
        data["id"] = uuid.uuid5(
            DERIVED_ID_NAMESPACE, f"{message.topic}:{message.partition}:{message.offset}"
        )
    data.setdefault("type", message.topic)
    data.setdefault("key", message.key)
    try:
        envelope = Envelope.model_validate(data)
    except ValidationError as exc:
        return Unreadable("malformed", f"bad envelope: {_first_error(exc)}")
    return _typed(registry, message, envelope)


def _typed(
    registry: TopicRegistry, message: Message, envelope: Envelope
) -> Event[Any] | Unreadable:
    event_id = str(envelope.id)
    if envelope.type != message.topic:
        return Unreadable("malformed", f"type {envelope.type!r} read on topic", event_id)
    try:
        topic = registry.get(message.topic)
    except UnknownTopic as exc:
        return Unreadable("unknown_topic", exc.message, event_id)
    if envelope.version > topic.version:
        return Unreadable(
            "newer_version",
            f"version {envelope.version} is newer than the known version {topic.version}",
            event_id,
        )
    try:
        payload = topic.payload.model_validate(envelope.payload)
    except ValidationError as exc:
        return Unreadable("invalid_payload", _first_error(exc), event_id)
    return Event(envelope, payload, message.partition, message.offset)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc']) or '(root)'}: {error['msg']}"
