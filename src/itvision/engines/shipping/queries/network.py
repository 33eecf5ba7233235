"""Reads of the delivery network: zones with their places and weight bands, and stores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, or_, select

from itvision.engines.shipping.models import RateBand, Store, Zone, ZonePlace
from itvision.engines.shipping.rules.fees import Band, sorted_bands
from itvision.engines.shipping.rules.zones import Place, fold, zone_for
from itvision.platform.errors import NotFound
from itvision.platform.uow import Runner, read_session


@dataclass(frozen=True, slots=True)
class ZoneView:
    zone: Zone
    places: list[ZonePlace]
    bands: list[Band]


async def zone_serving(on: Runner, country: str, city: str, area: str | None) -> Zone | None:
    """The active zone that serves the address (`rules.zones.zone_for`), or None; only the
    places that may cover it are read, not the country's every neighbourhood."""
    async with read_session(on) as session:
        rows = (await session.execute(_serving(country, city, area))).all()
    return _chosen(rows, country, city, area)


async def rate_serving(
    on: Runner, country: str, city: str, area: str | None
) -> tuple[Zone, list[Band]] | None:
    """The zone that serves the address with its weight bands (what a quote needs), or None,
    in one read: a place or three, each with its zone and the zone's bands."""
    query = (
        _serving(country, city, area)
        .add_columns(RateBand.id, RateBand.up_to_grams, RateBand.fee, RateBand.per_extra_kg)
        .outerjoin(RateBand, RateBand.zone_code == Zone.code)
    )
    async with read_session(on) as session:
        rows = (await session.execute(query)).all()
    serving = _chosen(rows, country, city, area)
    if serving is None:
        return None
    # A band comes once per place of its zone that may cover the address.
    bands = {
        band: Band(up_to, fee, extra)
        for _, _, zone, band, up_to, fee, extra in rows
        if zone.code == serving.code and band is not None
    }
    return serving, list(bands.values())


def _serving(country: str, city: str, area: str | None) -> Select[str, str, Zone]:
    """The places of active zones that may cover the address, with their zone: whole
    countries, its city or its area of the city, and a place whose area is the address's city
    (a commune given as the city)."""
    city_key, area_key = fold(city), fold(area)
    return (
        select(ZonePlace.city_key, ZonePlace.area_key, Zone)
        .join(Zone, Zone.code == ZonePlace.zone_code)
        .where(
            ZonePlace.country == country,
            Zone.active.is_(True),
            or_(
                ZonePlace.city_key == "",
                and_(ZonePlace.city_key == city_key, ZonePlace.area_key.in_(("", area_key))),
                ZonePlace.area_key == city_key,
            ),
        )
    )


def _chosen(rows: Sequence[Any], country: str, city: str, area: str | None) -> Zone | None:
    """The zone `rules.zones.zone_for` picks among the places of `rows` (`_serving`'s)."""
    places = [Place(zone.code, country, ck, ak) for ck, ak, zone, *_ in rows]
    code = zone_for(places, country, city, area)
    return next((zone for _, _, zone, *_ in rows if zone.code == code), None)


async def zones(
    on: Runner, *, country: str | None = None, include_inactive: bool = True
) -> list[ZoneView]:
    async with read_session(on) as session:
        query = select(Zone).order_by(Zone.country, Zone.code)
        if country:
            query = query.where(Zone.country == country)
        if not include_inactive:
            query = query.where(Zone.active.is_(True))
        found = list((await session.scalars(query)).all())
        codes = [z.code for z in found]
        places: dict[str, list[ZonePlace]] = defaultdict(list)
        bands: dict[str, list[Band]] = defaultdict(list)
        if codes:
            for place in await session.scalars(
                select(ZonePlace)
                .where(ZonePlace.zone_code.in_(codes))
                .order_by(ZonePlace.city_key, ZonePlace.area_key)
            ):
                places[place.zone_code].append(place)
            for band in await session.scalars(
                select(RateBand).where(RateBand.zone_code.in_(codes))
            ):
                bands[band.zone_code].append(Band(band.up_to_grams, band.fee, band.per_extra_kg))
        return [ZoneView(z, places[z.code], sorted_bands(bands[z.code])) for z in found]


async def zone(on: Runner, code: str) -> ZoneView:
    found, bands = await rate(on, code)
    async with read_session(on) as session:
        places = await session.scalars(
            select(ZonePlace)
            .where(ZonePlace.zone_code == code)
            .order_by(ZonePlace.city_key, ZonePlace.area_key)
        )
        return ZoneView(found, list(places), sorted_bands(bands))


async def rate(on: Runner, code: str) -> tuple[Zone, list[Band]]:
    """A zone and its weight bands, what a quote needs."""
    async with read_session(on) as session:
        rows = (
            await session.execute(
                select(Zone, RateBand.id, RateBand.up_to_grams, RateBand.fee, RateBand.per_extra_kg)
                .outerjoin(RateBand, RateBand.zone_code == Zone.code)
                .where(Zone.code == code)
            )
        ).all()
    if not rows:
        raise NotFound(f"zone {code} not found", field="code")
    bands = [Band(up_to, fee, extra) for _, band, up_to, fee, extra in rows if band is not None]
    return rows[0][0], bands


async def stores(
    on: Runner, *, country: str | None = None, include_inactive: bool = True
) -> list[Store]:
    async with read_session(on) as session:
        query = select(Store).order_by(Store.country, Store.code)
        if country:
            query = query.where(Store.country == country)
        if not include_inactive:
            query = query.where(Store.active.is_(True))
        return list((await session.scalars(query)).all())


async def store(on: Runner, code: str) -> Store:
    async with read_session(on) as session:
        found = await session.get(Store, code)
        if found is None:
            raise NotFound(f"store {code} not found", field="code")
        return found


async def pickup_store(on: Runner, country: str, city_key: str) -> Store | None:
    """The active store customers of that city collect from: the first by code in the city,
    else, when the city has none, None."""
    async with read_session(on) as session:
        return await session.scalar(
            select(Store)
            .where(Store.country == country, Store.city_key == city_key, Store.active.is_(True))
            .order_by(Store.code)
            .limit(1)
        )
