"""Group-buy engine (`group-buy-engine`): pooled orders unlocking price tiers.
Its public contract is `events`."""

__all__: list[str] = []
