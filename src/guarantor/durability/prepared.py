"""A package's preparation for the simulation, computed once per package and reused by chunks.

Before a chunk of worlds reaches the kernel, every instrument model assesses the package
(:func:`guarantor.durability.inputs.package_inputs`): the air model's routes and reaction times,
the sea model's escorts, the sanctions model's revenue paths, the sections' verdicts and medians.
A model whose world parameters are not among the chunk's worlds sees the same nominal world in
every chunk, so its section is the same in every chunk of the package: computing it again for
each chunk cost a sweep of small chunks 15-20 ms a chunk, more than the kernel itself.

:class:`PreparationCache` keeps those sections, per process (each Dask worker has its own),
keyed by what they depend on: the package's content (:func:`package_hash`, every commitment,
amount and trigger), the theatre (the very object, held so its identity cannot be reused) and
the instrument. A section that depends on the chunk's worlds (the model's world parameters are
in the table) is computed for the chunk as before. The kernel's inputs are then built from the
sections exactly as without the cache, so the numbers are the same to the bit.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.packages import Package
from guarantor.section import Section
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]
SPREAD_BYTES = 64 * 2**20
"""The most memory a cache keeps in sections spread over chunks' worlds (about six packages'
sections over 10,000 worlds)."""
ACCEPTABILITY = "acceptability"
"""The section a condition on Russia's consent reads (the bargaining model's)."""


def package_hash(package: Package) -> str:
    """A content hash of a package: every commitment, amount, condition, trigger and rule."""
    text = json.dumps(package.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _needs_consent(package: Package) -> bool:
    return any(
        condition.russia_consents is not None
        for commitment in package.commitments
        for condition in commitment.conditions
    )


class PreparationCache:
    """The world-independent sections of the packages a process simulates, least recent out.

    Args:
        max_packages: packages kept (a sweep's design points; the oldest is dropped first).
    """

    def __init__(self, max_packages: int = 64) -> None:
        self.max_packages = max_packages
        self._entries: OrderedDict[tuple[str, int], tuple[Theatre, dict[str, Section]]] = (
            OrderedDict()
        )
        # the sections spread over a chunk's worlds, by (package key, model, worlds): a sweep's
        # chunks are mostly of one size, and spreading a hundred metrics costs milliseconds;
        # at most SPREAD_BYTES of them, the least recent dropped first
        self._spread: OrderedDict[tuple[str, int, str, int], tuple[Section, int]] = OrderedDict()
        self._spread_bytes = 0
        self.computed = 0
        """Sections computed (cache misses), for the tests and the benchmark."""
        self.reused = 0
        """Sections served from the cache."""

    def clear(self) -> None:
        """Forget every package (and the counts)."""
        self._entries.clear()
        self._spread.clear()
        self._spread_bytes = 0
        self.computed = self.reused = 0

    def _package_entry(
        self, theatre: Theatre, package: Package
    ) -> tuple[tuple[str, int], dict[str, Section]]:
        key = (package_hash(package), id(theatre))
        found = self._entries.get(key)
        if found is not None and found[0] is theatre:
            self._entries.move_to_end(key)
            return key, found[1]
        entry: dict[str, Section] = {}
        self._entries[key] = (theatre, entry)
        while len(self._entries) > self.max_packages:
            self._entries.popitem(last=False)
        return key, entry

    def _spread_over(self, key: tuple[str, int, str, int], section: Section) -> Section:
        found = self._spread.get(key)
        if found is not None:
            self._spread.move_to_end(key)
            return found[0]
        spread = section.over(key[-1])
        size = sum(metric.value.nbytes for metric in spread.metrics)
        self._spread[key] = (spread, size)
        self._spread_bytes += size
        while self._spread_bytes > SPREAD_BYTES and self._spread:
            _, (_, dropped) = self._spread.popitem(last=False)
            self._spread_bytes -= dropped
        return spread

    def sections(
        self, theatre: Theatre, package: Package, worlds: Mapping[str, Any]
    ) -> dict[str, Section]:
        """The sections of the models that read none of ``worlds``'s columns, over its worlds.

        Those models see the nominal world whatever the chunk, so each is computed once per
        package and theatre and spread over the chunk's worlds (:meth:`Section.over`). The other
        models are left out: :func:`~guarantor.durability.inputs.package_inputs` computes them
        over the chunk, as it always did.
        """
        from guarantor import bargaining
        from guarantor.instruments import registry
        from guarantor.section import n_worlds

        size = n_worlds(worlds) if worlds else 1
        key, entry = self._package_entry(theatre, package)
        found: dict[str, Section] = {}
        models: list[tuple[str, Any, Any]] = [
            (instrument.name, instrument.world_parameters, instrument.assess)
            for instrument in registry.instruments()
        ]
        if _needs_consent(package):
            models.append((ACCEPTABILITY, bargaining.WORLD_PARAMETERS, bargaining.acceptability))
        for name, parameters, assess in models:
            if any(parameter in worlds for parameter in parameters):
                continue  # depends on the chunk's worlds
            section = entry.get(name)
            if section is None:
                section = entry[name] = assess(theatre, package, None)
                self.computed += 1
            else:
                self.reused += 1
            found[name] = self._spread_over((*key, name, size), section)
        return found


PREPARATION = PreparationCache()
"""The process's cache: the sweep's workers and ``guarantor simulate`` share it."""


def run(
    theatre: Theatre,
    package: Package,
    worlds: Mapping[str, Any] | None,
    *,
    cache: PreparationCache | None = None,
    **options: Any,
) -> Any:
    """:func:`guarantor.durability.run` with the package's preparation from ``cache``.

    ``cache`` defaults to :data:`PREPARATION`; ``options`` are :func:`~guarantor.durability.run`'s
    (``seed``, ``months``, ``world_index``, ...). Sections passed in ``options["sections"]``
    take precedence over the cached ones.
    """
    from guarantor.durability.simulation import run as simulate

    store = PREPARATION if cache is None else cache
    sections = store.sections(theatre, package, worlds or {})
    sections.update(options.pop("sections", None) or {})
    return simulate(theatre, package, worlds, sections=sections, **options)
