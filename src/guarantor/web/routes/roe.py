"""Rules of engagement: the explorer page, the shipped rule sets, and deciding an incident."""

from __future__ import annotations

from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from guarantor.errors import DataError
from guarantor.web.models import BODY_ERRORS, ERRORS, DecideIn
from guarantor.web.views import page, problems_of

router = APIRouter()


@router.get("/roe", response_class=HTMLResponse, include_in_schema=False)
def roe_page(request: Request) -> HTMLResponse:
    """Pick a shipped rule set, describe an incident, see the decision and its trace."""
    from guarantor.roe import shipped_rulesets
    from guarantor.roe.schema import INCIDENT_FIELDS

    query = dict(request.query_params)
    ruleset = query.pop("ruleset", "air-policing")
    decision = None
    problems: list[dict[str, Any]] = []
    incident = {k: v for k, v in query.items() if k in INCIDENT_FIELDS and v != ""}
    if "domain" in incident:
        try:
            decision = decide(ruleset, incident)
        except DataError as error:
            problems = problems_of(error)
    return page(
        "roe.html.j2",
        request,
        rulesets=shipped_rulesets(),
        ruleset=ruleset,
        fields=list(INCIDENT_FIELDS.values()),
        incident=incident,
        decision=decision,
        problems=problems,
    )


@router.get("/api/roe/rulesets", tags=["roe"], responses=ERRORS)
def api_rulesets() -> dict[str, Any]:
    """The shipped rule sets and the incident fields they decide on."""
    from guarantor.roe import shipped_rulesets
    from guarantor.roe.schema import INCIDENT_FIELDS

    return {
        "rulesets": shipped_rulesets(),
        "fields": [
            {
                "name": spec.name,
                "kind": spec.kind.value,
                "values": list(spec.values),
                "unit": spec.unit,
                "description": spec.description,
            }
            for spec in INCIDENT_FIELDS.values()
        ],
    }


@router.post("/api/roe/decide", tags=["roe"], responses=BODY_ERRORS)
def api_decide(body: DecideIn) -> dict[str, Any]:
    """The response a shipped rule set decides for an incident, with its reasons."""
    return decide(body.ruleset, body.incident)


def decide(ruleset_name: str, incident: dict[str, Any]) -> dict[str, Any]:
    """Decide an incident under a shipped rule set (named, never a path).

    Raises:
        DataError: unknown rule set, or the incident is malformed (every problem located).
    """
    from guarantor.roe import decide as decide_incident
    from guarantor.roe import load_ruleset, shipped_rulesets
    from guarantor.roe.incidents import parse_incident
    from guarantor.yamlio import load_yaml_text

    if ruleset_name not in shipped_rulesets():
        raise DataError.single(
            "no such rule set",
            field="ruleset",
            expected=f"one of {shipped_rulesets()}",
            received=ruleset_name[:100],
        )
    raw, lines = load_yaml_text(yaml.safe_dump(incident, sort_keys=False), "<incident>")
    parsed, _, problems = parse_incident(raw, lines)
    if problems or parsed is None:
        raise DataError(problems)
    decision = decide_incident(load_ruleset(ruleset_name), parsed, next_step=True)
    return {"ruleset": ruleset_name, "incident": parsed.as_data(), **decision.as_data()}
