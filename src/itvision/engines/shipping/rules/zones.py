"""Which zone serves an address.

A zone covers places: a (country, city, area) where an empty area means the whole city and an
empty city the whole country. Names are compared folded (case, accents, ligatures, hyphens and
apostrophes ignored), because customers type "medina", "Médina" or "MEDINA". The most precise
place wins:

1. the area in that city (Dakar / Plateau);
2. the area typed as the city (city "Pikine": people name their commune, not the region);
3. the whole city (Thiès; Dakar's other neighbourhoods);
4. the whole country (rest of Côte d'Ivoire).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from itvision.platform.errors import InvalidInput

# Letters NFKD does not decompose but French writes (Sacré-Cœur).
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_SEPARATORS = re.compile(r"[\s\-'’_.,/]+")


def fold(name: str | None) -> str:
    """The form a place name is compared in: "Sacré-Cœur" → "sacre coeur"."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name.casefold().translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Place:
    """A place a zone covers, its names already folded."""

    zone: str
    country: str
    city: str
    area: str

    def precision(self, country: str, city: str, area: str) -> int:
        """How precisely this place names the address: 0 when it does not cover it."""
        if self.country != country:
            return 0
        if self.area and self.area == area and self.city == city:
            return 4
        if self.area and self.area == city:
            return 3
        if not self.area and self.city and self.city == city:
            return 2
        if not self.city:
            return 1
        return 0


def zone_for(places: Iterable[Place], country: str, city: str, area: str | None) -> str | None:
    """The code of the zone that serves (country, city, area), or None if none does; ties (two
    zones naming the same place) go to the first code, so the answer is stable."""
    city_, area_ = fold(city), fold(area)
    best: tuple[int, str] | None = None
    for place in places:
        score = place.precision(country, city_, area_)
        if score and (best is None or (-score, place.zone) < (-best[0], best[1])):
            best = (score, place.zone)
    return best[1] if best else None


def place_keys(city: str | None, area: str | None) -> tuple[str, str]:
    """The folded (city, area) a zone's place is stored under; "" for a whole city or
    country. An area needs its city, and a name must keep a letter or digit once folded."""
    city_key, area_key = fold(city), fold(area)
    if city is not None and not city_key:
        raise InvalidInput("a city name needs a letter or a digit", field="city")
    if area is not None and not area_key:
        raise InvalidInput("an area name needs a letter or a digit", field="area")
    if area_key and not city_key:
        raise InvalidInput("an area is named with its city", field="city")
    return city_key, area_key
