"""dsl_jax fused steps against the dsl_py compositions they replace (see dsl_jax/fused.py).

Real ARC grids give the cells (ofcolor of each colour), seeded random sets add off-grid
cells; the harness runs eager, jit and vmap. shoot_sweep's lines leave the window, so it is
checked through `fill` (which reads grid cells only) and, directly, by its window cells and
clipped flag against the whole reference set.
"""
import itertools
import random

import jax
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from jaxbatt import dsl_py as P
from jaxbatt.dsl_jax import flags, fused, testing, values
from tests.arc_samples import arc1_training_grids

PREDICATES = {  # (vertical, horizontal) -> the mfilter condition of the composition
    (True, False): P.vline,
    (False, True): P.hline,
    (True, True): P.fork(P.either, P.vline, P.hline),
}
DIRECTIONS = [(0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1), (0, 0),
              (1, 2), (2, 2), (0, 3), (-2, 0)]


def _small_grids(n, seed=0):
    """`n` real grids that fit the TINY canvas (12 x 12)."""
    grids = [g for g in arc1_training_grids() if max(len(g), len(g[0])) <= values.TINY.canvas]
    return random.Random(seed).sample(grids, n)


def _random_cells(rng, n, low=-4, high=14):
    return frozenset((rng.randrange(low, high), rng.randrange(low, high)) for _ in range(n))


def _cell_pairs():
    rng = random.Random(7)
    pairs = []
    for grid in _small_grids(6):
        by_colour = [P.ofcolor(grid, c) for c in sorted(P.palette(grid))]
        pairs += [(a, a) for a in by_colour] + list(itertools.combinations(by_colour, 2))[:4]
    pairs += [(_random_cells(rng, rng.randrange(0, 40)), _random_cells(rng, rng.randrange(0, 40)))
              for _ in range(30)]
    pairs += [(frozenset(), frozenset({(1, 1)})), (frozenset({(2, 2)}), frozenset({(2, 2)}))]
    return pairs


_connect_aligned = {key: (lambda a, b, key=key: fused.connect_aligned(a, b, *key)) for key in PREDICATES}


@pytest.mark.parametrize("key", sorted(PREDICATES))
def test_connect_aligned_is_mfilter_of_prapply_connect(key):
    predicate = PREDICATES[key]
    summary = testing.check_primitive(
        "connect_aligned", _cell_pairs(), kinds=("Indices", "Indices"), tier=values.TINY,
        fn=_connect_aligned[key], reference=lambda a, b: P.mfilter(P.prapply(P.connect, a, b), predicate))
    assert summary.inexact == 0 and summary.exact >= 3 * 40, summary


@pytest.mark.parametrize("key", sorted(PREDICATES))
@pytest.mark.parametrize("longest", [1, 3])
def test_connect_aligned_within_a_length(key, longest):
    """fork(both, compose(lbind(greater, longest + 1), size), P): segments of at most
    `longest` cells."""
    short = P.compose(P.lbind(P.greater, longest + 1), P.size)
    predicate = P.fork(P.both, short, PREDICATES[key])
    summary = testing.check_primitive(
        "connect_aligned", _cell_pairs(), kinds=("Indices", "Indices"), tier=values.TINY,
        fn=lambda a, b: fused.connect_aligned(a, b, *key, longest),
        reference=lambda a, b: P.mfilter(P.prapply(P.connect, a, b), predicate))
    assert summary.inexact == 0 and summary.exact >= 3 * 40, summary


def _coordinate(which, axis):
    return P.compose(P.first if axis == 0 else P.last, which)


def _same_line_composition(a, b, axis):
    same = P.fork(P.equality, _coordinate(P.first, axis), _coordinate(P.last, axis))
    return P.mapply(P.fork(P.connect, P.first, P.last), P.sfilter(P.product(a, b), same))


@pytest.mark.parametrize("axis", [0, 1])
def test_connect_same_line_is_mapply_connect_over_pairs_on_a_line(axis):
    cases = _cell_pairs()
    summary = testing.check_primitive("connect_same_line", cases, kinds=("Indices", "Indices"), tier=values.TINY,
                                      fn=lambda a, b: fused.connect_same_line(a, b, axis),
                                      reference=lambda a, b: _same_line_composition(a, b, axis))
    assert summary.inexact == 0 and summary.exact == 3 * len(cases), summary
    with pytest.raises(TypeError, match="connect_same_line: expected two Indices"):
        fused.connect_same_line(values.from_py(frozenset({(1, (0, 0))}), "Object")[0], values.empty_indices(), axis)


