"""How pricing files what the catalog sends: the category path ends with the product's own
category, and a variant is named after its product and its attribute values."""

import pytest

from itvision.engines.pricing.rules.catalog import category_path_of, variant_name


@pytest.mark.parametrize(
    ("category_id", "path", "expected"),
    [
        ("laptops", ["it", "computers", "laptops"], ["it", "computers", "laptops"]),
        ("laptops", [], ["laptops"]),  # events from before paths were sent
        ("laptops", ["it", "computers"], ["it", "computers", "laptops"]),
    ],
)
def test_the_category_path_ends_with_the_product_s_category(category_id, path, expected):
    assert category_path_of(category_id, path) == expected


def test_a_variant_is_named_after_its_product_and_attribute_values():
    attributes = {"ram": "16 Go", "storage": "512 Go"}
    assert variant_name("HP EliteBook 840", attributes) == "HP EliteBook 840 (16 Go, 512 Go)"
    assert variant_name("HP EliteBook 840", {}) == "HP EliteBook 840"
