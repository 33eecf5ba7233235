"""`itvision shipping …`: the delivery zones and their rates, the pickup stores, and what
delivery to an address costs."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from itvision.engines.shipping.queries import fees, network
from itvision.engines.shipping.queries.fees import Quote
from itvision.engines.shipping.queries.network import ZoneView
from itvision.engines.shipping.rules.fees import Band
from itvision.engines.shipping.settings import ShippingSettings
from itvision.platform.money import format_xof
from itvision.platform.system import Platform

app = typer.Typer(help="Delivery zones, rates, stores and fees.", no_args_is_help=True)
console = Console()


@app.command()
def zones(
    ctx: typer.Context,
    country: Annotated[str | None, typer.Option(help="Only this country: SN, CI")] = None,
) -> None:
    """The delivery zones, the places they cover, their delay, threshold and weight bands."""

    async def work(platform: Platform) -> tuple[list[ZoneView], int | None]:
        found = await network.zones(platform, country=country and country.upper())
        return found, platform.settings_of(ShippingSettings).default_free_from

    found, default_free_from = ctx.obj.run(work)
    table = Table(title=f"{len(found)} zones")
    for column in ("code", "name", "places", "days", "free from", "rates"):
        table.add_column(column, justify="right" if column == "days" else "left")
    for view in found:
        zone = view.zone
        free_from = zone.free_from if zone.free_from is not None else default_free_from
        table.add_row(
            zone.code + ("" if zone.active else " (inactive)"),
            zone.name,
            "\n".join(_place(p.city, p.area) for p in view.places),
            str(zone.estimated_days),
            format_xof(free_from) if free_from is not None else "never",
            "\n".join(_band(b) for b in view.bands),
        )
    console.print(table)


@app.command()
def stores(ctx: typer.Context) -> None:
    """The stores where customers collect their orders."""
    found = ctx.obj.run(lambda platform: network.stores(platform))
    table = Table(title=f"{len(found)} stores")
    for column in ("code", "name", "city", "address", "hours", "open"):
        table.add_column(column)
    for s in found:
        city = f"{s.city} ({s.area})" if s.area else s.city
        open_ = "yes" if s.active else "no"
        table.add_row(s.code, s.name, city, s.address, s.opening_hours or "", open_)
    console.print(table)


@app.command()
def quote(
    ctx: typer.Context,
    city: Annotated[str, typer.Option(help="City (or commune): Dakar, Pikine, Abidjan…")],
    weight: Annotated[int, typer.Option(min=0, help="Parcel weight, grams")],
    subtotal: Annotated[int, typer.Option(min=0, help="Order subtotal, XOF VAT incl.")] = 0,
    area: Annotated[str | None, typer.Option(help="Quartier: Plateau, Cocody…")] = None,
    country: Annotated[str, typer.Option(help="SN or CI")] = "SN",
    pickup: Annotated[bool, typer.Option("--pickup", help="Collect at a store")] = False,
) -> None:
    """What delivery to an address costs (exit code 1 when no zone serves it)."""

    async def work(platform: Platform) -> Quote | None:
        return await fees.quote(
            platform,
            country=country.upper(),
            city=city,
            area=area,
            delivery_method="pickup" if pickup else "home_delivery",
            weight_grams=weight,
            subtotal=subtotal,
        )

    found = ctx.obj.run(work)
    if found is None:
        console.print(f"no delivery zone serves {_place(city, area)} ({country}) for this parcel")
        raise typer.Exit(1)
    free = f", free from {format_xof(found.free_from)}" if found.free_from is not None else ""
    console.print(
        f"{found.zone_name} ({found.zone}): {format_xof(found.fee)}"
        f" in {found.estimated_days} day(s){free}"
    )


def _place(city: str | None, area: str | None) -> str:
    if city is None:
        return "whole country"
    return f"{city} / {area}" if area else city


def _band(band: Band) -> str:
    extra = f" + {format_xof(band.per_extra_kg)}/kg" if band.per_extra_kg else ""
    if band.up_to_grams is None:
        return f"heavier: {format_xof(band.fee)}{extra}"
    return f"≤ {band.up_to_grams / 1000:g} kg: {format_xof(band.fee)}{extra}"
