"""Clipped lines: exact for the primitives that read only grid cells, not exact elsewhere."""
import random

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxbatt import dsl_jax, dsl_py
from jaxbatt.dsl_jax import flags, testing, values
from tests.arc_samples import sample_grids

GRID = ((0, 0, 0, 0), (0, 5, 0, 0), (0, 0, 0, 0))
CORNER, DIAGONAL = jnp.array([1, 1], jnp.int32), jnp.array([1, 1], jnp.int32)


def _grid():
    return values.from_py(GRID)[0]


def test_a_line_beyond_the_window_is_clipped_and_not_exact_on_its_own():
    line, ok, exact = flags.collect(dsl_jax.shoot, CORNER, DIAGONAL)
    assert bool(ok) and not bool(exact)
    line, ok, exact = flags.collect_step(dsl_jax.shoot, CORNER, DIAGONAL)
    assert bool(ok) and bool(exact) and bool(line.clipped)
    short, _, exact = flags.collect(dsl_jax.connect, CORNER, jnp.array([2, 2], jnp.int32))
    assert bool(exact) and not bool(short.clipped)


def test_fill_and_paint_of_a_clipped_line_equal_the_reference():
    reference_line = dsl_py.shoot((1, 1), (1, 1))
    def program(grid):
        line = dsl_jax.shoot(CORNER, DIAGONAL)
        painted = dsl_jax.paint(grid, dsl_jax.recolor(7, line))
        return dsl_jax.fill(painted, 3, dsl_jax.merge(dsl_jax.initset(line)))
    collected = lambda grid: flags.collect(program, grid)  # noqa: E731
    for run in (collected, jax.jit(collected)):
        out, ok, exact = run(_grid())
        assert bool(ok) and bool(exact)
        expected = dsl_py.fill(dsl_py.paint(GRID, dsl_py.recolor(7, reference_line)), 3, reference_line)
        assert values.to_py(out) == expected


def test_other_primitives_of_a_clipped_line_are_not_exact():
    for consumer in (dsl_jax.size, dsl_jax.lrcorner, lambda p: dsl_jax.shift(p, (-20, -20)),
                     lambda p: dsl_jax.mapply(dsl_jax.rbind(dsl_jax.shoot, (0, -1)), p)):
        _, _, exact = flags.collect(lambda: consumer(dsl_jax.shoot(CORNER, DIAGONAL)))
        assert not bool(exact)


def test_clipped_flags_survive_vmap_over_lanes():
    starts = jnp.array([[0, 0], [1, 1], [2, 28]], jnp.int32)
    directions = jnp.array([[0, 1], [0, 0], [0, 1]], jnp.int32)
    lines, ok, exact = jax.vmap(lambda s, d: flags.collect_step(dsl_jax.shoot, s, d))(starts, directions)
    # (0,0) right: 43 cells, 35 in the window; (1,1) in place: one cell; (2,28) right: clipped.
    assert np.asarray(lines.clipped).tolist() == [True, False, True]
    size, _, exact = jax.vmap(lambda s, d: flags.collect(lambda: dsl_jax.size(dsl_jax.shoot(s, d))))(
        starts, directions)
    assert np.asarray(exact).tolist() == [False, True, False]
    assert int(size[1]) == len(dsl_py.shoot((1, 1), (0, 0)))


def _compositions(dsl):
    """Programs of two lines (from a, direction d and from b, direction e) on a grid, in
    one DSL namespace: grid cells only (exact however far the lines run), and not."""
    return {
        "fill": lambda g, a, d, b, e, c: dsl.fill(g, c, dsl.shoot(a, d)),
        "paint_recolor": lambda g, a, d, b, e, c: dsl.paint(g, dsl.recolor(c, dsl.shoot(a, d))),
        "fill_difference": lambda g, a, d, b, e, c: dsl.fill(g, c, dsl.difference(dsl.shoot(a, d), dsl.shoot(b, e))),
        "underfill_intersection": lambda g, a, d, b, e, c: dsl.underfill(
            g, c, dsl.intersection(dsl.shoot(a, d), dsl.connect(a, b))),
        "cover_merge": lambda g, a, d, b, e, c: dsl.cover(
            g, dsl.merge(dsl.insert(dsl.shoot(a, d), dsl.initset(dsl.shoot(b, e))))),
        "toobject_combine": lambda g, a, d, b, e, c: dsl.toobject(dsl.combine(dsl.shoot(a, d), dsl.vfrontier(b)), g),
        "fill_sfilter": lambda g, a, d, b, e, c: dsl.fill(g, c, dsl.sfilter(
            dsl.shoot(a, d), dsl.chain(dsl.even, dsl.rbind(dsl.subtract, b[1]), dsl.last))),
        "size": lambda g, a, d, b, e, c: dsl.size(dsl.combine(dsl.shoot(a, d), dsl.hfrontier(b))),
        "size_sfilter": lambda g, a, d, b, e, c: dsl.size(dsl.sfilter(dsl.shoot(a, d), dsl.compose(dsl.even, dsl.last))),
        "shift_back": lambda g, a, d, b, e, c: dsl.fill(g, c, dsl.shift(dsl.shoot(a, d), (-d[0] * 20, -d[1] * 20))),
    }


