"""Per-world keys equal numpy's SeedSequence; draws depend on the world alone."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.randomness import (
    as_index,
    seed_entropy,
    spawn_states,
    uniform_pair,
    uniform_pair32,
    uniforms,
    world_keys,
)


def _reference(entropy: int, key: tuple[int, int, int], words: int, dtype: type) -> np.ndarray:
    design, world, replicate = key
    sequence = np.random.SeedSequence(entropy, spawn_key=(design, world, replicate))
    return sequence.generate_state(words, dtype)


@given(
    entropy=st.integers(0, 2**160),
    design=st.integers(0, 2**40),
    replicate=st.integers(0, 2**35),
    worlds=st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=20),
)
def test_spawn_states_are_bit_identical_to_seedsequence(
    entropy: int, design: int, replicate: int, worlds: list[int]
) -> None:
    ours = spawn_states(entropy, worlds, design=design, replicate=replicate)
    expected = np.array([_reference(entropy, (design, w, replicate), 4, np.uint32) for w in worlds])
    assert ours.dtype == np.uint32
    assert np.array_equal(ours, expected)


@pytest.mark.parametrize("words", [1, 2, 5])
def test_uint64_states_match_too(words: int) -> None:
    worlds = np.arange(0, 5000, 7)
    ours = spawn_states(123456789, worlds, design=3, replicate=2, n_words=words, dtype=np.uint64)
    expected = np.array([_reference(123456789, (3, int(w), 2), words, np.uint64) for w in worlds])
    assert np.array_equal(ours, expected)
    keys = world_keys(123456789, worlds, design=3, replicate=2)
    assert np.array_equal(keys, expected[:, 0])


def test_draws_of_a_world_do_not_depend_on_its_neighbours() -> None:
    keys = world_keys(7, np.arange(10_000))
    whole = uniforms(keys, 17, 5)
    pieces = np.concatenate([uniforms(keys[i : i + 999], 17, 5) for i in range(0, 10_000, 999)])
    assert np.array_equal(whole, pieces)
    alone = uniforms(world_keys(7, [4321]), 17, 5)
    assert alone[0] == whole[4321]


def test_uniforms_are_uniform_and_streams_independent() -> None:
    keys = world_keys(11, np.arange(200_000))
    a = uniforms(keys, 0, 0)
    b = uniforms(keys, 0, 1)
    c = uniforms(keys, 1, 0)
    for draws in (a, b, c):
        assert draws.min() >= 0.0 and draws.max() < 1.0
        assert abs(draws.mean() - 0.5) < 0.003
        assert abs(draws.var() - 1 / 12) < 0.001
        counts = np.histogram(draws, bins=20, range=(0, 1))[0]
        assert counts.min() > 0.95 * 10_000 and counts.max() < 1.05 * 10_000
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01
    assert abs(np.corrcoef(a, c)[0, 1]) < 0.01
    high, low = uniform_pair(keys, 3, 2)
    assert abs(high.mean() - 0.5) < 0.003 and abs(low.mean() - 0.5) < 0.003
    assert abs(np.corrcoef(high, low)[0, 1]) < 0.01


def test_float32_pair_is_the_pair_truncated_to_24_bits() -> None:
    keys = world_keys(13, np.arange(100_000))
    high, low = uniform_pair(keys, 5, 1)
    out = (np.empty(keys.size, np.float32), np.empty(keys.size, np.float32))
    work = (np.empty(keys.size, np.uint64), np.empty(keys.size, np.uint64))
    high32, low32 = uniform_pair32(keys, 5, 1, out=out, work=work)
    assert high32 is out[0] and low32 is out[1] and high32.dtype == np.float32
    assert np.array_equal(high32, np.floor(high * 2**24) / 2**24)
    assert np.array_equal(low32, np.floor(low * 2**24) / 2**24)
    assert high32.max() < 1.0 and low32.min() >= 0.0
    # without buffers, the same numbers; a world's draws do not depend on its neighbours
    again = uniform_pair32(keys, 5, 1)
    assert np.array_equal(again[0], high32) and np.array_equal(again[1], low32)
    alone = uniform_pair32(keys[777:778], 5, 1)
    assert alone[0][0] == high32[777] and alone[1][0] == low32[777]
    with pytest.raises(ValueError, match="stream"):
        uniform_pair32(keys, 0, 64)


def test_different_designs_and_replicates_give_different_keys() -> None:
    worlds = np.arange(1000)
    base = world_keys(5, worlds)
    assert np.unique(base).size == 1000
    assert not np.any(base == world_keys(5, worlds, design=1))
    assert not np.any(base == world_keys(5, worlds, replicate=1))


def test_bad_arguments_are_refused() -> None:
    keys = world_keys(1, [0, 1])
    with pytest.raises(ValueError, match="stream"):
        uniforms(keys, 0, 64)
    with pytest.raises(ValueError, match="month"):
        uniforms(keys, -2, 0)
    with pytest.raises(ValueError, match=r"\[0, 2\*\*32\)"):
        spawn_states(1, [2**32])
    with pytest.raises(ValueError, match="≥ 0"):
        spawn_states(-1, [0])
    with pytest.raises(ValueError, match="shape"):
        as_index([0, 1, 2], 2)
    assert seed_entropy(np.random.SeedSequence(99)) == 99
    with pytest.raises(ValueError, match="root"):
        seed_entropy(np.random.SeedSequence(99, spawn_key=(1,)))
