"""Amounts in words, as French commercial documents state them ("Arrêtée la présente facture à
la somme de trois cent quatre-vingt-neuf mille quatre cents francs CFA"), with num2words.

num2words writes the traditional French spelling ("quatre-vingts", "deux cents" but "deux cent
mille"); the currency follows the noun's rules: "de" after a round million or milliard ("un
million de francs CFA"), singular under two ("un franc CFA", "zéro franc CFA").
"""

from __future__ import annotations

from typing import Literal

from num2words import num2words

Language = Literal["fr", "en"]


def amount_in_words(amount: int, lang: Language = "fr") -> str:
    if amount < 0:
        raise ValueError("an amount in words is not negative")
    words: str = num2words(amount, lang=lang)
    if lang == "en":
        return f"{words} CFA franc{'' if amount == 1 else 's'}"
    franc = "franc" if amount < 2 else "francs"
    if words.endswith(("million", "millions", "milliard", "milliards")):
        return f"{words} de {franc} CFA"
    return f"{words} {franc} CFA"
