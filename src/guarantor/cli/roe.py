"""``guarantor roe``: check, decide, diff and test rules of engagement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from guarantor.cli._common import Command, Group, JsonOption, console, print_json, reporting

if TYPE_CHECKING:
    from guarantor.errors import DataError
    from guarantor.roe.findings import VerificationReport

roe_app = typer.Typer(
    cls=Group,
    help="Rules of engagement: decide, verify, diff, test, graded answers.",
    no_args_is_help=True,
)

RulesArgument = typer.Argument(..., help="A rule-set file or a shipped rule set's name.")


@roe_app.command("check", cls=Command)
def check(
    rules: str = RulesArgument,
    save_fixtures: Path | None = typer.Option(
        None, "--save-fixtures", help="Write the counter-examples as a fixtures file."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Prove the rules complete, conflict-free, live, monotone and within their invariants.

    Exits 1 when any property fails; each failure shows a counter-example incident.
    """
    import yaml

    from guarantor.roe import load_ruleset, verify

    with reporting(as_json):
        ruleset = load_ruleset(rules)
        report = verify(ruleset)
        if save_fixtures is not None:
            save_fixtures.write_text(
                yaml.safe_dump(report.fixtures(ruleset), sort_keys=False, allow_unicode=True),
                encoding="utf-8",
            )
        if as_json:
            print_json(report.as_data())
        else:
            console.print(
                f"[bold]{escape(ruleset.title)}[/] ({ruleset.name}, revision {ruleset.revision}, "
                f"{len(ruleset.rules)} rules, {len(ruleset.prohibitions)} prohibitions, "
                f"hit policy {ruleset.hit_policy})"
            )
            _print_claims(report)
            if report.ok:
                console.print(
                    f"[green]verified[/]: {', '.join(report.checks)} hold "
                    f"({report.solver_calls} solver calls, {report.seconds:.2f} s)"
                )
            else:
                table = Table("check", "subject", "line", "finding", title="Findings")
                for finding in report.findings:
                    table.add_row(
                        finding.check,
                        escape(finding.subject),
                        str(finding.line or ""),
                        escape(finding.message),
                    )
                console.print(table)
                for finding in report.findings:
                    if finding.incident is not None:
                        console.print(
                            f"{finding.check} {finding.subject}: "
                            f"{json.dumps(finding.incident.as_data())}",
                            markup=False,
                            soft_wrap=True,
                        )
                    if finding.other is not None:
                        console.print(
                            f"  more threatening: {json.dumps(finding.other.as_data())}",
                            markup=False,
                            soft_wrap=True,
                        )
                console.print(f"[red]{len(report.findings)} finding(s)[/]")
    if not report.ok:
        raise typer.Exit(code=1)


def _print_claims(report: VerificationReport) -> None:
    """What is claimed over which incidents: the scope, and every scope-limited invariant."""
    console.print(f"scope: {escape(report.scope)} (outside it the default applies)")
    if report.whole_space:
        console.print(
            f"invariants proven over every incident: {escape(', '.join(report.whole_space))}"
        )
    for ident, within in report.limited:
        console.print(
            f"[yellow]scope-limited invariant[/] {escape(ident)}: claimed only within "
            f"{escape(within)}"
        )


def _at_incident_file(error: DataError, source: str) -> DataError:
    """Locate the rule set's problems with an incident (``incident.FIELD``) in its file."""
    from guarantor.errors import DataError
    from guarantor.yamlio import load_yaml

    path = Path(source)
    if source.lstrip().startswith("{") or not path.is_file():
        return error
    raw, lines = load_yaml(path)
    prefix: tuple[str, ...] = ("incident",) if isinstance(raw, dict) and "incident" in raw else ()
    located = []
    for problem in error.problems:
        if problem.file is None and problem.field.startswith("incident."):
            field = problem.field.removeprefix("incident.")
            where = [*prefix, *field.split(".")]
            problem = lines.problem(
                where, problem.message, expected=problem.expected, received=problem.received
            )
        located.append(problem)
    return DataError(located)


