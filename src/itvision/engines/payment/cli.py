"""`itvision payment …`: payments waiting for their provider, and reconciliation now (`serve`
and `worker` also reconcile every minute the payments pending too long)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from itvision.engines.payment import queries
from itvision.engines.payment.commands import ReconcilePayments
from itvision.engines.payment.models import Payment
from itvision.engines.payment.services.reconciliation import ReconcileReport, reconcile_payments
from itvision.platform.events import utcnow
from itvision.platform.system import Platform

app = typer.Typer(help="Payments: pending ones, reconciliation.", no_args_is_help=True)
console = Console()


@app.command()
def pending(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Payments waiting for their provider's word, oldest first."""

    async def work(platform: Platform) -> list[Payment]:
        return await queries.pending_payments(platform, created_before=utcnow())

    rows = ctx.obj.run(work)
    if as_json:
        typer.echo(json.dumps([_row(p) for p in rows], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} pending payments")
    for column in ("payment", "order", "method", "amount", "created", "last asked"):
        table.add_column(column, justify="right" if column == "amount" else "left")
    for p in rows:
        asked = f"{p.checked_at:%Y-%m-%d %H:%M}" if p.checked_at else "never"
        table.add_row(
            p.id, p.order_id, p.method, f"{p.amount} F", f"{p.created_at:%Y-%m-%d %H:%M}", asked
        )
    console.print(table)


def _row(payment: Payment) -> dict[str, object]:
    return {
        "paymentId": payment.id,
        "orderId": payment.order_id,
        "method": payment.method,
        "amount": payment.amount,
        "providerReference": payment.provider_reference,
        "createdAt": payment.created_at.isoformat(),
        "checkedAt": payment.checked_at.isoformat() if payment.checked_at else None,
    }


@app.command()
def reconcile(
    ctx: typer.Context,
    all_pending: Annotated[
        bool, typer.Option("--all", help="Every pending payment, however recent")
    ] = False,
) -> None:
    """Ask the providers about payments pending too long (all with --all) and settle them."""

    async def work(platform: Platform) -> ReconcileReport:
        command = ReconcilePayments(min_age_minutes=0 if all_pending else None)
        return await reconcile_payments(platform, command)

    report = ctx.obj.run(work)
    outcome = ", ".join(f"{n} {what}" for what, n in sorted(report.results.items()))
    console.print(
        f"{report.checked} pending payments asked about" + (f": {outcome}" if outcome else "")
    )
