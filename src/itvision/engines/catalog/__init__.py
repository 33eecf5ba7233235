"""Catalog engine (`catalog-engine`): products, variants, categories.
Its public contract is `events`."""
