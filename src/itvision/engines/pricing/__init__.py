"""Pricing engine (`pricing-engine`): prices, margins, tiers. Its public contract is `events`."""
