"""Ukraine's own air-defence layer, fitted to the record of raid nights (``docs/air.md``).

Mobile fire groups, guns, electronic warfare, interceptor drones, surface-to-air missiles and
Ukraine's own fighters are one layer here, described by what it did on recorded nights:

    drones     downed = p_d · C · (1 − exp(−n / C))        n drones launched that night
    missiles   downed = p_c · (m − b) + p_b · b            m missiles launched, b of them ballistic

The drone law is a layer of C engagement opportunities a night, each threat finding one with
probability 1 − exp(−n / C) and being downed with probability p_d when it does: a small raid
meets the layer's full kill probability, a raid far larger than C saturates it. Missiles are
not capacity-limited in the record (122 missiles on 29 December 2023 met the same shares as
smaller nights), but ballistic missiles are stopped far less often than cruise missiles, so the
share of a night's missiles downed depends on its ballistic share.

The parameters are fitted by least squares on the *fit* nights and scored on the others: the
nights carrying each count (drones, missiles) are put in date order and alternate between the two
sets, so that both span 2022-2025. The fit is computed from ``air/data.yaml`` when the model
loads; no fitted number is written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.air.data import AirData, RecordNight, shipped_data

FloatArray = NDArray[np.float64]
_CAPACITIES = np.geomspace(20.0, 1e6, 400)
"""Capacities C tried by the drone fit (a grid: the law is linear in p_d for a fixed C)."""


@dataclass(frozen=True)
class Layer:
    """Ukraine's layer: kill probabilities by threat class and the drone capacity a night."""

    p_drone: float
    capacity_drones: float
    p_cruise: float
    p_ballistic: float

    def drones_downed(self, launched: FloatArray, factor: FloatArray | float = 1.0) -> FloatArray:
        """Expected drones downed of ``launched`` (``factor`` scales the kill probability)."""
        n = np.asarray(launched, np.float64)
        p = np.clip(self.p_drone * np.asarray(factor, np.float64), 0.0, 1.0)
        return np.asarray(p * self.capacity_drones * -np.expm1(-n / self.capacity_drones))

    def drone_share(self, launched: FloatArray, factor: FloatArray | float = 1.0) -> FloatArray:
        """Share of ``launched`` drones downed (the kill probability when none are launched)."""
        n = np.asarray(launched, np.float64)
        p = np.clip(self.p_drone * np.asarray(factor, np.float64), 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = self.drones_downed(n, factor) / n
        return np.asarray(np.where(n > 0, share, p), np.float64)

    def missile_share(self, kind: str, factor: FloatArray | float = 1.0) -> FloatArray:
        """Share of missiles of a class (``cruise`` or ``ballistic``) downed."""
        p = self.p_ballistic if kind == "ballistic" else self.p_cruise
        return np.asarray(np.clip(p * np.asarray(factor, np.float64), 0.0, 1.0), np.float64)

    def missiles_downed(self, launched: FloatArray, ballistic: FloatArray) -> FloatArray:
        """Expected missiles downed of ``launched``, ``ballistic`` of them ballistic."""
        m = np.asarray(launched, np.float64)
        b = np.asarray(ballistic, np.float64)
        return np.asarray(self.p_cruise * (m - b) + self.p_ballistic * b, np.float64)


@dataclass(frozen=True)
class Split:
    """The record's nights split into fit and score sets, by count."""

    drones_fit: tuple[RecordNight, ...]
    drones_score: tuple[RecordNight, ...]
    missiles_fit: tuple[RecordNight, ...]
    missiles_score: tuple[RecordNight, ...]


def split(record: tuple[RecordNight, ...]) -> Split:
    """Alternate the nights carrying each count, in date order: even places fit, odd score."""
    drones = sorted((n for n in record if n.drones is not None), key=lambda n: n.night)
    missiles = sorted((n for n in record if n.missiles is not None), key=lambda n: n.night)
    return Split(
        tuple(drones[0::2]), tuple(drones[1::2]), tuple(missiles[0::2]), tuple(missiles[1::2])
    )


def fit(drone_nights: tuple[RecordNight, ...], missile_nights: tuple[RecordNight, ...]) -> Layer:
    """Least-squares fit of the layer to nights (launched and downed counts).

    Raises:
        ValueError: no night carries drone counts, or none carries missile counts.
    """
    if not drone_nights or not missile_nights:
        raise ValueError("the fit needs at least one night with drones and one with missiles")
    n = np.array([night.drones.launched for night in drone_nights if night.drones], np.float64)
    d = np.array([night.drones.downed for night in drone_nights if night.drones], np.float64)
    # For each capacity the law is p · g(n); the best p is <g, d> / <g, g>, clipped to [0, 1].
    g = _CAPACITIES[:, None] * -np.expm1(-n[None, :] / _CAPACITIES[:, None])
    p = np.clip((g * d).sum(axis=1) / (g * g).sum(axis=1), 0.0, 1.0)
    loss = ((p[:, None] * g - d) ** 2).sum(axis=1)
    best = int(np.argmin(loss))
    m = np.array([x.missiles.launched for x in missile_nights if x.missiles], np.float64)
    b = np.array([x.missiles.ballistic.value for x in missile_nights if x.missiles], np.float64)
    k = np.array([x.missiles.downed for x in missile_nights if x.missiles], np.float64)
    design = np.column_stack([m - b, b])
    coefficients, *_ = np.linalg.lstsq(design, k, rcond=None)
    p_cruise, p_ballistic = (float(c) for c in np.clip(coefficients, 0.0, 1.0))
    return Layer(float(p[best]), float(_CAPACITIES[best]), p_cruise, p_ballistic)


@lru_cache(maxsize=4)
def _fitted(data_id: int) -> Layer:
    data = _DATA[data_id]
    parts = split(data.record)
    return fit(parts.drones_fit, parts.missiles_fit)


_DATA: dict[int, AirData] = {}


def layer(data: AirData | None = None) -> Layer:
    """Ukraine's layer fitted to the fit nights of a data file's record (cached per file)."""
    data = data or shipped_data()
    _DATA[id(data)] = data
    return _fitted(id(data))


def scores(data: AirData | None = None) -> list[dict[str, object]]:
    """Every recorded night with the fitted layer's share beside the record's, and its set."""
    data = data or shipped_data()
    model = layer(data)
    parts = split(data.record)
    rows: list[dict[str, object]] = []
    for kind, fitted, scored in (
        ("drones", parts.drones_fit, parts.drones_score),
        ("missiles", parts.missiles_fit, parts.missiles_score),
    ):
        for night in sorted((*fitted, *scored), key=lambda x: x.night):
            count = night.drones if kind == "drones" else night.missiles
            assert count is not None
            if kind == "drones":
                predicted = float(model.drone_share(np.array(count.launched)))
            else:
                assert night.missiles is not None
                predicted = float(
                    model.missiles_downed(
                        np.array(count.launched), np.array(night.missiles.ballistic.value)
                    )
                    / max(count.launched, 1)
                )
            rows.append(
                {
                    "night": night.night,
                    "kind": kind,
                    "set": "fit" if night in fitted else "score",
                    "launched": count.launched,
                    "downed": count.downed,
                    "recorded_share": count.downed / count.launched if count.launched else None,
                    "model_share": predicted,
                    "source": count.source if isinstance(count.source, str) else count.source.url,
                }
            )
    return rows
