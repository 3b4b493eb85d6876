"""The numeric input both engines read: actors' capability, positions and saliences as arrays.

Positions and saliences are on KTAB's 0–1 scale (KTAB's files write 0–100 and divide by 100);
each actor's saliences sum to at most 1. :func:`read_ktab_csv` reads KTAB's SMP CSV format
unchanged (``examples/smp/doc/dummyData_3Dim.csv``), :func:`read_bdm_csv` the one-dimensional
``Actor,Capability,Position,Salience`` format of the BDM replications.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem

FloatArray = NDArray[np.float64]

SALIENCE_LIMIT = 1.0
"""KTAB's rule: an actor's saliences over all dimensions sum to at most 100 (1 on our scale)."""

_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ActorTable:
    """Actors on issue dimensions, as arrays (one row per actor)."""

    name: str
    description: str
    actors: tuple[str, ...]
    dimensions: tuple[str, ...]
    capability: FloatArray
    position: FloatArray
    salience: FloatArray
    actor_descriptions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n, d = len(self.actors), len(self.dimensions)
        if self.capability.shape != (n,):
            raise ValueError(f"capability must have shape ({n},), got {self.capability.shape}")
        for label, array in (("position", self.position), ("salience", self.salience)):
            if array.shape != (n, d):
                raise ValueError(f"{label} must have shape ({n}, {d}), got {array.shape}")

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.actors)

    def index(self, actor: str) -> int:
        """Return the row of ``actor``."""
        return self.actors.index(actor)


def _number(text: str, file: str, line: int, field: str, problems: list[Problem]) -> float:
    try:
        value = float(text)
    except ValueError:
        problems.append(
            Problem("not a number", file=file, line=line, field=field, received=repr(text.strip()))
        )
        return float("nan")
    if not np.isfinite(value):
        problems.append(Problem("not a finite number", file=file, line=line, field=field))
    return value


def _read_rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DataError([Problem(f"cannot read file: {error.strerror}", file=str(path))]) from None
    except UnicodeDecodeError:
        raise DataError([Problem("file is not UTF-8 text", file=str(path))]) from None
    rows = list(csv.reader(text.splitlines()))
    # KTAB writes a trailing comma on every line: drop the empty last cell.
    return [row[:-1] if row and not row[-1].strip() else row for row in rows]


def read_ktab_csv(path: str | Path) -> ActorTable:
    """Read KTAB's SMP CSV input unchanged.

    Row 1 is ``name, description, nActors, nDims``; row 2 the headers ``Actor, Description,
    Power, Pstn1, Sal1, ...``; then one row per actor. Positions and saliences are 0–100.

    Raises:
        DataError: every malformed cell, located by line and column; a salience sum over 100;
            a negative or missing capability; counts that disagree with the rows.
    """
    path = Path(path)
    file = str(path)
    rows = _read_rows(path)
    problems: list[Problem] = []
    if len(rows) < 3 or len(rows[0]) < 4:
        raise DataError(
            [
                Problem(
                    "not a KTAB SMP CSV file",
                    file=file,
                    line=1,
                    expected="'name, description, nActors, nDims', a header row and actor rows",
                    received=f"{len(rows)} rows",
                )
            ]
        )
    head = rows[0]
    n_actors = _number(head[2], file, 1, "nActors", problems)
    n_dims = _number(head[3], file, 1, "nDims", problems)
    if problems:
        raise DataError(problems)
    if n_actors != int(n_actors) or n_actors < 2 or n_dims != int(n_dims) or n_dims < 1:
        raise DataError(
            [
                Problem(
                    "actor and dimension counts must be whole numbers (≥ 2 actors, ≥ 1 dimension)",
                    file=file,
                    line=1,
                    received=f"{head[2].strip()}, {head[3].strip()}",
                )
            ]
        )
    na, nd = int(n_actors), int(n_dims)
    header = [cell.strip() for cell in rows[1]]
    width = 3 + 2 * nd
    if len(header) < width:
        problems.append(
            Problem(
                "header row too short",
                file=file,
                line=2,
                expected=f"{width} columns (Actor, Description, Power, Pstn/Sal per dimension)",
                received=f"{len(header)} columns",
            )
        )
    body = [row for row in rows[2:] if any(cell.strip() for cell in row)]
    if len(body) != na:
        problems.append(
            Problem(
                "number of actor rows differs from nActors",
                file=file,
                line=1,
                field="nActors",
                expected=str(na),
                received=str(len(body)),
            )
        )
    if problems:
        raise DataError(problems)
    dimensions = tuple(header[3 + 2 * k] for k in range(nd))
    names, descriptions = [], []
    capability = np.zeros(na)
    position = np.zeros((na, nd))
    salience = np.zeros((na, nd))
    for index, row in enumerate(body):
        line = index + 3
        if len(row) < width:
            problems.append(
                Problem(
                    "actor row too short",
                    file=file,
                    line=line,
                    expected=f"{width} columns",
                    received=f"{len(row)} columns",
                )
            )
            continue
        if row[0].strip() in names or not row[0].strip():
            problems.append(
                Problem(
                    "duplicate actor" if row[0].strip() else "an actor needs a name",
                    file=file,
                    line=line,
                    field="Actor",
                    expected="each actor on one row",
                    received=row[0].strip() or "''",
                )
            )
        names.append(row[0].strip())
        descriptions.append(row[1].strip())
        capability[index] = _number(row[2], file, line, "Power", problems)
        if capability[index] <= 0:
            problems.append(
                Problem(
                    "capability must be > 0",
                    file=file,
                    line=line,
                    field="Power",
                    received=row[2].strip(),
                )
            )
        for k in range(nd):
            position[index, k] = _number(row[3 + 2 * k], file, line, header[3 + 2 * k], problems)
            salience[index, k] = _number(row[4 + 2 * k], file, line, header[4 + 2 * k], problems)
        bad_position = (position[index] < 0) | (position[index] > 100)
        for k in np.flatnonzero(bad_position).tolist():
            problems.append(
                Problem(
                    "position must lie in [0, 100]",
                    file=file,
                    line=line,
                    field=header[3 + 2 * k],
                    received=row[3 + 2 * k].strip(),
                )
            )
        for k in np.flatnonzero(salience[index] < 0).tolist():
            problems.append(
                Problem(
                    "salience must be ≥ 0",
                    file=file,
                    line=line,
                    field=header[4 + 2 * k],
                    received=row[4 + 2 * k].strip(),
                )
            )
        total = float(np.sum(salience[index]))
        if np.isfinite(total) and total > 100 * SALIENCE_LIMIT + _TOLERANCE:
            problems.append(
                Problem(
                    "saliences of one actor sum over the limit",
                    file=file,
                    line=line,
                    field=f"{names[-1]}.salience",
                    expected="a sum ≤ 100",
                    received=f"{total:g}",
                )
            )
        elif np.isfinite(total) and total <= 0:
            problems.append(
                Problem(
                    "an actor needs some salience",
                    file=file,
                    line=line,
                    field=f"{names[-1]}.salience",
                    received=f"{total:g}",
                )
            )
    if problems:
        raise DataError(problems)
    return ActorTable(
        name=head[0].strip(),
        description=head[1].strip(),
        actors=tuple(names),
        dimensions=dimensions,
        capability=capability,
        position=position / 100.0,
        salience=salience / 100.0,
        actor_descriptions=tuple(descriptions),
    )


def read_bdm_csv(path: str | Path) -> ActorTable:
    """Read the BDM replications' one-dimensional ``Actor,Capability,Position,Salience`` CSV.

    Positions are kept in their own units (the BDM model normalises by their range).

    Raises:
        DataError: missing columns, malformed numbers, saliences outside [0, 1], capabilities ≤ 0.
    """
    path = Path(path)
    file = str(path)
    rows = _read_rows(path)
    needed = ["Actor", "Capability", "Position", "Salience"]
    header = [cell.strip() for cell in rows[0]] if rows else []
    missing = [name for name in needed if name not in header]
    if missing:
        raise DataError(
            [
                Problem(
                    "missing columns",
                    file=file,
                    line=1,
                    expected=", ".join(needed),
                    received=", ".join(header) or "nothing",
                )
            ]
        )
    column = {name: header.index(name) for name in needed}
    problems: list[Problem] = []
    names: list[str] = []
    values: list[tuple[float, float, float]] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            problems.append(
                Problem(
                    "row too short",
                    file=file,
                    line=line,
                    expected=f"{len(header)} columns",
                    received=f"{len(row)}",
                )
            )
            continue
        name = row[column["Actor"]].strip()
        if not name or name in names:
            problems.append(
                Problem(
                    "duplicate actor" if name else "an actor needs a name",
                    file=file,
                    line=line,
                    field="Actor",
                    expected="each actor on one row",
                    received=name or "''",
                )
            )
        names.append(name)
        capability = _number(row[column["Capability"]], file, line, "Capability", problems)
        position = _number(row[column["Position"]], file, line, "Position", problems)
        salience = _number(row[column["Salience"]], file, line, "Salience", problems)
        if capability <= 0:
            problems.append(
                Problem(
                    "capability must be > 0",
                    file=file,
                    line=line,
                    field="Capability",
                    received=f"{capability:g}",
                )
            )
        if not 0 <= salience <= SALIENCE_LIMIT:
            problems.append(
                Problem(
                    "salience must lie in [0, 1]",
                    file=file,
                    line=line,
                    field="Salience",
                    received=f"{salience:g}",
                )
            )
        values.append((capability, position, salience))
    if len(values) < 2:
        problems.append(
            Problem(
                "a bargaining model needs at least 2 actors", file=file, received=str(len(values))
            )
        )
    if problems:
        raise DataError(problems)
    array = np.array(values, dtype=np.float64)
    return ActorTable(
        name=path.stem,
        description="BDM one-dimensional input",
        actors=tuple(names),
        dimensions=("position",),
        capability=array[:, 0],
        position=array[:, 1:2],
        salience=array[:, 2:3],
    )
