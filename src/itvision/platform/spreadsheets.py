"""Writing spreadsheets (CSV) that are safe to open.

A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading one of those) is a formula to Excel, LibreOffice and Google
Sheets: a product name typed as `=HYPERLINK("http://…")` would run when staff open an export.
Every CSV the project writes goes through `write_csv`, which writes such text cells with a
leading `'` (shown as text, never run). Numbers are written as they are: `-5` is a value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from starlette.responses import PlainTextResponse

Cell = str | int | float | Decimal | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")  # "-12,5": a number typed as text


def safe_cell(value: Cell) -> str:
    """The text to write for `value`: numbers as they are, text that a spreadsheet would run
    as a formula behind a `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("write a boolean as the text the reader expects (oui/non)")
    if isinstance(value, int | float | Decimal):
        return str(value)
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(rows: Iterable[Sequence[Cell]], *, separator: str = ";") -> str:
    """`rows` as CSV text (`;` by default, as Excel writes it in French locales), every cell
    through `safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


class CsvResponse(PlainTextResponse):
    """A CSV answer (`text/csv; charset=utf-8`), documented as such in OpenAPI."""

    media_type = "text/csv"
