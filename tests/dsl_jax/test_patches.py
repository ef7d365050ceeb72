"""dsl_jax patches family against dsl_py.

- Harness checks (testing.check_primitive: eager, jit, vmap) on a few pinned edge cases
  per primitive: empty patches, objects, off-grid cells, window overflow.
- Batched sweeps (one jit(vmap) per primitive and argument shapes) over patches and
  objects derived from real ARC-1 grids and over seeded random ones (empty, periodic,
  multi-colour, off-grid, beyond the window); every exact lane must match dsl_py.
- Hypothesis sweeps (larger ones marked slow), the LARGE tier, flags and compile counts.
The harness compiles once per case, so it gets few cases; volume goes through `sweep`.
"""
import functools
import random

import jax
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from jaxbatt import dsl_py
from jaxbatt.dsl_py import ordering
from jaxbatt.dsl_jax import flags, patches as JP, testing, values
from tests.arc_samples import sample_grids

E = frozenset()
L_SHAPE = frozenset({(0, 0), (1, 0), (2, 0), (2, 1)})
OBJ = frozenset({(3, (1, 2)), (3, (1, 3)), (5, (2, 2))})
STRIPES = frozenset({(1, (4, 0)), (2, (4, 1)), (1, (4, 2)), (2, (4, 3)), (1, (5, 0))})
OFF_GRID = frozenset({(-3, -2), (-3, -1), (-2, -2)})  # inside the SMALL window (margin 5)
CORNER = frozenset({(-5, -5)})  # the window's first cell: outbox/neighbours leave it
DOT = frozenset({(0, 0)})
GRID = ((0, 1, 2),
        (1, 1, 0))

UNARY_PATCH = ["ulcorner", "urcorner", "llcorner", "lrcorner", "toindices", "normalize",
               "uppermost", "lowermost", "leftmost", "rightmost", "square", "vline", "hline",
               "centerofmass", "color", "center", "corners", "backdrop", "delta", "inbox",
               "outbox", "box", "hperiod", "vperiod"]
BINARY_PATCH = ["hmatching", "vmatching", "manhattan", "adjacent", "position", "gravitate"]
FROM_LOC = ["dneighbors", "ineighbors", "neighbors", "vfrontier", "hfrontier"]

EDGE_CASES = {name: [(L_SHAPE,), (E,), (OBJ,)] for name in UNARY_PATCH}
EDGE_CASES["hperiod"] = [(STRIPES,), (OBJ,), (L_SHAPE,)]
EDGE_CASES["vperiod"] = [(STRIPES,), (E,), (frozenset({(0, 0), (1, 0)}),)]
EDGE_CASES["outbox"] = [(L_SHAPE,), (E,), (CORNER,)]
EDGE_CASES["inbox"] = [(DOT,), (E,), (CORNER,)]
EDGE_CASES["color"] = [(STRIPES,), (E,), (L_SHAPE,)]
EDGE_CASES.update({
    "hmatching": [(L_SHAPE, OFF_GRID), (E, L_SHAPE), (OBJ, L_SHAPE)],
    "vmatching": [(L_SHAPE, OFF_GRID), (L_SHAPE, E), (OBJ, L_SHAPE)],
    "manhattan": [(L_SHAPE, OFF_GRID), (E, L_SHAPE), (OBJ, STRIPES)],
    "adjacent": [(L_SHAPE, frozenset({(1, 1)})), (L_SHAPE, E), (OBJ, L_SHAPE)],
    "position": [(L_SHAPE, OFF_GRID), (DOT, DOT), (E, DOT), (OBJ, L_SHAPE)],
    "gravitate": [(DOT, frozenset({(5, 0)})), (DOT, frozenset({(3, 30)})), (E, DOT)],
    "dneighbors": [((0, 0),), ((-5, 3),), ((40, 40),)],
    "ineighbors": [((2, 7),), ((34, 0),)],
    "neighbors": [((2, 7),), ((-4, -4),)],
    "vfrontier": [((3, 4),), ((0, 60),)],
    "hfrontier": [((3, 4),), ((-9, 0),)],
    "connect": [((0, 0), (3, 3)), ((3, 0), (0, 3)), ((0, 0), (1, 2)), ((0, 0), (0, 50))],
    "shoot": [((1, 1), (0, 0)), ((3, 4), (-1, 0)), ((0, 0), (1, 2))],
    "recolor": [(4, L_SHAPE), (2, E), (7, OBJ)],
    "shift": [(L_SHAPE, (-3, 1)), (E, (9, 9)), (OBJ, (40, 0)), (OBJ, (2, -6))],
    "toobject": [(L_SHAPE, GRID), (OFF_GRID, GRID), (E, GRID), (OBJ, GRID)],
    "bordering": [(L_SHAPE, ((0,) * 3,) * 3), (OFF_GRID, GRID), (E, GRID), (OBJ, GRID)],
    "asindices": [(GRID,), (((5,),),)],
    "asobject": [(GRID,), (((5,),),)],
    "ofcolor": [(GRID, 1), (GRID, 7), (GRID, -1)],
    "square": [(GRID,), (((1, 2), (3, 4)),), (L_SHAPE,), (E,)],
})


