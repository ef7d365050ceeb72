"""Padded values: conversion round trips, overflow flags, set orders (eager, jit, vmap)."""
import random

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from jaxbatt import dsl_jax, dsl_py
from jaxbatt.dsl_jax import flags, testing, values
from jaxbatt.dsl_py import objects as py_objects
from jaxbatt.dsl_py.ordering import ordered
from tests.arc_samples import sample_grids

SETTINGS = settings(max_examples=60, deadline=None)


@pytest.mark.parametrize("tier", values.TIERS, ids=lambda t: t.name)
def test_real_grids_and_their_objects_round_trip(tier):
    held = 0
    for grid in sample_grids(25, seed=3):
        padded, fits = values.from_py(grid, tier=tier)
        assert fits == (max(len(grid), len(grid[0])) <= tier.canvas)
        if not fits:
            continue
        held += 1
        assert values.to_py(padded) == grid
        objs = py_objects(grid, True, False, True)
        padded, fits = values.from_py(objs, "Objects", tier=tier)
        assert fits == (len(objs) <= tier.capacity)
        if fits:
            assert values.to_py(padded) == objs
    assert held >= 10


@pytest.mark.parametrize("value, kind", [
    (frozenset({(-5, -5), (0, 0), (34, 34)}), "Indices"),
    (frozenset({(3, (-1, 2)), (5, (0, 0))}), "Object"),
    ((1, 2, 3), "Tuple"),
    (frozenset({3, 1, 2}), "FrozenSet"),
    ((4, -2), "IntegerTuple"),
    (True, "Boolean"),
    (-7, "Integer"),
    ((), "Tuple"),
    ((((1, 2),), ((3,),)), "Tuple"),
])
def test_values_round_trip(value, kind):
    padded, fits = values.from_py(value)
    assert fits and values.infer_kind(value) == kind
    assert values.to_py(padded) == value


@pytest.mark.parametrize("value, kind", [
    (tuple(tuple(0 for _ in range(31)) for _ in range(2)), "Grid"),
    (frozenset({(-6, 0)}), "Indices"),
    (frozenset({(35, 0)}), "Indices"),
    (frozenset({(1, (0, 0)), (2, (0, 0))}), "Object"),
    (tuple(range(33)), "Tuple"),
])
def test_values_beyond_the_small_tier_are_not_exact(value, kind):
    _, fits = values.from_py(value, kind, values.SMALL)
    assert not fits


def _cpython_order(sequence):
    return list(frozenset(sequence))


def _emulated(sequence, capacity=12):
    items = jnp.asarray(list(sequence) + [0] * (capacity - len(sequence)), jnp.int32)
    valid = jnp.arange(capacity) < len(sequence)
    out, ok, exact = flags.collect(values.make_frozenset, items, valid)
    return [int(v) for v in out.items[: int(out.size)]], bool(exact)


@SETTINGS
@given(st.lists(st.one_of(st.integers(0, 9), st.integers(-40, 40), st.integers(-10**6, 10**6)),
                min_size=1, max_size=12))
def test_int_sets_follow_cpython_order_or_say_not_exact(sequence):
    got, exact = _emulated(sequence)
    if exact:
        assert got == _cpython_order(sequence)
    distinct = set(sequence)
    # Only sets of 5+ values reaching outside [0, 32) are beyond the emulation.
    assert exact or (len(distinct) >= 5 and (min(distinct) < 0 or max(distinct) >= 32))


def test_int_set_emulation_covers_colours_exactly():
    rng = np.random.default_rng(0)
    for _ in range(200):
        sequence = list(rng.integers(0, 10, size=rng.integers(1, 12)))
        got, exact = _emulated(sequence)
        assert exact and got == _cpython_order(sequence)


def test_int_set_order_under_jit_and_vmap():
    rng = np.random.default_rng(1)
    sequences = [list(rng.integers(0, 20, size=8)) for _ in range(16)]
    items = jnp.asarray(sequences, jnp.int32)
    valid = jnp.ones(items.shape, bool)
    out, ok, exact = jax.jit(jax.vmap(lambda i, v: flags.collect(values.make_frozenset, i, v)))(items, valid)
    for lane, sequence in enumerate(sequences):
        if bool(exact[lane]):
            size = int(out.size[lane])
            assert [int(v) for v in out.items[lane, :size]] == _cpython_order(sequence)


