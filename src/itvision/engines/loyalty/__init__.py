"""Loyalty engine (`loyalty-engine`): points, tiers, rewards. Its public contract is `events`."""

__all__: list[str] = []
