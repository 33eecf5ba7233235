"""`itvision demo`: a realistic IT shop on the configured database, to try the API on.

A category tree of an IT store, 48 products (laptops new and refurbished, desktops, screens,
printers, network, storage, accessories, components) with their specs and costs in XOF, some
variants, stock in Dakar and Abidjan, one automatic sale and one promotion code. Everything
goes through the public HTTP API, in process, with every engine's consumers running, exactly
as a client would do it; it then waits until every consumer group has caught up.

Loading twice changes nothing: a category, product or promotion already there is skipped, and a
SKU is stocked only if the demo has not stocked it before (its receipt reference is in the
ledger).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from itvision.settings import Settings

BASE = "http://itvision.demo"
LOCATIONS = ("dakar", "abidjan")

# (slug, French name, English name, parent slug)
CATEGORIES: tuple[tuple[str, str, str, str | None], ...] = (
    ("ordinateurs-portables", "Ordinateurs portables", "Laptops", None),
    ("portables-professionnels", "Portables professionnels", "Business laptops",
     "ordinateurs-portables"),
    ("portables-gaming", "Portables gaming", "Gaming laptops", "ordinateurs-portables"),
    ("ultraportables", "Ultraportables", "Ultrabooks", "ordinateurs-portables"),
    ("ordinateurs-de-bureau", "Ordinateurs de bureau", "Desktop computers", None),
    ("tours", "Tours", "Towers", "ordinateurs-de-bureau"),
    ("tout-en-un", "Tout-en-un", "All-in-one", "ordinateurs-de-bureau"),
    ("mini-pc", "Mini PC", "Mini PCs", "ordinateurs-de-bureau"),
    ("ecrans", "Écrans", "Monitors", None),
    ("ecrans-bureautique", "Écrans bureautique", "Office monitors", "ecrans"),
    ("ecrans-gaming", "Écrans gaming", "Gaming monitors", "ecrans"),
    ("imprimantes", "Imprimantes", "Printers", None),
    ("imprimantes-jet-encre", "Jet d'encre", "Inkjet", "imprimantes"),
    ("imprimantes-laser", "Laser", "Laser", "imprimantes"),
    ("cartouches-toners", "Cartouches et toners", "Ink and toner", "imprimantes"),
    ("reseau", "Réseau", "Networking", None),
    ("routeurs-4g", "Routeurs et box 4G", "Routers and 4G boxes", "reseau"),
    ("switches", "Switches", "Switches", "reseau"),
    ("wifi", "Points d'accès Wi-Fi", "Wi-Fi access points", "reseau"),
    ("stockage", "Stockage", "Storage", None),
    ("disques-externes", "Disques durs externes", "External drives", "stockage"),
    ("ssd", "SSD", "SSDs", "stockage"),
    ("cles-usb", "Clés USB et cartes mémoire", "USB sticks and memory cards", "stockage"),
    ("accessoires", "Accessoires", "Accessories", None),
    ("claviers-souris", "Claviers et souris", "Keyboards and mice", "accessoires"),
    ("sacoches", "Sacs et sacoches", "Bags and sleeves", "accessoires"),
    ("casques", "Casques et micros", "Headsets and microphones", "accessoires"),
    ("onduleurs", "Onduleurs et parafoudres", "UPS and surge protectors", "accessoires"),
    ("composants", "Composants", "Components", None),
    ("memoire-ram", "Mémoire RAM", "RAM", "composants"),
    ("cartes-graphiques", "Cartes graphiques", "Graphics cards", "composants"),
    ("processeurs", "Processeurs", "Processors", "composants"),
)  # fmt: skip


def _product(
    sku: str,
    name: str,
    category: str,
    brand: str,
    cost: int,
    stock: tuple[int, int],
    *,
    en: str | None = None,
    description: str | None = None,
    refurbished: str | None = None,
    variants: tuple[tuple[str, dict[str, str], int | None, tuple[int, int]], ...] = (),
    **specs: Any,
) -> dict[str, Any]:
    """A product body for POST /api/catalog/products, with the demo's stock per location
    (`stock`: Dakar, Abidjan) kept aside under `_stock`; `refurbished` is the grade."""
    body: dict[str, Any] = {
        "sku": sku,
        "name_fr": name,
        "name_en": en or name,
        "brand": brand,
        "category_id": category,
        "status": "active",
        "condition": "refurbished" if refurbished else "new",
        "grade": refurbished,
        "base_cost": cost,
        "warranty_months": 6 if refurbished else 12,
        **specs,
    }
    if description:
        body["description_fr"] = description
    body["variants"] = [
        {"sku": v_sku, "options": options, "base_cost": v_cost}
        for v_sku, options, v_cost, _ in variants
    ]
    body["_stock"] = {v_sku: v_stock for v_sku, _, _, v_stock in variants} or {sku: stock}
    return body


def _laptop(
    sku: str, name: str, category: str, brand: str, cost: int, stock: tuple[int, int],
    cpu: str, ram: int, storage: int, screen: float, weight: int, **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    return _product(
        sku, name, category, brand, cost, stock, cpu=cpu, ram_gb=ram, storage_gb=storage,
        screen_inches=screen, weight_grams=weight, **extra,
    )  # fmt: skip


PRODUCTS: tuple[dict[str, Any], ...] = (
    # Portables professionnels
    _laptop("HP-EB840-G8-R", "HP EliteBook 840 G8 reconditionné", "portables-professionnels",
            "HP", 235_000, (8, 4), "Intel Core i5-1145G7", 16, 512, 14.0, 1_370,
            refurbished="A", description="Reconditionné grade A, batterie testée à plus de 85 %."),
    _laptop("HP-PB450-G9", "HP ProBook 450 G9", "portables-professionnels", "HP", 385_000,
            (6, 5), "Intel Core i5-1235U", 8, 256, 15.6, 1_740,
            variants=(("HP-PB450-G9-8-256", {"ram": "8 Go", "stockage": "256 Go"}, None, (6, 3)),
                      ("HP-PB450-G9-16-512", {"ram": "16 Go", "stockage": "512 Go"}, 445_000,
                       (3, 2)))),
    _laptop("DELL-LAT5420-R", "Dell Latitude 5420 reconditionné", "portables-professionnels",
            "Dell", 215_000, (10, 6), "Intel Core i5-1135G7", 8, 256, 14.0, 1_400,
            refurbished="B"),
    _laptop("DELL-LAT7490-R", "Dell Latitude 7490 reconditionné", "portables-professionnels",
            "Dell", 165_000, (12, 8), "Intel Core i7-8650U", 16, 256, 14.0, 1_360,
            refurbished="C", description="Traces d'usure visibles, parfaitement fonctionnel."),
    _laptop("LEN-TP-E14-G5", "Lenovo ThinkPad E14 Gen 5", "portables-professionnels", "Lenovo",
            420_000, (5, 4), "AMD Ryzen 5 7530U", 16, 512, 14.0, 1_410),
    _laptop("LEN-TP-T480-R", "Lenovo ThinkPad T480 reconditionné", "portables-professionnels",
            "Lenovo", 150_000, (15, 9), "Intel Core i5-8350U", 8, 256, 14.0, 1_580,
            refurbished="B"),
    _laptop("LEN-IDEAPAD3-15", "Lenovo IdeaPad 3 15", "portables-professionnels", "Lenovo",
            255_000, (9, 7), "Intel Core i3-1215U", 8, 256, 15.6, 1_650, warranty_months=12),
    # Portables gaming
    _laptop("ASUS-TUF-F15", "ASUS TUF Gaming F15", "portables-gaming", "ASUS", 560_000, (3, 2),
            "Intel Core i5-11400H", 16, 512, 15.6, 2_300,
            description="GeForce RTX 3050 4 Go, écran 144 Hz."),
    _laptop("MSI-GF63-THIN", "MSI GF63 Thin", "portables-gaming", "MSI", 510_000, (2, 2),
            "Intel Core i5-12450H", 8, 512, 15.6, 1_860),
    _laptop("LEN-LOQ-15", "Lenovo LOQ 15", "portables-gaming", "Lenovo", 640_000, (2, 1),
            "AMD Ryzen 7 7840HS", 16, 1_000, 15.6, 2_400,
            description="GeForce RTX 4060 8 Go, écran 144 Hz."),
    # Ultraportables
    _laptop("APL-MBA-M2", "Apple MacBook Air 13 M2", "ultraportables", "Apple", 690_000, (4, 3),
            "Apple M2", 8, 256, 13.6, 1_240,
            variants=(("APL-MBA-M2-256-MIN", {"couleur": "Minuit", "stockage": "256 Go"}, None,
                       (2, 2)),
                      ("APL-MBA-M2-256-ARG", {"couleur": "Argent", "stockage": "256 Go"}, None,
                       (2, 1)),
                      ("APL-MBA-M2-512-MIN", {"couleur": "Minuit", "stockage": "512 Go"}, 820_000,
                       (1, 1)))),
    _laptop("APL-MBP14-M1-R", "Apple MacBook Pro 14 M1 Pro reconditionné", "ultraportables",
            "Apple", 780_000, (2, 1), "Apple M1 Pro", 16, 512, 14.2, 1_600, refurbished="A"),
    _laptop("DELL-XPS13-9315", "Dell XPS 13 9315", "ultraportables", "Dell", 720_000, (2, 2),
            "Intel Core i7-1250U", 16, 512, 13.4, 1_170),
    _laptop("HP-PAV-AERO13", "HP Pavilion Aero 13", "ultraportables", "HP", 455_000, (3, 3),
            "AMD Ryzen 5 7535U", 8, 512, 13.3, 990),
    # Ordinateurs de bureau
    _product("HP-PRODESK-400-R", "HP ProDesk 400 G6 SFF reconditionné", "tours", "HP", 140_000,
             (10, 6), refurbished="A", cpu="Intel Core i5-9500", ram_gb=8, storage_gb=256,
             weight_grams=5_200),
    _product("DELL-OPTI-7090", "Dell OptiPlex 7090 Tour", "tours", "Dell", 465_000, (4, 3),
             cpu="Intel Core i7-10700", ram_gb=16, storage_gb=512, weight_grams=7_800),
    _product("LEN-TC-NEO50T", "Lenovo ThinkCentre neo 50t", "tours", "Lenovo", 345_000, (5, 4),
             cpu="Intel Core i5-12400", ram_gb=8, storage_gb=512, weight_grams=6_500),
    _product("HP-AIO-24", "HP All-in-One 24-cb1", "tout-en-un", "HP", 430_000, (3, 2),
             cpu="Intel Core i5-1235U", ram_gb=8, storage_gb=512, screen_inches=23.8,
             weight_grams=5_900),
    _product("APL-IMAC24-M3", "Apple iMac 24 M3", "tout-en-un", "Apple", 1_050_000, (1, 1),
             cpu="Apple M3", ram_gb=8, storage_gb=256, screen_inches=24.0, weight_grams=4_440),
    _product("INTEL-NUC-13", "Intel NUC 13 Pro Mini PC", "mini-pc", "Intel", 320_000, (4, 2),
             cpu="Intel Core i5-1340P", ram_gb=16, storage_gb=512, weight_grams=600),
    # Écrans
    _product("DELL-P2422H", "Écran Dell P2422H 24\" Full HD", "ecrans-bureautique", "Dell",
             105_000, (12, 8), en="Dell P2422H 24\" Full HD monitor", screen_inches=23.8,
             warranty_months=36, weight_grams=5_400),
    _product("HP-M27F", "Écran HP M27f 27\" IPS", "ecrans-bureautique", "HP", 120_000, (8, 6),
             en="HP M27f 27\" IPS monitor", screen_inches=27.0, weight_grams=4_100),
    _product("SAMS-S24C310", "Écran Samsung S24C310 24\"", "ecrans-bureautique", "Samsung",
             62_000, (20, 15), en="Samsung S24C310 24\" monitor", screen_inches=24.0,
             weight_grams=2_900),
    _product("LG-27GN800", "Écran LG UltraGear 27GN800 27\" 144 Hz", "ecrans-gaming", "LG",
             175_000, (4, 3), en="LG UltraGear 27GN800 27\" 144 Hz monitor", screen_inches=27.0,
             weight_grams=5_800),
    # Imprimantes
    _product("EPS-L3250", "Epson EcoTank L3250 multifonction Wi-Fi", "imprimantes-jet-encre",
             "Epson", 98_000, (15, 10), en="Epson EcoTank L3250 Wi-Fi all-in-one",
             weight_grams=3_900),
    _product("CAN-G3420", "Canon PIXMA G3420 multifonction", "imprimantes-jet-encre", "Canon",
             85_000, (10, 8), en="Canon PIXMA G3420 all-in-one", weight_grams=6_300),
    _product("HP-LJ-M111W", "HP LaserJet M111w", "imprimantes-laser", "HP", 72_000, (12, 6),
             en="HP LaserJet M111w", weight_grams=4_700),
    _product("BRO-DCP-L2540", "Brother DCP-L2540DW multifonction laser", "imprimantes-laser",
             "Brother", 155_000, (5, 4), en="Brother DCP-L2540DW laser all-in-one",
             weight_grams=10_000),
    _product("EPS-103-NOIR", "Bouteille d'encre Epson 103 noire", "cartouches-toners", "Epson",
             4_500, (80, 60), en="Epson 103 black ink bottle", warranty_months=0,
             weight_grams=90),
    _product("HP-TONER-106A", "Toner HP 106A noir", "cartouches-toners", "HP", 28_000, (30, 20),
             en="HP 106A black toner", warranty_months=0, weight_grams=700),
    # Réseau
    _product("HUA-B311-4G", "Routeur 4G Huawei B311", "routeurs-4g", "Huawei", 32_000, (25, 20),
             en="Huawei B311 4G router", weight_grams=350),
    _product("TPL-ARCHER-C6", "Routeur Wi-Fi TP-Link Archer C6 AC1200", "routeurs-4g",
             "TP-Link", 24_000, (30, 25), en="TP-Link Archer C6 AC1200 Wi-Fi router",
             weight_grams=480),
    _product("TPL-SG1016D", "Switch TP-Link TL-SG1016D 16 ports Gigabit", "switches", "TP-Link",
             45_000, (10, 8), en="TP-Link TL-SG1016D 16-port Gigabit switch",
             weight_grams=1_900),
    _product("UBNT-U6-LITE", "Point d'accès Ubiquiti UniFi U6 Lite", "wifi", "Ubiquiti",
             78_000, (8, 6), en="Ubiquiti UniFi U6 Lite access point", weight_grams=300),
    # Stockage
    _product("WD-ELEM-2TB", "Disque dur externe WD Elements 2 To", "disques-externes",
             "Western Digital", 42_000, (20, 15), en="WD Elements 2 TB external drive",
             storage_gb=2_000, weight_grams=230),
    _product("SEA-EXP-1TB", "Disque dur externe Seagate Expansion 1 To", "disques-externes",
             "Seagate", 30_000, (25, 20), en="Seagate Expansion 1 TB external drive",
             storage_gb=1_000, weight_grams=170),
    _product("SAMS-870EVO", "SSD Samsung 870 EVO 2,5\"", "ssd", "Samsung", 38_000, (15, 10),
             en="Samsung 870 EVO 2.5\" SSD", storage_gb=500, warranty_months=60,
             weight_grams=45,
             variants=(("SAMS-870EVO-500", {"capacite": "500 Go"}, None, (15, 10)),
                       ("SAMS-870EVO-1TB", {"capacite": "1 To"}, 62_000, (8, 6)))),
    _product("KING-NV2-1TB", "SSD Kingston NV2 NVMe 1 To", "ssd", "Kingston", 45_000, (12, 10),
             en="Kingston NV2 NVMe 1 TB SSD", storage_gb=1_000, warranty_months=36,
             weight_grams=10),
    _product("SAN-ULTRA-64", "Clé USB SanDisk Ultra 64 Go", "cles-usb", "SanDisk", 4_000,
             (100, 80), en="SanDisk Ultra 64 GB USB stick", storage_gb=64, weight_grams=10),
    # Accessoires
    _product("LOGI-MK270", "Ensemble clavier et souris sans fil Logitech MK270 AZERTY",
             "claviers-souris", "Logitech", 14_000, (40, 30),
             en="Logitech MK270 wireless keyboard and mouse (AZERTY)", weight_grams=750),
    _product("LOGI-M185", "Souris sans fil Logitech M185", "claviers-souris", "Logitech",
             5_500, (60, 40), en="Logitech M185 wireless mouse", weight_grams=75,
             variants=(("LOGI-M185-GRIS", {"couleur": "Gris"}, None, (40, 25)),
                       ("LOGI-M185-BLEU", {"couleur": "Bleu"}, None, (20, 15)))),
    _product("SAMS-SAC-156", "Sacoche pour portable 15,6\"", "sacoches", "Samsonite", 12_000,
             (30, 20), en="15.6\" laptop bag", weight_grams=600),
    _product("JBRA-EVOLVE-20", "Casque Jabra Evolve 20 USB", "casques", "Jabra", 26_000,
             (15, 10), en="Jabra Evolve 20 USB headset", warranty_months=24, weight_grams=110),
    _product("APC-BX700", "Onduleur APC Back-UPS 700 VA", "onduleurs", "APC", 52_000, (20, 15),
             en="APC Back-UPS 700 VA", warranty_months=24, weight_grams=4_800,
             description="Indispensable contre les coupures et délestages."),
    # Composants
    _product("KING-FURY-16", "Mémoire Kingston FURY Beast 16 Go DDR4 3200", "memoire-ram",
             "Kingston", 27_000, (20, 15), en="Kingston FURY Beast 16 GB DDR4 3200",
             ram_gb=16, warranty_months=60, weight_grams=40),
    _product("CRU-SODIMM-8", "Mémoire Crucial 8 Go DDR4 SO-DIMM", "memoire-ram", "Crucial",
             14_000, (30, 20), en="Crucial 8 GB DDR4 SO-DIMM", ram_gb=8, warranty_months=60,
             weight_grams=10),
    _product("GIGA-RTX4060", "Carte graphique Gigabyte GeForce RTX 4060 8 Go",
             "cartes-graphiques", "Gigabyte", 225_000, (3, 2),
             en="Gigabyte GeForce RTX 4060 8 GB graphics card", warranty_months=36,
             weight_grams=1_000),
    _product("AMD-R5-5600", "Processeur AMD Ryzen 5 5600", "processeurs", "AMD", 80_000, (6, 4),
             en="AMD Ryzen 5 5600 processor", cpu="AMD Ryzen 5 5600", warranty_months=36,
             weight_grams=300),
)  # fmt: skip

SALE: dict[str, Any] = {
    "name": "Semaine des portables : -10 %",
    "description": "10 % de remise sur tous les ordinateurs portables.",
    "kind": "percentage",
    "discount_rate": 0.1,
    "category_ids": ["ordinateurs-portables"],
}
CODE: dict[str, Any] = {
    "name": "Code BIENVENUE : 5 000 F dès 50 000 F d'achat",
    "description": "5 000 F de remise sur une commande d'au moins 50 000 F.",
    "kind": "fixed_amount",
    "code": "BIENVENUE",
    "discount_amount": 5_000,
    "min_order_amount": 50_000,
    "usage_limit_per_customer": 1,
}


@dataclass
class DemoReport:
    """What `load_demo` did, and what to try next."""

    categories_created: int = 0
    products_created: int = 0
    products_skipped: int = 0
    receipts: int = 0
    promotions_created: int = 0
    token: str = ""
    urls: list[str] = field(default_factory=list)


Progress = Callable[[str, int, int], None]
"""`(what, done, total)`, called as the demo advances."""


async def load_demo(settings: Settings, progress: Progress | None = None) -> DemoReport:
    """Load the demo shop into the database of `settings` and wait for every consumer group."""
    from itvision.platform.auth import Role, create_api_token

    report = DemoReport()
    say: Progress = progress or (lambda what, done, total: None)
    async with running_api(settings) as (client, platform):
        report.token = await create_api_token(platform.db, Role.ADMIN, "demo", "itvision demo")
        client.headers["Authorization"] = f"Bearer {report.token}"
        ids = await _categories(client, report, say)
        for body in (SALE, CODE):
            await _promotion(client, body, ids, report)
        for done, body in enumerate(PRODUCTS, 1):
            await _product_created(client, body, report)
            say("produits", done, len(PRODUCTS))
        await caught_up(client, say, "événements (catalogue)")
        skus = [(sku, q) for body in PRODUCTS for sku, q in body["_stock"].items()]
        for done, (sku, quantities) in enumerate(skus, 1):
            report.receipts += await _stocked(client, sku, quantities)
            say("stock", done, len(skus))
        await caught_up(client, say, "événements (stock)")
    report.urls = _urls(settings, report.token)
    return report


@asynccontextmanager
async def running_api(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """A client of the app, in process, with the platform started (consumers, relay, jobs)."""
    from itvision.app import build_platform, create_app

    platform = build_platform(settings)
    app = create_app(platform, run_consumers=True)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE, timeout=60) as client:
            yield client, platform


def _check(response: httpx.Response, *ok: int) -> httpx.Response:
    if response.status_code not in ok:
        request = response.request
        raise RuntimeError(
            f"{request.method} {request.url.path} answered {response.status_code}: "
            f"{response.text[:500]}"
        )
    return response


async def _categories(
    client: httpx.AsyncClient, report: DemoReport, say: Progress
) -> dict[str, str]:
    """Create the missing categories; `{slug: id}` of them all."""
    listed = _check(await client.get("/api/catalog/categories"), 200).json()
    ids = {c["slug"]: c["id"] for c in listed}
    for done, (slug, name_fr, name_en, parent) in enumerate(CATEGORIES, 1):
        if slug not in ids:
            body = {"name_fr": name_fr, "name_en": name_en, "slug": slug, "parent_id": parent}
            created = _check(await client.post("/api/catalog/categories", json=body), 201)
            ids[slug] = created.json()["id"]
            report.categories_created += 1
        say("catégories", done, len(CATEGORIES))
    return ids


async def _promotion(
    client: httpx.AsyncClient, body: dict[str, Any], ids: dict[str, str], report: DemoReport
) -> None:
    """Create the promotion unless one of that name exists (a taken code is a 409)."""
    listed = _check(await client.get("/api/promotions", params={"limit": 100}), 200).json()
    if any(p["name"] == body["name"] for p in listed["items"]):
        return
    body = {**body, "category_ids": [ids[slug] for slug in body.get("category_ids", ())]}
    created = await client.post("/api/promotions", json=body)
    report.promotions_created += _check(created, 201, 409).status_code == 201


async def _product_created(
    client: httpx.AsyncClient, body: dict[str, Any], report: DemoReport
) -> None:
    sent = {k: v for k, v in body.items() if not k.startswith("_")}
    created = _check(await client.post("/api/catalog/products", json=sent), 201, 409)
    if created.status_code == 201:
        report.products_created += 1
    else:
        report.products_skipped += 1  # the SKU is already there


async def _stocked(client: httpx.AsyncClient, sku: str, quantities: tuple[int, int]) -> int:
    """Receive the demo's stock of `sku` in each location it was not received in yet."""
    moves = _check(
        await client.get(f"/api/inventory/stock/{sku}/movements", params={"limit": 100}), 200
    ).json()
    done = {m["reference"] for m in moves["items"]}
    receipts = 0
    for location, quantity in zip(LOCATIONS, quantities, strict=True):
        reference = f"DEMO-{location.upper()}"
        if reference in done or quantity == 0:
            continue
        body = {
            "sku": sku,
            "warehouse_id": location,
            "quantity": quantity,
            "reference": reference,
            "note": "itvision demo",
        }
        _check(await client.post("/api/inventory/receipts", json=body), 201)
        receipts += 1
    return receipts