def test_rows_by_columns_is_apply_of_corner_over_the_product():
    def composition(a, b):
        corner = P.fork(P.astuple, _coordinate(P.first, 0), _coordinate(P.last, 1))
        return P.apply(corner, P.product(a, b))
    cases = _cell_pairs()
    summary = testing.check_primitive("rows_by_columns", cases, kinds=("Indices", "Indices"), tier=values.TINY,
                                      fn=fused.rows_by_columns, reference=composition)
    assert summary.inexact == 0 and summary.exact == 3 * len(cases), summary



def _sweep_fill(grid, start, direction, sweep):
    return P.fill(grid, 5, P.mapply(P.rbind(P.shoot, sweep), P.shoot(start, direction)))


def _sweep_fill_jax(grid, start, direction, sweep):
    from jaxbatt import dsl_jax
    return dsl_jax.fill(grid, 5, fused.shoot_sweep(start, direction, sweep))


def _sweep_cases(count, seed):
    rng = random.Random(seed)
    grids = _small_grids(8)
    return [(rng.choice(grids), (rng.randrange(-10, 24), rng.randrange(-10, 24)), rng.choice(DIRECTIONS),
             rng.choice(DIRECTIONS)) for _ in range(count)]


def test_shoot_sweep_fills_what_the_composition_fills():
    summary = testing.check_primitive("shoot_sweep", _sweep_cases(60, 1), tier=values.TINY,
                                      fn=_sweep_fill_jax, reference=_sweep_fill)
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary


def test_shoot_sweeps_fills_what_the_composition_over_two_lines_fills():
    """mapply(rbind(shoot, sweep), combine(shoot(s, d), shoot(s2, d2))), filled."""
    from jaxbatt import dsl_jax
    rng = random.Random(3)
    cases = [(g, s, d, (rng.randrange(-10, 24), rng.randrange(-10, 24)), rng.choice(DIRECTIONS), e)
             for g, s, d, e in _sweep_cases(30, 2)]
    summary = testing.check_primitive(
        "shoot_sweeps", cases, tier=values.TINY,
        fn=lambda g, s, d, s2, d2, e: dsl_jax.fill(g, 5, fused.shoot_sweeps(s, d, s2, d2, e)),
        reference=lambda g, s, d, s2, d2, e: P.fill(g, 5, P.mapply(
            P.rbind(P.shoot, e), P.combine(P.shoot(s, d), P.shoot(s2, d2)))))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary


def _check_sweep_window(cases, tier):
    """shoot_sweep's window cells and clipped flag against the whole reference set."""
    run = jax.jit(jax.vmap(lambda s, d, e: flags.collect(fused.shoot_sweep, s, d, e)))
    with values.use_tier(tier):
        out, ok, exact = run(*(np.array([c[i] for c in cases], np.int32) for i in range(3)))
    low, high = -tier.margin, tier.canvas + tier.margin - 1
    for lane, (start, direction, sweep) in enumerate(cases):
        expected = P.mapply(P.rbind(P.shoot, sweep), P.shoot(start, direction))
        inside = {(i, j) for i, j in expected if low <= i <= high and low <= j <= high}
        got = {(int(i) + low, int(j) + low) for i, j in zip(*np.nonzero(np.asarray(out.mask[lane])))}
        where = f"shoot_sweep{(start, direction, sweep)}"
        assert got == inside, where
        assert bool(out.clipped[lane]) == (len(inside) != len(expected)), where
        # A clipped value leaving flags.collect is not exact (clipping.py); fill takes it.
        assert bool(ok[lane]) and bool(exact[lane]) == (len(inside) == len(expected)), where


def test_shoot_sweep_window_and_clipped_flag():
    rng = random.Random(3)
    cases = [((rng.randrange(-12, 26), rng.randrange(-12, 26)), d, e)
             for d, e in itertools.product(DIRECTIONS, DIRECTIONS)]
    _check_sweep_window(cases, values.TINY)


_direction = st.sampled_from(DIRECTIONS)
_start = st.tuples(st.integers(-30, 60), st.integers(-30, 60))


