"""dsl_jax grids family against dsl_py (the reference).

- edge cases through the harness (`testing.check_primitive`: eager, jit, vmap);
- volume: every primitive on real ARC-1 grids and patches/objects derived from them, one
  jit(vmap) per primitive and argument form, lanes of mixed grid sizes;
- hypothesis: random grids from 1x1 to 30x30 (ties, off-grid patches, empty patches),
  through the same cached batched functions;
- one compile per primitive for two batches of other grids (assert_max_traces).
"""
import functools
import random
import zlib

import jax
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jaxbatt import dsl_py
from jaxbatt.dsl_jax import flags, testing, values
from jaxbatt.dsl_jax import grids as J
from tests import arc_samples

TIER = values.SMALL


# ---------------------------------------------------------------------------- inputs

def _cells(grid, keep=lambda v: True):
    return frozenset((v, (i, j)) for i, r in enumerate(grid) for j, v in enumerate(r)
                     if keep(v))


def _patches_of(grid, rng):
    """Object and Indices of one colour, both shifted (partly off the grid), the other
    colours as one object, and the empty patch."""
    colours = sorted({v for r in grid for v in r})
    c = rng.choice(colours)
    o = _cells(grid, lambda v: v == c)
    di, dj = rng.randint(-4, 4), rng.randint(-4, 4)
    shifted = frozenset((v, (i + di, j + dj)) for v, (i, j) in o)
    ind = frozenset(loc for _, loc in o)
    out = [o, ind, shifted, frozenset(loc for _, loc in shifted), frozenset()]
    rest = _cells(grid, lambda v: v != c)
    if rest:
        out.append(rest)
    return out


def _tuples_of(grid, rng):
    """Tuples of cells (repeated positions, two colours at a cell) and of pairs, as
    solvers pass to fill/paint/underfill/underpaint."""
    cells = sorted(_cells(grid))
    picked = [rng.choice(cells) for _ in range(rng.randint(1, 12))]
    picked += [((v + 1) % 10, loc) for v, loc in picked[:3]]
    rng.shuffle(picked)
    shifted = [(v, (i + rng.randint(-2, 2), j)) for v, (i, j) in picked]
    return [tuple(picked), tuple(shifted), tuple(loc for _, loc in shifted)]


EDGE_GRIDS = [
    ((7,),),
    ((8, 0),), ((0, 8),), ((9, 1),), ((1, 9, 9, 1),), ((1, 8, 9, 0),),
    ((5, 5, 5),), ((2,), (3,), (2,)),
    tuple(tuple((i * 7 + j * 3) % 10 for j in range(30)) for i in range(30)),
    tuple(tuple((i + j) % 3 for j in range(29)) for i in range(30)),
    ((0, 0, 0, 0), (0, 1, 0, 2), (0, 0, 0, 0), (0, 3, 0, 4)),
]


@functools.lru_cache(maxsize=None)
def _real_grids(n=40, seed=7):
    return tuple(arc_samples.sample_grids(n, seed=seed))


# Argument forms: G grid, I int, P pair, X patch (Indices or Object), O object.
SIGNATURES = {
    "mostcolor": "E", "leastcolor": "E", "palette": "E", "numcolors": "E",
    "colorcount": "EI",
    "height": "E", "width": "E", "shape": "E", "portrait": "E",
    "rot90": "G", "rot180": "G", "rot270": "G",
    "hmirror": "E", "vmirror": "E", "dmirror": "E", "cmirror": "E",
    "fill": "GIX", "paint": "GX", "underfill": "GIX", "underpaint": "GX",
    "cover": "GX", "move": "GXP",
    "hupscale": "GI", "vupscale": "GI", "upscale": "EI", "downscale": "GI",
    "hconcat": "GG", "vconcat": "GG", "subgrid": "XG", "crop": "GPP",
    "hsplit": "GI", "vsplit": "GI",
    "cellwise": "GGI", "replace": "GII", "switch": "GII", "canvas": "IP",
    "trim": "G", "tophalf": "G", "bottomhalf": "G", "lefthalf": "G", "righthalf": "G",
    "compress": "G", "index": "GP",
}
assert sorted(SIGNATURES) == sorted(J.__all__)


