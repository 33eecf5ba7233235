"""Fraud engine (`fraud-engine`): anomaly detection and order risk scoring.
Its public contract is `events`."""

__all__: list[str] = []
