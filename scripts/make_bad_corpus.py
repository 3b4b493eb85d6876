"""Write the bad-input corpus under ``tests/data/bad/``: shipped files, each broken in one way.

Every file kind guarantor reads gets the same hostile edits (an alias bomb, deep nesting, a
merge key, an object tag, a duplicate key, a byte that is not UTF-8, a syntax error, a list
where a mapping belongs, an unknown field, an infinite number) plus edits that only make sense for
that kind (a fighter count of 1e308, a rule set named by path, a repeated actor, ...).
``tests/test_bad_input.py`` runs every file through every command that reads its kind and
requires exit 1, no traceback and every problem located at file:line.

Run: ``.venv/bin/python scripts/make_bad_corpus.py`` (rewrites the folders it owns).

The script is longer than most (about 480 lines) because it is a table: one edit per file.
"""

# ruff: noqa: E501 - the edits quote whole lines of the shipped files, which are long

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "guarantor"
OUT = ROOT / "tests" / "data" / "bad"
GEOGRAPHY = SRC / "theatre" / "data" / "ukraine-2025"

Edit = Callable[[str], str]


def replace(old: str, new: str) -> Edit:
    """Replace the first ``old`` (which must be there) by ``new``."""

    def edit(text: str) -> str:
        if old not in text:
            raise SystemExit(f"corpus edit: {old!r} not found")
        return text.replace(old, new, 1)

    return edit


def append(extra: str) -> Edit:
    """Add lines at the end."""
    return lambda text: text.rstrip("\n") + "\n" + extra


def first_number(new: str) -> Edit:
    """Replace the first ``value: NUMBER`` by ``value: new``."""

    def edit(text: str) -> str:
        changed, count = re.subn(r"value: -?[0-9][0-9.]*", f"value: {new}", text, count=1)
        if not count:
            raise SystemExit("corpus edit: no 'value: NUMBER' to change")
        return changed

    return edit


def laughs() -> str:
    rows = ["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    rows += [f"lol{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)]
    return "\n".join(rows) + "\n"


GENERIC: dict[str, Edit] = {
    "alias-bomb": append(laughs()),
    "deep-nesting": append("deep: " + "[" * 500 + "]" * 500 + "\n"),
    "merge-key": append("base: &base {a: 1}\nmerged:\n  <<: *base\n  b: 2\n"),
    "python-tag": append("evil: !!python/object/apply:os.system ['echo hi']\n"),
    "duplicate-top-key": lambda text: text + "\n" + _first_key_line(text),
    "syntax-error": append("broken: [unclosed, list\nnext: 1\n"),
    "unknown-field": append("kremlin_horoscope: 7\n"),
    "list-not-mapping": lambda _: "- just\n- a list\n",
    "recursive-alias": append("loop: &loop [*loop]\n"),
    "long-line-tab-indent": append("tabbed:\n\t- x\n"),
}


def _first_key_line(text: str) -> str:
    for line in text.splitlines():
        if re.match(r"^[a-z_]+:", line):
            return line + "\n"
    raise SystemExit("corpus edit: no top-level key")