def _cases(name, grid_pool, rng, per_grid=2):
    """Argument tuples for `name` built from a pool of grids."""
    sig = SIGNATURES[name]
    cases = []
    for grid in grid_pool:
        h, w = len(grid), len(grid[0])
        patches = _patches_of(grid, rng)
        for _ in range(per_grid):
            args = []
            for k, form in enumerate(sig):
                if form == "G":
                    args.append(grid if k == 0 else rng.choice(
                        [grid, rng.choice(grid_pool), dsl_py.rot90(grid)]))
                elif form == "E":
                    args.append(rng.choice([grid, grid] + patches))
                elif form == "X":
                    if name in ("fill", "paint", "underfill", "underpaint") and rng.random() < 0.3:
                        args.append(rng.choice(_tuples_of(grid, rng)))
                    else:
                        args.append(rng.choice(patches))
                elif form == "I":
                    if name in ("hupscale", "vupscale", "upscale"):
                        args.append(rng.choice([0, 1, 2, 3, -1]))
                    elif name in ("downscale", "hsplit", "vsplit"):
                        args.append(rng.choice([1, 2, 3, 4, 0, -2, 5]))
                    else:
                        args.append(rng.randint(0, 9))
                elif form == "P":
                    if name == "canvas":
                        args.append((rng.randint(-1, 12), rng.randint(-1, 12)))
                    elif name == "index":
                        args.append((rng.randint(-1, h - 1 + (rng.random() < 0.2)),
                                     rng.randint(0, w - 1)))
                    elif name == "move":
                        args.append((rng.randint(-5, 5), rng.randint(-5, 5)))
                    else:
                        args.append((rng.randint(-h, h + 1), rng.randint(-w, w + 1)))
            cases.append(tuple(args))
    return cases


def _kinds(name, args):
    """from_py kinds: grids are always Grids (the empty grid too); a tuple in a patch
    position is a tuple Container (of pairs or cells)."""
    def kind(form, a):
        if form == "G" or (form == "E" and isinstance(a, tuple)):
            return "Grid"
        if form == "X" and isinstance(a, tuple):
            return "Tuple"
        return None
    return tuple(kind(f, a) for f, a in zip(SIGNATURES[name], args))


# ---------------------------------------------------------------------------- batched runner

@functools.lru_cache(maxsize=None)
def _vmapped(name):
    fn = getattr(J, name)

    def one(*args):
        with values.use_tier(TIER):
            return flags.collect(fn, *args)
    return jax.jit(jax.vmap(one))


def _reference(name, args):
    try:
        return True, getattr(dsl_py, name)(*args)
    except Exception:  # the reference raising is a result
        return False, None


def run_batched(name, cases, batch=32):
    """Compares every lane of jit(vmap(name)) with dsl_py; returns (exact, inexact)."""
    groups = {}
    for args in cases:
        padded, fits = [], True
        for a, kind in zip(args, _kinds(name, args)):
            p, ok = values.from_py(a, kind, TIER)
            fits = fits and ok
            padded.append(jax.tree_util.tree_map(np.asarray, p))
        if not fits:
            continue
        leaves, treedef = jax.tree_util.tree_flatten(padded)
        signature = (treedef, tuple((x.shape, x.dtype.str) for x in leaves))
        groups.setdefault(signature, []).append((args, padded))
    exact = inexact = 0
    for members in groups.values():
        for start in range(0, len(members), batch):
            chunk = members[start:start + batch]
            lanes = chunk + [chunk[-1]] * (batch - len(chunk))  # one compiled size
            stacked = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *[m[1] for m in lanes])
            out, ok, ex = _vmapped(name)(*stacked)
            for lane, (args, _) in enumerate(chunk):
                if not bool(ex[lane]):
                    inexact += 1
                    continue
                expected_ok, expected = _reference(name, args)
                where = f"{name}{testing._short(args)}"
                assert bool(ok[lane]) == expected_ok, f"{where}: ok={bool(ok[lane])}"
                if expected_ok:
                    lane_out = jax.tree_util.tree_map(lambda x: x[lane], out)
                    got = values.to_py(lane_out)
                    assert got == expected, f"{where}: {testing._short(got)} != {testing._short(expected)}"
                    if isinstance(lane_out, values.Container) and isinstance(expected, frozenset) \
                            and all(isinstance(v, int) for v in expected):
                        # to_py rebuilds a Python frozenset: read the Container's own order
                        stored = tuple(int(v) for v in np.asarray(lane_out.items)[:int(lane_out.size)])
                        assert stored == tuple(expected), f"{where}: iteration order {stored}"
                exact += 1
    return exact, inexact


