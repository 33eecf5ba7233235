"""`itvision billing …`: list invoices, write a quote's, an invoice's or a credit note's PDF
to a file, and announce overdue invoices now (`serve` and `worker` do it daily)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from itvision.engines.billing import queries
from itvision.engines.billing.commands import FlagOverdueInvoices
from itvision.engines.billing.queries.invoices import InvoiceFilters, InvoiceView
from itvision.engines.billing.rules.amounts import format_amount
from itvision.engines.billing.rules.states import InvoiceStatus
from itvision.engines.billing.services.invoices import flag_overdue_invoices
from itvision.platform.events import utcnow
from itvision.platform.pagination import PageParams
from itvision.platform.system import Platform

app = typer.Typer(help="Billing: invoices, documents, overdue notices.", no_args_is_help=True)
console = Console()


@app.command("invoices")
def list_invoices(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option(help="Only this customer's")] = None,
    status: Annotated[
        InvoiceStatus | None, typer.Option(help="issued, paid, overdue, credited")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The newest invoices, with their status."""

    async def work(platform: Platform) -> tuple[list[InvoiceView], int]:
        filters = InvoiceFilters(customer_id=customer, status=status)
        return await queries.invoices.invoices(
            platform, PageParams(limit=limit, offset=0), filters, utcnow()
        )

    rows, total = ctx.obj.run(work)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "number": v.invoice.number,
                        "order_id": v.invoice.order_id,
                        "customer_id": v.invoice.customer_id,
                        "issued_at": v.invoice.issued_at.isoformat(),
                        "total": v.invoice.total,
                        "status": v.status,
                    }
                    for v in rows
                ],
                indent=2,
            )
        )
        return
    table = Table(title=f"{len(rows)} of {total} invoices")
    for column in ("number", "issued", "order", "customer", "total", "status"):
        table.add_column(column, justify="right" if column == "total" else "left")
    for v in rows:
        invoice = v.invoice
        table.add_row(
            invoice.number,
            invoice.issued_at.date().isoformat(),
            invoice.order_id,
            invoice.customer_id,
            format_amount(invoice.total),
            v.status,
        )
    console.print(table)


@app.command()
def pdf(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="FAC-2026-000001, AV-…, DEV-…")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Default: NUMBER.pdf")] = None,
    lang: Annotated[Literal["fr", "en"], typer.Option(help="fr or en")] = "fr",
) -> None:
    """Write a quote's, an invoice's or a credit note's PDF to a file."""

    async def work(platform: Platform) -> bytes:
        return await queries.documents.pdf_by_number(platform, number, lang, utcnow())

    content = ctx.obj.run(work)
    target = out or Path(f"{number}.pdf")
    target.write_bytes(content)
    console.print(f"{number} written to {target} ({len(content)} bytes)")


@app.command()
def overdue(ctx: typer.Context) -> None:
    """Announce now the business invoices unpaid a day past their due date (once each)."""

    async def work(platform: Platform) -> int:
        return await flag_overdue_invoices(platform, FlagOverdueInvoices())

    console.print(f"{ctx.obj.run(work)} invoice(s) announced overdue")
