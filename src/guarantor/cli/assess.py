"""``guarantor assess`` and ``guarantor compare``: one assessment, as a summary, JSON or report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from guarantor.cli._common import (
    Command,
    JsonOption,
    SeedOption,
    TheatreOption,
    WorldsOption,
    check_store,
    console,
    format_number,
    print_json,
    progress,
    reporting,
    writing,
)

if TYPE_CHECKING:
    from guarantor.assessment import Assessment, Comparison

METRICS_SHOWN = 8
"""Metrics per section in the summary; the rest are in --json and the report."""


def _store_summary(store: Path | None) -> dict[str, Any] | None:
    if store is None:
        return None
    from guarantor.explore.store import Store
    from guarantor.report.sweeps import sweep_summary

    return sweep_summary(Store(check_store(store)))


def print_assessment(assessment: Assessment) -> None:
    """The readable summary: verdicts, key metrics with units and bands, sources and gaps.

    A yes/no metric (held, accepts) shows the share of worlds where it is yes, not a median.
    """
    from rich.panel import Panel
    from rich.table import Table

    from guarantor.cli.views import is_probability, metric_cells

    package = assessment.package
    console.print(
        Panel.fit(
            f"[bold]{package.title}[/] ({package.name})\n"
            f"{assessment.n_worlds:,} worlds, seed {assessment.seed}, theatre "
            f"{assessment.theatre.name}; {len(assessment.sources())} sources, "
            f"{len(assessment.assumptions())} assumptions",
            title="guarantor assess",
        )
    )
    verdicts = Table(title="Verdicts", show_lines=True, expand=True)
    verdicts.add_column("section", style="bold", no_wrap=True)
    verdicts.add_column("verdict", ratio=1)
    for section in assessment.sections:
        verdicts.add_row(section.name, section.verdict)
    for item in assessment.unavailable:
        verdicts.add_row(item.name, f"[dim]not available: {item.reason}[/]")
    console.print(verdicts)
    for section in assessment.sections:
        table = Table(title=section.title, title_justify="left", expand=True)
        table.add_column("metric", ratio=1)
        table.add_column("median or share of worlds", justify="right", no_wrap=True)
        table.add_column("5–95 % band", justify="right", no_wrap=True)
        table.add_column("unit", no_wrap=True)
        table.add_column("reason", ratio=2)
        for metric in section.metrics[:METRICS_SHOWN]:
            value, low, high = metric_cells(metric)
            table.add_row(
                metric.label,
                value,
                f"{low} – {high}" if low else "",
                "of worlds" if is_probability(metric) else metric.unit,
                metric.reason,
            )
        hidden = len(section.metrics) - METRICS_SHOWN
        if hidden > 0:
            table.caption = f"{hidden} more metrics in --json and --report"
        console.print(table)


def print_comparison(comparison: Comparison) -> None:
    """Packages side by side; differing metrics in yellow, non-overlapping bands in red."""
    from rich.table import Table

    data = comparison.to_dict()
    # the names in full, before a narrow terminal folds the table's column headers
    console.print("packages: " + ", ".join(data["packages"]))
    table = Table(
        title=f"{len(data['packages'])} packages over {data['n_worlds']:,} worlds (seed "
        f"{data['seed']}): {data['differences']} of {len(data['rows'])} metrics differ",
        show_lines=False,
        expand=True,
    )
    table.add_column("section", no_wrap=True)
    table.add_column("metric", ratio=1)
    table.add_column("unit", no_wrap=True)
    for name in data["packages"]:
        table.add_column(name, justify="right")
    for row in data["rows"]:
        style = "bold red" if row["separated"] else ("yellow" if row["differs"] else "dim")
        cells = ["—" if cell is None else format_number(cell["value"]) for cell in row["cells"]]
        table.add_row(row["section"], row["label"], row["unit"], *cells, style=style)
    console.print(table)
    console.print(
        "[yellow]yellow[/]: central values differ by more than "
        f"{data['tolerance']:.0%}; [bold red]red[/]: 5–95 % bands do not overlap."
    )


def assess_command(
    package: str = typer.Argument(
        None, help="Package: a shipped name or a YAML path (default: the default package)."
    ),
    *,
    worlds: int = WorldsOption,
    seed: int = SeedOption,
    report: Path | None = typer.Option(
        None, "--report", help="Write a self-contained HTML report here."
    ),
    store: Path | None = typer.Option(
        None, "--store", help="A sweep store whose sensitivity and discovery to add."
    ),
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Assess a package with every model: verdicts, metrics with bands, map, sources."""
    from guarantor.assessment import assess
    from guarantor.theatre import load_theatre

    with reporting(as_json):
        sweep = _store_summary(store)
        with progress("assess", show=not as_json) as bar:
            bar.step("loading")
            loaded = load_theatre(theatre)
            bar.step(f"{worlds:,} worlds, every model")
            result = assess(package, theatre=loaded, worlds=worlds, seed=seed)
        if report is not None:
            from guarantor.report import write_report

            with writing(report, "the report", field="--report"):
                write_report(result, report, sweep=sweep)
        if as_json:
            print_json(result.to_dict())
        else:
            print_assessment(result)
            if report is not None:
                console.print(f"report written to {report}")


def compare_command(
    packages: list[str] = typer.Argument(..., help="Two or more packages (names or paths)."),
    *,
    worlds: int = WorldsOption,
    seed: int = SeedOption,
    report: Path | None = typer.Option(
        None, "--report", help="Write an HTML report of the first package and the comparison."
    ),
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Put packages side by side over the same worlds, with the differences highlighted."""
    from guarantor.assessment import compare
    from guarantor.theatre import load_theatre

    with reporting(as_json):
        with progress("compare", show=not as_json) as bar:
            bar.step(f"{len(packages)} packages × {worlds:,} worlds")
            result = compare(packages, theatre=load_theatre(theatre), worlds=worlds, seed=seed)
        if report is not None:
            from guarantor.report import write_report

            with writing(report, "the report", field="--report"):
                write_report(result.assessments[0], report, comparison=result)
        if as_json:
            print_json(result.to_dict())
        else:
            print_comparison(result)


def register(app: typer.Typer) -> None:
    """Add ``assess`` and ``compare`` to the command line."""
    app.command("assess", cls=Command)(assess_command)
    app.command("compare", cls=Command)(compare_command)
