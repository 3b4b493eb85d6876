"""``guarantor simulate`` and ``guarantor backtest``."""

from __future__ import annotations

from pathlib import Path

import typer

from guarantor.cli._common import (
    Command,
    JsonOption,
    SeedOption,
    TheatreOption,
    WorldsOption,
    console,
    format_number,
    format_share,
    print_json,
    print_warnings,
    progress,
    reporting,
    writing,
)


def simulate_command(
    package: str | None = typer.Argument(None, help="Package name or YAML path."),
    *,
    worlds: int = WorldsOption,
    seed: int = SeedOption,
    months: int = typer.Option(120, "--months", "-m", min=1, max=600, help="Horizon in months."),
    theatre: str = TheatreOption,
    as_json: bool = JsonOption,
) -> None:
    """Does the package deter? Simulate the years after the ceasefire."""
    from rich.table import Table

    from guarantor.durability.chunked import simulate

    with reporting(as_json):
        with progress("simulating", show=not as_json) as bar:
            summary = simulate(
                package,
                worlds,
                seed,
                months,
                theatre=theatre,
                on_chunk=lambda done, total: bar.total(total, done),
            )
        if as_json:
            print_json(summary)
            return
        table = Table(
            "horizon",
            "P(peace holds)",
            "95 % CI",
            "smooth estimate",
            title=f"{summary['package']}: {worlds:,} worlds, seed {seed}",
        )
        p_hold = summary["p_hold"]
        assert isinstance(p_hold, dict)
        for horizon, value in p_hold.items():
            table.add_row(
                horizon,
                format_share(value["p"]),
                f"{format_share(value['low'])} – {format_share(value['high'])}",
                format_share(value["smooth"]),
            )
        console.print(table)
        clash = summary["p_direct_clash"]
        assert isinstance(clash, dict)
        console.print(
            f"expected probes {format_number(summary['expected_probes'])} "
            f"(answered {format_share(summary['answered_share'])}); "
            f"limited attacks {format_number(summary['expected_limited_attacks'])}; "
            f"P(direct clash) {format_share(clash['p'])}; "
            f"mean cost USD {format_number(summary['mean_cost_usd_bn'])} bn"
        )
        notes = summary["notes"]
        assert isinstance(notes, list)
        for note in notes:
            console.print(f"[dim]note: {note}[/]")


def backtest_command(  # noqa: PLR0917 (typer maps parameters to options)
    cases: list[str] = typer.Argument(None, help="Case ids (default: all)."),
    case_file: Path | None = typer.Option(None, "--file", help="A case library YAML file."),
    refit: bool = typer.Option(
        False,
        "--refit",
        help="Refit on the cases scored (in sample) instead of scoring "
        "them with the shipped calibration.",
    ),
    holdout: str | None = typer.Option(
        None,
        "--holdout",
        help="ID,...: refit on the library without these cases and score them out of sample.",
    ),
    worlds: int = typer.Option(100, "--worlds", "-n", help="Worlds per case."),
    cross_validation: bool = typer.Option(
        True, "--cv/--no-cv", help="Cross-validate on the training library (k-fold, LOO)."
    ),
    chart: Path | None = typer.Option(
        None, "--chart", help="Write the reliability diagram (SVG) of the headline scores."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Backtest the simulation on historical cases, out of sample unless --refit."""
    from rich.table import Table

    from guarantor.durability.backtest import backtest, reliability_svg
    from guarantor.durability.cases import load_cases
    from guarantor.errors import DataError
    from guarantor.reliability import backtest_warnings

    with reporting(as_json):
        if worlds < 1:
            raise DataError.single("must be ≥ 1", field="--worlds", received=str(worlds))
        if refit and holdout:
            raise DataError.single(
                "give --refit or --holdout, not both", field="--holdout", received=holdout
            )
        chosen = list(cases) if cases else None
        if holdout:
            library = load_cases(case_file)
            held = [ident.strip() for ident in holdout.split(",") if ident.strip()]
            library.select(held)  # unknown ids are a located error
            result = backtest(
                library,
                mode="holdout",
                holdout=held,
                n_worlds=worlds,
                cross_validation=cross_validation,
            )
        else:
            scored = load_cases(case_file).select(chosen) if (case_file or chosen) else None
            result = backtest(
                scored,
                mode="refit" if refit else "shipped",
                n_worlds=worlds,
                cross_validation=cross_validation,
            )
        headline = result.loo or result.scored
        if not as_json:
            console.print(f"[bold]Backtest {result.statement}.[/]")
        if chart is not None:
            with writing(chart, "the reliability chart", field="--chart"):
                chart.write_text(
                    reliability_svg(headline.reliability, title="Backtest reliability"),
                    encoding="utf-8",
                )
        warnings = backtest_warnings(result.to_dict())
        if as_json:
            print_json({**result.to_dict(), "warnings": warnings})
            return
        table = Table(
            "case",
            "P(hold 1y)",
            "5y",
            "10y",
            "held 1/5/10y",
            "in sample",
            title=f"Backtest: {result.statement}",
        )
        for forecast in result.forecasts:
            table.add_row(
                forecast.case_id,
                *(f"{p:.2f}" for p in forecast.predicted),
                "/".join("?" if o is None else str(o) for o in forecast.observed),
                "yes" if forecast.in_sample else "no",
            )
        console.print(table)
        s = result.scored
        console.print(
            f"scored: Brier {s.brier:.4f} (95% {s.brier_interval[0]:.4f}-"
            f"{s.brier_interval[1]:.4f}) vs base rate {s.brier_base_rate:.4f}; skill "
            f"{s.skill:+.3f}; Harrell's C {s.harrell_c:.3f}; {s.n_forecasts} forecasts"
        )
        for name, cv in (("leave-one-out", result.loo), ("5-fold", result.kfold)):
            if cv is None:
                continue
            low, high = cv.skill_interval
            console.print(
                f"cross-validated ({name}, {cv.n_cases} cases, every fold refitted): Brier "
                f"{cv.brier:.4f} vs base rate {cv.brier_base_rate:.4f}; skill "
                f"{cv.skill:+.3f} (95% {low:+.3f} to {high:+.3f}); Harrell's C "
                f"{cv.harrell_c:.3f}"
            )
        fit = result.fit
        console.print(
            f"fit ({fit.method}, n_cases {fit.n_cases}): "
            + ", ".join(
                f"{name} {value:.3f} (SE {error:.3f})"
                for name, value, error in zip(
                    ("baseline_log_odds", "weibull_shape", "early_log_hr"),
                    fit.theta,
                    fit.standard_errors,
                    strict=True,
                )
            )
            + f", early months {fit.early_months}"
        )
        console.print("rank order (P(hold 10y), high to low): " + ", ".join(result.rank_order()))
        print_warnings(warnings)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and ``backtest`` to the command line."""
    app.command("simulate", cls=Command)(simulate_command)
    app.command("backtest", cls=Command)(backtest_command)
