"""Randomness that does not depend on chunking: per-world keys and counter-based uniforms.

Every world's randomness is a function of ``(entropy, design, world, replicate)`` only. The key
of a world is exactly what ``numpy.random.SeedSequence(entropy, spawn_key=(design, world,
replicate)).generate_state(...)`` returns, but computed for a whole array of world indices at once
(:func:`spawn_states` re-implements SeedSequence's hash mixing in numpy ``uint32`` arithmetic). The
draws of a world in a month are then a counter-based generator: :func:`uniforms` hashes the world's
64-bit key with the counter ``(month, stream)`` through the SplitMix64 finaliser. So a world gives
the same numbers whether it is simulated alone, in a chunk of ten thousand, in another process or
on a Dask worker.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

UInt32Array = NDArray[np.uint32]
UInt64Array = NDArray[np.uint64]
Float32Array = NDArray[np.float32]

# numpy/random/bit_generator.pyx: SeedSequence's constants (from Melissa O'Neill's seed_seq_fe)
_POOL_SIZE = 4
_INIT_A = 0x43B0D7E5
_MULT_A = 0x931E8875
_INIT_B = 0x8B51F9DD
_MULT_B = 0x58F38DED
_MIX_MULT_L = 0xCA01F9DD
_MIX_MULT_R = 0x4973F715
_XSHIFT = np.uint32(16)
_MASK32 = 0xFFFFFFFF

# SplitMix64 (Steele, Lea & Flood 2014; the finaliser of Java's SplittableRandom)
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_SHIFT_1, _SHIFT_2, _SHIFT_3 = np.uint64(30), np.uint64(27), np.uint64(31)
# uniform_pair32: bits 40-63 and 8-31 of the hash, scaled by 2**-24
_HIGH_24, _LOW_24, _MASK24 = np.uint64(40), np.uint64(8), np.uint64(0xFFFFFF)
_TO_UNIT_24 = np.float32(2.0**-24)
STREAMS_PER_MONTH = 64
"""Distinct streams a model may use in one month (``stream`` in ``0 .. STREAMS_PER_MONTH-1``)."""

# counters before month 0 are reserved for draws made once per world (``month=-1``)
_MONTH_OFFSET = 1


def _int_words(value: int) -> list[int]:
    """SeedSequence's coercion of a non-negative int: 32-bit words, least significant first."""
    if value < 0:
        raise ValueError(f"SeedSequence entropy and spawn keys must be ≥ 0, got {value}")
    if value == 0:
        return [0]
    words = []
    while value:
        words.append(value & _MASK32)
        value >>= 32
    return words


class _HashConstant:
    """The running multiplier of SeedSequence's ``hashmix`` (a plain Python int mod 2**32)."""

    def __init__(self, start: int, mult: int) -> None:
        self.value = start
        self.mult = mult

    def step(self, data: UInt32Array) -> UInt32Array:
        mixed = data ^ np.uint32(self.value)
        self.value = (self.value * self.mult) & _MASK32
        mixed = mixed * np.uint32(self.value)
        return mixed ^ (mixed >> _XSHIFT)


def _mix(x: UInt32Array, y: UInt32Array) -> UInt32Array:
    result = np.uint32(_MIX_MULT_L) * x - np.uint32(_MIX_MULT_R) * y
    return result ^ (result >> _XSHIFT)  # type: ignore[no-any-return]


def spawn_states(
    entropy: int,
    world: ArrayLike,
    *,
    design: int = 0,
    replicate: int = 0,
    n_words: int = 4,
    dtype: type[np.uint32] | type[np.uint64] = np.uint32,
) -> NDArray[np.uint32] | NDArray[np.uint64]:
    """``SeedSequence(entropy, spawn_key=(design, w, replicate)).generate_state(n_words, dtype)``.

    Computed for every ``w`` in ``world`` at once; row ``i`` of the result is bit-identical to
    numpy's value for ``world[i]``.

    Args:
        entropy: the run's seed (a non-negative int of any size).
        world: global world indices, non-negative and below 2**32.
        design: the design point (package variant) index.
        replicate: the replicate index.
        n_words: words per world, as in ``generate_state``.
        dtype: ``numpy.uint32`` or ``numpy.uint64``.

    Returns:
        An array of shape ``(len(world), n_words)``.
    """
    worlds = np.asarray(world)
    if worlds.ndim != 1:
        raise ValueError(f"world indices must be one-dimensional, got shape {worlds.shape}")
    if worlds.size and (worlds.min() < 0 or worlds.max() > _MASK32):
        raise ValueError("world indices must lie in [0, 2**32)")
    size = worlds.size
    run = _int_words(int(entropy))
    if len(run) < _POOL_SIZE:  # SeedSequence pads the run entropy when there is a spawn key
        run = run + [0] * (_POOL_SIZE - len(run))
    words: list[UInt32Array] = [np.full(size, word, dtype=np.uint32) for word in run]
    words += [np.full(size, word, dtype=np.uint32) for word in _int_words(int(design))]
    words.append(worlds.astype(np.uint32))
    words += [np.full(size, word, dtype=np.uint32) for word in _int_words(int(replicate))]

    hash_a = _HashConstant(_INIT_A, _MULT_A)
    pool = [hash_a.step(words[i]) for i in range(_POOL_SIZE)]
    for source in range(_POOL_SIZE):
        for target in range(_POOL_SIZE):
            if source != target:
                pool[target] = _mix(pool[target], hash_a.step(pool[source]))
    for source in range(_POOL_SIZE, len(words)):
        for target in range(_POOL_SIZE):
            pool[target] = _mix(pool[target], hash_a.step(words[source]))

    wide = np.dtype(dtype) == np.dtype(np.uint64)
    count = n_words * 2 if wide else n_words
    hash_b = _HashConstant(_INIT_B, _MULT_B)
    state = np.empty((size, count), dtype=np.uint32)
    for index in range(count):
        state[:, index] = hash_b.step(pool[index % _POOL_SIZE])
    if wide:
        return state.astype("<u4").view("<u8").astype(np.uint64)
    return state


