"""Spreadsheet imports, through the API and through `itvision catalog import` run as a user
runs it: valid rows written, invalid rows reported, nothing half-written."""

from __future__ import annotations

import asyncio
import codecs
from pathlib import Path

from itvision import bootstrap
from itvision.engines.catalog import get_product_by_sku, get_variant_by_sku
from itvision.platform.system import Platform
from itvision.settings import load_settings
from tests.engines.catalog.conftest import create, events, laptop
from tests.support.cli import Ran, itvision

SHEET = (
    "SKU;Nom;Marque;Catégorie;Statut;État;Grade;RAM (Go);Stockage;Écran;Garantie;"
    "Coût d'achat;sku_parent;options;Remarque\n"
    "HP-840;HP EliteBook 840 G8;HP;ordinateurs-portables;actif;reconditionné;A;16 Go;512 Go;"
    "14;1 an;250 000;;;à vérifier\n"
    "HP-840-1TO;;;;;;;;;;;275 000;hp-840;Stockage=1 To;\n"
    "DELL-5420;Dell Latitude 5420;Dell;ultrabooks;;neuf;;8;256;14,0;12;1.250.000,00;;;\n"
    "BAD-1;Sans catégorie;HP;nulle-part;;neuf;;;;;;12,5;;;\n"
    "BAD-1-V;;;;;;;;;;;;BAD-1;couleur=noir;\n"
    "ORPHAN-V;;;;;;;;;;;;NOBODY;couleur=noir;\n"
    "HP-840;Doublon;HP;ordinateurs-portables;;neuf;;;;;;1;;;\n"
)


async def post_csv(api, data: bytes, query: str = "", role: str = "staff"):
    return await api.post(
        f"/api/catalog/imports{query}",
        content=data,
        headers={"content-type": "text/csv"},
        role=role,
    )


async def test_valid_rows_are_written_and_invalid_rows_reported(api, tree):
    response = await post_csv(api, SHEET.encode())
    assert response.status_code == 200, response.text
    report = response.json()
    assert {k: report[k] for k in ("rows", "products_created", "variants_created")} == {
        "rows": 7,
        "products_created": 2,
        "variants_created": 1,
    }
    assert report["invalid_rows"] == 4 and report["applied"] is True
    assert report["separator"] == ";" and report["ignored_columns"] == ["Remarque"]
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (5, "Catégorie", "unknown_category"),
        (5, "Coût d'achat", "not_whole_francs"),
        (6, "sku_parent", "parent_row_invalid"),
        (7, "sku_parent", "unknown_parent"),
        (8, "SKU", "duplicate_in_file"),
    ]
    assert report["errors"][2]["reason"] == "le produit parent (ligne 5) est invalide"
    assert report["errors"][4]["sku"] == "HP-840"

    hp = (await api.get("/api/catalog/products/by-sku/HP-840", role="staff")).json()
    assert (hp["status"], hp["condition"], hp["grade"]) == ("active", "refurbished", "A")
    assert (hp["ram_gb"], hp["storage_gb"], hp["screen_inches"], hp["warranty_months"]) == (
        16,
        512,
        14.0,
        12,
    )
    assert hp["base_cost"] == 250_000
    assert [(v["sku"], v["options"], v["base_cost"]) for v in hp["variants"]] == [
        ("HP-840-1TO", {"stockage": "1 To"}, 275_000)
    ]
    dell = (await api.get("/api/catalog/products/by-sku/dell-5420", role="staff")).json()
    assert (dell["status"], dell["base_cost"], dell["category_path"][-1]) == (
        "draft",
        1_250_000,
        tree["ultrabooks"],
    )
    assert (await api.get("/api/catalog/products/by-sku/BAD-1", role="staff")).status_code == 404
    created = await events(api.platform, "catalog.product.created")
    assert sorted(e["sku"] for e in created) == ["DELL-5420", "HP-840"]
    [variant] = await events(api.platform, "catalog.variant.created")
    assert variant["productId"] == hp["id"]


