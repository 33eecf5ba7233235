"""Promotion engine (`promotion-engine`): promo codes, sales campaigns, bundles.
Its public contract is `events`."""