# ---------------------------------------------------------------------------- edge cases

A = ((1, 2, 3), (4, 5, 6))
OBJ = frozenset({(3, (-1, 2)), (4, (0, 2)), (5, (0, 4))})
IND = frozenset({(-2, 0), (1, 3), (1, 4)})
EMPTY = frozenset()

EDGE_CASES = {
    "mostcolor": [(((8, 0),),), (((9, 1),),), (((1, 8, 9, 8, 1, 9),),), (OBJ,),
                  (frozenset({(8, (0, 0)), (0, (0, 1))}),), (IND,), (EMPTY,)],
    "leastcolor": [(((8, 0),),), (((9, 1, 1),),), (OBJ,), (EMPTY,)],
    "palette": [(((8, 0),),), (((9, 2, 1),),), (OBJ,), (IND,),
                (frozenset({(11, 1), (3, 2), (1, 2)}),)],
    "numcolors": [(A,), (OBJ,), (EMPTY,)],
    "colorcount": [(A, 5), (A, -1), (OBJ, 4), (IND, 1)],
    "height": [(A,), (((),),), (IND,), (EMPTY,)],
    "width": [(A,), (((), ()),), (OBJ,), (EMPTY,)],
    "shape": [(A,), (IND,)],
    "portrait": [(((1,), (2,)),), (OBJ,)],
    "rot90": [(A,), (((), ()),)], "rot180": [(A,)], "rot270": [(A,), (((7,),),)],
    "hmirror": [(A,), (OBJ,), (IND,), (EMPTY,)],
    "vmirror": [(A,), (OBJ,), (EMPTY,)],
    "dmirror": [(A,), (OBJ,), (IND,), (frozenset({(30, -4), (30, 34)}),)],
    "cmirror": [(A,), (OBJ,), (IND,)],
    "fill": [(A, 0, IND), (A, 9, OBJ), (A, 9, EMPTY), ((), 1, EMPTY),
             (A, 7, ((0, 0), (1, 2), (5, 5))), (A, 7, ((2, (0, 1)), (3, (0, 1)))), (A, 7, ())],
    "paint": [(A, OBJ), (A, ((7, (0, 0)), (2, (0, 0)), (9, (1, 1)))), (A, EMPTY), (A, IND),
              ((), EMPTY), (A, ((0, 0), (1, 1))), (A, ())],
    "underfill": [(((0, 0), (0, 1)), 4, frozenset({(1, 1), (0, 1), (7, 7)})),
                  (((0, 0), (0, 1)), 4, ((1, 1), (0, 1), (0, 1))),
                  (((0, 0), (0, 1)), 4, ((5, (1, 0)), (6, (0, 0))))],
    "underpaint": [(((0, 0), (0, 1)), frozenset({(2, (0, 0)), (5, (1, 1))})),
                   (((0, 0), (0, 1)), ((0, (0, 0)), (2, (0, 0)), (7, (0, 0)), (5, (1, 1)))),
                   (A, IND), (A, ())],
    "cover": [(((0, 3), (0, 0)), frozenset({(3, (0, 1))})), ((), EMPTY)],
    "move": [(((0, 0, 0), (0, 3, 0), (0, 0, 0)), frozenset({(3, (1, 1))}), (1, 1)),
             (((0, 0, 0), (0, 3, 0), (0, 0, 0)), frozenset({(3, (1, 1))}), (-9, 1)),
             (A, IND, (0, 0)), (A, EMPTY, (1, 1))],
    "hupscale": [(A, 2), (A, 0), (A, 11)], "vupscale": [(A, 3), (A, -1)],
    "upscale": [(A, 2), (A, 0), (OBJ, 2), (OBJ, 0), (EMPTY, 2), (IND, 2)],
    "downscale": [(A, 2), (A, -2), (A, 0), ((), 1), (A, 9)],
    "hconcat": [(A, ((7,),)), (A, ())],
    "vconcat": [(A, ((7,),)), (A, ()), ((), A), (A, A)],
    "subgrid": [(IND, A), (OBJ, A), (EMPTY, A), (frozenset({(1, 2), (2, 3)}), A)],
    "crop": [(A, (1, 1), (2, 2)), (A, (-1, 0), (3, 1)), (A, (-2, -1), (5, 5)),
             (A, (0, 0), (0, 2)), (A, (5, 5), (1, 1))],
    "hsplit": [(((1, 1, 0, 2, 2),), 2), (((1, 2, 3, 4, 5, 6, 7),), 3), (A, 9), (A, -1),
               (A, 0), ((), 2), (A, 40)],
    "vsplit": [(tuple((i,) for i in range(7)), 3), (A, 0), ((), 0), (A, 2)],
    "cellwise": [(A, ((1, 0, 3), (0, 5, 0), (9, 9, 9)), 7), (A, ((1, 2),), 0),
                 (((), ()), ((),), 1), ((), A, 1)],
    "replace": [(A, 2, 9), (A, -1, 9)],
    "switch": [(A, 1, 6), (A, 1, 1), (A, 7, 2)],
    "canvas": [(4, (2, 3)), (4, (2, 0)), (4, (0, 3)), (4, (-1, 3)), (4, (31, 2)), (-1, (2, 2))],
    "trim": [(A,), (((1, 2, 3),) * 3,), ((),)],
    "tophalf": [(A,), (((1, 2),),)], "bottomhalf": [(((1,), (2,), (3,)),)],
    "lefthalf": [(A,), (((1,), (2,)),)], "righthalf": [(A,), (((1,), (2,)),)],
    "compress": [(((0, 0, 0, 0), (0, 1, 0, 2), (0, 0, 0, 0), (0, 3, 0, 4)),),
                 (((5, 5), (5, 5)),), (((1, 2), (1, 3)),), ((),), (((), ()),)],
    "index": [(A, (1, 2)), (A, (2, 0)), (A, (-1, 0)), ((), (0, 0))],
}
assert sorted(EDGE_CASES) == sorted(J.__all__)