@settings(max_examples=5, deadline=None)
@given(st.lists(st.tuples(_start, _direction, _direction), min_size=64, max_size=64))
def test_hypothesis_shoot_sweep(cases):
    _check_sweep_window(cases, values.SMALL)


@settings(max_examples=3, deadline=None)
@given(st.lists(st.tuples(st.frozensets(st.tuples(st.integers(-5, 16), st.integers(-5, 16)), max_size=30),
                          st.frozensets(st.tuples(st.integers(-5, 16), st.integers(-5, 16)), max_size=30)),
                min_size=8, max_size=8))
def test_hypothesis_connect_aligned(pairs):
    summary = testing.check_primitive(
        "connect_aligned", pairs, kinds=("Indices", "Indices"), tier=values.TINY,
        fn=_connect_aligned[(True, True)],
        reference=lambda a, b: P.mfilter(P.prapply(P.connect, a, b), PREDICATES[(True, True)]))
    assert summary.inexact == 0, summary


def test_connect_aligned_of_objects_fails_to_trace_as_prapply_connect_does():
    """Objects are not cells: dsl_py's connect raises on them, and neither the composition
    nor the fused step traces (the engine then runs the program on the reference)."""
    from jaxbatt import dsl_jax
    obj = frozenset({(3, (1, 2)), (3, (1, 4))})
    with pytest.raises(TypeError):
        P.mfilter(P.prapply(P.connect, obj, obj), P.vline)
    with values.use_tier(values.TINY):
        padded, _ = values.from_py(obj, None, values.TINY)
        with pytest.raises(TypeError):
            flags.collect(dsl_jax.prapply, dsl_jax.connect, padded, padded)
        with pytest.raises(TypeError):
            flags.collect(fused.connect_aligned, padded, padded, True, False)


def _object_tuples(count, seed):
    """(grid, tuple of objects): a grid's objects, recoloured copies shifted onto their
    neighbours (so later objects overwrite earlier ones), some larger than K cells."""
    rng = random.Random(seed)
    cases = []
    for grid in _small_grids(count, seed=seed):
        objs = list(P.objects(grid, False, True, False))[:8]
        rng.shuffle(objs)
        moved = [P.recolor(rng.randrange(10), P.shift(o, (rng.randint(-2, 2), rng.randint(-2, 2)))) for o in objs[:4]]
        cases.append((grid, tuple(objs + moved)))
    cases.append((_small_grids(1, seed=seed)[0], ()))
    return cases


def test_paint_merged_is_paint_of_merge_of_a_tuple():
    cases = _object_tuples(16, 4)
    assert any(len(o) > values.TINY.capacity for _, objs in cases for o in objs)  # merge packs <= K cells each
    summary = testing.check_primitive("paint_merged", cases, tier=values.TINY, fn=fused.paint_merged,
                                      reference=lambda g, objs: P.paint(g, P.merge(objs)))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases - 1, summary  # one case alone in its shape


def test_paint_merged_of_a_frozenset_leaves_the_largest_colour_where_objects_overlap():
    cases = [(g, frozenset(objs)) for g, objs in _object_tuples(12, 5) if objs]
    clashing = [(g, objs) for g, objs in cases if len({cell for _, cell in P.merge(objs)}) < len(P.merge(objs))]
    assert clashing  # two colours at a cell: the union alone is not exact
    summary = testing.check_primitive("paint_merged", cases, tier=values.TINY, fn=fused.paint_merged,
                                      reference=lambda g, objs: P.paint(g, P.merge(objs)))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary


def _copies_filled(M, mapply):
    """The cells of the grid's most common colour and their copies shifted along a tuple of
    offsets (mapply of lbind(shift, cells) over pair(interval, interval)), filled."""
    def filled(grid, steps):
        offsets = M.pair(M.interval(0, steps, 1), M.interval(0, steps, 1))
        return M.fill(grid, 8, mapply(M.lbind(M.shift, M.ofcolor(grid, M.mostcolor(grid))), offsets))
    return filled


