"""dsl_py functional family: pinned cases, arc-dsl edge cases, differential vs arc-dsl."""
import collections
import importlib
import os
import sys

import pytest
from hypothesis import given, settings, strategies as st

from jaxbatt.dsl_py import arithmetic as A
from jaxbatt.dsl_py import functional as F
from jaxbatt.dsl_py.ordering import canonical_key, ordered
from tests.arc_samples import sample_grids


def arcdsl():
    """arc-dsl's dsl module when ARCDSL points at a checkout, else skip."""
    path = os.environ.get("ARCDSL")
    if not path:
        pytest.skip("ARCDSL not set")
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module("dsl")


def outcome(fn, *args):
    try:
        value = fn(*args)
    except Exception as err:  # noqa: BLE001 - the class is what is compared
        return ("raises", type(err))
    return ("value", type(value), value)


def multiset(values):
    """Order-insensitive view of a tuple (for arc-dsl results that iterate non-int sets)."""
    return collections.Counter(canonical_key(v) for v in values)


def cells_of(grid):
    return frozenset((v, (i, j)) for i, row in enumerate(grid) for j, v in enumerate(row))


def test_exports_the_family_names():
    assert F.__all__ == ["identity", "branch", "compose", "chain", "matcher", "rbind",
                         "lbind", "power", "fork", "apply", "rapply", "mapply", "papply",
                         "mpapply", "prapply"]


def test_identity_and_branch():
    assert F.identity((1, 2)) == (1, 2)
    assert F.branch(True, 1, 2) == 1 and F.branch(0, 1, 2) == 2
    assert F.branch(frozenset(), "a", "b") == "b"


def test_compose_chain_fork_matcher():
    assert F.compose(A.double, A.increment)(3) == 8
    assert F.chain(A.double, A.increment, A.invert)(3) == -4
    assert F.fork(A.add, A.double, A.increment)((1, 2)) == (4, 7)
    assert F.matcher(A.double, 6)(3) is True and F.matcher(A.double, 6)(2) is False
    for closure in (F.compose(A.double, A.increment), F.chain(A.double, A.double, A.double),
                    F.fork(A.add, A.double, A.double), F.matcher(A.double, 1)):
        assert closure.__code__.co_argcount == 1


def test_rbind_lbind_read_the_arity_like_arc_dsl():
    assert F.rbind(A.subtract, 1)(5) == 4
    assert F.lbind(A.subtract, 1)(5) == -4
    three = lambda a, b, c: (a, b, c)  # noqa: E731
    assert F.rbind(three, 9)(1, 2) == (1, 2, 9)
    assert F.lbind(three, 9)(1, 2) == (9, 1, 2)
    four = lambda a, b, c, d: (a, b, c, d)  # noqa: E731
    assert F.rbind(four, 9)(1, 2, 3) == (1, 2, 3, 9)
    assert F.lbind(four, 9)(1, 2, 3) == (9, 1, 2, 3)
    # binding a 3-ary twice: the second bind sees a 2-ary closure
    assert F.rbind(F.rbind(three, 9), 8)(7) == (7, 8, 9)
    # binding a 1-ary closure gives a 3-argument closure that fails when called
    bound = F.rbind(F.rbind(A.add, 1), 2)
    assert bound.__code__.co_argcount == 3
    with pytest.raises(TypeError):
        bound(1, 2, 3)


def test_power_composes_at_definition_time():
    assert F.power(A.increment, 1) is A.increment
    assert F.power(A.increment, 4)(1) == 5
    assert F.power(A.double, 3)((1, 2)) == (8, 16)
    with pytest.raises(RecursionError):
        F.power(A.increment, 0)
    with pytest.raises(RecursionError):
        F.power(A.increment, -2)


def test_closures_are_tagged_in_build_order():
    built = [F.compose(A.double, A.double), F.rbind(A.add, 1), F.lbind(A.add, 1),
             F.chain(A.double, A.double, A.double), F.fork(A.add, A.double, A.double),
             F.matcher(A.double, 1), F.power(A.double, 2)]
    ranks = [fn._jaxbatt_rank for fn in built]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert ordered(frozenset(reversed(built))) == tuple(built)
    assert not hasattr(F.power(A.halve, 1), "_jaxbatt_rank")


def test_apply_keeps_the_container_type():
    assert F.apply(A.double, (1, 2, 1)) == (2, 4, 2)
    assert F.apply(A.even, frozenset({1, 2, 3})) == frozenset({True, False})
    assert F.apply(A.even, ()) == () and F.apply(A.even, frozenset()) == frozenset()
    grid = ((1, 2), (3, 4))
    assert F.apply(lambda row: row[::-1], grid) == ((2, 1), (4, 3))


def test_rapply():
    fns = frozenset({F.rbind(A.add, 1), F.rbind(A.subtract, 1)})
    assert F.rapply(fns, 1) == frozenset({0, 2})
    assert F.rapply((A.double, A.double, A.invert), 2) == (4, 4, -2)


