"""The spreadsheet format: reading a merchant's file saved as CSV (pure: bytes in, typed rows
and errors out), and the template merchants start from.

- Encoding: UTF-8, with or without the BOM Excel writes for "CSV UTF-8"; a file that is not
  UTF-8 is read as Windows-1252, what Excel writes for plain "CSV" in French locales.
- Separator: `;` (Excel in French locales), `,` or tab, whichever the header row uses most.
- Header row: column names are matched without case, accents or punctuation, in English or
  French (`Coût d'achat` is `base_cost`); unknown columns are ignored and reported; `sku` is
  the only column every file needs.
- Row numbers are the spreadsheet's: the header is row 1. Blank rows are skipped.
- A row with a `parent_sku` is a variant of that product; any other row is a product.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP
from typing import Any

from itvision.engines.catalog.rules import numbers, products
from itvision.engines.catalog.rules.violations import Violation
from itvision.platform.spreadsheets import write_csv

MAX_ROWS = 20_000

# The file merchants start from (`itvision catalog template`, GET /imports/template): French
# column names, `;` separators and French number formats, as Excel writes them in French
# locales, with a product and one of its variants. Written like every CSV the project writes
# (`write_csv`: no cell a spreadsheet would run as a formula).
CSV_TEMPLATE = write_csv(
    [
        (
            "sku", "sku_parent", "nom_fr", "nom_en", "description_fr", "marque", "categorie",
            "statut", "etat", "grade", "ram_go", "stockage_go", "processeur", "ecran_pouces",
            "garantie_mois", "poids_g", "cout_achat", "images", "options",
        ),
        (
            "HP-840-G8", None, "HP EliteBook 840 G8", "HP EliteBook 840 G8",
            "Portable pro 14 pouces", "HP", "ordinateurs-portables", "actif", "reconditionné",
            "A", "16 Go", "512 Go", "Intel Core i5-1145G7", 14, "12 mois", "1,4 kg", "250 000",
            "https://cdn.example.com/hp-840-g8.jpg", None,
        ),
        (
            "HP-840-G8-1TO", "HP-840-G8", *[None] * 14, "275 000", None,
            "stockage=1 To|couleur=Argent",
        ),
    ]
)  # fmt: skip

# canonical name -> accepted header names (normalized: lowercase ASCII, `_` between words)
COLUMNS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "reference", "ref", "code"),
    "parent_sku": ("parent_sku", "sku_parent", "parent", "produit_parent"),
    "name_fr": ("name_fr", "nom_fr", "nom", "name", "designation"),
    "name_en": ("name_en", "nom_en"),
    "description_fr": ("description_fr", "description"),
    "description_en": ("description_en",),
    "brand": ("brand", "marque"),
    "category": ("category", "categorie", "category_id", "category_slug"),
    "status": ("status", "statut"),
    "condition": ("condition", "etat"),
    "grade": ("grade",),
    "ram_gb": ("ram_gb", "ram", "ram_go", "memoire", "memoire_go"),
    "storage_gb": ("storage_gb", "storage", "stockage", "stockage_go", "disque", "disque_go"),
    "cpu": ("cpu", "processeur", "processor"),
    "screen_inches": ("screen_inches", "screen", "ecran", "ecran_pouces", "taille_ecran"),
    "warranty_months": ("warranty_months", "warranty", "garantie", "garantie_mois"),
    "weight_grams": ("weight_grams", "weight", "poids", "poids_g"),
    "base_cost": (
        "base_cost",
        "cost",
        "cout",
        "cout_achat",
        "cout_d_achat",
        "prix_achat",
        "prix_d_achat",
    ),
    "images": ("images", "image", "photos"),
    "options": ("options", "attributs", "attributes"),
}
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}

STATUS_WORDS = {
    "draft": "draft",
    "brouillon": "draft",
    "active": "active",
    "actif": "active",
    "en_ligne": "active",
    "archived": "archived",
    "archive": "archived",
}
CONDITION_WORDS = {
    "new": "new",
    "neuf": "new",
    "refurbished": "refurbished",
    "reconditionne": "refurbished",
    "used": "used",
    "occasion": "used",
    "d_occasion": "used",
}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str | None
    violation: Violation
    sku: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: `values` holds each present column's parsed cell (None when blank)."""

    number: int
    sku: str | None
    parent_sku: str | None
    is_variant: bool
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Sheet:
    separator: str
    encoding: str
    headers: dict[str, str]  # canonical name -> the header as the merchant wrote it
    ignored_columns: list[str]
    rows: list[Row]

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


def read_sheet(data: bytes) -> Sheet:
    """Decode, split and parse every cell; file-level problems raise a Violation on `file`."""
    text, encoding = _decode(data)
    if not text.strip():
        raise Violation("empty_file", "file")
    separator = _separator(text)
    records = _records(text, separator)
    header, *body = records
    headers, columns, ignored = _header(header)
    if "sku" not in headers:
        raise Violation("missing_column", "file", column="sku")
    rows = [
        _row(number, cells, columns, headers)
        for number, cells in enumerate(body, start=2)
        if any(cell.strip() for cell in cells)
    ]
    if len(rows) > MAX_ROWS:
        raise Violation("too_many_rows", "file", max=MAX_ROWS)
    return Sheet(separator, encoding, headers, ignored, rows)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            raise Violation("not_text", "file") from None
    if "\x00" in text:  # UTF-16 or a binary file (an .xlsx sent as is)
        raise Violation("not_text", "file")
    return text, encoding


