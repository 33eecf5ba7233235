"""`itvision groupbuy …`: the open groups, and their deadlines applied now (`serve` and `worker`
do it every 5 s)."""

from __future__ import annotations

import typer
from rich.console import Console

from itvision.engines.groupbuy import queries
from itvision.engines.groupbuy.commands import AdvanceGroups
from itvision.engines.groupbuy.services.groups import advance_groups
from itvision.platform.pagination import PageParams
from itvision.platform.system import Platform

app = typer.Typer(help="Group buys: the groups, their deadlines.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_groups(ctx: typer.Context, status: str = "open") -> None:
    """Groups in a status (open by default), newest first."""

    async def work(platform: Platform) -> list[queries.GroupView]:
        views, _ = await queries.groups(platform, PageParams(limit=100, offset=0), status=status)
        return views

    for view in ctx.obj.run(work):
        g = view.group
        console.print(
            f"{g.id} {g.sku} {g.status}: {g.participants} participants, {g.quantity} unités, "
            f"{view.current_unit_price} F CFA l'unité, jusqu'au {g.deadline:%Y-%m-%d %H:%M} UTC"
        )


@app.command()
def advance(ctx: typer.Context) -> None:
    """Drop unpaid participations past their time and move the groups whose time came."""

    async def work(platform: Platform) -> int:
        return await advance_groups(platform, AdvanceGroups())

    console.print(f"{ctx.obj.run(work)} participations dropped or groups moved")
