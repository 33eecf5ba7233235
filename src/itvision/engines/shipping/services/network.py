"""Staff shape the delivery network: zones, the places each covers, its weight bands, and the
stores customers collect from. A place belongs to one zone, so an address always has one
answer."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from itvision.engines.shipping.commands import (
    CreateStore,
    CreateZone,
    PlaceName,
    ReplacePlaces,
    ReplaceRate,
    UpdateStore,
    UpdateZone,
)
from itvision.engines.shipping.events import SOURCE
from itvision.engines.shipping.models import RateBand, Store, Zone, ZonePlace
from itvision.engines.shipping.rules.fees import Band, bands_problem
from itvision.engines.shipping.rules.zones import place_keys
from itvision.platform.errors import Conflict, InvalidInput, NotFound
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, UnitOfWork, unit_of_work


async def create_zone(on: Runner, command: CreateZone) -> Zone:
    async with unit_of_work(on, SOURCE) as uow:
        if await uow.session.get(Zone, command.code) is not None:
            raise Conflict(f"zone {command.code} already exists", field="code")
        now = utcnow()
        zone = Zone(
            code=command.code,
            name=command.name,
            country=command.country,
            estimated_days=command.estimated_days,
            free_from=command.free_from,
            active=True,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(zone)
        await uow.session.flush()
        await _put_places(uow, zone, command.places)
        await _put_bands(uow, zone, command.bands)
        return zone


async def update_zone(on: Runner, command: UpdateZone) -> Zone:
    async with unit_of_work(on, SOURCE) as uow:
        zone = await _zone(uow, command.code)
        for name in command.changed:
            setattr(zone, name, getattr(command, name))
        zone.updated_at = utcnow()
        return zone


async def replace_places(on: Runner, command: ReplacePlaces) -> Zone:
    async with unit_of_work(on, SOURCE) as uow:
        zone = await _zone(uow, command.zone_code)
        await uow.session.execute(delete(ZonePlace).where(ZonePlace.zone_code == zone.code))
        await _put_places(uow, zone, command.places)
        zone.updated_at = utcnow()
        return zone


async def replace_rate(on: Runner, command: ReplaceRate) -> Zone:
    async with unit_of_work(on, SOURCE) as uow:
        zone = await _zone(uow, command.zone_code)
        await uow.session.execute(delete(RateBand).where(RateBand.zone_code == zone.code))
        await _put_bands(uow, zone, command.bands)
        zone.updated_at = utcnow()
        return zone


async def create_store(on: Runner, command: CreateStore) -> Store:
    async with unit_of_work(on, SOURCE) as uow:
        if await uow.session.get(Store, command.code) is not None:
            raise Conflict(f"store {command.code} already exists", field="code")
        city_key, _ = place_keys(command.city, command.area)
        now = utcnow()
        store = Store(
            code=command.code,
            name=command.name,
            country=command.country,
            city=command.city,
            city_key=city_key,
            area=command.area,
            address=command.address,
            phone=command.phone,
            opening_hours=command.opening_hours,
            ready_in_days=command.ready_in_days,
            active=True,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(store)
        return store


async def update_store(on: Runner, command: UpdateStore) -> Store:
    async with unit_of_work(on, SOURCE) as uow:
        store = await uow.session.get(Store, command.code, with_for_update=True)
        if store is None:
            raise NotFound(f"store {command.code} not found", field="code")
        for name in command.changed:
            setattr(store, name, getattr(command, name))
        store.updated_at = utcnow()
        return store


async def _zone(uow: UnitOfWork, code: str) -> Zone:
    zone = await uow.session.get(Zone, code, with_for_update=True)
    if zone is None:
        raise NotFound(f"zone {code} not found", field="code")
    return zone


async def _put_places(uow: UnitOfWork, zone: Zone, places: Sequence[PlaceName]) -> None:
    if not places:
        raise InvalidInput("a zone covers at least one place", field="places")
    seen: set[tuple[str, str]] = set()
    for index, place in enumerate(places):
        try:
            keys = place_keys(place.city, place.area)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field=f"places.{index}.{exc.field}") from None
        if keys in seen:
            continue  # "Somone" and "SOMONE" are one place
        seen.add(keys)
        taken = await uow.session.scalar(
            select(ZonePlace.zone_code).where(
                ZonePlace.country == zone.country,
                ZonePlace.city_key == keys[0],
                ZonePlace.area_key == keys[1],
            )
        )
        if taken is not None:
            raise Conflict(
                f"{_describe(place)} already belongs to zone {taken}", field=f"places.{index}"
            )
        uow.session.add(
            ZonePlace(
                country=zone.country,
                city_key=keys[0],
                area_key=keys[1],
                zone_code=zone.code,
                city=place.city,
                area=place.area,
            )
        )
    await uow.session.flush()


async def _put_bands(uow: UnitOfWork, zone: Zone, bands: Sequence[Band]) -> None:
    if problem := bands_problem(bands):
        raise InvalidInput(problem, field="bands")
    for band in bands:
        uow.session.add(
            RateBand(
                zone_code=zone.code,
                up_to_grams=band.up_to_grams,
                fee=band.fee,
                per_extra_kg=band.per_extra_kg,
            )
        )
    await uow.session.flush()


def _describe(place: PlaceName) -> str:
    if place.city is None:
        return "the whole country"
    return f"{place.area}, {place.city}" if place.area else f"the whole of {place.city}"