PACKAGE_P = SRC / "packages" / "data" / "paris-declaration-2026.yaml"
PACKAGE_S = SRC / "packages" / "data" / "sky-shield-2025.yaml"
PACKAGES: dict[str, tuple[Path, list[Edit]]] = {
    "troops-1e308": (
        PACKAGE_P,
        [
            replace(
                "value: 7500, low: 5000, high: 7500", "value: 1.0e+308, low: 5000, high: 1.0e+308"
            )
        ],
    ),
    "troops-above-europes-largest-army": (
        PACKAGE_P,
        [replace("value: 7500, low: 5000, high: 7500", "value: 900000, low: 5000, high: 900000")],
    ),
    "troops-per-actor-summed": (
        PACKAGE_P,
        [
            replace("value: 7500, low: 5000, high: 7500", "value: 400000, low: 5000, high: 400000"),
            replace(
                "value: 7500, low: 5000, high: 10000", "value: 400000, low: 5000, high: 400000"
            ),
            replace(
                "  - id: france-reassurance-force\n    actor: FRA",
                "  - id: france-reassurance-force\n    actor: GBR",
            ),
        ],
    ),
    "troops-negative": (
        PACKAGE_P,
        [replace("value: 7500, low: 5000, high: 7500", "value: -7500, low: -9000, high: 7500")],
    ),
    "monitors-inf": (
        PACKAGE_P,
        [
            replace(
                "monitors: {value: 1500, low: 500, high: 6000",
                "monitors: {value: .inf, low: 500, high: .inf",
            )
        ],
    ),
    "monitors-nan": (
        PACKAGE_P,
        [
            replace(
                "monitors: {value: 1500, low: 500, high: 6000",
                "monitors: {value: .nan, low: 500, high: 6000",
            )
        ],
    ),
    "monitors-text": (PACKAGE_P, [replace("monitors: {value: 1500", "monitors: {value: lots")]),
    "instructors-negative": (
        PACKAGE_P,
        [
            replace(
                "instructors: {value: 2000, low: 500, high: 5000",
                "instructors: {value: -5, low: -10, high: 5000",
            )
        ],
    ),
    "arms-budget-above-world": (
        PACKAGE_P,
        [
            replace(
                "usd_bn_per_year: {value: 40, low: 20, high: 60",
                "usd_bn_per_year: {value: 40000, low: 20, high: 60000",
            )
        ],
    ),
    "ships-400": (
        PACKAGE_P,
        [replace("count: {value: 4, unit: ships", "count: {value: 400, unit: ships")],
    ),
    "ships-unit-aircraft": (
        PACKAGE_P,
        [replace("unit: ships, source: mcm-black-sea", "unit: aircraft, source: mcm-black-sea")],
    ),
    "backstop-level-unknown": (PACKAGE_P, [replace("level: enablers", "level: nukes")]),
    "snapback-automatic-maybe": (PACKAGE_P, [replace("automatic: false", "automatic: [maybe]")]),
    "reinforce-factor-2000": (
        PACKAGE_P,
        [
            replace(
                "factor: {value: 2, low: 1.5, high: 3", "factor: {value: 2000, low: 1.5, high: 3000"
            )
        ],
    ),
    "trigger-event-unknown": (PACKAGE_P, [replace("when: probe", "when: horoscope")]),
    "trigger-commitment-unknown": (
        PACKAGE_P,
        [replace("commitment: coalition-air-policing", "commitment: nobody")],
    ),
    "roe-path": (PACKAGE_P, [replace("  air: air-policing", "  air: ../no-such-rules.yaml")]),
    "roe-unknown-name": (PACKAGE_P, [replace("  air: air-policing", "  air: shoot-first")]),
    "actor-unknown": (PACKAGE_P, [replace("actor: GBR", "actor: NARNIA")]),
    "commitment-id-repeated": (
        PACKAGE_P,
        [replace("id: france-reassurance-force", "id: uk-reassurance-force")],
    ),
    "title-missing": (PACKAGE_P, [replace("title: ", "heading: ")]),
    "theatre-unknown": (PACKAGE_P, [replace("theatre: ukraine-2025", "theatre: atlantis")]),
    "condition-two-fields": (
        PACKAGE_P,
        [
            replace(
                "      - ceasefire_agreed: true\n",
                "      - {ceasefire_agreed: true, russia_consents: true}\n",
            )
        ],
    ),
    "condition-parliament-unknown": (
        PACKAGE_P,
        [replace("parliament_approves: GBR", "parliament_approves: MORDOR")],
    ),
    "hub-unknown": (PACKAGE_P, [replace("hubs: [lviv, kyiv]", "hubs: [lviv, atlantis]")]),
    "instrument-unknown": (
        PACKAGE_P,
        [replace("instrument: us_backstop", "instrument: space_lasers")],
    ),
    "source-unknown": (
        PACKAGE_P,
        [replace("source: paris-declaration-liga", "source: a-friend-said")],
    ),
    "aircraft-1e308": (
        PACKAGE_S,
        [
            replace(
                "{value: 24, low: 12, high: 36, unit: aircraft,",
                "{value: 1e308, low: 12, high: 1e309, unit: aircraft,",
            )
        ],
    ),
    "aircraft-plain-309-digits": (
        PACKAGE_S,
        [
            replace(
                'count: {value: 12, low: 6, high: 24, unit: aircraft,\n         assumption: "share of the 120 at Mińsk Mazowiecki"}}',
                "count: " + "9" * 309 + "}",
            )
        ],
    ),
    "aircraft-per-base-summed": (
        PACKAGE_S,
        [
            replace(
                "{value: 24, low: 12, high: 36, unit: aircraft,",
                "{value: 190, low: 12, high: 190, unit: aircraft,",
            ),
            replace(
                "base: EPRZ, count: {value: 12, low: 6, high: 24,",
                "base: EPRZ, count: {value: 190, low: 6, high: 190,",
            ),
        ],
    ),
    "readiness-inf": (
        PACKAGE_S,
        [
            replace(
                "readiness_min: {value: 15, low: 5, high: 30",
                "readiness_min: {value: .inf, low: 5, high: .inf",
            )
        ],
    ),
    "readiness-a-week": (
        PACKAGE_S,
        [
            replace(
                '    readiness_min: {value: 15, low: 5, high: 30, unit: min, assumption: "NATO QRA standard RS-15"}',
                "    readiness_min: 10080",
            )
        ],
    ),
    "standoff-negative": (
        PACKAGE_S,
        [
            replace(
                "standoff_km: {value: 200, unit: km, source: sky-shield-fortune, note:",
                "standoff_km: {value: -200, unit: km, source: sky-shield-fortune, note:",
            )
        ],
    ),
    "standoff-beyond-the-theatre": (
        PACKAGE_S,
        [
            replace(
                "    standoff_km: {value: 200, unit: km, source: sky-shield-fortune}",
                "    standoff_km: 40000",
            )
        ],
    ),
    "base-unknown": (PACKAGE_S, [replace("base: EPLK", "base: XXXX")]),
    "fighter-type-unknown": (PACKAGE_S, [replace("type: gripen", "type: mig29")]),
    "tanker-flown-as-fighter": (
        PACKAGE_S,
        [replace("type: rafale, base: LRCK", "type: kc135r, base: LRCK")],
    ),
    "cap-station-unknown": (
        PACKAGE_S,
        [replace("cap_stations: [odesa]", "cap_stations: [atlantis]")],
    ),
    "url-not-a-url": (PACKAGE_S, [replace("url: https://babel.ua/", "url: not-a-url/")]),
    "assumption-without-range": (
        PACKAGE_S,
        [replace("{value: 24, low: 12, high: 36, unit: aircraft,", "{value: 24, unit: aircraft,")],
    ),
}