def test_mapply_merges_in_order():
    objs = frozenset({frozenset({(1, (0, 0))}), frozenset({(1, (1, 1)), (1, (0, 1))})})
    shift = lambda obj: frozenset((v + 1, c) for v, c in obj)  # noqa: E731
    assert F.mapply(shift, objs) == frozenset({(2, (0, 0)), (2, (1, 1)), (2, (0, 1))})
    pairs = ((1, 2), (3, 4))
    assert F.mapply(lambda p: (p[1], p[0]), pairs) == (2, 1, 4, 3)


def test_papply_mpapply():
    assert F.papply(A.add, (1, 2, 3), (10, 20)) == (11, 22)
    assert F.papply(A.add, (), (1,)) == ()
    objs = (frozenset({(1, (0, 0))}), frozenset({(1, (1, 1)), (1, (0, 1))}))
    paint = lambda colour, obj: frozenset((colour, c) for _, c in obj)  # noqa: E731
    assert F.mpapply(paint, (3, 4), objs) == ((3, (0, 0)), (4, (0, 1)), (4, (1, 1)))


def test_prapply_builds_a_frozenset_over_the_product():
    assert F.prapply(A.add, frozenset({1, 2}), frozenset({2, 3})) == frozenset({3, 4, 5})
    assert F.prapply(A.add, (1, 1), (0,)) == frozenset({1})
    assert F.prapply(A.add, frozenset(), frozenset({1})) == frozenset()
    with pytest.raises(ZeroDivisionError):
        F.prapply(A.divide, (1,), (0,))


# ---------------------------------------------------------------- differential vs arc-dsl
def both_dsls():
    return F, arcdsl()


ROW_FNS = [lambda row: row[::-1], len, lambda row: max(row), lambda row: row[:1]]


def test_matches_arc_dsl_on_real_grids():
    ours, dsl = both_dsls()
    for grid in sample_grids(60, seed=3):
        cells = cells_of(grid)
        colours = frozenset(v for row in grid for v in row)
        for fn in ROW_FNS:
            assert ours.apply(fn, grid) == dsl.apply(fn, grid)
        colour_of = lambda cell: cell[0]  # noqa: E731
        assert ours.apply(colour_of, cells) == dsl.apply(colour_of, cells)
        assert ours.apply(A.double, colours) == dsl.apply(dsl.double, colours)
        assert ours.prapply(A.add, colours, colours) == dsl.prapply(dsl.add, colours, colours)
        assert ours.papply(A.add, grid[0], grid[-1]) == dsl.papply(dsl.add, grid[0], grid[-1])
        assert ours.mpapply(A.add, grid, grid) == dsl.mpapply(dsl.add, grid, grid)
        assert ours.mapply(F.identity, grid) == dsl.mapply(dsl.identity, grid)
        # a frozenset of row-sets merged into a tuple: arc-dsl's order is CPython's
        rows = tuple(frozenset((i, j) for j in range(len(r))) for i, r in enumerate(grid))
        assert multiset(ours.mapply(F.identity, rows)) == multiset(
            dsl.mapply(dsl.identity, rows))
        assert ours.mapply(F.identity, frozenset(rows)) == dsl.mapply(
            dsl.identity, frozenset(rows))
        h, w = len(grid), len(grid[0])
        for name in ("add", "subtract", "multiply", "greater", "equality"):
            f_ours = ours.rbind(getattr(A, name), (h, w) if name != "greater" else h)
            f_dsl = dsl.rbind(getattr(dsl, name), (h, w) if name != "greater" else h)
            assert outcome(f_ours, w) == outcome(f_dsl, w)
            g_ours, g_dsl = ours.lbind(getattr(A, name), w), dsl.lbind(getattr(dsl, name), w)
            assert outcome(g_ours, h) == outcome(g_dsl, h)
        assert ours.power(A.double, 3)((h, w)) == dsl.power(dsl.double, 3)((h, w))
        assert ours.fork(A.add, A.double, A.invert)(h) == dsl.fork(
            dsl.add, dsl.double, dsl.invert)(h)


small = st.integers(-5, 5)
int_sets = st.frozensets(small, max_size=6)
int_tuples = st.tuples(small, small) | st.lists(small, max_size=5).map(tuple)


@settings(max_examples=150, deadline=None)
@given(a=int_sets | int_tuples, b=int_sets | int_tuples,
       name=st.sampled_from(["add", "subtract", "divide", "multiply", "greater"]))
def test_pair_primitives_match_arc_dsl(a, b, name):
    ours, dsl = both_dsls()
    f_ours, f_dsl = getattr(A, name), getattr(dsl, name)
    assert outcome(ours.prapply, f_ours, a, b) == outcome(dsl.prapply, f_dsl, a, b)
    assert outcome(ours.papply, f_ours, a, b) == outcome(dsl.papply, f_dsl, a, b)
    assert outcome(ours.apply, A.invert, a) == outcome(dsl.apply, dsl.invert, a)
    assert outcome(ours.apply, A.halve, a) == outcome(dsl.apply, dsl.halve, a)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(-2, 6), x=small)
def test_power_matches_arc_dsl(n, x):
    ours, dsl = both_dsls()
    assert outcome(lambda: ours.power(A.crement, n)(x)) == outcome(
        lambda: dsl.power(dsl.crement, n)(x))
