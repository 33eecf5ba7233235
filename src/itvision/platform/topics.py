"""The topic registry: every topic's name, payload model, owner engine and meaning.

Topic names are a contract with the seed (`{domain}.{entity}.{action}`, lowercase); the
registry refuses a name that breaks the convention or is registered twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from itvision.platform.errors import InvalidPayload, UnknownTopic
from itvision.platform.events import Payload

TOPIC_NAME = re.compile(r"^[a-z][a-z0-9]*\.[a-z][a-z0-9]*\.[a-z][a-z0-9]*$")
ENGINE_CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*-engine$")


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic. `key` names the payload field whose value is the partition key: events with
    the same key keep their order."""

    name: str
    payload: type[Payload]
    owner: str
    description: str
    key: str
    version: int = 1

    def __post_init__(self) -> None:
        if not TOPIC_NAME.match(self.name):
            raise ValueError(
                f"topic {self.name!r} does not follow {{domain}}.{{entity}}.{{action}}"
            )
        if not ENGINE_CODE.match(self.owner):
            raise ValueError(f"topic {self.name!r}: owner {self.owner!r} is not an engine code")
        if self.key not in self.payload.model_fields:
            raise ValueError(f"topic {self.name!r}: key field {self.key!r} is not in its payload")

    @property
    def domain(self) -> str:
        return self.name.split(".", 1)[0]

    def key_of(self, payload: Payload) -> str:
        return str(getattr(payload, self.key))

    def json_schema(self) -> dict[str, Any]:
        schema = self.payload.model_json_schema(by_alias=True, mode="serialization")
        schema["$id"] = f"urn:itvision:topic:{self.name}:v{self.version}"
        schema["description"] = self.description
        return schema


class TopicRegistry:
    """Topics by name, and by payload model: a payload model belongs to exactly one topic, so
    `uow.emit(payload)` needs no topic name."""

    def __init__(self, topics: Iterable[Topic] = ()) -> None:
        self._topics: dict[str, Topic] = {}
        self._by_payload: dict[type[Payload], Topic] = {}
        for topic in topics:
            self.register(topic)

    def register(self, topic: Topic) -> None:
        if topic.name in self._topics:
            raise ValueError(f"topic {topic.name!r} is registered twice")
        other = self._by_payload.get(topic.payload)
        if other is not None:
            raise ValueError(
                f"topics {other.name!r} and {topic.name!r} share the payload model "
                f"{topic.payload.__name__}: each topic has its own"
            )
        self._topics[topic.name] = topic
        self._by_payload[topic.payload] = topic

    def of(self, payload: Payload) -> Topic:
        """The topic that carries this payload's model."""
        try:
            return self._by_payload[type(payload)]
        except KeyError:
            name = type(payload).__name__
            raise InvalidPayload(f"no topic carries {name}", field="payload") from None

    def get(self, name: str) -> Topic:
        try:
            return self._topics[name]
        except KeyError:
            raise UnknownTopic(name) from None

    def find(self, name: str) -> Topic | None:
        return self._topics.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._topics

    def __iter__(self) -> Iterator[Topic]:
        return iter(sorted(self._topics.values(), key=lambda t: t.name))

    def __len__(self) -> int:
        return len(self._topics)

    def names(self) -> list[str]:
        return sorted(self._topics)
