"""The AsyncAPI 3 document of every topic, built from the registry."""

from __future__ import annotations

from typing import Any

from itvision.platform.topics import TopicRegistry


def asyncapi_document(registry: TopicRegistry) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in registry:
        ref = topic.name.replace(".", "_")
        messages[ref] = {
            "name": topic.name,
            "title": topic.description,
            "contentType": "application/json",
            "payload": _envelope_schema(topic.json_schema()),
            "bindings": {
                "kafka": {"key": {"type": "string", "description": f"payload.{topic.key}"}}
            },
        }
        channels[ref] = {
            "address": topic.name,
            "description": topic.description,
            "messages": {ref: {"$ref": f"#/components/messages/{ref}"}},
        }
        operations[f"publish_{ref}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{ref}"},
            "summary": f"{topic.owner} publishes {topic.name}",
            "x-owner": topic.owner,
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "IT Vision engines events",
            "version": "1.0.0",
            "description": "Every event of the platform. Envelope fields are camelCase; amounts "
            "are integers in the currency's minor unit (XOF has none).",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _envelope_schema(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "type", "version", "source", "key", "timestamp", "payload"],
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "UUIDv7"},
            "type": {"type": "string", "description": "The topic"},
            "version": {"type": "integer", "minimum": 1},
            "source": {"type": "string", "description": "Engine code of the producer"},
            "key": {"type": "string", "description": "Partition key"},
            "timestamp": {"type": "string", "format": "date-time"},
            "correlationId": {"type": "string", "format": "uuid"},
            "causationId": {"type": ["string", "null"], "format": "uuid"},
            "payload": payload,
        },
    }