async def caught_up(
    client: httpx.AsyncClient, say: Progress, what: str = "événements", timeout: float = 120
) -> None:
    """Wait until every consumer group's lag is 0 (twice in a row: applying an event may
    publish more)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    most = zeros = 0
    while zeros < 2:
        groups = _check(await client.get("/api/events/groups"), 200).json()
        lag = sum(g["lag"] for g in groups)
        most = max(most, lag)
        if most:
            say(what, most - lag, most)
        else:
            say(what, 1, 1)
        zeros = zeros + 1 if lag == 0 else 0
        if loop.time() > deadline:
            raise RuntimeError(f"the consumer groups still lag by {lag} events after {timeout}s")
        await asyncio.sleep(0.1)


def _urls(settings: Settings, token: str) -> list[str]:
    root = f"http://{settings.host}:{settings.port}"
    cart = (
        '{"lines": [{"sku": "HP-EB840-G8-R", "quantity": 2}, {"sku": "LOGI-MK270", "quantity": 2}]}'
    )
    return [
        f"{root}/docs",
        f"{root}/api/catalog/products?category=ordinateurs-portables&max_price=400000&sort=price",
        f"curl -X POST {root}/api/pricing/quotes -H 'Authorization: Bearer {token}' "
        f"-H 'Content-Type: application/json' -d '{cart}'",
        "an order paid by Wave, step by step: docs/checkout.md (« Try it »)",
    ]
