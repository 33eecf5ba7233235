"""`itvision loyalty …`: a customer's balance, and expiry or the tier review run now (`serve`
and `worker` run them hourly and daily)."""

from __future__ import annotations

import typer
from rich.console import Console

from itvision.engines.loyalty import queries
from itvision.engines.loyalty.commands import ExpirePoints, ReviewTiers
from itvision.engines.loyalty.services.expiry import expire_points
from itvision.engines.loyalty.services.tiers import review_tiers
from itvision.engines.loyalty.settings import LoyaltySettings
from itvision.platform.system import Platform

app = typer.Typer(help="Loyalty points: balances, expiry, tier review.", no_args_is_help=True)
console = Console()


@app.command()
def balance(ctx: typer.Context, customer_id: str) -> None:
    """A customer's available and pending points and tier."""

    async def work(platform: Platform) -> queries.BalanceView:
        settings = platform.settings_of(LoyaltySettings)
        return await queries.balance_of(platform, customer_id, settings)

    view = ctx.obj.run(work)
    console.print(
        f"{view.customer_id}: {view.available} points disponibles ({view.value} F CFA), "
        f"{view.pending} en attente, niveau {view.tier}"
    )


@app.command()
def expire(ctx: typer.Context) -> None:
    """Expire the points due now and warn of those due soon."""

    async def work(platform: Platform) -> int:
        return await expire_points(platform, ExpirePoints())

    console.print(f"{ctx.obj.run(work)} points expired")


@app.command()
def review(ctx: typer.Context) -> None:
    """Run the yearly tier review of the members due now (one tier down at most)."""

    async def work(platform: Platform) -> int:
        return await review_tiers(platform, ReviewTiers())

    console.print(f"{ctx.obj.run(work)} members moved down a tier")
