"""dsl_jax objects family against dsl_py: the harness (eager / jit / vmap) on real ARC-1
grids and derived objects, batched sweeps of every flag set (all 3,436 grids when slow),
canonical order of the packed objects, hypothesis grids, and one-trace compilation."""
import functools
import importlib
import itertools

import jax
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from jaxbatt import dsl_py
from jaxbatt.dsl_jax import flags, testing, values
from jaxbatt.dsl_py import ordering
from tests import arc_samples

# The packages re-export the primitive `objects` over the module name: import by path.
OJ = importlib.import_module("jaxbatt.dsl_jax.objects")
OP = importlib.import_module("jaxbatt.dsl_py.objects")
FLAG_SETS = list(itertools.product([True, False], repeat=3))


def _grids(n, seed):
    return arc_samples.sample_grids(n, seed=seed)


def _fits_small(grid):
    return len(grid) <= values.SMALL.canvas and len(grid[0]) <= values.SMALL.canvas


# --------------------------------------------------------------------------- batched sweeps


@functools.lru_cache(maxsize=None)
def _compiled(fn, static):
    """jit(vmap) of fn(*batched, *static) with its flags; compiled once per (fn, static)."""
    def lane(*args):
        return flags.collect(fn, *args, *static)
    return jax.jit(jax.vmap(lane))


def _sweep(name, batch_args, static=(), check_order=True):
    """Runs dsl_jax `name` over a batch, compares each exact lane with dsl_py.

    batch_args: list of per-lane argument tuples (dsl_py values) for the batched part.
    Returns (exact lanes, inexact lanes)."""
    if len(batch_args) > _LANES:
        parts = [_sweep(name, batch_args[i:i + _LANES], static, check_order)
                 for i in range(0, len(batch_args), _LANES)]
        return tuple(map(sum, zip(*parts)))
    fn_jax, fn_py = getattr(OJ, name), getattr(OP, name)
    # Every batch has _LANES lanes (padded with copies of the last case): one compile per
    # primitive and flag set for the whole module.
    padded = list(batch_args) + [batch_args[-1]] * (_LANES - len(batch_args))
    columns = list(zip(*padded))
    stacked = [testing.stack_py(col, kind) for col, kind in
               zip(columns, _KINDS[name][:len(columns)])]
    out, ok, exact = jax.device_get(_compiled(fn_jax, tuple(static))(*stacked))
    n_exact = n_inexact = 0
    for k, args in enumerate(batch_args):
        if not exact[k]:
            n_inexact += 1
            continue
        try:
            expected, expected_ok = fn_py(*args, *static), True
        except Exception:
            expected, expected_ok = None, False
        assert bool(ok[k]) == expected_ok, (name, k, static)
        if expected_ok:
            lane = jax.tree_util.tree_map(lambda x: x[k], out)
            assert values.to_py(lane) == expected, (name, k, static)
            if check_order and isinstance(lane, values.Container):
                elements = [values.to_py(values.element(lane, i)) for i in range(int(lane.size))]
                assert elements == list(ordering.ordered(expected)), (name, k, "order")
        n_exact += 1
    return n_exact, n_inexact


_LANES = 64
_KINDS = {
    "objects": ("Grid",), "partition": ("Grid",), "fgpartition": ("Grid",),
    "frontiers": ("Grid",), "occurrences": ("Grid", "Object"),
    "colorfilter": ("Objects",), "sizefilter": ("Objects",),
}


@pytest.fixture(scope="module")
def real_grids():
    return [g for g in _grids(120, seed=7) if _fits_small(g)]


@pytest.mark.parametrize("flag_set", FLAG_SETS)
def test_objects_matches_reference_on_real_grids(real_grids, flag_set):
    n_exact, n_inexact = _sweep("objects", [(g,) for g in real_grids], flag_set)
    assert n_exact >= 0.9 * len(real_grids)  # only capacity overflow (K=32) is inexact


@pytest.mark.parametrize("name", ["partition", "fgpartition", "frontiers"])
def test_colour_classes_and_frontiers_match_reference_on_real_grids(real_grids, name):
    n_exact, n_inexact = _sweep(name, [(g,) for g in real_grids])
    assert n_inexact == (0 if name != "frontiers" else n_inexact)
    assert n_exact >= 0.9 * len(real_grids)