def test_sets_of_objects_are_canonical_and_deduplicated():
    grid = sample_grids(1, seed=11)[0]
    objs = list(ordered(py_objects(grid, False, True, False)))[:6]
    shuffled = objs[::-1] + objs[:2]  # reversed, with duplicates
    padded = [values.from_py(o, "Object")[0] for o in shuffled]
    items = jax.tree_util.tree_map(lambda *x: jnp.stack(x), *padded)
    out, ok, exact = flags.collect(values.make_frozenset, items, jnp.ones(len(shuffled), bool))
    assert bool(exact) and int(out.size) == len(objs)
    assert [values.to_py(values.element(out, k)) for k in range(len(objs))] == objs


def test_flags_are_collected_per_call_and_masked_per_element():
    def check_positive(x):
        flags.require(x > 0)
        return x * 2

    out, ok, exact = flags.collect(check_positive, jnp.int32(3))
    assert bool(ok) and bool(exact) and int(out) == 6
    _, ok, _ = flags.collect(check_positive, jnp.int32(-3))
    assert not bool(ok)

    def double_valid(xs, valid):
        return flags.map_elements(check_positive, valid, xs)

    xs = jnp.asarray([1, 2, -5])
    _, ok, _ = flags.collect(double_valid, xs, jnp.asarray([True, True, False]))
    assert bool(ok)  # the failing element is padding
    _, ok, _ = flags.collect(double_valid, xs, jnp.asarray([True, True, True]))
    assert not bool(ok)
    with pytest.raises(RuntimeError, match="outside flags.collect"):
        flags.require(True)


def test_chunked_maps_give_the_same_values_and_flags():
    """map_elements under chunked_maps (jax.lax.map in batches, 3 elements at a time here)
    agrees with the plain vmap on values and on the flags of real and padding elements."""
    def halve(x):
        flags.require(x != 7)
        flags.fits(x < 100)
        return x // 2

    xs = jnp.asarray([4, 9, 7, 120, 3, 8, 1, 6])
    for valid in ([True] * 8, [True, True, False, False, True, True, True, False],
                  [True, True, True, False, True, True, True, True]):
        valid = jnp.asarray(valid)
        plain = jax.jit(lambda v: flags.collect(lambda: flags.map_elements(halve, v, xs)))(valid)
        with flags.chunked_maps(3):
            chunked = jax.jit(lambda v: flags.collect(lambda: flags.map_elements(halve, v, xs)))(valid)
        assert all(np.array_equal(a, b) for a, b in zip(plain, chunked)), (plain, chunked)


def test_host_functions_run_python_on_dsl_py_values_under_jit_and_vmap():
    from jaxbatt import dsl_jax, dsl_py
    grids = sample_grids(6, seed=11)
    singles = dsl_jax.host_function(lambda obj: len(obj) == 1, False)
    recoloured = dsl_jax.host_function(
        lambda obj: frozenset((v + 1, ij) for v, ij in obj), frozenset({(1, (0, 0))}))

    def program(objs):
        return (dsl_jax.mfilter(objs, singles), dsl_jax.mapply(recoloured, objs))

    padded = [values.from_py(dsl_py.objects(g, True, False, True), "Objects")[0] for g in grids]
    batch = jax.tree_util.tree_map(lambda *leaves: jnp.stack(leaves), *padded)
    out, ok, exact = jax.jit(jax.vmap(lambda o: flags.collect(program, o)))(batch)
    for lane, grid in enumerate(grids):
        objs = dsl_py.objects(grid, True, False, True)
        if not bool(exact[lane]):
            assert len(objs) > values.SMALL.capacity
            continue
        assert bool(ok[lane])
        lane_out = jax.tree_util.tree_map(lambda leaf: leaf[lane], out)
        assert values.to_py(lane_out[0]) == dsl_py.mfilter(objs, lambda obj: len(obj) == 1)
        assert values.to_py(lane_out[1]) == dsl_py.mapply(
            lambda obj: frozenset((v + 1, ij) for v, ij in obj), objs)


