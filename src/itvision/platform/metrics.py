"""Prometheus metrics of the bus, served at /metrics."""

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PUBLISHED = Counter(
    "itvision_events_published", "Events committed to the event log", ["topic"]
)
EVENTS_CONSUMED = Counter(
    "itvision_events_consumed", "Events a consumer group applied", ["group", "topic"]
)
EVENTS_FAILED = Counter(
    "itvision_events_failed", "Handler attempts that raised", ["group", "topic"]
)
EVENTS_DEAD_LETTERED = Counter(
    "itvision_events_dead_lettered", "Events moved to the dead-letter store", ["group", "topic"]
)
EVENTS_PARKED = Counter(
    "itvision_events_parked",
    "Events parked because their handler said not yet",
    ["group", "topic"],
)
SQL_STATEMENTS = Counter(
    "itvision_sql_statements",
    "SQL statements sent to the database, BEGIN and COMMIT aside (an executemany counts once)",
)
EVENTS_RELAYED = Counter(
    "itvision_events_relayed", "Events the relay delivered to Kafka", ["topic"]
)
CONSUMER_LAG = Gauge("itvision_consumer_lag", "Events not yet applied by a group", ["group"])
HANDLER_SECONDS = Histogram(
    "itvision_handler_seconds", "Time spent in one handler call", ["group", "topic"]
)