RULESET = SRC / "roe" / "data" / "air-policing.yaml"
RULESETS: dict[str, list[Edit]] = {
    "response-unknown": [replace("then: warn", "then: nuke")],
    "authority-unknown": [replace("authority: on_scene", "authority: the-intern")],
    "zone-unknown": [
        replace(
            "zone: [ukraine_west_of_line, black_sea_corridor]", "zone: [ukraine_west_of_line, moon]"
        )
    ],
    "act-unknown": [
        replace("act: {at_least: airspace_violation}", "act: {at_least: rude_gesture}")
    ],
    "rule-id-repeated": [replace("id: warn-violator", "id: report-every-violation")],
    "hit-policy-unknown": [replace("hit_policy: priority", "hit_policy: vibes")],
    "threshold-inf": [replace("below: 20", "below: .inf")],
    "threshold-text": [replace("below: 20", "below: twenty")],
}

FIXTURES = SRC / "roe" / "data" / "fixtures" / "air-policing.yaml"
FIXTURE_EDITS: dict[str, list[Edit]] = {
    "expect-unknown": [replace("expect: monitor", "expect: nuke")],
    "domain-unknown": [replace("domain: air", "domain: cyberspace")],
    "distance-inf": [
        replace(
            "distance_km: {value: 150, low: 0, high: 1000",
            "distance_km: {value: .inf, low: 0, high: .inf",
        )
    ],
    "distance-negative": [
        replace(
            "distance_km: {value: 150, low: 0, high: 1000",
            "distance_km: {value: -150, low: -200, high: 1000",
        )
    ],
    "fixture-id-repeated": [
        replace("id: violation-of-nato-airspace", "id: routine-flight-near-border")
    ],
}

