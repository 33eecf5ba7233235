"""Every CSV the project writes is safe to open in a spreadsheet: text a spreadsheet would run
as a formula is written behind a `'`; numbers, negative ones too, are written as they are."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from itvision.platform.spreadsheets import safe_cell, write_csv


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example","clic")', '\'=HYPERLINK("http://evil.example","clic")'),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("HP EliteBook", "HP EliteBook"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-5, "-5"),
        (Decimal("-12.5"), "-12.5"),
        (-0.25, "-0.25"),
        ("-12,5", "-12,5"),  # a negative number typed as text is a value, not a formula
    ],
)
def test_text_that_would_run_as_a_formula_is_neutralised_numbers_are_not(value, written):
    assert safe_cell(value) == written


def test_write_csv_neutralises_every_cell_and_reads_back():
    text = write_csv([("sku", "nom_fr", "cout"), ("A-1", "=1+1", -5), ("B;2", "@x", 10)])
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["sku", "nom_fr", "cout"], ["A-1", "'=1+1", "-5"], ["B;2", "'@x", "10"]]
