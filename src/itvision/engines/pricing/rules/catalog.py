"""How pricing files what the catalog tells it: the category path a product is priced under,
and the name a variant is quoted with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def category_path_of(category_id: str, category_path: Sequence[str]) -> list[str]:
    """Root → leaf, ending with the product's own category (older events sent no path)."""
    path = list(category_path) or [category_id]
    if path[-1] != category_id:
        path.append(category_id)
    return path


def variant_name(product_name: str, attributes: Mapping[str, str]) -> str:
    values = ", ".join(attributes.values())
    return f"{product_name} ({values})" if values else product_name