def test_every_primitive_has_edge_cases():
    assert sorted(EDGE_CASES) == sorted(JP.__all__)
    assert sorted(JP.__all__) == sorted(dsl_py.patches.__all__)


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_match_reference_eager_jit_vmap(name):
    summary = testing.check_primitive(name, EDGE_CASES[name])
    assert summary.exact > 0, summary


# --------------------------------------------------------------- batched sweeps

_LANES = 64  # sweeps pad every batch to this many lanes: one compile per argument shapes


@functools.lru_cache(maxsize=None)
def _batched(name, tier_name):
    tier = {t.name: t for t in values.TIERS}[tier_name]
    fn = getattr(JP, name)

    def run(*args):
        with values.use_tier(tier):
            return flags.collect(fn, *args)

    return jax.jit(jax.vmap(run))


def _reference(name, args):
    try:
        return True, getattr(dsl_py, name)(*args)
    except Exception:  # noqa: BLE001 - raising is the reference's result
        return False, None


def sweep(name, cases, tier=values.SMALL):
    """Checks dsl_jax `name` on every case through one jit(vmap) per argument shapes.

    Returns (compared, inexact, reference_errors, unpadded) lane counts."""
    groups = {}
    unpadded = 0
    for args in cases:
        padded, fits = [], True
        for a in args:
            p, ok = values.from_py(a, None, tier)
            padded.append(jax.tree_util.tree_map(np.asarray, p))
            fits = fits and ok
        if not fits:
            unpadded += 1
            continue
        leaves, treedef = jax.tree_util.tree_flatten(padded)
        key = (treedef, tuple((x.shape, x.dtype.str) for x in leaves))
        groups.setdefault(key, []).append((args, padded))
    compared = inexact = errors = 0
    fn = _batched(name, tier.name)
    for members in groups.values():
        for start in range(0, len(members), _LANES):
            chunk = members[start:start + _LANES]
            lanes = [m[1] for m in chunk] + [chunk[0][1]] * (_LANES - len(chunk))
            stacked = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *lanes)
            out, ok, exact = jax.device_get(fn(*stacked))
            for lane, (args, _) in enumerate(chunk):
                if not exact[lane]:
                    inexact += 1
                    continue
                compared += 1
                expected_ok, expected = _reference(name, args)
                where = f"{name}{args!r:.300}"
                assert bool(ok[lane]) == expected_ok, f"{where}: ok={ok[lane]}"
                if expected_ok:
                    got = values.to_py(jax.tree_util.tree_map(lambda x: x[lane], out))
                    assert got == expected, f"{where}: dsl_jax {got!r:.200} != {expected!r:.200}"
                else:
                    errors += 1
    return compared, inexact, errors, unpadded