def world_keys(
    entropy: int, world: ArrayLike, *, design: int = 0, replicate: int = 0
) -> UInt64Array:
    """One 64-bit key per world: ``generate_state(1, numpy.uint64)`` of its spawned sequence."""
    keys = spawn_states(entropy, world, design=design, replicate=replicate, dtype=np.uint64)
    return keys[:, 0].astype(np.uint64)


def _splitmix(state: UInt64Array, scratch: UInt64Array | None = None) -> UInt64Array:
    """SplitMix64's finaliser, in place on ``state`` (``scratch``: a buffer of the same shape)."""
    if scratch is None:
        scratch = np.empty_like(state)
    for shift, mult in ((_SHIFT_1, _MIX_1), (_SHIFT_2, _MIX_2), (_SHIFT_3, None)):
        np.right_shift(state, shift, out=scratch)
        np.bitwise_xor(state, scratch, out=state)
        if mult is not None:
            np.multiply(state, mult, out=state)
    return state


def _counter(month: int, stream: int) -> int:
    if not 0 <= stream < STREAMS_PER_MONTH:
        raise ValueError(f"stream must be in [0, {STREAMS_PER_MONTH}), got {stream}")
    if month < -_MONTH_OFFSET:
        raise ValueError(f"month must be ≥ -1, got {month}")
    return (month + _MONTH_OFFSET) * STREAMS_PER_MONTH + stream + 1


def uniforms(keys: UInt64Array, month: int, stream: int) -> NDArray[np.float64]:
    """Uniform draws in [0, 1), one per key, for counter ``(month, stream)``.

    SplitMix64 with each world's key as its seed and ``(month, stream)`` as the position in the
    sequence: the draw of a world depends only on its key and the counter. ``month`` may be -1
    for draws made once per world before the first month.
    """
    counter = _counter(month, stream)
    with np.errstate(over="ignore"):
        state = keys + np.uint64(counter) * _GAMMA
        bits = _splitmix(state) >> np.uint64(11)
    return bits.astype(np.float64) * (1.0 / 9007199254740992.0)


def uniform_pair(
    keys: UInt64Array, month: int, stream: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Two independent uniform draws in [0, 1) per key from one 64-bit hash of ``(month, stream)``.

    The high and the low 32 bits of the SplitMix64 output, each with 2**-32 resolution: half the
    hashing of two calls to :func:`uniforms`, for draws that need no finer grain.
    """
    counter = _counter(month, stream)
    with np.errstate(over="ignore"):
        bits = _splitmix(keys + np.uint64(counter) * _GAMMA)
    high = (bits >> np.uint64(32)).astype(np.float64) * (1.0 / 4294967296.0)
    low = (bits & np.uint64(_MASK32)).astype(np.float64) * (1.0 / 4294967296.0)
    return high, low


def uniform_pair32(
    keys: UInt64Array,
    month: int,
    stream: int,
    *,
    out: tuple[Float32Array, Float32Array] | None = None,
    work: tuple[UInt64Array, UInt64Array] | None = None,
) -> tuple[Float32Array, Float32Array]:
    """:func:`uniform_pair` in ``float32``, truncated to 24 bits, written into ``out``.

    The same hash as :func:`uniform_pair`; each draw keeps the top 24 bits of its 32-bit half
    (so it equals ``floor(2**24 · u) / 2**24`` of that function's ``u``, exactly representable in
    ``float32`` and never rounded up to 1). With ``out`` (two ``float32`` arrays) and ``work`` (two
    ``uint64`` arrays), all of the shape of ``keys``, nothing is allocated: a simulation calls
    this once a month, and on arrays of tens of thousands of worlds allocating is what costs.
    """
    counter = _counter(month, stream)
    state, scratch = work if work is not None else (np.empty_like(keys), np.empty_like(keys))
    if out is None:
        out = (np.empty(keys.shape, np.float32), np.empty(keys.shape, np.float32))
    high, low = out
    with np.errstate(over="ignore"):
        np.add(keys, np.uint64(counter) * _GAMMA, out=state)
    _splitmix(state, scratch)
    as_int = scratch.view(np.int64)  # values below 2**24: the signed conversion is exact, faster
    np.right_shift(state, _HIGH_24, out=scratch)
    np.copyto(high, as_int, casting="unsafe")
    np.multiply(high, _TO_UNIT_24, out=high)
    np.right_shift(state, _LOW_24, out=scratch)
    np.bitwise_and(scratch, _MASK24, out=scratch)
    np.copyto(low, as_int, casting="unsafe")
    np.multiply(low, _TO_UNIT_24, out=low)
    return high, low


def seed_entropy(seed: int | np.random.SeedSequence | None) -> int:
    """The integer entropy of a seed (a fresh random one for ``None``)."""
    if isinstance(seed, np.random.SeedSequence):
        if seed.spawn_key:
            raise ValueError("pass the root SeedSequence; world keys are spawned from it")
        return int(seed.entropy)  # type: ignore[arg-type]
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    return int(seed)


def as_index(world_index: Sequence[int] | NDArray[np.int64] | None, size: int) -> NDArray[np.int64]:
    """Global world indices (default ``arange(size)``), checked to have ``size`` entries."""
    if world_index is None:
        return np.arange(size, dtype=np.int64)
    index = np.asarray(world_index, dtype=np.int64)
    if index.shape != (size,):
        raise ValueError(f"world_index must have shape ({size},), got {index.shape}")
    return index
