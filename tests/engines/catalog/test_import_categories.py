"""A first import into an empty catalog: `--create-categories` (`?create_categories=true`)
creates the categories the file names, announced like any other, and reports them."""

from __future__ import annotations

import asyncio

from itvision import bootstrap
from itvision.engines.catalog import get_category_path, get_product_by_sku
from itvision.engines.catalog.rules.csv_format import CSV_TEMPLATE
from itvision.platform.system import Platform
from itvision.settings import load_settings
from tests.engines.catalog.conftest import events
from tests.engines.catalog.test_imports import post_csv, run_cli


async def test_the_template_imports_into_an_empty_catalog_when_asked(api):
    refused = (await post_csv(api, CSV_TEMPLATE.encode())).json()
    assert [(e["row"], e["code"], e["reason"]) for e in refused["errors"]] == [
        (2, "unknown_category", "catégorie « ordinateurs-portables » introuvable"),
        (3, "parent_row_invalid", "le produit parent (ligne 2) est invalide"),
    ]
    assert refused["categories_created"] == []

    dry = (
        await post_csv(api, CSV_TEMPLATE.encode(), "?create_categories=true&dry_run=true")
    ).json()
    assert dry["errors"] == [] and dry["applied"] is False
    assert dry["categories_created"] == [
        {"slug": "ordinateurs-portables", "name_fr": "Ordinateurs portables", "parent_slug": None}
    ]
    assert (await api.get("/api/catalog/categories", role="staff")).json() == []

    report = (await post_csv(api, CSV_TEMPLATE.encode(), "?create_categories=true")).json()
    assert report["errors"] == [] and report["applied"] is True
    assert (report["products_created"], report["variants_created"]) == (1, 1)
    assert report["categories_created"] == dry["categories_created"]
    [category] = (await api.get("/api/catalog/categories", role="staff")).json()
    assert (category["slug"], category["name_fr"], category["is_active"]) == (
        "ordinateurs-portables",
        "Ordinateurs portables",
        True,
    )
    [announced] = await events(api.platform, "catalog.category.updated")
    assert (announced["categoryId"], announced["path"]) == (category["id"], [category["id"]])
    product = await get_product_by_sku(api.platform, "HP-840-G8")
    assert product is not None and product.category_path == (category["id"],)

    again = (await post_csv(api, CSV_TEMPLATE.encode(), "?create_categories=true")).json()
    assert again["categories_created"] == [] and again["unchanged"] == 2


async def test_paths_create_their_parents_and_invalid_rows_create_nothing(api, tree):
    sheet = (
        "sku;nom;categorie;cout\n"
        "T-1;Tablette;Informatique > Tablettes > iPad;1\n"
        "T-2;Tablette 2;Tablettes;2\n"
        "T-3;Casque;Audio;12,5\n"  # invalid cost: Audio is not created
        "T-4;Montre;Téléphones > Ultrabooks;4\n"  # ultrabooks is elsewhere
        "T-5;Écran;Informatique > Écrans;5\n"
    )
    report = (await post_csv(api, sheet.encode(), "?create_categories=true&lang=en")).json()
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (4, "cout", "not_whole_francs"),
        (5, "categorie", "category_elsewhere"),
    ]
    assert report["errors"][1]["reason"] == (
        "category 'Ultrabooks' exists already, but not under 'Téléphones'"
    )
    assert report["categories_created"] == [
        {"slug": "tablettes", "name_fr": "Tablettes", "parent_slug": "informatique"},
        {"slug": "ipad", "name_fr": "iPad", "parent_slug": "tablettes"},
        {"slug": "ecrans", "name_fr": "Écrans", "parent_slug": "informatique"},
    ]
    ipad = await get_product_by_sku(api.platform, "T-1")
    assert ipad is not None
    assert await get_category_path(api.platform, ipad.category_id) == list(ipad.category_path)
    assert ipad.category_path[0] == tree["informatique"] and len(ipad.category_path) == 3
    tablet = await get_product_by_sku(api.platform, "T-2")
    assert tablet is not None and tablet.category_id == ipad.category_path[1]
    slugs = {c["slug"] for c in (await api.get("/api/catalog/categories", role="staff")).json()}
    assert slugs == {*tree, "tablettes", "ipad", "ecrans"}


async def test_the_option_is_documented_in_openapi(api):
    spec = (await api.get("/openapi.json")).json()
    [parameter] = [
        p
        for p in spec["paths"]["/api/catalog/imports"]["post"]["parameters"]
        if p["name"] == "create_categories"
    ]
    assert parameter["in"] == "query" and parameter["schema"]["type"] == "boolean"
    assert "categor" in parameter["description"]


async def test_the_cli_imports_the_template_into_a_fresh_install(tmp_path):
    data_dir = tmp_path / "data"
    sheet = tmp_path / "catalogue.csv"
    template = await asyncio.to_thread(run_cli, data_dir, "template")
    sheet.write_text(template.stdout)

    refused = await asyncio.to_thread(run_cli, data_dir, "import", str(sheet))
    assert refused.returncode == 1
    assert "catégorie « ordinateurs-portables » introuvable" in refused.stdout
    assert "--create-categories" in refused.stdout

    dry = await asyncio.to_thread(
        run_cli, data_dir, "import", str(sheet), "--create-categories", "--dry-run"
    )
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "catégories à créer: ordinateurs-portables (Ordinateurs portables)" in dry.stdout
    assert "rien n'a été écrit" in dry.stdout

    done = await asyncio.to_thread(run_cli, data_dir, "import", str(sheet), "--create-categories")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "catégories créées: ordinateurs-portables (Ordinateurs portables)" in done.stdout

    platform = Platform(
        load_settings(data_dir=data_dir), bootstrap.registry(), bootstrap.consumer_groups()
    )
    try:
        product = await get_product_by_sku(platform, "HP-840-G8")
        assert product is not None and len(product.variants) == 1
        assert await get_category_path(platform, product.category_id) == [product.category_id]
    finally:
        await platform.close()