def _separator(text: str) -> str:
    first = next(line for line in text.splitlines() if line.strip())
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {sep: unquoted.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _records(text: str, separator: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[list[str]] = []
    try:
        for cells in reader:
            records.append(cells)
    except csv.Error as exc:
        raise Violation("bad_csv", "file", row=len(records) + 1, error=str(exc)) from None
    while records and not any(c.strip() for c in records[0]):
        records.pop(0)
    return records


def _header(cells: list[str]) -> tuple[dict[str, str], list[str | None], list[str]]:
    headers: dict[str, str] = {}
    columns: list[str | None] = []
    ignored: list[str] = []
    for cell in cells:
        written = cell.strip()
        name = _ALIASES.get(products.normalize_option_name(written))
        if name is None:
            if written:
                ignored.append(written)
        elif name in headers:
            raise Violation("duplicate_column", "file", first=headers[name], second=written)
        else:
            headers[name] = written
        columns.append(name)
    return headers, columns, ignored


def _row(number: int, cells: list[str], columns: list[str | None], headers: dict[str, str]) -> Row:
    values: dict[str, Any] = {}
    errors: list[Violation] = []
    is_variant = False
    for name, cell in zip(columns, cells, strict=False):
        if name is None:
            continue
        is_variant = is_variant or (name == "parent_sku" and bool(cell.strip()))
        try:
            values[name] = PARSERS[name](cell.strip()) if cell.strip() else _blank(name)
        except Violation as violation:
            errors.append(violation.at(headers[name]))
    for name in headers.keys() - values.keys():  # a short row: its missing cells are blank
        if not any(e.field == headers[name] for e in errors):
            values[name] = _blank(name)
    sku = values.pop("sku", None)
    parent = values.pop("parent_sku", None)
    if sku is None and not any(e.field == headers["sku"] for e in errors):
        errors.append(Violation("required", headers["sku"]))
    return Row(
        number,
        sku,
        parent,
        is_variant,
        values,
        [RowError(number, e.field, e, sku) for e in errors],
    )


def _blank(name: str) -> Any:
    return [] if name == "images" else None


def _text(name: str) -> Callable[[str], str]:
    def parse(cell: str) -> str:
        if len(cell) > products.LENGTHS[name]:
            raise Violation("too_long", max=products.LENGTHS[name])
        return cell

    return parse


def _bounded(name: str, parse: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda cell: products.check_range(name, parse(cell))


def _choice(words: dict[str, str], shown: str) -> Callable[[str], str]:
    def parse(cell: str) -> str:
        word = products.normalize_option_name(cell)
        if word not in words:
            raise Violation("invalid_choice", value=cell, choices=shown)
        return words[word]

    return parse


def _grade(cell: str) -> str:
    grade = re.sub(r"^grade\s*", "", cell.strip(), flags=re.IGNORECASE).upper()
    if grade not in products.GRADES:
        raise Violation("invalid_choice", value=cell, choices="A, B, C")
    return grade


def _images(cell: str) -> list[str]:
    return products.check_images([url for url in re.split(r"[|\s]+", cell) if url])


def _options(cell: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in (p for p in re.split(r"[|;]", cell) if p.strip()):
        name, sep, value = pair.partition("=") if "=" in pair else pair.partition(":")
        if not sep or name.strip() in options:
            raise Violation("invalid_options")
        options[name.strip()] = value
    return products.normalize_options(options)


def _screen(cell: str) -> Any:
    inches = numbers.parse_inches(cell).quantize(products.SCREEN_STEP, rounding=ROUND_HALF_UP)
    return products.check_range("screen_inches", inches)


PARSERS: dict[str, Callable[[str], Any]] = {
    "sku": products.normalize_sku,
    "parent_sku": products.normalize_sku,
    "name_fr": _text("name_fr"),
    "name_en": _text("name_en"),
    "description_fr": _text("description_fr"),
    "description_en": _text("description_en"),
    "brand": _text("brand"),
    "category": lambda cell: cell,
    "status": _choice(STATUS_WORDS, "brouillon/draft, actif/active, archivé/archived"),
    "condition": _choice(CONDITION_WORDS, "neuf/new, reconditionné/refurbished, occasion/used"),
    "grade": _grade,
    "ram_gb": _bounded("ram_gb", numbers.parse_gigabytes),
    "storage_gb": _bounded("storage_gb", numbers.parse_gigabytes),
    "cpu": _text("cpu"),
    "screen_inches": _screen,
    "warranty_months": _bounded("warranty_months", numbers.parse_months),
    "weight_grams": _bounded("weight_grams", numbers.parse_grams),
    "base_cost": _bounded("base_cost", numbers.parse_amount),
    "images": _images,
    "options": _options,
}
