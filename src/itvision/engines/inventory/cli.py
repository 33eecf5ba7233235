"""`itvision inventory …`: reconcile reserved quantities and the ledger, and expire lapsed
reservations by hand (`serve` and `worker` also expire them every minute)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from itvision.engines.inventory.commands import ExpireReservations, ReconcileStock
from itvision.engines.inventory.services.reconciliation import ReconcileReport, reconcile_stock
from itvision.engines.inventory.services.reservations import expire_reservations
from itvision.platform.system import Platform

app = typer.Typer(help="Stock: reconciliation and reservation expiry.", no_args_is_help=True)
console = Console()


@app.command()
def reconcile(
    ctx: typer.Context,
    fix: Annotated[bool, typer.Option("--fix", help="Repair the drifts found")] = False,
) -> None:
    """Check each stock level's reserved quantity against its open reservations and its on
    hand against the ledger; with --fix, repair them (ledger entries and events)."""

    async def work(platform: Platform) -> ReconcileReport:
        with Progress(console=console, transient=True) as progress:
            checking = progress.add_task("checking stock levels", total=None)
            fixing = progress.add_task("repairing", total=None, visible=False)

            def checked(done: int, total: int) -> None:
                progress.update(checking, completed=done, total=total)

            def fixed(done: int, total: int) -> None:
                progress.update(fixing, completed=done, total=total, visible=True)

            return await reconcile_stock(
                platform, ReconcileStock(fix=fix), check_progress=checked, fix_progress=fixed
            )

    report = ctx.obj.run(work)
    _print(report, fix)


def _print(report: ReconcileReport, fix: bool) -> None:
    if not report.drifts:
        console.print(f"{report.levels_checked} stock levels checked: no drift")
        return
    table = Table(title=f"{len(report.drifts)} drifts in {report.levels_checked} stock levels")
    for column in ("sku", "location", "quantity", "recorded", "expected", "difference"):
        table.add_column(column, justify="right" if column in ("recorded", "expected") else "left")
    if fix:
        table.add_column("repair")
    for d in report.drifts:
        row = [d.sku, d.warehouse_id, d.quantity, str(d.recorded), str(d.expected)]
        row.append(f"{d.difference:+d}")
        if fix:
            repair = report.repair_of(d)
            row.append(
                ("✔ " if repair and repair.fixed else "✘ ") + (repair.note if repair else "")
            )
        table.add_row(*row)
    console.print(table)
    if fix:
        console.print(f"repairs recorded with reference {report.reference}")
    else:
        console.print("run with --fix to repair them")


@app.command()
def expire(ctx: typer.Context) -> None:
    """Release every reservation whose hold lapsed (unpaid orders give their stock back)."""

    async def work(platform: Platform) -> int:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("expiring reservations", total=None)

            def advanced(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            return await expire_reservations(platform, ExpireReservations(), progress=advanced)

    console.print(f"{ctx.obj.run(work)} reservations expired")