HARNESS_CASES = 3  # per primitive through the harness (each case compiles once)


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_eager_jit_vmap(name):
    """The first edge cases through the harness; all of them batched."""
    by_kinds = {}
    for args in EDGE_CASES[name][:HARNESS_CASES]:
        by_kinds.setdefault(_kinds(name, args), []).append(args)
    for kinds, group in by_kinds.items():
        testing.check_primitive(name, group, kinds=kinds, tier=TIER)
    exact, _ = run_batched(name, EDGE_CASES[name])
    assert exact > 0


def test_fill_with_a_tuple_of_pairs_read_as_a_grid():
    """from_py reads a tuple of pairs as a width-2 Grid unless told otherwise."""
    cases = [(A, 7, ((0, 0), (1, 2))), (A, 7, ((0, 0, 1),)), (A, 7, ())]
    testing.check_primitive("fill", cases, kinds=("Grid", None, "Grid"), tier=TIER)
    testing.check_primitive("underfill", cases[:1], kinds=("Grid", None, "Grid"), tier=TIER)


# ---------------------------------------------------------------------------- volume

@pytest.mark.parametrize("name", sorted(J.__all__))
def test_real_arc_grids_batched(name):
    rng = random.Random(zlib.crc32(name.encode()))
    pool = list(_real_grids()) + EDGE_GRIDS
    exact, _ = run_batched(name, _cases(name, pool, rng))
    assert exact >= len(pool)


def test_mostcolor_matches_on_every_real_grid():
    grids = [g for g in arc_samples.arc1_training_grids() if len(g) <= 30 and len(g[0]) <= 30]
    exact, inexact = run_batched("mostcolor", [(g,) for g in grids], batch=256)
    assert inexact == 0 and exact == len(grids)


_grid_rows = st.integers(1, 30).flatmap(lambda h: st.integers(1, 30).flatmap(
    lambda w: st.lists(st.lists(st.sampled_from([0, 0, 0, 1, 2, 8, 9]), min_size=w,
                                max_size=w), min_size=h, max_size=h)))
