"""The event bus: outbox/log tables, the consumer runtime, and its two backends (the embedded
SQL log and Kafka)."""