INCIDENT_OK = (
    "domain: air\nact: airspace_violation\nzone: nato_airspace\ndistance_km: 30\n"
    "actor: russia\nplatform: drone\nauthority: mission_commander\n"
)
INCIDENTS: dict[str, str] = {
    "act-unknown": INCIDENT_OK.replace("act: airspace_violation", "act: rude_gesture"),
    "distance-inf": INCIDENT_OK.replace("distance_km: 30", "distance_km: .inf"),
    "distance-negative": INCIDENT_OK.replace("distance_km: 30", "distance_km: -30"),
    "distance-1e308": INCIDENT_OK.replace("distance_km: 30", "distance_km: 1.0e+308"),
    "zone-unknown": INCIDENT_OK.replace("zone: nato_airspace", "zone: moon"),
    "field-unknown": INCIDENT_OK + "mood: grumpy\n",
    "alias-bomb": INCIDENT_OK + laughs(),
    "deep-nesting": INCIDENT_OK + "deep: " + "[" * 500 + "]" * 500 + "\n",
}

ACTORS = SRC / "bargaining" / "data" / "actors-2025.yaml"
UNCERTAINTIES = SRC / "durability" / "data" / "uncertainties.yaml"
UNCERTAINTY_EDITS: dict[str, list[Edit]] = {
    "name-unknown": [replace("  russia_war_aims:", "  kremlin_horoscope:")],
    "range-1e308": [
        replace("us_resolve:", "us_resolve_placeholder:"),
        append(
            '  us_resolve: {value: 0.5, low: -1.7e+308, high: 1.7e+308, unit: "1", assumption: wide}\n'
        ),
    ],
    "value-inf": [first_number(".inf")],
    "brent-negative": [
        append(
            "  brent_usd_per_bbl_again: {value: -5, low: -10, high: 0, unit: USD/bbl, assumption: x}\n"
        )
    ],
    "low-above-high": [
        replace(
            "uncertainties:\n",
            'uncertainties:\n  us_election_swing_bad: {value: 0.3, low: 0.6, high: 0.1, unit: "1", assumption: x}\n',
        )
    ],
}
CASES = SRC / "durability" / "data" / "cases.yaml"
CASE_EDITS: dict[str, list[Edit]] = {
    "settlement-unknown": [replace("settlement: agreement", "settlement: handshake")],
    "start-not-a-date": [replace('start: "1994-12-05"', "start: [yesterday]")],
    "case-id-repeated": [
        lambda text: (
            text.replace("id: budapest-1994", "id: budapest-1994", 1) + _repeat_first_case(text)
        )
    ],
}
MARITIME = SRC / "instruments" / "maritime" / "data.yaml"
AIR = SRC / "instruments" / "air" / "data.yaml"
THEATRE = GEOGRAPHY / "theatre.yaml"
THEATRE_EDITS: dict[str, list[Edit]] = {
    "geography-missing": [replace("geography: geography.geojson", "geography: nowhere.geojson")],
    "actor-kind-unknown": [
        lambda text: re.sub(r"kind: (state|bloc|organisation)", "kind: dragon", text, count=1)
    ],
}


def _repeat_first_case(text: str) -> str:
    start = text.index("  - id: budapest-1994")
    end = text.index("\n  - id:", start + 5)
    return text[start:end] + "\n"