async def test_importing_again_updates_only_what_changed(api, tree):
    await post_csv(api, SHEET.encode())
    update = (
        "sku;cout_achat;ram;sku_parent;options;poids\n"
        "HP-840;240 000;;;;\n"
        "DELL-5420;1 250 000;8;;;\n"
        "HP-840-1TO;;;HP-840;;2,1 kg\n"
    )
    report = (await post_csv(api, update.encode(), "?lang=en")).json()
    assert report["errors"] == []
    assert (report["products_updated"], report["unchanged"], report["variants_updated"]) == (
        1,
        1,
        1,
    )
    [product_update] = await events(api.platform, "catalog.product.updated")
    assert product_update["changedFields"] == ["ram_gb", "base_cost"]
    hp = (await api.get("/api/catalog/products/by-sku/HP-840", role="staff")).json()
    # A blank optional cell clears (ram); absent columns keep their values (storage).
    assert (hp["base_cost"], hp["ram_gb"], hp["storage_gb"]) == (240_000, None, 512)
    assert hp["variants"][0]["weight_grams"] == 2100
    assert hp["variants"][0]["options"] == {"stockage": "1 To"}
    # A variant's blank cost means "the product's".
    assert hp["variants"][0]["base_cost"] is None
    [variant_update] = await events(api.platform, "catalog.variant.updated")
    assert variant_update["changedFields"] == ["weight_grams", "base_cost"]


async def test_rows_that_conflict_with_the_catalog_are_reported(api, tree):
    variants = [
        {"sku": "P-1-NOIR", "options": {"couleur": "Noir"}},
        {"sku": "P-1-BLANC", "options": {"couleur": "Blanc"}},
    ]
    await create(api, laptop("P-1", variants=variants))
    await create(api, laptop("P-2"))
    sheet = (
        "sku,parent_sku,options,name_fr,category,base_cost\n"
        "P-1-BLANC,,,Produit,ultrabooks,10\n"
        "P-1,P-2,couleur=Rouge,,,\n"
        "P-1-NOIR,P-2,couleur=Noir,,,\n"
        "P-1-NOIR-2,P-1,couleur=noir,,,\n"
        "P-3-V,P-1-NOIR,couleur=Bleu,,,\n"
        "P-2-V,P-2,,,,\n"
    )
    report = (await post_csv(api, sheet.encode(), "?lang=en")).json()
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (2, "sku", "sku_is_variant"),
        (3, "sku", "sku_is_product"),
        (4, "sku", "variant_moved"),
        (5, "options", "duplicate_options"),
        (6, "parent_sku", "sku_is_variant"),
        (7, "options", "required"),
    ]
    assert report["errors"][3]["reason"] == "same options as variant P-1-NOIR"
    assert report["products_created"] == report["variants_created"] == 0


async def test_a_dry_run_or_a_strict_import_with_errors_writes_nothing(api, tree):
    for query in ("?dry_run=true", "?strict=true"):
        report = (await post_csv(api, SHEET.encode(), query)).json()
        assert report["applied"] is False
        assert report["products_created"] == 2 and report["invalid_rows"] == 4
    assert (await api.get("/api/catalog/products", role="staff")).json()["total"] == 0
    assert await events(api.platform, "catalog.product.created") == []
    clean = "sku;nom;categorie;cout\nOK-1;Souris;informatique;5 000\n"
    strict = (await post_csv(api, clean.encode(), "?strict=true")).json()
    assert strict["applied"] is True and strict["products_created"] == 1


async def test_a_conflict_while_writing_writes_none_of_the_file(api, tree, monkeypatch):
    """Rows are checked, then written in one transaction: if the database refuses one row,
    nothing of the file is written (here a SKU another writer claimed after the check)."""
    from itvision.engines.catalog.models import Sku
    from itvision.engines.catalog.services import imports

    async with api.platform.uows("catalog-engine") as uow:
        uow.session.add(Sku(sku="B-2", product_id="elsewhere"))
    check = imports._load_in

    async def check_before_the_other_writer(session, model, column, values, **kwargs):
        rows = await check(session, model, column, values, **kwargs)
        for claimed in [r for r in rows if getattr(r, "sku", None) == "B-2"]:
            session.expunge(claimed)  # written by the other writer: this session never saw it
        return [r for r in rows if getattr(r, "sku", None) != "B-2"]

    monkeypatch.setattr(imports, "_load_in", check_before_the_other_writer)
    sheet = "sku;nom;categorie;cout\nB-1;Un;informatique;1\nB-2;Deux;informatique;2\n"
    response = await post_csv(api, sheet.encode())
    assert response.status_code == 409
    assert (await api.get("/api/catalog/products/by-sku/B-1", role="staff")).status_code == 404
    assert await events(api.platform, "catalog.product.created") == []


async def test_excel_files_in_every_encoding_and_separator(api, tree):
    rows = 'sku{s}nom{s}catégorie{s}coût\nE-{n}{s}Écran 24"{s}informatique{s}"85 000"\n'
    files = [
        codecs.BOM_UTF8 + rows.format(s=";", n=1).encode(),
        rows.format(s=";", n=2).encode("cp1252"),
        rows.format(s=",", n=3).encode(),
    ]
    for data in files:
        report = (await post_csv(api, data)).json()
        assert report["errors"] == [] and report["products_created"] == 1, report
    names = {
        p["name_fr"] for p in (await api.get("/api/catalog/products", role="staff")).json()["items"]
    }
    assert names == {'Écran 24"'}


