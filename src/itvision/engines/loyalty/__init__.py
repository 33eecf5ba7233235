"""Loyalty engine (`loyalty-engine`): points, tiers, rewards. Its public contract is `events`."""