def test_mapply_union_fills_what_mapply_over_a_tuple_fills():
    """A tuple of offsets: mapply merges a tuple of up to MERGED_CELLS cells (more: not
    exact), mapply_union unites the copies (any number of cells)."""
    from jaxbatt import dsl_jax as J
    cases = [(g, n) for g in _small_grids(8, seed=4) for n in (2, 5)]
    assert any(len(P.ofcolor(g, P.mostcolor(g))) * n > 256 for g, n in cases)
    summary = testing.check_primitive("mapply_union", cases, tier=values.TINY,
                                      fn=_copies_filled(J, fused.mapply_union),
                                      reference=_copies_filled(P, P.mapply))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary
    summary = testing.check_primitive("mapply", cases, tier=values.TINY, fn=_copies_filled(J, J.mapply),
                                      reference=_copies_filled(P, P.mapply))
    assert summary.inexact > 0, summary


def _near_pairs_filled(M, pairs_mapply, with_condition):
    """Fill, with 8, the deltas of the unions of diagonal objects less than 5 apart (the
    union of lines between the objects' centres without condition). (merge of a pair of
    objects would make a tuple of their cells, K at most.)"""
    def run(grid):
        found = M.objects(grid, True, True, True)
        if with_condition:
            near = M.compose(M.lbind(M.greater, 5), M.fork(M.manhattan, M.first, M.last))
            united = M.fork(M.combine, M.first, M.last)
            return M.fill(grid, 8, pairs_mapply(M.delta, united, found, found, near))
        centres = M.fork(M.connect, M.compose(M.center, M.first), M.compose(M.center, M.last))
        return M.fill(grid, 8, pairs_mapply(centres, M.identity, found, found))
    return run


def _pairs_composition(M):
    def pairs_mapply(outer, inner, a, b, condition=None):
        pairs = M.product(a, b)
        return M.mapply(outer, M.apply(inner, pairs if condition is None else M.sfilter(pairs, condition)))
    return pairs_mapply


@pytest.mark.parametrize("with_condition", [True, False])
def test_pairs_mapply_fills_what_mapply_over_the_product_fills(with_condition):
    """Each side holds ~2 sqrt(K) objects (11 at TINY: more is not exact, as in product);
    the composition's frozenset of pairs holds K = 32 (6 objects overflow it)."""
    from jaxbatt import dsl_jax as J
    cases = [(g,) for g in _small_grids(16, seed=24)]
    counts = [len(P.objects(g, True, True, True)) for (g,) in cases]
    assert any(6 <= n <= 11 for n in counts) and any(n > 11 for n in counts)
    reference = _near_pairs_filled(P, _pairs_composition(P), with_condition)
    fused_summary = testing.check_primitive("pairs_mapply", cases, tier=values.TINY,
                                            fn=_near_pairs_filled(J, fused.pairs_mapply, with_condition),
                                            reference=reference)
    assert fused_summary.inexact == 3 * sum(n > 11 for n in counts), fused_summary
    summary = testing.check_primitive("product", cases, tier=values.TINY, reference=reference,
                                      fn=_near_pairs_filled(J, _pairs_composition(J), with_condition))
    assert summary.inexact >= 3 * sum(n > 5 for n in counts) > fused_summary.inexact, summary


def test_pairs_mapply_of_ints_takes_the_composition():
    """Pairs of ints make an Indices (no pairs to map): the composition's path."""
    from jaxbatt import dsl_jax as J
    rows = lambda M, g: M.apply(M.first, M.ofcolor(g, M.leastcolor(g)))  # noqa: E731
    cases = [(g,) for g in _small_grids(6, seed=3)]
    summary = testing.check_primitive(
        "pairs_mapply", cases, tier=values.TINY,
        fn=lambda g: J.fill(g, 8, fused.pairs_mapply(J.initset, J.identity, rows(J, g), rows(J, g))),
        reference=lambda g: P.fill(g, 8, _pairs_composition(P)(P.initset, P.identity, rows(P, g), rows(P, g))))
    assert summary.exact == 3 * summary.cases > 0, summary


def _same_colour_lines(M, pairs_mfilter):
    """Paint the vertical and horizontal lines between cells of one colour (the grid's
    cells off its background)."""
    def run(grid):
        cells = M.merge(M.fgpartition(grid))
        same = M.fork(M.equality, M.compose(M.first, M.first), M.compose(M.first, M.last))
        line = M.fork(M.recolor, M.color, M.fork(M.connect, M.compose(M.last, M.first), M.compose(M.last, M.last)))
        return M.paint(grid, pairs_mfilter(line, M.fork(M.either, M.vline, M.hline), cells, cells, same))
    return run