def test_host_functions_report_raising_and_unfit_results():
    from jaxbatt import dsl_jax
    halve = dsl_jax.host_function(lambda x: 10 // x, 0)
    _, ok, exact = flags.collect(halve, jnp.int32(0))
    assert not bool(ok) and bool(exact)
    out, ok, exact = flags.collect(halve, jnp.int32(3))
    assert bool(ok) and bool(exact) and int(out) == 3
    as_pair = dsl_jax.host_function(lambda x: (x, x, x), (0, 0))  # a 3-tuple is no pair
    _, ok, exact = flags.collect(as_pair, jnp.int32(1))
    assert not bool(exact)


def test_a_concrete_flag_array_is_known_false_while_tracing():
    """A constant all-False flag (e.g. the clipped flags of a container a closure captured)
    is static inside a trace; a traced one is not."""
    constant = jnp.zeros((4,), bool)
    seen = []

    def traced(x):
        seen.append((values.is_static_false(constant), values.is_static_false(x)))
        return x

    jax.jit(traced)(jnp.zeros((4,), bool))
    assert seen == [(True, False)]


def _tied_patches(rng, count, colour):
    """`count` distinct patches sharing their first PATCH_KEY_CELLS + 1 cells (row 0),
    each with a few random later cells (or none): their truncated keys tie. With
    `colour`, Objects of colours 1..2 (cells sorted by colour first)."""
    shared = [(0, j) for j in range(values.PATCH_KEY_CELLS + 1)]
    patches = set()
    while len(patches) < count:
        extra = {(rng.randrange(0, 6), rng.randrange(0, 10)) for _ in range(rng.randrange(0, 4))}
        cells = set(shared) | extra
        if colour:
            patches.add(frozenset((1 if (i, j) in shared else rng.randrange(1, 3), (i, j)) for i, j in cells))
        else:
            patches.add(frozenset(cells))
    return list(patches)


@pytest.mark.parametrize("kind", ["Indices", "Object"])
def test_patches_tied_on_their_truncated_keys_are_ordered_cell_by_cell(kind):
    """Two tied patches and a third, three or four tied ones (up to TIED_PATCH_PAIRS tied
    pairs): ordered by full comparisons (eager, jit, vmap); five mutually tied (ten pairs):
    not exact."""
    assert values.TIED_PATCH_PAIRS in range(6, 10)
    colour = kind == "Object"
    lone = frozenset({(3, (1, 1))}) if colour else frozenset({(1, 1)})
    pairs = [_tied_patches(random.Random(seed), 2, colour) + [lone] for seed in range(12)]
    triples = [_tied_patches(random.Random(seed), 3, colour) for seed in range(12)]
    quadruples = [_tied_patches(random.Random(seed), 4, colour) for seed in range(8)]
    quintuples = [_tied_patches(random.Random(seed), 5, colour) for seed in range(3)]

    def as_tuple(*patches):
        items = jax.tree_util.tree_map(lambda *leaves: jnp.stack(leaves), *patches)
        return dsl_jax.totuple(values.make_frozenset(items, jnp.ones((len(patches),), bool)))

    def check(cases):
        return testing.check_primitive("frozenset", cases, kinds=(kind,) * len(cases[0]), tier=values.TINY,
                                       fn=as_tuple, reference=lambda *ps: dsl_py.totuple(frozenset(ps)))
    for cases in (pairs, triples, quadruples):
        summary = check(cases)
        assert summary.inexact == 0 and summary.exact == 3 * len(cases), summary
    summary = check(quintuples)
    assert summary.inexact == 3 * len(quintuples), summary


def _tied_grids(rng, count, widths=(6, 6, 7)):
    """`count` distinct grids of 7 to 9 rows sharing their first 6 rows of 6 columns (with
    the same width, keys of KEY_CELLS * 3 entries tie), then differing rows or heights."""
    top = [[rng.randrange(3) for _ in range(6)] for _ in range(6)]
    grids = set()
    while len(grids) < count:
        width = rng.choice(widths)
        rows = [row + [1] * (width - 6) for row in top]
        rows += [[rng.randrange(3) for _ in range(width)] for _ in range(rng.randrange(1, 4))]
        grids.add(tuple(tuple(r) for r in rows))
    return list(grids)


def test_grids_tied_on_their_truncated_keys_are_ordered_in_full():
    """Tied grids (two and a third, or three): ordered as tuples of rows (eager, jit, vmap)."""
    lone = ((5,),)
    pairs = [_tied_grids(random.Random(seed), 2) + [lone] for seed in range(12)]
    triples = [_tied_grids(random.Random(seed), 3, widths=(6,)) for seed in range(2)]

    def as_tuple(*grids):
        items = jax.tree_util.tree_map(lambda *leaves: jnp.stack(leaves), *grids)
        return dsl_jax.totuple(values.make_frozenset(items, jnp.ones((len(grids),), bool)))

    def check(cases):
        return testing.check_primitive("frozenset", cases, kinds=("Grid",) * 3, tier=values.TINY, fn=as_tuple,
                                       reference=lambda *gs: dsl_py.totuple(frozenset(gs)))
    for cases in (pairs, triples):
        summary = check(cases)
        assert summary.inexact == 0 and summary.exact == 3 * len(cases), summary