@pytest.mark.slow
@pytest.mark.parametrize("flag_set", FLAG_SETS)
def test_objects_matches_reference_on_all_real_grids(flag_set):
    grids = [g for g in arc_samples.arc1_training_grids() if _fits_small(g)]
    n_exact, n_inexact = _sweep("objects", [(g,) for g in grids], flag_set)
    assert n_exact + n_inexact == len(grids)
    assert n_inexact < 0.15 * len(grids)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["partition", "fgpartition", "frontiers"])
def test_colour_classes_and_frontiers_on_all_real_grids(name):
    grids = [g for g in arc_samples.arc1_training_grids() if _fits_small(g)]
    n_exact, n_inexact = _sweep(name, [(g,) for g in grids])
    assert n_exact + n_inexact == len(grids)


def _templates(grid):
    """Objects to look for in a grid: its smallest objects, one moved off the grid, and
    an object that is not in it."""
    objs = sorted(OP.objects(grid, True, True, False), key=lambda o: (len(o), sorted(o)))
    picked = objs[:2] + [frozenset((c, (i + 3, j - 4)) for c, (i, j) in objs[0]),
                         frozenset({(7, (0, 0)), (7, (0, 1)), (8, (1, 0))})]
    return [(grid, o) for o in picked]


def test_occurrences_match_reference_on_real_grids(real_grids):
    cases = [case for g in real_grids[:60] for case in _templates(g)]
    n_exact, _ = _sweep("occurrences", cases)
    assert n_exact == len(cases)


@pytest.mark.slow
def test_occurrences_match_reference_on_all_real_grids():
    grids = [g for g in arc_samples.arc1_training_grids() if _fits_small(g)]
    cases = [case for g in grids for case in _templates(g)]
    n_exact, _ = _sweep("occurrences", cases)
    assert n_exact == len(cases)


def _object_sets(grids):
    """objects(grid, ...) of each grid for two flag sets, where K holds them."""
    sets = [OP.objects(g, u, True, True) for g in grids for u in (True, False)]
    return [(objs,) for objs in sets if 0 < len(objs) <= values.SMALL.capacity]


@pytest.mark.parametrize("value", [0, 1, 2, 5])
def test_colorfilter_and_sizefilter_match_reference_on_real_objects(real_grids, value):
    cases = _object_sets(real_grids[:40])
    assert _sweep("colorfilter", cases, (value,))[1] == 0
    assert _sweep("sizefilter", cases, (value,))[1] == 0


@pytest.mark.slow
@pytest.mark.parametrize("value", [0, 1, 2, 5, 8])
def test_colorfilter_and_sizefilter_on_all_real_objects(value):
    grids = [g for g in arc_samples.arc1_training_grids() if _fits_small(g)]
    cases = _object_sets(grids)
    assert _sweep("colorfilter", cases, (value,))[1] == 0
    assert _sweep("sizefilter", cases, (value,))[1] == 0


# --------------------------------------------------------------------------- the harness


# Each harness case compiles its own jit: keep these case lists short; volume is in the
# batched sweeps above.
def test_objects_harness_eager_jit_vmap():
    real = _grids(1, seed=11)[0]
    cases = [(real, True, False, True), (real, False, True, False),
             (((8, 1), (1, 8)), True, True, True), (((5,),), False, False, True)]
    summary = testing.check_primitive("objects", cases, kinds=("Grid", None, None, None))
    assert summary.cases == len(cases) and summary.inexact == 0 and summary.exact >= 2 * len(cases)


def test_objects_harness_edge_grids_raise_or_are_empty():
    cases = [(((),), True, False, True), (((),), False, False, False), ((), True, False, False)]
    summary = testing.check_primitive("objects", cases, kinds=("Grid", None, None, None))
    assert summary.inexact == 0 and summary.errors >= 4 and summary.exact >= 2 * len(cases)


