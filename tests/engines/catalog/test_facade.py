"""The facade other engines may call, and nothing else."""

import itvision.engines.catalog as catalog
from tests.engines.catalog.conftest import create, laptop


def test_the_facade_offers_only_reads():
    assert sorted(catalog.__all__) == [
        "CatalogProduct",
        "CatalogSku",
        "CatalogVariant",
        "get_category_path",
        "get_product",
        "get_product_by_sku",
        "get_skus",
        "get_variant_by_sku",
    ]
    for name in catalog.__all__:
        assert getattr(catalog, name) is not None


async def test_other_engines_read_products_variants_and_paths(api, tree):
    product = await create(
        api,
        laptop(
            status="draft",
            weight_grams=1400,
            variants=[
                {"sku": "V-1", "options": {"couleur": "Noir"}},
                {
                    "sku": "V-2",
                    "options": {"couleur": "Gris"},
                    "base_cost": 260_000,
                    "weight_grams": 1500,
                },
            ],
        ),
    )
    platform = api.platform
    found = await catalog.get_product_by_sku(platform, " hp-840-g8 ")
    assert found == await catalog.get_product(platform, product["id"])
    assert found is not None
    assert (found.sku, found.name, found.status, found.base_cost, found.final_price) == (
        "HP-840-G8",
        "HP EliteBook 840 G8",
        "draft",
        250_000,
        None,
    )
    assert found.category_path == (tree["informatique"], tree["ordinateurs-portables"])
    assert [(v.sku, v.base_cost, v.weight_grams) for v in found.variants] == [
        ("V-1", 250_000, 1400),
        ("V-2", 260_000, 1500),
    ]
    variant = await catalog.get_variant_by_sku(platform, "v-2")
    assert variant is not None and variant.product_id == product["id"]
    assert await catalog.get_product_by_sku(platform, "V-2") is None
    assert await catalog.get_variant_by_sku(platform, "HP-840-G8") is None
    assert await catalog.get_product(platform, "nope") is None
    skus = await catalog.get_skus(platform, [" hp-840-g8 ", "v-1", "V-2", "nope", "ß-1"])
    assert skus == {
        " hp-840-g8 ": catalog.CatalogSku(
            "HP-840-G8", product["id"], None, "HP EliteBook 840 G8", "draft", 1400
        ),
        "v-1": catalog.CatalogSku(
            "V-1", product["id"], found.variants[0].variant_id,
            "HP EliteBook 840 G8 (Noir)", "draft", 1400,
        ),
        "V-2": catalog.CatalogSku(
            "V-2", product["id"], found.variants[1].variant_id,
            "HP EliteBook 840 G8 (Gris)", "draft", 1500,
        ),
    }  # fmt: skip
    assert await catalog.get_category_path(platform, tree["ultrabooks"]) == [
        tree["informatique"],
        tree["ordinateurs-portables"],
        tree["ultrabooks"],
    ]
    assert await catalog.get_category_path(platform, "nope") is None