@roe_app.command("decide", cls=Command)
def decide_incident(
    rules: str = RulesArgument,
    incident: str = typer.Argument(
        ..., help="An incident file (YAML/JSON) or inline YAML, e.g. '{domain: air, ...}'."
    ),
    log: Path | None = typer.Option(
        None, "--log", help="Append the decision record (JSON line) to this file."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Decide an incident: the response, the rule, every condition met and failed, and why."""
    from guarantor.errors import DataError
    from guarantor.roe import decide, load_incident, load_ruleset, log_decision

    with reporting(as_json):
        ruleset = load_ruleset(rules)
        loaded = load_incident(incident)
        try:
            decision = decide(ruleset, loaded, next_step=True)
        except DataError as error:
            raise _at_incident_file(error, incident) from None
        record = log_decision(ruleset, loaded, decision)
        if log is not None:
            with log.open("a", encoding="utf-8") as stream:
                stream.write(json.dumps(record.as_data(), ensure_ascii=False) + "\n")
        if as_json:
            print_json({**decision.as_data(), "log": record.as_data()})
            return
        console.print(
            f"[bold]{decision.response.label}[/]  {escape(decision.reason)}", soft_wrap=True
        )
        table = Table("rule", "response", "matched", "met", "failed", title="Trace")
        for item in decision.trace:
            matched = "yes" if item.matched else "no"
            if item.denied_by:
                matched = f"denied by {', '.join(item.denied_by)}"
            table.add_row(
                item.rule,
                item.response.label,
                escape(matched),
                escape("; ".join(item.met)),
                escape("; ".join(item.failed)),
            )
        console.print(table)
        console.print(
            f"decision {record.decision_id}, input {record.input_hash}, revision {record.revision}"
        )


@roe_app.command("diff", cls=Command)
def diff_versions(
    old: str = typer.Argument(..., help="The old rule set (file or shipped name)."),
    new: str = typer.Argument(..., help="The new rule set (file or shipped name)."),
    as_json: bool = JsonOption,
) -> None:
    """Show what changes between two versions: responses, conflicts, gaps, dead rules, invariants.

    Each changed region of incidents and each appearing or disappearing conflict or gap comes
    with an example incident. Exits 0 either way.
    """
    from guarantor.roe import diff, load_ruleset

    with reporting(as_json):
        report = diff(load_ruleset(old), load_ruleset(new))
        if as_json:
            print_json(report.as_data())
            return
        if report.equivalent:
            console.print(
                "[green]equivalent[/]: every incident gets the same response, and no conflict, "
                "gap, dead rule or invariant changes"
            )
            return
        if report.changes:
            table = Table("before", "after", "direction", "example incident", title="Responses")
            for change in report.changes:
                table.add_row(
                    f"{change.old_response.label} ({change.old_rule or 'default'})",
                    f"{change.new_response.label} ({change.new_rule or 'default'})",
                    "stronger" if change.stronger else "weaker",
                    json.dumps(change.incident.as_data()),
                )
            console.print(table)
        else:
            console.print("every incident gets the same response")
        if not report.complete:
            console.print("[yellow]more changes exist than shown[/]")
        if report.faults:
            faults = Table("change", "subject", "what", "example incident", title="Faults")
            for fault in report.faults:
                mark = "red" if fault.worse else "green"
                faults.add_row(
                    f"[{mark}]{fault.kind}[/]",
                    escape(fault.subject),
                    escape(fault.message),
                    json.dumps(fault.incident.as_data()) if fault.incident else "",
                )
            console.print(faults)


@roe_app.command("test", cls=Command)
def run_tests(
    rules: str = RulesArgument,
    fixtures: str = typer.Argument(..., help="A fixtures file or a shipped fixtures name."),
    min_coverage: float = typer.Option(
        1.0, "--min-coverage", min=0.0, max=1.0, help="Share of rules fixtures must fire."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Run incident fixtures against the rules; report coverage; exit 1 on a failure."""
    from guarantor.roe import load_fixtures, load_ruleset, run_fixtures

    with reporting(as_json):
        report = run_fixtures(
            load_ruleset(rules), load_fixtures(fixtures), min_coverage=min_coverage
        )
        if as_json:
            print_json(report.as_data())
        else:
            table = Table("fixture", "expect", "got", "rule", "result", title="Fixtures")
            for result in report.results:
                mark = "[green]pass[/]" if result.passed else "[red]FAIL[/]"
                table.add_row(
                    result.id,
                    result.expect.label,
                    result.decision.response.label,
                    result.decision.rule or "default",
                    mark,
                )
            console.print(table)
            for result in report.results:
                if result.band_counterexample is not None:
                    console.print(
                        f"{result.id}: fails inside its band at "
                        f"{json.dumps(result.band_counterexample.as_data())}",
                        markup=False,
                        soft_wrap=True,
                    )
            console.print(
                f"{report.passed} passed, {report.failed} failed; rule coverage "
                f"{report.rule_coverage:.0%} (threshold {min_coverage:.0%}), condition "
                f"coverage {report.condition_coverage:.0%}"
            )
            if report.uncovered_rules:
                console.print(f"rules no fixture fires: {', '.join(report.uncovered_rules)}")
            console.print(
                f"region coverage {report.region_coverage:.0%} of {len(report.region_hits)} "
                "(domain / zone) regions in scope"
            )
            if report.uncovered_regions:
                console.print(f"regions no fixture visits: {', '.join(report.uncovered_regions)}")
    if not report.ok:
        raise typer.Exit(code=1)


@roe_app.command("probes", cls=Command)
def probes(rules: str = RulesArgument, as_json: bool = JsonOption) -> None:
    """The response the rules authorise against each class of Russian probe."""
    from guarantor.roe import ProbeClass, authorised_responses, load_ruleset

    with reporting(as_json):
        responses = authorised_responses(load_ruleset(rules))
        if as_json:
            print_json({probe.value: response.label for probe, response in responses.items()})
            return
        table = Table("probe class", "response", "rank", title="Authorised responses")
        for probe in ProbeClass:
            table.add_row(probe.value, responses[probe].label, str(int(responses[probe])))
        console.print(table)


@roe_app.command("answers", cls=Command)
def answers(
    package: str | None = typer.Argument(None, help="Package name or YAML path."),
    as_json: bool = JsonOption,
) -> None:
    """The graded answer a package's rules of engagement give each probe class, per domain.

    What the durability simulation uses: the rule set of each domain, the strongest answer it
    authorises against the class's probes, and that answer's credibility share and clash factor.
    A domain without rules of engagement has no authority (answer none).
    """
    from guarantor.packages import load_package
    from guarantor.roe import probe_answers, rulesets_by_domain

    with reporting(as_json):
        loaded = load_package(package)
        result = probe_answers(rulesets_by_domain(loaded.roe))
        if as_json:
            print_json({"package": loaded.name, "answers": result.as_data()})
            return
        table = Table(
            "probe class",
            "rules of engagement",
            "answer",
            "credibility",
            "clash factor",
            title=f"Graded answers: {loaded.name}",
        )
        for kind, data in result.as_data().items():
            table.add_row(
                kind,
                escape(data["ruleset"] or "none (no authority)"),
                data["answer"],
                f"{data['credibility']:.2f}",
                f"{data['clash_factor']:.2f}",
            )
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add the roe command group."""
    app.add_typer(roe_app, name="roe")