def _derived(grid, rng):
    """Patches and objects a solver builds from a grid, some moved partly off the grid."""
    out = [dsl_py.asobject(grid), dsl_py.asindices(grid)]
    for value in sorted(dsl_py.palette(grid))[:3]:
        out.append(dsl_py.ofcolor(grid, value))
    objs = sorted(dsl_py.objects(grid, True, False, True), key=ordering.canonical_key)
    objs = sorted(objs, key=len)
    out += objs[:3] + objs[-2:]
    out += list(ordering.ordered(dsl_py.objects(grid, False, True, True)))[:2]
    for o in objs[:3]:
        out.append(dsl_py.shift(o, (rng.randint(-5, 3), rng.randint(-5, 3))))
        out.append(dsl_py.toindices(dsl_py.shift(o, (rng.randint(-4, 8), rng.randint(-4, 8)))))
    return out


def _random_patch(rng):
    """Empty, scattered, periodic or off-grid Indices and Objects (some beyond the window)."""
    kind = rng.randrange(7)
    if kind == 0:
        return E
    top, left = rng.randint(-6, 30), rng.randint(-6, 30)
    h, w = rng.randint(1, 7), rng.randint(1, 7)
    if kind == 1:  # a periodic object with holes
        hp, wp = rng.randint(1, h), rng.randint(1, w)
        tile = [[rng.randint(0, 3) for _ in range(wp)] for _ in range(hp)]
        return frozenset((tile[i % hp][j % wp], (top + i, left + j))
                         for i in range(h) for j in range(w) if rng.random() < 0.9)
    cells = {(top + rng.randrange(h), left + rng.randrange(w)) for _ in range(rng.randint(1, 10))}
    if kind == 2:  # a full rectangle, a line or a square
        cells = {(top + i, left + j) for i in range(h) for j in range(w)}
    if kind in (3, 4):
        palette = rng.choice([(2,), (1, 5), (0, 1, 2, 3)])
        return frozenset((rng.choice(palette), c) for c in cells)
    return frozenset(cells)


def _random_pair(rng, near):
    """Two random patches; when `near`, the second sits a few cells from the first."""
    a = _random_patch(rng)
    if not near or not a:
        return a, _random_patch(rng)
    b = _random_patch(rng)
    if b:
        target = (dsl_py.uppermost(a) + rng.randint(-8, 8), dsl_py.leftmost(a) + rng.randint(-8, 8))
        b = dsl_py.shift(b, (target[0] - dsl_py.uppermost(b), target[1] - dsl_py.leftmost(b)))
    return a, b


@functools.lru_cache(maxsize=None)
def _cases():
    """(grids, unary, binary, with_grid): real ARC-1 cases, then seeded random ones."""
    rng = random.Random(3)
    grids = sample_grids(12, seed=11)
    unary, binary, with_grid = [], [], []
    for grid in grids:
        pieces = _derived(grid, rng)
        unary += [(p,) for p in pieces]
        with_grid += [(p, grid) for p in pieces]
        small = [p for p in pieces if len(p) <= 120]
        binary += [(rng.choice(small), rng.choice(small)) for _ in range(8)]
    unary += [(_random_patch(rng),) for _ in range(160)]
    binary += [_random_pair(rng, near=k % 2 == 0) for k in range(200)]
    return grids, unary, binary, with_grid


@pytest.mark.parametrize("name", UNARY_PATCH)
def test_unary_sweep_real_and_random(name):
    _, unary, _, _ = _cases()
    compared, _, _, _ = sweep(name, unary)
    assert compared > len(unary) // 2


@pytest.mark.parametrize("name", BINARY_PATCH)
def test_binary_sweep_real_and_random(name):
    _, _, binary, _ = _cases()
    compared, _, _, _ = sweep(name, binary)
    assert compared > len(binary) // 2


def test_grid_primitives_sweep_real_grids():
    grids, unary, _, with_grid = _cases()
    for name in ("toobject", "bordering"):
        compared, _, _, unpadded = sweep(name, with_grid)
        assert compared + unpadded == len(with_grid)
    shapes = list(grids) + [((5,), (6,)), ((7,),), ((1, 2),)]
    for name in ("asindices", "asobject", "square", "vline", "hline"):
        assert sweep(name, [(g,) for g in shapes])[0] == len(shapes)
    assert sweep("ofcolor", [(g, v) for g in grids for v in (0, 1, 5)])[0] == 3 * len(grids)
    assert sweep("recolor", [(7,) + c for c in unary])[0] > 0


