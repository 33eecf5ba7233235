"""`itvision catalog …`: import a spreadsheet, print the CSV template."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from itvision.engines.catalog.commands import ImportCatalog
from itvision.engines.catalog.rules.csv_format import CSV_TEMPLATE
from itvision.engines.catalog.rules.violations import Language, Violation
from itvision.engines.catalog.schemas import ImportReport
from itvision.engines.catalog.services.imports import import_catalog
from itvision.platform.system import Platform

app = typer.Typer(help="The catalog: import spreadsheets (CSV).", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@app.command("import")
def import_file(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="A .csv file")
    ],
    dry_run: Annotated[bool, typer.Option(help="Check every row, write nothing")] = False,
    strict: Annotated[bool, typer.Option(help="Write nothing if any row is invalid")] = False,
    create_categories: Annotated[
        bool,
        typer.Option(
            help="Create the categories the file names and the catalog lacks "
            "(`Parent > Child` creates the parents too)"
        ),
    ] = False,
    lang: Annotated[str, typer.Option(help="Language of the report: fr or en")] = "fr",
) -> None:
    """Create or update products and variants from a CSV file (`;` or `,`, UTF-8 or Excel's
    Windows-1252). Exit code 1 if the file or any row is invalid."""
    if lang not in ("fr", "en"):
        err.print("[red]error:[/red] --lang is fr or en")
        raise typer.Exit(2)
    language: Language = "fr" if lang == "fr" else "en"
    command = ImportCatalog(
        file.read_bytes(), dry_run=dry_run, strict=strict, create_categories=create_categories
    )
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    )

    async def work(platform: Platform) -> ImportReport | Violation:
        task = progress.add_task("Import" if language == "en" else "Écriture", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            return ImportReport.of(
                await import_catalog(platform, command, progress=advance), language
            )
        except Violation as violation:
            return violation

    with progress:
        outcome = ctx.obj.run(work)
    if isinstance(outcome, Violation):
        err.print(f"[red]{file.name}:[/red] {outcome.text(language)}", highlight=False)
        raise typer.Exit(1)
    _print(outcome, language)
    raise typer.Exit(1 if outcome.errors else 0)


@app.command("template")
def template() -> None:
    """Print a CSV file to start from (French columns, `;`): `itvision catalog template > f.csv`."""
    typer.echo(CSV_TEMPLATE, nl=False)


def _print(report: ImportReport, language: Language) -> None:
    french = language == "fr"
    _print_summary(report, french)
    if report.categories_created:
        head = "catégories créées" if french else "categories created"
        if not report.applied:
            head = "catégories à créer" if french else "categories to create"
        names = (f"{c.slug} ({c.name_fr})" for c in report.categories_created)
        console.print(f"{head}: {', '.join(names)}", highlight=False)
    if not report.applied:
        console.print("rien n'a été écrit" if french else "nothing was written")
    if report.ignored_columns:
        head = "colonnes ignorées" if french else "ignored columns"
        console.print(f"{head}: {', '.join(report.ignored_columns)}", highlight=False)
    if report.errors:
        _print_errors(report, french)


def _print_summary(report: ImportReport, french: bool) -> None:
    lines = (
        ("lignes lues", "rows read", report.rows),
        ("produits créés", "products created", report.products_created),
        ("produits modifiés", "products updated", report.products_updated),
        ("variantes créées", "variants created", report.variants_created),
        ("variantes modifiées", "variants updated", report.variants_updated),
        ("inchangées", "unchanged", report.unchanged),
        ("lignes invalides", "invalid rows", report.invalid_rows),
    )
    summary = Table(show_header=False, box=None)
    for label_fr, label_en, count in lines:
        summary.add_row(label_fr if french else label_en, str(count))
    console.print(summary)


def _print_errors(report: ImportReport, french: bool) -> None:
    table = Table(title="erreurs" if french else "errors")
    headers = (
        ("ligne", "colonne", "SKU", "raison") if french else ("row", "column", "SKU", "reason")
    )
    for column in headers:
        table.add_column(column)
    for error in report.errors:
        table.add_row(str(error.row), error.column or "-", error.sku or "-", error.reason)
    console.print(table)
    if any(e.code == "unknown_category" for e in report.errors):
        console.print(
            "--create-categories crée les catégories absentes"
            if french
            else "--create-categories creates the missing categories",
            highlight=False,
        )
