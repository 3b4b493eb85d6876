"""Examples are tests: the Python examples of docs/roe.md run."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "roe.md"


def test_the_python_examples_in_the_docs_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})


def test_the_yaml_rule_example_is_the_shipped_rule() -> None:
    text = DOC.read_text(encoding="utf-8")
    shipped = (
        Path(__file__).resolve().parents[1] / "src/guarantor/roe/data/air-policing.yaml"
    ).read_text(encoding="utf-8")
    for line in (
        "- id: bring-down-drone-near-site",
        "then: disable",
        "authority: mission_commander",
    ):
        assert line in text
        assert line in shipped