def test_pairs_mfilter_paints_what_mfilter_over_the_product_paints():
    """Each side holds K = 32 cells; the composition's frozenset of pairs holds K pairs.
    Lines of two colours that cross cannot be held in one Object plane (not exact)."""
    from jaxbatt import dsl_jax as J

    def composition(M):
        return lambda inner, keep, a, b, p: M.mfilter(M.apply(inner, M.sfilter(M.product(a, b), p)), keep)
    cases = [(g,) for g in _small_grids(12, seed=8)]
    lines = [P.mfilter(P.apply(lambda pair: P.recolor(pair[0][0], P.connect(pair[0][1], pair[1][1])),
                               P.sfilter(P.product(c, c), lambda pair: pair[0][0] == pair[1][0])),
                       P.fork(P.either, P.vline, P.hline))
             for c in (P.merge(P.fgpartition(g)) for (g,) in cases)]
    crossing = [len({ij for _, ij in cells}) < len(cells) for cells in lines]
    many = [len(P.merge(P.fgpartition(g))) > values.TINY.capacity for (g,) in cases]
    assert not all(crossing) and any(crossing) and not all(many)
    reference = _same_colour_lines(P, composition(P))
    fused_summary = testing.check_primitive("pairs_mfilter", cases, tier=values.TINY, reference=reference,
                                            fn=_same_colour_lines(J, fused.pairs_mfilter))
    assert fused_summary.inexact == 3 * sum(c or m for c, m in zip(crossing, many)), fused_summary
    summary = testing.check_primitive("mfilter", cases, tier=values.TINY, reference=reference,
                                      fn=_same_colour_lines(J, composition(J)))
    assert summary.inexact > fused_summary.inexact, summary


def _noise_grids(n, seed):
    """Random TINY-canvas grids of a few colours: many objects (often more than the TINY
    capacity, 32), with ties in every measure."""
    rng = random.Random(seed)
    grids = []
    for _ in range(n):
        h, w, colours = rng.randrange(1, 13), rng.randrange(1, 13), rng.randrange(1, 5)
        grids.append(tuple(tuple(rng.randrange(colours) for _ in range(w)) for _ in range(h)))
    return grids


@pytest.mark.parametrize("measure,largest", [("size", True), ("height", False), ("width", True)])
def test_extreme_object_is_argmax_of_objects_however_many(measure, largest):
    pick = P.argmax if largest else P.argmin
    flags_ = [(True, False, False), (False, True, True)]
    cases = [(g,) + f for g in _small_grids(3, seed=5) + _noise_grids(6, seed=6) for f in flags_]
    cases.append((((3, 3), (3, 3)), True, False, True))  # no object: max() raises
    assert any(len(P.objects(*case)) > values.TINY.capacity for case in cases)
    summary = testing.check_primitive(
        "extreme_object", cases, tier=values.TINY,
        fn=lambda g, u, d, b: fused.extreme_object(g, u, d, b, measure, largest),
        reference=lambda g, u, d, b: pick(P.objects(g, u, d, b), getattr(P, measure)))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary


def _painted_copies(M, painter, grid, obj, n):
    """painter over the copies of obj shifted along a tuple of n diagonal offsets (copies of
    a multicoloured object overlap in other colours)."""
    offsets = M.pair(M.interval(0, n, 1), M.interval(0, n, 1))
    return painter(grid, M.lbind(M.shift, obj), offsets)


def _painted_outboxes(M, painter, grid):
    """painter over the outboxes of a grid's objects, each in its object's colour (a
    frozenset of objects: outboxes of neighbours cross in other colours)."""
    return painter(grid, M.fork(M.recolor, M.color, M.outbox), M.objects(grid, True, False, True))


def _composed(M, name):
    paint = getattr(M, name)
    return lambda grid, function, container: paint(grid, M.mapply(function, container))


