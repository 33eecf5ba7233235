"""Analytics engine (`analytics-engine`): sessions, tracked events, conversions, KPIs.
Its public contract is `events`."""

__all__: list[str] = []
