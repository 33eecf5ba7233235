"""What the benchmarks compute alike from what they measured."""

from __future__ import annotations

from datetime import datetime


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seconds(timestamp: str) -> float:
    """An event envelope's RFC 3339 timestamp, in seconds since the epoch."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()