BDM_OK = (SRC / "bargaining" / "data" / "bdm-example.csv").read_text(encoding="utf-8")
KTAB_OK = (SRC / "bargaining" / "data" / "ktab-dummy-3dim.csv").read_text(encoding="utf-8")
CSVS: dict[str, tuple[str, str]] = {
    "duplicate-actor": ("bdm", BDM_OK + "Germany,0.16,4,0.8\n"),
    "capability-negative": ("bdm", BDM_OK.replace("Belgium,0.08,7,0.4", "Belgium,-0.08,7,0.4")),
    "salience-above-one": ("bdm", BDM_OK.replace("Belgium,0.08,7,0.4", "Belgium,0.08,7,4")),
    "position-inf": ("bdm", BDM_OK.replace("Belgium,0.08,7,0.4", "Belgium,0.08,inf,0.4")),
    "number-text": ("bdm", BDM_OK.replace("Belgium,0.08,7,0.4", "Belgium,lots,7,0.4")),
    "row-short": ("bdm", BDM_OK.replace("Belgium,0.08,7,0.4", "Belgium,0.08")),
    "actor-blank": ("bdm", BDM_OK.replace("Belgium,", ",", 1)),
    "ktab-duplicate-actor": ("ktab", KTAB_OK.rstrip("\n") + "\n" + KTAB_OK.splitlines()[2] + "\n"),
    "ktab-power-nan": ("ktab", KTAB_OK.replace("102.543", "nan", 1)),
    "ktab-salience-negative": ("ktab", KTAB_OK.replace("49.53", "-49.53", 1)),
    "ktab-position-text": ("ktab", KTAB_OK.replace("75.79", "far-left", 1)),
}


def write(kind: str, name: str, text: str | bytes, suffix: str = ".yaml") -> None:
    """Write one corpus file."""
    folder = OUT / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}{suffix}"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def generic(kind: str, base: Path, prepare: Edit = lambda text: text) -> None:
    """The hostile edits every YAML kind gets, and a byte that is not UTF-8."""
    text = prepare(base.read_text(encoding="utf-8"))
    for name, edit in GENERIC.items():
        write(kind, name, edit(text))
    lines = text.splitlines(keepends=True)
    write(
        kind,
        "not-utf8",
        "".join(lines[:5]).encode() + b"bad: \xff\xfe\n" + "".join(lines[5:]).encode(),
    )
    if re.search(r"value: -?[0-9]", text):
        write(kind, "first-value-inf", first_number(".inf")(text))


def main() -> None:
    """Rewrite the corpus folders."""
    kinds = ("package", "theatres", "ruleset", "fixtures", "incident", "actors", "uncertainties",
             "cases", "maritime", "air", "csv")  # fmt: skip
    for kind in kinds:
        shutil.rmtree(OUT / kind, ignore_errors=True)
    generic("package", PACKAGE_P)
    for name, (base, edits) in PACKAGES.items():
        text = base.read_text(encoding="utf-8")
        for edit in edits:
            text = edit(text)
        write("package", name, text)
    relative = Path("../../../../src/guarantor/theatre/data/ukraine-2025/geography.geojson")
    at_home = replace("geography: geography.geojson", f"geography: {relative.as_posix()}")
    generic("theatres", THEATRE, at_home)
    shutil.copy(GEOGRAPHY / "geography-sources.yaml", OUT / "theatres" / "geography-sources.yaml")
    for name, edits in THEATRE_EDITS.items():
        text = THEATRE.read_text(encoding="utf-8")
        for edit in edits:
            text = edit(text)
        write("theatres", name, at_home(text) if "nowhere" not in text else text)
    for kind, base, table in (
        ("ruleset", RULESET, RULESETS),
        ("fixtures", FIXTURES, FIXTURE_EDITS),
        ("uncertainties", UNCERTAINTIES, UNCERTAINTY_EDITS),
        ("cases", CASES, CASE_EDITS),
        ("actors", ACTORS, {}),
        ("maritime", MARITIME, {}),
        ("air", AIR, {}),
    ):
        generic(kind, base)
        for name, edits in table.items():
            text = base.read_text(encoding="utf-8")
            for edit in edits:
                text = edit(text)
            write(kind, name, text)
    for name, text in INCIDENTS.items():
        write("incident", name, text)
    for name, (engine, text) in CSVS.items():
        write("csv", f"{engine}-{name}" if not name.startswith(engine) else name, text, ".csv")
    count = sum(1 for path in OUT.rglob("*") if path.is_file() and path.parent != OUT)
    print(f"wrote the bad-input corpus: {count} files under {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