@pytest.mark.parametrize("name", ["paint", "underpaint"])
def test_painting_mapped_objects_leaves_what_the_composition_leaves(name):
    from jaxbatt import dsl_jax as J
    mapped = getattr(fused, f"{name}_mapped")
    grids = _small_grids(10, seed=8)
    copies = [(g, o, n) for g in grids[:5] for o in [max(P.objects(g, False, True, True), key=len)] for n in (2, 4)]
    assert any(P.numcolors(o) > 1 for _, o, _ in copies)
    summary = testing.check_primitive(
        f"{name}_mapped", copies, kinds=("Grid", "Object", None), tier=values.TINY,
        fn=lambda g, o, n: _painted_copies(J, mapped, g, o, n),
        reference=lambda g, o, n: _painted_copies(P, _composed(P, name), g, o, n))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary
    summary = testing.check_primitive(
        f"{name}_mapped", [(g,) for g in grids], tier=values.TINY,
        fn=lambda g: _painted_outboxes(J, mapped, g), reference=lambda g: _painted_outboxes(P, _composed(P, name), g))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary
    # The union of crossing outboxes cannot hold two colours at a cell: not exact.
    summary = testing.check_primitive(
        name, [(g,) for g in grids], tier=values.TINY,
        fn=lambda g: _painted_outboxes(J, _composed(J, name), g),
        reference=lambda g: _painted_outboxes(P, _composed(P, name), g))
    assert summary.inexact > 0, summary


def test_objects_of_colour_is_colorfilter_of_univalued_objects_however_many():
    cases = [(g, d, b, c) for g in _small_grids(3, seed=9) + _noise_grids(5, seed=10)
             for d, b in [(False, False), (True, True)] for c in (0, 1, 3)]
    assert any(len(P.objects(g, True, d, b)) > values.TINY.capacity >= len(P.colorfilter(P.objects(g, True, d, b), c))
               for g, d, b, c in cases)
    summary = testing.check_primitive(
        "objects_of_colour", cases, tier=values.TINY, fn=fused.objects_of_colour,
        reference=lambda g, d, b, c: P.colorfilter(P.objects(g, True, d, b), c))
    over = sum(len(P.colorfilter(P.objects(g, True, d, b), c)) > values.TINY.capacity for g, d, b, c in cases)
    assert summary.cases == len(cases) and summary.inexact == 3 * over, summary


def _scaled_copies(M, mapply, grid, scale):
    """The grid's cells of its least common colour, shifted by every neighbour offset
    scaled by `scale` (offsets beyond the window when scale is large), filled."""
    cells = M.ofcolor(grid, M.leastcolor(grid))
    offsets = M.mapply(M.neighbors, M.neighbors((0, 0)))
    return M.fill(grid, 8, mapply(M.lbind(M.shift, cells), M.lbind(M.multiply, scale), offsets))


def test_mapply_composed_fills_what_mapply_over_apply_fills():
    """Offsets scaled past the TINY window: the set of offsets is not exact there, the
    union of the shifted copies is (fill reads grid cells only)."""
    from jaxbatt import dsl_jax as J
    cases = [(g, k) for g in _small_grids(6, seed=12) for k in (1, 3, 9)]

    def composition(M):
        return lambda g, k: _scaled_copies(M, lambda f, s, x: M.mapply(f, M.apply(s, x)), g, k)
    summary = testing.check_primitive("mapply_composed", cases, tier=values.TINY,
                                      fn=lambda g, k: _scaled_copies(J, fused.mapply_composed, g, k),
                                      reference=composition(P))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary
    summary = testing.check_primitive("mapply", cases, tier=values.TINY, fn=composition(J), reference=composition(P))
    assert summary.inexact > 0, summary


@pytest.mark.parametrize("corner", sorted(fused.CORNERS))
def test_corner_matcher_is_matcher_of_a_corner_and_false_on_an_empty_patch(corner):
    """The patch of one colour's cells, empty where the grid lacks the colour: dsl_py's
    corner is then (), equal to no pair."""
    from jaxbatt import dsl_jax as J
    at = getattr(P, corner)
    cases = [(g, c, t) for g in _small_grids(8, seed=13) for c in (0, 5, 9)
             for t in {(0, 0), (1, 1), at(P.ofcolor(g, c)) or (2, 2)}]
    assert any(not P.ofcolor(g, c) for g, c, _ in cases) and any(at(P.ofcolor(g, c)) == t for g, c, t in cases)

    def composition(M):
        return lambda g, c, t: M.matcher(M.compose(getattr(M, corner), M.rbind(M.ofcolor, c)), t)(g)
    summary = testing.check_primitive(
        "corner_matcher", cases, tier=values.TINY, reference=composition(P),
        fn=lambda g, c, t: fused.corner_matcher(corner, J.rbind(J.ofcolor, c), t)(g))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary
    summary = testing.check_primitive("matcher", cases, tier=values.TINY, fn=composition(J), reference=composition(P))
    assert summary.inexact > 0, summary