def test_shift_sweep_counts_window_overflow_as_inexact():
    _, unary, _, _ = _cases()
    offsets = [(0, 0), (-3, 2), (4, -5), (30, 0), (-1, -1)]
    compared, inexact, _, _ = sweep("shift", [c + (d,) for c in unary for d in offsets])
    assert compared > 0 and inexact > 0


def test_point_primitives_sweep():
    rng = random.Random(5)
    points = [((rng.randint(-8, 38), rng.randint(-8, 38)),
               (rng.randint(-8, 38), rng.randint(-8, 38))) for _ in range(120)]
    for name in FROM_LOC:
        sweep(name, [(a,) for a, _ in points])
    sweep("connect", points)
    sweep("connect", [(a, (a[0] + b[0] % 9 - 4, a[1] - b[0] % 9 + 4)) for a, b in points])
    sweep("shoot", [(a, (b[0] % 3 - 1, b[1] % 3 - 1)) for a, b in points])


# --------------------------------------------------------------- hypothesis

_coord = st.integers(-6, 36)  # a little beyond the SMALL window (-5..34)
_pair = st.tuples(_coord, _coord)
_indices = st.frozensets(st.tuples(st.integers(-5, 12), st.integers(-5, 12)), max_size=10)
_object = st.frozensets(
    st.tuples(st.integers(0, 3), st.tuples(st.integers(-5, 12), st.integers(-5, 12))),
    max_size=10)
_patch = st.one_of(_indices, _object, st.just(E), _indices.map(
    lambda p: frozenset((i + 22, j + 20) for i, j in p)))


def _grid_strategy():
    return st.integers(1, 30).flatmap(lambda h: st.integers(1, 30).flatmap(
        lambda w: st.lists(st.lists(st.integers(0, 3), min_size=w, max_size=w),
                           min_size=h, max_size=h).map(lambda rows: tuple(map(tuple, rows)))))


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(st.lists(_patch, min_size=30, max_size=30))
def test_hypothesis_unary(pieces):
    for name in UNARY_PATCH + ["toindices"]:
        sweep(name, [(p,) for p in pieces])


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(_patch, _patch), min_size=30, max_size=30))
def test_hypothesis_binary(pairs):
    for name in BINARY_PATCH:
        sweep(name, pairs)


@pytest.mark.slow
@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(_pair, _pair), min_size=30, max_size=30))
def test_hypothesis_points(points):
    for name in FROM_LOC:
        sweep(name, [(a,) for a, _ in points])
    sweep("connect", points)
    sweep("connect", [(a, (a[0] + d, a[1] - d)) for a, (d, _) in points])
    sweep("shoot", [(a, (b[0] % 3 - 1, b[1] % 3 - 1)) for a, b in points])


@settings(max_examples=2, deadline=None)
@given(st.lists(st.tuples(_patch, _grid_strategy(), _pair), min_size=12, max_size=12))
def test_hypothesis_with_grids(cases):
    sweep("toobject", [(p, g) for p, g, _ in cases])
    sweep("bordering", [(p, g) for p, g, _ in cases])
    sweep("shift", [(p, d) for p, _, d in cases])
    sweep("ofcolor", [(g, d[0] % 4) for _, g, d in cases])


_far_patch = st.frozensets(st.tuples(st.integers(-19, 50), st.integers(-19, 50)), max_size=8)


@pytest.mark.slow
@settings(max_examples=5, deadline=None)
@given(st.lists(st.tuples(_far_patch, _far_patch), min_size=20, max_size=20))
def test_hypothesis_large_tier(pairs):
    for name in ("normalize", "ulcorner", "inbox", "outbox", "hperiod", "centerofmass"):
        sweep(name, [(a,) for a, _ in pairs], tier=values.LARGE)
    for name in ("manhattan", "gravitate", "position"):
        sweep(name, pairs, tier=values.LARGE)
    sweep("shift", [(a, min(b, default=(0, 0))) for a, b in pairs], tier=values.LARGE)


# --------------------------------------------------------------- tiers, flags, compiles


