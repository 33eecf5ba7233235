"""docs/events.md, written from the topic registry: the envelope, then every topic with its
owner, key, version, meaning and payload fields (camelCase, as on the wire).

Regenerate with `itvision topics --markdown > docs/events.md`; tests/test_docs.py fails when
the file is stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from itvision.platform.topics import Topic

REGENERATE = "itvision topics --markdown > docs/events.md"

ENVELOPE = (
    ("id", "string (UUIDv7)", "unique id of the event; consumers skip an id they already applied"),
    ("type", "string", "the topic, `{domain}.{entity}.{action}`"),
    ("version", "integer", "version of the payload's shape on this topic (starts at 1)"),
    ("source", "string", "code of the emitting engine, e.g. `pricing-engine`"),
    ("key", "string", "partition key (the topic's key field): same key, same order"),
    ("timestamp", "string (date-time)", "when the event was emitted, RFC 3339 UTC"),
    ("correlationId", "string (uuid) or null", "id of the first event of the chain"),
    ("causationId", "string (uuid) or null", "id of the event that caused this one"),
    ("payload", "object", "the topic's payload, described below"),
)


def events_markdown(topics: Iterable[Topic]) -> str:
    """The whole of docs/events.md."""
    topics = sorted(topics, key=lambda t: t.name)
    lines = [
        "# Events",
        "",
        f"<!-- Generated from the topic registry by `{REGENERATE}`; do not edit by hand. -->",
        "",
        f"Generated from the topic registry (`itvision.bootstrap.registry()`): regenerate with "
        f"`{REGENERATE}`. {len(topics)} topics, named `{{domain}}.{{entity}}.{{action}}`. "
        "Each topic's JSON Schema: `itvision topics --schemas DIR`; all of them in AsyncAPI 3: "
        "`/asyncapi.json`.",
        "",
        "## Envelope",
        "",
        "Every event is one JSON object, camelCase on the wire; on Kafka the message key is "
        "`key`, and `id`, `type` and `correlationId` are also headers, with `logPosition` (the "
        "event's position in the SQL log it was relayed from). Events written by "
        "producers that send only `type`, `payload` and `timestamp` are accepted. Amounts are "
        "integers in the currency's minor unit (XOF has none); rates are decimals sent as JSON "
        "numbers.",
        "",
        "| field | type | meaning |",
        "|---|---|---|",
        *(f"| `{name}` | {kind} | {meaning} |" for name, kind, meaning in ENVELOPE),
        "",
        "## Topics",
        "",
        "| topic | owner | key | version |",
        "|---|---|---|---|",
        *(
            f"| [`{t.name}`](#{_anchor(t.name)}) | `{t.owner}` | `{_wire(t, t.key)}` "
            f"| {t.version} |"
            for t in topics
        ),
        "",
    ]
    for topic in topics:
        lines += _topic(topic)
    return "\n".join(lines).rstrip() + "\n"


def _topic(topic: Topic) -> list[str]:
    schema = topic.json_schema()
    definitions = schema.get("$defs", {})
    lines = [
        f"### {topic.name}",
        "",
        _cell(topic.description),
        "",
        f"Owner `{topic.owner}`, key `{_wire(topic, topic.key)}`, version {topic.version}.",
        "",
        *_fields(schema, definitions),
    ]
    for name, definition in sorted(definitions.items()):
        if "properties" in definition:
            lines += ["", f"`{name}`:", "", *_fields(definition, definitions)]
    return [*lines, ""]


def _fields(schema: dict[str, Any], definitions: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", ()))
    rows = ["| field | type | required | description |", "|---|---|---|---|"]
    for name, field in schema.get("properties", {}).items():
        description = field.get("description") or _described(field, definitions)
        rows.append(
            f"| `{name}` | {_cell(_type(field, definitions))} | "
            f"{'yes' if name in required else 'no'} | {_cell(description)} |"
        )
    return rows


def _wire(topic: Topic, attribute: str) -> str:
    field = topic.payload.model_fields[attribute]
    return field.serialization_alias or field.alias or attribute


def _type(schema: dict[str, Any], definitions: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = definitions.get(name, {})
        if "enum" in target:
            return _type(target, definitions)
        return f"object ({name})"
    if "enum" in schema:
        return " | ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "anyOf" in schema:
        options = [_type(s, definitions) for s in schema["anyOf"]]
        nullable = "null" in options
        kinds = [o for o in options if o != "null"]
        return " or ".join(kinds) + (" or null" if nullable else "")
    kind = schema.get("type")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}), definitions)}"
    if kind == "object":
        values = schema.get("additionalProperties")
        if isinstance(values, dict) and values:
            return f"map of {_type(values, definitions)}"
        return "object"
    if kind is None:
        return "any"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _described(schema: dict[str, Any], definitions: dict[str, Any]) -> str:
    """A field without a description of its own borrows its referenced model's."""
    for option in (schema, *schema.get("anyOf", ()), schema.get("items", {})):
        if "$ref" in option:
            target = definitions.get(option["$ref"].rsplit("/", 1)[-1], {})
            return str(target.get("description", "")).split("\n\n", 1)[0]
    return ""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _anchor(name: str) -> str:
    return name.replace(".", "")
