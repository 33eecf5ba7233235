"""Group-buy engine (`group-buy-engine`): groups pooling orders of one product to unlock price
tiers. Its public contract is `events`; other engines follow a group only through them (joins,
tiers reached, a group closed or expired, a participation left)."""

__all__: list[str] = []
