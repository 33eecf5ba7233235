"""`itvision order …`: list and show orders (with their timeline), and expire unpaid orders by
hand (`serve` and `worker` do it every 30 seconds)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from itvision.engines.order import queries
from itvision.engines.order.commands import ExpireOrders
from itvision.engines.order.queries.orders import OrderSearch
from itvision.engines.order.schemas import OrderPublic, TimelineEntryPublic
from itvision.engines.order.services.cancellation import expire_orders
from itvision.platform.money import format_xof
from itvision.platform.pagination import PageParams
from itvision.platform.system import Platform

app = typer.Typer(help="Orders: list, show with their timeline, expire.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only orders in this status")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's orders")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
) -> None:
    """The newest orders."""

    async def work(platform: Platform) -> Any:
        search = OrderSearch(status=status, customer_id=customer)
        return await queries.orders.list_orders(platform, search, PageParams(limit=limit, offset=0))

    page = ctx.obj.run(work)
    table = Table(title=f"{len(page.items)} of {page.total} orders")
    for column in ("order", "placed at", "customer", "status", "payment", "total"):
        table.add_column(column, justify="right" if column == "total" else "left")
    for order in page.items:
        table.add_row(
            order.id,
            f"{order.placed_at:%Y-%m-%d %H:%M}",
            order.customer_id,
            order.status,
            order.payment_method,
            format_xof(order.total),
        )
    console.print(table)


@app.command("show")
def show_command(ctx: typer.Context, order_id: str) -> None:
    """One order: its lines, amounts and timeline."""

    async def work(platform: Platform) -> tuple[OrderPublic, list[TimelineEntryPublic]]:
        order = await queries.orders.get_order(platform, order_id)
        entries = await queries.orders.timeline(platform, order.id)
        return OrderPublic.of(order), [TimelineEntryPublic.of(e) for e in entries]

    order, entries = ctx.obj.run(work)
    console.print(
        f"[bold]{order.id}[/bold] — {order.status_label} ({order.status}), "
        f"client {order.customer_id}, {order.payment_method}, {order.delivery_method}"
    )
    lines = Table()
    for column in ("sku", "name", "qty", "unit price", "discount", "total"):
        lines.add_column(column)
    for line in order.lines:
        lines.add_row(
            line.sku,
            line.name,
            str(line.quantity),
            format_xof(line.unit_price),
            format_xof(line.discount),
            format_xof(line.total),
        )
    console.print(lines)
    console.print(
        f"subtotal {format_xof(order.subtotal)}, discounts {format_xof(order.discount_total)}, "
        f"shipping {format_xof(order.shipping_fee)}, total {format_xof(order.total)} "
        f"(VAT {format_xof(order.vat_total)})"
    )
    timeline = Table(title="timeline")
    for column in ("at", "engine", "status", "what"):
        timeline.add_column(column)
    for entry in entries:
        timeline.add_row(f"{entry.at:%Y-%m-%d %H:%M:%S}", entry.engine, entry.status, entry.summary)
    console.print(timeline)


@app.command()
def expire(ctx: typer.Context) -> None:
    """Cancel the orders not paid by their deadline (reason `expired`): their stock comes
    back."""

    async def work(platform: Platform) -> int:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("expiring unpaid orders", total=None)

            def advanced(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            return await expire_orders(platform, ExpireOrders(), progress=advanced)

    console.print(f"{ctx.obj.run(work)} orders expired")
