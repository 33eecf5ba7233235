"""`itvision pricing …`: read the settings and a SKU's price, reprice the catalog."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from itvision.engines.pricing.commands import RepriceItems
from itvision.engines.pricing.queries.items import all_skus
from itvision.engines.pricing.queries.prices import find_price
from itvision.engines.pricing.queries.settings import settings_snapshot
from itvision.engines.pricing.services.repricing import reprice_items
from itvision.platform.errors import NotFound
from itvision.platform.money import format_xof
from itvision.platform.system import Platform

app = typer.Typer(help="Pricing: settings, prices, repricing.", no_args_is_help=True)
console = Console()
BATCH = 500


@app.command("settings")
def show_settings(ctx: typer.Context) -> None:
    """The global settings and every category's and product's own settings."""

    async def work(platform: Platform) -> None:
        snapshot = await settings_snapshot(platform)
        settings = snapshot.settings
        table = Table(title="Pricing settings (global)")
        table.add_column("setting")
        table.add_column("value", justify="right")
        for name in (
            "default_margin_rate",
            "min_margin_rate",
            "service_fee_rate",
            "insurance_rate",
            "vat_rate",
            "rounding_step",
            "rounding_mode",
            "quote_validity_hours",
            "tiers",
        ):
            table.add_row(name, str(getattr(settings, name)))
        console.print(table)
        scopes = Table(title="Category and product settings (— inherited)")
        for column in ("scope", "margin", "service fee", "insurance", "tiers"):
            scopes.add_column(column)
        for scope, o in sorted(snapshot.overrides.items()):
            scopes.add_row(
                scope,
                *(
                    "—" if v is None else str(v)
                    for v in (o.margin_rate, o.service_fee_rate, o.insurance_rate, o.tiers)
                ),
            )
        console.print(scopes)

    ctx.obj.run(work)


@app.command()
def price(
    ctx: typer.Context,
    sku: str,
    at: Annotated[datetime | None, typer.Option(help="A past moment (UTC when no zone)")] = None,
) -> None:
    """A SKU's unit price and its breakdown, now or at a past moment."""

    async def work(platform: Platform) -> None:
        moment = at if at is None or at.tzinfo else at.replace(tzinfo=UTC)
        view = await find_price(platform, sku, include_inactive=True, at=moment)
        if view is None:
            raise NotFound(f"no SKU {sku} in pricing")
        item, unit = view.item, view.price
        table = Table(title=f"{item.sku} — {item.name} ({item.status})")
        table.add_column("component")
        table.add_column("rate", justify="right")
        table.add_column("amount", justify="right")
        rows = [
            ("coût de base (base cost)", "", unit.base_cost),
            ("marge (margin)", unit.rates.margin_rate, unit.margin_amount),
            (
                "frais de service (service fee)",
                unit.rates.service_fee_rate,
                unit.service_fee_amount,
            ),
            ("assurance (insurance)", unit.rates.insurance_rate, unit.insurance_amount),
            ("arrondi (rounding)", "", unit.rounding_adjustment),
            ("prix HT (excl. VAT)", "", unit.price_excl_vat),
            ("TVA (VAT)", unit.vat_rate, unit.vat_amount),
            ("prix TTC (incl. VAT)", "", unit.price_incl_vat),
        ]
        for name, rate, amount in rows:
            table.add_row(name, str(rate), format_xof(amount))
        console.print(table)

    ctx.obj.run(work)


@app.command("reprice")
def reprice_all(ctx: typer.Context) -> None:
    """Recompute every SKU's price from the current settings; record and announce only the
    prices that changed (e.g. after restoring settings by hand)."""

    async def work(platform: Platform) -> None:
        skus = await all_skus(platform)
        changed = 0
        with Progress(console=console) as progress:
            task = progress.add_task("repricing", total=len(skus))
            # One transaction per batch: a long repricing neither holds one open nor loses
            # all its work to one failure.
            for start in range(0, len(skus), BATCH):
                batch = tuple(skus[start : start + BATCH])
                changed += await reprice_items(platform, RepriceItems(batch))
                progress.advance(task, len(batch))
        console.print(f"repriced {len(skus)} SKU(s): {changed} price(s) changed")

    ctx.obj.run(work)