def test_partition_fgpartition_frontiers_harness():
    grids = [_grids(1, seed=12)[0], ((9, 2), (2, 9)), ((3, 3, 3),)]
    for name in ("partition", "fgpartition", "frontiers"):
        summary = testing.check_primitive(name, [(g,) for g in grids], kinds=("Grid",))
        assert summary.inexact == 0 and summary.exact >= 2 * len(grids), (name, summary)


def test_colorfilter_harness_on_objects_of_real_grids():
    grid = _grids(1, seed=13)[0]
    uni = OP.objects(grid, True, False, True)
    multi = OP.objects(grid, False, True, True)
    colour = min(next(iter(o))[0] for o in uni)
    cases = [(uni, colour), (multi, 1), (frozenset(), 1), (tuple(sorted(uni, key=len))[:3], 0),
             (frozenset({frozenset({(0, 0), (1, 1)}), frozenset({(2, 2)})}), 0)]
    summary = testing.check_primitive("colorfilter", cases)
    assert summary.inexact == 0 and summary.exact >= 2 * len(cases)


def test_sizefilter_harness():
    objs = OP.objects(_grids(1, seed=14)[0], True, True, False)
    cases = [(objs, min(len(o) for o in objs)), (frozenset({(0, 0), (1, 2)}), 2),
             (frozenset({(3, (0, 0))}), 1), ((frozenset({(1, 1)}), frozenset()), 0)]
    summary = testing.check_primitive("sizefilter", cases)
    assert summary.inexact == 0 and summary.exact >= 2 * len(cases)


def test_occurrences_harness():
    grid = ((1, 0, 0, 0, 3), (0, 1, 1, 0, 0), (0, 1, 1, 2, 0), (0, 0, 2, 2, 0), (0, 2, 0, 0, 0))
    cases = [(grid, frozenset({(1, (7, -3)), (1, (7, -2))})), (((1, 2), (3, 4)), frozenset()),
             (((1,),), frozenset({(1, (0, 0)), (1, (1, 0))}))]
    summary = testing.check_primitive("occurrences", cases, kinds=("Grid", "Object"))
    assert summary.inexact == 0 and summary.exact >= 2 * len(cases)
    index_cases = [(grid, frozenset({(0, 0)})), (((1,),), frozenset({(0, 0), (1, 0)}))]
    summary = testing.check_primitive("occurrences", index_cases, kinds=("Grid", "Indices"))
    assert summary.exact >= 2 * len(index_cases) and summary.errors >= 2


# --------------------------------------------------------------------------- specific behaviour


def test_background_tie_follows_cpython_set_order():
    # 8 and 1 tie; CPython iterates {8, 1} as 8 first, so the background is 8.
    grid = ((8, 1), (1, 8))
    assert _sweep("objects", [(grid,), (((1, 8), (8, 1)),)], (True, False, True)) == (2, 0)
    assert _sweep("fgpartition", [(grid,), (((9, 2), (2, 9)),)]) == (2, 0)


def test_background_emulates_cpython_ties_on_tie_heavy_grids():
    rng = np.random.default_rng(0)
    grids = []
    for _ in range(600):
        h, w = rng.integers(1, 5, size=2)
        palette = rng.choice(10, size=rng.integers(1, 7), replace=False)
        grids.append(tuple(tuple(int(v) for v in row) for row in rng.choice(palette, size=(h, w))))
    background = jax.jit(jax.vmap(lambda g: OJ._mostcolor(OJ._grid_colours(g))))
    got = np.asarray(background(testing.stack_py(grids, "Grid")))
    assert [int(v) for v in got] == [dsl_py.mostcolor(g) for g in grids]


def test_serpentine_and_full_canvas_converge_exactly():
    c = values.SMALL.canvas
    serpentine = tuple(tuple(0 if (i % 2 == 0 or (j == c - 1 if i % 4 == 1 else j == 0)) else 5
                             for j in range(c)) for i in range(c))
    checker = tuple(tuple((i + j) % 2 for j in range(c)) for i in range(c))
    spiral = _spiral(c)
    for flag_set in [(True, False, False), (True, True, True), (False, False, True)]:
        n_exact, _ = _sweep("objects", [(serpentine,), (spiral,), (checker,)], flag_set)
        assert n_exact >= 2


