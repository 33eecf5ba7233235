"""Document numbers: one gapless sequence per series and year (`FAC-2026-000001`), numbers
starting again at 1 each January. The counter itself is a row the issuing transaction updates
(`services.numbering`); here is only how a number is written and read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Series = Literal["FAC", "AV", "DEV"]
INVOICE: Series = "FAC"  # facture
CREDIT_NOTE: Series = "AV"  # avoir
QUOTE: Series = "DEV"  # devis
DIGITS = 6
NUMBER_PATTERN = r"^(FAC|AV|DEV)-\d{4}-\d{6,}$"
_NUMBER = re.compile(NUMBER_PATTERN)


@dataclass(frozen=True, slots=True)
class DocumentNumber:
    series: Series
    year: int
    sequence: int

    def __str__(self) -> str:
        return f"{self.series}-{self.year}-{self.sequence:0{DIGITS}d}"


def document_number(series: Series, year: int, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("document numbers start at 1")
    return str(DocumentNumber(series, year, sequence))


def parse_number(text: str) -> DocumentNumber | None:
    """`FAC-2026-000042` → (FAC, 2026, 42); None for anything else."""
    if not _NUMBER.match(text):
        return None
    series, year, sequence = text.split("-")
    return DocumentNumber(series, int(year), int(sequence))  # type: ignore[arg-type]
