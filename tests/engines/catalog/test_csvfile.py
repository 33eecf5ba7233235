"""Reading spreadsheets saved as CSV: encodings, separators, French headers, row numbers,
and the cell errors of each row."""

import codecs
from decimal import Decimal

import pytest

from itvision.engines.catalog.rules.csv_format import MAX_ROWS, read_sheet
from itvision.engines.catalog.rules.violations import Violation

FRENCH = (
    "SKU;Nom;Catégorie;Coût d'achat;RAM (Go);Écran (pouces);État;Grade;Garantie (mois);"
    "Poids (g);Statut;Images\n"
    "hp-840;HP EliteBook 840;ultrabooks;1 250 000;16 Go;15,6;Reconditionné;a;2 ans;1,4 kg;"
    "actif;https://x.sn/1.jpg | https://x.sn/2.jpg\n"
)


def file_error(data: bytes) -> Violation:
    with pytest.raises(Violation) as caught:
        read_sheet(data)
    assert caught.value.field == "file"
    return caught.value


def test_a_french_excel_sheet_is_read_with_its_numbers_and_words():
    sheet = read_sheet(FRENCH.encode())
    assert sheet.separator == ";"
    assert sheet.encoding == "utf-8"
    [row] = sheet.rows
    assert row.number == 2
    assert row.sku == "HP-840"
    assert not row.is_variant
    assert row.errors == []
    assert row.values == {
        "name_fr": "HP EliteBook 840",
        "category": "ultrabooks",
        "base_cost": 1_250_000,
        "ram_gb": 16,
        "screen_inches": Decimal("15.6"),
        "condition": "refurbished",
        "grade": "A",
        "warranty_months": 24,
        "weight_grams": 1400,
        "status": "active",
        "images": ["https://x.sn/1.jpg", "https://x.sn/2.jpg"],
    }
    assert sheet.header("base_cost") == "Coût d'achat"


def test_utf8_with_bom_and_excel_windows_1252_are_both_read():
    with_bom = read_sheet(codecs.BOM_UTF8 + FRENCH.encode())
    windows = read_sheet(FRENCH.encode("cp1252"))
    assert windows.encoding == "windows-1252"
    assert with_bom.headers == windows.headers == read_sheet(FRENCH.encode()).headers
    assert with_bom.rows[0].values == windows.rows[0].values


def test_comma_separated_files_quote_french_decimals():
    sheet = read_sheet(b'sku,name_fr,screen_inches,base_cost\nA1,"Dell, XPS","13,4","250 000"\n')
    assert sheet.separator == ","
    assert sheet.rows[0].values["screen_inches"] == Decimal("13.4")
    assert sheet.rows[0].values["name_fr"] == "Dell, XPS"


def test_tab_separated_files_are_read():
    assert read_sheet(b"sku\tname_fr\nA1\tDell\n").separator == "\t"


def test_row_numbers_are_the_spreadsheets_even_with_blank_rows_and_multiline_cells():
    data = b'sku;description\n\nA1;"deux\nlignes"\n;\nA2;x\n'
    sheet = read_sheet(data)
    assert [(r.number, r.sku) for r in sheet.rows] == [(3, "A1"), (5, "A2")]
    assert sheet.rows[0].values["description_fr"] == "deux\nlignes"


def test_unknown_columns_are_ignored_and_reported():
    sheet = read_sheet(b"sku;notes internes;name_fr\nA1;a revoir;Dell\n")
    assert sheet.ignored_columns == ["notes internes"]
    assert sheet.rows[0].values == {"name_fr": "Dell"}


def test_a_row_with_a_parent_is_a_variant():
    sheet = read_sheet(
        b"sku;sku_parent;options;poids\nA1-NOIR;a1;Couleur=Noir|Capacit\xc3\xa9: 256 Go;\n"
    )
    [row] = sheet.rows
    assert row.is_variant and row.parent_sku == "A1"
    assert row.values == {
        "options": {"capacite": "256 Go", "couleur": "Noir"},
        "weight_grams": None,
    }


def test_cell_errors_name_the_row_the_column_as_written_and_the_sku():
    data = "sku;Coût;RAM;État;Grade;Images;options\nA1;12,5;16 Mo;cassé;Z;pas-une-url;x\n"
    [row] = read_sheet(data.encode()).rows
    found = {(e.row, e.column, e.violation.rule, e.sku) for e in row.errors}
    assert found == {
        (2, "Coût", "not_whole_francs", "A1"),
        (2, "RAM", "invalid_unit", "A1"),
        (2, "État", "invalid_choice", "A1"),
        (2, "Grade", "invalid_choice", "A1"),
        (2, "Images", "invalid_url", "A1"),
        (2, "options", "invalid_options", "A1"),
    }


def test_values_out_of_range_are_refused():
    [row] = read_sheet(b"sku;ram;garantie;ecran\nA1;0;20 ans;300\n").rows
    assert {e.column: e.violation.rule for e in row.errors} == {
        "ram": "out_of_range",
        "garantie": "out_of_range",
        "ecran": "out_of_range",
    }


def test_a_row_without_sku_is_an_error():
    [row] = read_sheet(b"sku;nom\n;Dell\n").rows
    assert [(e.column, e.violation.rule) for e in row.errors] == [("sku", "required")]


def test_short_rows_have_blank_cells():
    [row] = read_sheet(b"sku;nom;images\nA1\n").rows
    assert row.values == {"name_fr": None, "images": []}


def test_files_that_cannot_be_read_are_refused_as_a_whole():
    assert file_error(b"").rule == "empty_file"
    assert file_error(b" \n\n").rule == "empty_file"
    assert file_error("sku;nom\n".encode("utf-16")).rule == "not_text"
    assert file_error(b"name;price\nDell;1\n").rule == "missing_column"
    duplicate = file_error(b"sku;nom;name_fr\n")
    assert duplicate.rule == "duplicate_column" and "nom" in duplicate.text("fr")
    broken = file_error(b'sku;nom\nA1;"ouvert\n')
    assert broken.rule == "bad_csv"


def test_an_import_is_bounded():
    data = b"sku\n" + b"".join(f"S{i}\n".encode() for i in range(MAX_ROWS + 1))
    assert file_error(data).rule == "too_many_rows"