def _spiral(n):
    grid = [[0] * n for _ in range(n)]
    top, left, bottom, right = 0, 0, n - 1, n - 1
    while top <= bottom and left <= right:
        for j in range(left, right + 1):
            grid[top][j] = 3
        for i in range(top, bottom + 1):
            grid[i][right] = 3
        for j in range(left, right + 1):
            grid[bottom][j] = 3
        for i in range(top + 2, bottom + 1):
            grid[i][left] = 3
        if top + 2 <= bottom:
            grid[top + 2][left + 1] = 3
        top, left, bottom, right = top + 2, left + 2, bottom - 2, right - 2
    return tuple(map(tuple, grid))


def test_overflow_is_flagged_not_exact():
    checker = tuple(tuple((i + j) % 2 for j in range(12)) for i in range(12))  # 144 objects
    assert _sweep("objects", [(checker,)], (True, False, False)) == (0, 1)


def test_frontiers_overflow_is_flagged():
    uniform = tuple(tuple(0 for _ in range(20)) for _ in range(20))  # 40 frontiers > 32
    assert _sweep("frontiers", [(uniform,)]) == (0, 1)


def test_objects_compiles_once_for_other_grids():
    a = testing.stack_py(_grids(4, seed=21), "Grid")
    b = testing.stack_py(_grids(4, seed=22), "Grid")
    testing.assert_compiles_once(lambda g: OJ.objects(g, True, False, True), (a,), (b,))


def test_large_tier_holds_many_objects():
    checker = tuple(tuple((i + j) % 2 for j in range(12)) for i in range(12))
    with values.use_tier(values.LARGE):
        stacked = testing.stack_py([checker], "Grid", tier=values.LARGE)
        fn = jax.jit(jax.vmap(lambda g: flags.collect(OJ.objects, g, True, False, False)))
        out, ok, exact = jax.device_get(fn(stacked))
    assert bool(exact[0]) and bool(ok[0])
    lane = jax.tree_util.tree_map(lambda x: x[0], out)
    assert values.to_py(lane) == OP.objects(checker, True, False, False)


# --------------------------------------------------------------------------- hypothesis

_colours = st.sampled_from([0, 1, 2, 8, 9])
_grid_strategy = st.integers(1, 7).flatmap(lambda h: st.integers(1, 7).flatmap(
    lambda w: st.lists(st.lists(_colours, min_size=w, max_size=w), min_size=h, max_size=h))
).map(lambda g: tuple(map(tuple, g)))


@settings(max_examples=12, deadline=None)
@given(grids=st.lists(_grid_strategy, min_size=8, max_size=8), flag_index=st.integers(0, 7))
def test_objects_on_hypothesis_grids(grids, flag_index):
    n_exact, n_inexact = _sweep("objects", [(g,) for g in grids], FLAG_SETS[flag_index])
    assert n_exact + n_inexact == len(grids)


@settings(max_examples=8, deadline=None)
@given(grids=st.lists(_grid_strategy, min_size=8, max_size=8))
def test_partitions_and_frontiers_on_hypothesis_grids(grids):
    for name in ("partition", "fgpartition", "frontiers"):
        _sweep(name, [(g,) for g in grids])


_template = st.frozensets(st.tuples(_colours, st.tuples(st.integers(-2, 3), st.integers(-2, 3))),
                          max_size=4).filter(lambda o: len({p for _, p in o}) == len(o))


@settings(max_examples=8, deadline=None)
@given(cases=st.lists(st.tuples(_grid_strategy, _template), min_size=8, max_size=8))
def test_occurrences_on_hypothesis_cases(cases):
    n_exact, _ = _sweep("occurrences", cases)
    assert n_exact == len(cases)


def test_a_tuple_of_rows_is_read_as_a_grid():
    """partition / objects of a tuple Container of rows (merge of grids, apply over rows)."""
    rows = ((1, 2, 2), (0, 2, 1))
    assert values.is_row_tuple(values.from_py(rows, "Tuple")[0])
    summary = testing.check_primitive("partition", [(rows,)], kinds=("Tuple",))
    assert summary.exact == 2
    summary = testing.check_primitive("objects", [(rows, True, False, True)], kinds=("Tuple", None, None, None))
    assert summary.exact == 2