GRID_ONLY = {"fill", "paint_recolor", "fill_difference", "underfill_intersection", "cover_merge",
             "toobject_combine", "fill_sfilter"}


def _cases(n):
    rng = random.Random(7)
    steps = [(i, j) for i in (-1, 0, 1) for j in (-1, 0, 1)]
    cases = []
    for grid in sample_grids(n, seed=11):
        h, w = len(grid), len(grid[0])
        a = (rng.randrange(h), rng.randrange(w))
        b = (rng.randint(-3, h + 2), rng.randint(-3, w + 2))
        cases.append((grid, a, rng.choice(steps), b, rng.choice(steps), rng.randrange(10)))
    return cases


@pytest.mark.parametrize("name", sorted(_compositions(dsl_py)))
def test_line_compositions_equal_the_reference_eager_jit_and_vmap(name):
    cases = _cases(24)
    summary = testing.check_primitive(name, cases, fn=_compositions(dsl_jax)[name],
                                      reference=_compositions(dsl_py)[name],
                                      kinds=("Grid", None, None, None, None, None))
    assert summary.exact > 0
    if name in GRID_ONLY:  # the lines' cells beyond the window never matter here
        assert summary.inexact == 0, summary
    else:  # a line from inside the grid leaves the window for most directions
        assert summary.inexact > 0, summary


def _shift_compositions(dsl):
    """Copies moved by offsets d, e (far beyond the window for most cases), then painted or
    counted: the copies' cells beyond the window are dropped and make them clipped."""
    return {
        "paint_far_shift": lambda g, d, e: dsl.paint(g, dsl.shift(dsl.asobject(g), d)),
        "fill_shifted_copies": lambda g, d, e: dsl.fill(
            g, 4, dsl.mapply(dsl.lbind(dsl.shift, dsl.ofcolor(g, 0)), dsl.insert(d, dsl.initset(e)))),
        "paint_shifted_objects": lambda g, d, e: dsl.paint(
            g, dsl.mapply(dsl.rbind(dsl.shift, d), dsl.objects(g, True, False, True))),
        "size_of_far_shift": lambda g, d, e: dsl.size(dsl.shift(dsl.asobject(g), d)),
    }


def _shift_cases(n):
    rng = random.Random(5)
    low, high = -values.SMALL.margin, values.SMALL.canvas + values.SMALL.margin - 1
    return [(grid, (rng.randint(low, high), rng.randint(low, high)), (rng.randint(low, high), rng.randint(low, high)))
            for grid in sample_grids(n, seed=13)]


@pytest.mark.parametrize("name", sorted(_shift_compositions(dsl_py)))
def test_shifted_copies_beyond_the_window_equal_the_reference_where_painted(name):
    cases = _shift_cases(24)
    summary = testing.check_primitive(name, cases, fn=_shift_compositions(dsl_jax)[name],
                                      reference=_shift_compositions(dsl_py)[name], kinds=("Grid", None, None))
    if name in ("paint_far_shift", "fill_shifted_copies"):
        assert summary.inexact == 0 and summary.exact == 3 * summary.cases, summary
    elif name == "paint_shifted_objects":  # grids of more than K objects are not held
        assert summary.exact >= 2 * summary.cases, summary
    else:  # the count needs the cells beyond the window
        assert summary.inexact > 0 and summary.exact > 0, summary