async def test_files_that_cannot_be_read_are_a_422_on_file(api, tree):
    for data, fragment in (
        (b"", "empty"),
        (b"nom;prix\nDell;1\n", "'sku'"),
        ("sku\n".encode("utf-16"), "UTF-8"),
    ):
        response = await post_csv(api, data)
        assert response.status_code == 422
        assert response.json()["field"] == "file"
        assert fragment in response.json()["detail"]


async def test_oversized_and_multipart_bodies_are_refused(api, tree, monkeypatch):
    from itvision.engines.catalog import api as catalog_api

    monkeypatch.setattr(catalog_api, "MAX_IMPORT_BYTES", 100)
    big = await post_csv(api, b"sku\n" + b"A\n" * 100)
    assert big.status_code == 413 and big.json()["code"] == "payload_too_large"
    multipart = await api.post(
        "/api/catalog/imports", files={"file": ("a.csv", b"sku\nA\n")}, role="staff"
    )
    assert multipart.status_code == 415 and multipart.json()["field"] == "body"
    bad_lang = await post_csv(api, b"sku\nA\n", "?lang=wo")
    assert bad_lang.status_code == 422 and bad_lang.json()["field"] == "query.lang"


async def test_the_template_imports_as_is(api, tree):
    template = await api.get("/api/catalog/imports/template", role="staff")
    assert template.status_code == 200
    assert template.headers["content-type"].startswith("text/csv")
    report = (await post_csv(api, template.content)).json()
    assert report["errors"] == []
    assert (report["products_created"], report["variants_created"]) == (1, 1)


def run_cli(data_dir: Path, *args: str) -> Ran:
    env = {"ITVISION_DATA_DIR": str(data_dir), "ITVISION_LOG_LEVEL": "warning", "COLUMNS": "200"}
    return itvision("catalog", *args, env=env)


async def seed_categories(data_dir: Path) -> None:
    from itvision.engines.catalog.commands import CreateCategory
    from itvision.engines.catalog.services.categories import create_category

    platform = Platform(
        load_settings(data_dir=data_dir), bootstrap.registry(), bootstrap.consumer_groups()
    )
    from itvision import migrations

    await migrations.upgrade(platform.db)
    for slug, parent in (("ordinateurs-portables", None), ("ultrabooks", "ordinateurs-portables")):
        await create_category(platform, CreateCategory(name_fr=slug, slug=slug, parent_id=parent))
    await platform.close()


async def test_the_cli_imports_a_file_with_a_progress_bar(tmp_path):
    data_dir = tmp_path / "data"
    await seed_categories(data_dir)
    sheet = tmp_path / "catalogue.csv"
    sheet.write_bytes(codecs.BOM_UTF8 + SHEET.encode())

    result = await asyncio.to_thread(run_cli, data_dir, "import", str(sheet))
    assert result.returncode == 1, result.stderr  # some rows are invalid
    assert "produits créés" in result.stdout and "lignes invalides" in result.stdout
    assert "catégorie « nulle-part » introuvable" in result.stdout
    assert "Écriture" in result.stderr  # the progress bar

    again = await asyncio.to_thread(
        run_cli, data_dir, "import", str(sheet), "--dry-run", "--lang", "en"
    )
    assert "nothing was written" in again.stdout and "unchanged" in again.stdout

    platform = Platform(
        load_settings(data_dir=data_dir), bootstrap.registry(), bootstrap.consumer_groups()
    )
    try:
        product = await get_product_by_sku(platform, "hp-840")
        assert product is not None and product.base_cost == 250_000
        assert product.status == "active" and len(product.variants) == 1
        variant = await get_variant_by_sku(platform, "HP-840-1TO")
        assert variant is not None and variant.base_cost == 275_000
    finally:
        await platform.close()


async def test_the_cli_refuses_an_unreadable_file_in_one_line(tmp_path):
    sheet = tmp_path / "prix.csv"
    sheet.write_text("nom;prix\nDell;1\n")
    result = await asyncio.to_thread(run_cli, tmp_path / "data", "import", str(sheet))
    assert result.returncode == 1
    assert "colonne « sku » absente" in result.stderr
    template = await asyncio.to_thread(run_cli, tmp_path / "data", "template")
    assert template.returncode == 0 and template.stdout.startswith("sku;sku_parent;nom_fr")
    missing = await asyncio.to_thread(run_cli, tmp_path / "data", "import", "nope.csv")
    assert missing.returncode == 2