def test_int_order_free_builds_int_sets_exactly_in_ascending_order():
    """Sets of ints beyond CPython's emulated orders (5 or more values, some negative or
    above 31): exact only where no step observes the order, here sorted by value."""
    from jaxbatt import dsl_jax as J
    rng = random.Random(14)
    cases = [(v, frozenset(rng.randrange(-3, 40) for _ in range(n))) for n in (2, 6, 9) for v in (-1, 0, 35)]
    cases += [(v, frozenset(range(4))) for v in (4, 7)]

    def sorted_after(M, build):
        return lambda v, s: M.order(build(v, s), M.identity)

    def insert_then_decrement(M, free):
        def build(v, s):
            grown = free(M.insert, v, s)
            return free(M.apply, M.decrement, grown)
        return build

    plain = (lambda f, *args: f(*args))
    summary = testing.check_primitive("int_order_free", cases,
                                      fn=sorted_after(J, insert_then_decrement(J, fused.int_order_free)),
                                      reference=sorted_after(P, insert_then_decrement(P, plain)))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary
    summary = testing.check_primitive("insert", cases, fn=sorted_after(J, insert_then_decrement(J, plain)),
                                      reference=sorted_after(P, insert_then_decrement(P, plain)))
    assert summary.inexact > 0, summary


def _nested_boxes(M, boxes, grid, scale):
    """Boxes around the grid's rarest colour's centre, their corners at -k d and k d
    (d = scale x (1, 2), k < 9: far beyond the window before the shift), filled."""
    cells = M.ofcolor(grid, M.leastcolor(grid))
    step = M.lbind(M.multiply, M.multiply((1, 2), scale))
    corners = M.pair(M.apply(step, M.interval(0, 9, 1)), M.apply(step, M.interval(0, -9, -1)))
    return M.fill(grid, 8, boxes(M, corners, M.center(cells)))


def test_shifted_boxes_fill_what_the_shifted_union_of_boxes_fills():
    from jaxbatt import dsl_jax as J
    cases = [(g, k) for g in _small_grids(6, seed=15) for k in (1, 3)]

    def composition(M, corners, offset):
        return M.shift(M.mapply(M.box, corners), offset)

    def fused_boxes(M, corners, offset):
        return fused.shifted_boxes(corners, offset)
    summary = testing.check_primitive("shifted_boxes", cases, tier=values.TINY,
                                      fn=lambda g, k: _nested_boxes(J, fused_boxes, g, k),
                                      reference=lambda g, k: _nested_boxes(P, composition, g, k))
    assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary
    summary = testing.check_primitive("shift", cases, tier=values.TINY,
                                      fn=lambda g, k: _nested_boxes(J, composition, g, k),
                                      reference=lambda g, k: _nested_boxes(P, composition, g, k))
    assert summary.inexact > 0, summary


def test_shifted_boxes_alone_are_clipped_and_other_containers_take_the_composition():
    """Held as a value (not filled), boxes beyond the window are clipped: not exact; boxes
    of objects take shift(mapply(box, ...)) itself."""
    from jaxbatt import dsl_jax as J
    cases = [(g, k) for g in _small_grids(4, seed=16) for k in (1, 3)]

    def corners(M, g, k):
        step = M.lbind(M.multiply, M.multiply((1, 2), k))
        return M.pair(M.apply(step, M.interval(0, 9, 1)), M.apply(step, M.interval(0, -9, -1)))
    summary = testing.check_primitive(
        "shifted_boxes", cases, tier=values.TINY, fn=lambda g, k: fused.shifted_boxes(corners(J, g, k), (1, 1)),
        reference=lambda g, k: P.shift(P.mapply(P.box, corners(P, g, k)), (1, 1)))
    assert summary.inexact > 0 and summary.cases == len(cases), summary
    objects = [(g, (1, -2)) for g in _small_grids(4, seed=17)]
    summary = testing.check_primitive(
        "shifted_boxes", objects, tier=values.TINY,
        fn=lambda g, v: J.fill(g, 8, fused.shifted_boxes(J.objects(g, True, False, True), v)),
        reference=lambda g, v: P.fill(g, 8, P.shift(P.mapply(P.box, P.objects(g, True, False, True)), v)))
    assert summary.exact == 3 * summary.cases, summary
