"""Views as text for a terminal or a plain ``repr``: rich tables rendered to a string."""

from __future__ import annotations

import io
import math
from typing import Any

from guarantor.display.views import View

WIDTH = 110
TEXT_ROWS = 30
"""Rows of one table printed; the HTML view and ``to_pandas()`` have them all."""


def _cell(value: Any) -> str:
    from guarantor.report.render import format_value

    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    return format_value(value)


def view_text(view: View, *, width: int = WIDTH) -> str:
    """The view as plain text: title, lines, and each block's lines and table."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    # force_jupyter=False: inside a notebook rich would display each line instead of writing it
    console = Console(
        file=buffer,
        width=width,
        no_color=True,
        highlight=False,
        emoji=False,
        force_jupyter=False,
        force_terminal=False,
    )
    console.print(view.title, style="bold", markup=False)
    for line in view.lines:
        console.print(line, markup=False)
    for block in view.blocks:
        if block.heading:
            console.print(f"\n{block.heading}", markup=False)
        for line in block.lines:
            console.print(f"  {line}", markup=False)
        if block.rows and block.text_rows:
            table = Table(
                *(escape(column) for column in block.columns),
                box=box.SIMPLE_HEAD,
                show_edge=False,
                pad_edge=False,
            )
            for row in block.rows[:TEXT_ROWS]:
                table.add_row(*(Text(_cell(row.get(column))) for column in block.columns))
            console.print(table)
            if len(block.rows) > TEXT_ROWS:
                console.print(f"  … {len(block.rows) - TEXT_ROWS} more rows", markup=False)
        elif block.rows:
            console.print(f"  {len(block.rows)} rows (see to_pandas())", markup=False)
        extras = []
        if block.map:
            extras.append(f"a map of {len(block.map.get('layers', []))} layer(s)")
        if block.charts:
            extras.append(f"{len(block.charts)} chart(s)")
        if extras:
            console.print(f"  [{' and '.join(extras)} in the notebook view]", markup=False)
    return buffer.getvalue().rstrip() + "\n"