def test_large_tier_holds_far_off_grid_patches():
    far = frozenset({(-15, -12), (-14, -12), (-14, -11)})
    assert not values.from_py(far, tier=values.SMALL)[1]
    cases = [(far,), (dsl_py.shift(OBJ, (-16, 40)),), (L_SHAPE,)]
    for name in ("normalize", "outbox", "hperiod"):
        assert sweep(name, cases, tier=values.LARGE)[0] == len(cases)
    assert sweep("gravitate", [(far, L_SHAPE), (L_SHAPE, far)], tier=values.LARGE)[0] == 2


def test_corners_of_empty_patch_are_not_exact_and_extremes_not_ok():
    empty = values.empty_indices()
    for fn in (JP.ulcorner, JP.lrcorner, JP.centerofmass, JP.corners):
        _, ok, exact = flags.collect(fn, empty)
        assert not bool(exact)
    for fn in (JP.uppermost, JP.center, JP.color, JP.inbox):
        _, ok, exact = flags.collect(fn, empty)
        assert bool(exact) and not bool(ok)


def test_shift_out_of_window_is_not_exact():
    patch, _ = values.from_py(L_SHAPE)
    _, ok, exact = flags.collect(JP.shift, patch, np.asarray((-6, 0), np.int32))
    assert bool(ok) and not bool(exact)
    _, ok, exact = flags.collect(JP.shift, patch, np.asarray((-5, 0), np.int32))
    assert bool(ok) and bool(exact)


def test_gravitate_compiles_once_per_shape():
    sources = [dsl_py.shift(L_SHAPE, (i, 2 * i)) for i in range(4)]
    targets = [frozenset({(9, j)}) for j in range(4)]
    batch_a = (testing.stack_py(sources), testing.stack_py(targets))
    batch_b = (testing.stack_py(targets), testing.stack_py(sources))
    testing.assert_compiles_once(JP.gravitate, batch_a, batch_b)


# --------------------------------------------------------------------------- tuples as patches

PAIRS = ((1, 2), (4, 0), (1, 2))  # a tuple keeps duplicates
CELLS = ((3, (1, 2)), (5, (0, 4)), (3, (2, 2)))


@pytest.mark.parametrize("name", ["ulcorner", "lrcorner", "box", "backdrop", "shift", "normalize",
                                  "recolor", "delta", "toindices", "color", "corners", "outbox"])
def test_a_tuple_of_pairs_or_cells_is_a_patch(name):
    """box(astuple(a, b)), delta(merge((obj, obj))), color of a pair of cells: tuple
    Containers of pairs / cells where arc-dsl takes a patch."""
    for tup in (PAIRS, CELLS):
        if name == "recolor":
            args, kinds = (7, tup), (None, "Tuple")
        elif name == "shift":
            args, kinds = (tup, (2, -1)), ("Tuple", None)
        else:
            args, kinds = (tup,), ("Tuple",)
        summary = testing.check_primitive(name, [args], kinds=kinds)
        assert summary.exact == 2  # eager, jit


def test_tuples_as_patches_where_arc_dsl_keeps_or_refuses_the_tuple():
    """shift/box of an empty tuple return the tuple (not held: inexact); delta of a
    non-empty tuple of pairs raises (frozenset minus tuple)."""
    empty = testing.check_primitive("box", [((),)], kinds=("Tuple",))
    assert empty.exact == 0 and empty.inexact == 2
    refused = testing.check_primitive("delta", [(PAIRS,)], kinds=("Tuple",))
    assert refused.errors == 2


def test_python_tuples_of_pairs_and_cells_as_patches():
    """Elements of pair(...) / product(...) are Python tuples of pairs or cells."""
    def first_two(c):
        return tuple(values.element(c, k) for k in range(2))

    for name in ("color", "box", "ulcorner"):
        for tup in (PAIRS[:2], CELLS[:2]):
            fn = functools.partial(lambda f, c: f(first_two(c)), getattr(JP, name))
            summary = testing.check_primitive(name, [(tup,)], kinds=("Tuple",), fn=fn)
            assert summary.exact == 2


def test_ofcolor_of_a_tuple_of_rows():
    summary = testing.check_primitive("ofcolor", [(((1, 2, 3), (3, 2, 1)), 2)], kinds=("Tuple", None))
    assert summary.exact == 2
