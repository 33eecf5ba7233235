"""A message as a consumer reads it from the bus, and how its text is kept in the database."""

from __future__ import annotations

from dataclasses import dataclass

# PostgreSQL cannot store NUL in text (`invalid byte sequence for encoding "UTF8": 0x00`);
# the escape is the one Python prints.
NUL = "\x00"
NUL_ESCAPED = "\\x00"


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: str
    value: bytes | str
    event_id: str | None = None
    correlation_id: str | None = None
    log_position: int | None = None
    """On Kafka, the event's position in the SQL log it was relayed from; None on the SQL log
    (there the offset is the position) and for a message another producer wrote."""


def storable(text: str) -> str:
    """`text` with what a database cannot keep in a text column (NUL) escaped."""
    return text.replace(NUL, NUL_ESCAPED) if NUL in text else text


def as_text(value: bytes | str) -> tuple[str, bytes | None]:
    """A message value as text any database stores, and its exact bytes when the text had to
    escape some (bytes that are not UTF-8 become `\\xNN`, NUL becomes `\\x00`); None when the
    text is the message exactly."""
    if isinstance(value, bytes):
        try:
            text = value.decode()
        except UnicodeDecodeError:
            return storable(value.decode(errors="backslashreplace")), value
        raw = value
    else:
        text, raw = value, value.encode(errors="surrogatepass")
    kept = storable(text)
    return kept, None if kept == text else raw
