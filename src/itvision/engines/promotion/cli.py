"""`itvision promotion …`: the promotion engine's commands."""

from __future__ import annotations

import typer
from rich.console import Console

from itvision.engines.promotion.services.campaigns import (
    CampaignAnnouncements,
    announce_due_campaigns,
)
from itvision.platform.system import Platform

app = typer.Typer(help="Promotions: promo codes, sales, bundles.", no_args_is_help=True)
console = Console()


@app.command("tick")
def tick_command(ctx: typer.Context) -> None:
    """Announce campaigns whose start or end time has passed (promotion.campaign.started /
    ended). `serve` and `worker` run it every minute; by hand it is safe to run twice."""

    async def work(platform: Platform) -> CampaignAnnouncements:
        return await announce_due_campaigns(platform)

    report: CampaignAnnouncements = ctx.obj.run(work)
    console.print(f"{len(report.started)} campaign(s) started, {len(report.ended)} ended")
    for promotion_id in report.started:
        console.print(f"  started {promotion_id}")
    for promotion_id in report.ended:
        console.print(f"  ended   {promotion_id}")
