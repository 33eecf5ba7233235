"""Locations (entrepôts, shops) that hold stock: staff add them."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from itvision.engines.inventory.commands import CreateLocation
from itvision.engines.inventory.events import SOURCE
from itvision.engines.inventory.models import Location
from itvision.platform.errors import Conflict
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def create_location(on: Runner, command: CreateLocation) -> Location:
    """Add a location; 409 on `code` if it exists (also when another one was added at the same
    time)."""
    exists = Conflict(f"location {command.code!r} already exists", field="code")
    location = Location(
        code=command.code,
        name=command.name,
        country=command.country,
        is_default=command.is_default,
        created_at=utcnow(),
    )
    try:
        async with unit_of_work(on, SOURCE) as uow:
            if await uow.session.get(Location, command.code) is not None:
                raise exists
            uow.session.add(location)
            await uow.session.flush()
    except IntegrityError:
        raise exists from None
    return location