_tiny_rows = st.integers(1, 3).flatmap(lambda h: st.integers(1, 3).flatmap(
    lambda w: st.lists(st.lists(st.integers(0, 9), min_size=w, max_size=w),
                       min_size=h, max_size=h)))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pool=st.lists(st.one_of(_grid_rows, _tiny_rows), min_size=4, max_size=8),
       seed=st.integers(0, 10**6))
def test_hypothesis_grids_every_primitive(pool, seed):
    rng = random.Random(seed)
    grids = [tuple(tuple(r) for r in rows) for rows in pool]
    for name in sorted(J.__all__):
        run_batched(name, _cases(name, grids, rng, per_grid=1))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pool=st.lists(st.one_of(_grid_rows, _tiny_rows), min_size=8, max_size=24),
       seed=st.integers(0, 10**6))
def test_hypothesis_grids_every_primitive_slow(pool, seed):
    rng = random.Random(seed)
    grids = [tuple(tuple(r) for r in rows) for rows in pool]
    for name in sorted(J.__all__):
        run_batched(name, _cases(name, grids, rng, per_grid=3))


# ---------------------------------------------------------------------------- compile once

def test_compiles_once_per_shape():
    a = testing.stack_py(list(_real_grids()[:4]), "Grid")
    b = testing.stack_py(list(_real_grids()[4:8]), "Grid")
    testing.assert_compiles_once(J.compress, (a,), (b,))
    ints = np.asarray([2, 3, 1, 0], np.int32)
    testing.assert_compiles_once(J.hsplit, (a, ints), (b, ints + 1))


def test_large_tier_holds_what_the_small_canvas_cannot():
    big = tuple(tuple((i * j) % 10 for j in range(12)) for i in range(14))
    with values.use_tier(values.LARGE):
        testing.check_primitive("upscale", [(big, 3)], kinds=("Grid", None), tier=values.LARGE)
        testing.check_primitive("hconcat", [(big, dsl_py.hupscale(big, 2))],
                                kinds=("Grid", "Grid"), tier=values.LARGE)
        testing.check_primitive("canvas", [(3, (40, 47))], tier=values.LARGE)
    # the same calls do not fit the small canvas: flagged, never wrong
    summary = testing.check_primitive("upscale", [(big, 3)], kinds=("Grid", None), tier=TIER)
    assert summary.inexact > 0 and summary.exact == 0


def test_paint_of_rows_that_are_not_cells_is_not_ok():
    cases = [(A, ((0, 0), (1, 2))), (A, ())]
    testing.check_primitive("paint", cases, kinds=("Grid", "Grid"), tier=TIER)
    testing.check_primitive("underpaint", cases, kinds=("Grid", "Grid"), tier=TIER)


# ---------------------------------------------------------------------------- tuples of rows

ROWS = ((1, 2, 3), (4, 5, 6))
RAGGED = ((1, 2, 3), (4, 5, 6, 7))


@pytest.mark.parametrize("name, extra", [
    ("hmirror", ()), ("vmirror", ()), ("dmirror", ()), ("cmirror", ()), ("rot90", ()),
    ("mostcolor", ()), ("crop", ((0, 1), (2, 2))), ("hupscale", (2,)),
])
def test_a_tuple_of_rows_is_read_as_a_grid(name, extra):
    """merge of a tuple of grids, or apply of a row-valued function over a grid, gives a
    tuple Container of row Containers: grid primitives read it as the Grid it is."""
    assert values.is_row_tuple(values.from_py(ROWS, "Tuple", TIER)[0])
    kinds = ("Tuple",) + (None,) * len(extra)
    summary = testing.check_primitive(name, [(ROWS,) + extra, (((7, 7, 7),),) + extra],
                                      kinds=kinds, tier=TIER)
    assert summary.exact == 3 * 2 and summary.inexact == 0  # eager, jit, vmap


def test_a_tuple_of_rows_that_no_grid_holds_is_not_exact():
    """Ragged rows (not a grid) and colours beyond 0..9 are flagged, never guessed."""
    summary = testing.check_primitive("hmirror", [(RAGGED,), (((1, 12, 3),),)], kinds=("Tuple",), tier=TIER)
    assert summary.exact == 0 and summary.inexact == 3 * 2
    summary = testing.check_primitive("vconcat", [(ROWS, ROWS)], kinds=("Tuple", "Tuple"), tier=TIER)
    assert summary.exact == 2
