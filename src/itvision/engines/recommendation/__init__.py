"""Recommendation engine (`recommendation-engine`): similar products, cross-sell, upsell.
Its public contract is `events`."""

__all__: list[str] = []
