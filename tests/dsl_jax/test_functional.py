"""dsl_jax functional family against dsl_py: eager, jit and vmap.

Cases hold dsl_py callables (the reference runs them); the dsl_jax side gets the callable
of the same name from dsl_jax, or the dsl_jax twin of a closure built in both (`TWIN`).
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from jaxbatt import dsl_jax as J, dsl_py as P
from jaxbatt.dsl_jax import flags, values
from jaxbatt.dsl_jax import functional as F
from jaxbatt.dsl_jax.testing import assert_compiles_once, check_primitive, stack_py
from tests.arc_samples import sample_grids
from tests.dsl_jax.test_arithmetic import bulk_check

TWIN = {id(P.PRIMITIVES[n]): J.PRIMITIVES[n] for n in J.PRIMITIVES if n in P.PRIMITIVES}


def twin(py_fn, jax_fn):
    """Registers the dsl_jax twin of a dsl_py closure; returns the dsl_py one."""
    TWIN[id(py_fn)] = jax_fn
    return py_fn


def lift(name):
    """dsl_jax `name` taking dsl_py callables (replaced by their twins) as arguments."""
    prim = getattr(F, name)

    def fn(*args):
        return prim(*[TWIN[id(a)] if id(a) in TWIN else a for a in args])
    fn.__name__ = name
    return fn


def check(name, cases, *, inexact_ok=False, **kw):
    summary = check_primitive(name, cases, fn=lift(name), **kw)
    assert summary.cases == len(cases), summary
    if not inexact_ok:
        assert summary.inexact == 0, summary
    return summary


def bulk(name, cases, *, inexact_ok=False, **kw):
    compared, inexact = bulk_check(name, cases, fn=lift(name), ref=getattr(P, name), **kw)
    if not inexact_ok:
        assert inexact == 0, (compared, inexact)
    return compared, inexact


def pad(value, kind=None):
    out, fits = values.from_py(value, kind)
    assert fits
    return out


ADD1 = twin(P.rbind(P.add, 1), J.rbind(J.add, 1))
SUB_FROM_10 = twin(P.lbind(P.subtract, 10), J.lbind(J.subtract, 10))
SHIFT_DOWN = twin(P.rbind(P.shift, (1, 0)), J.rbind(J.shift, np.asarray((1, 0), np.int32)))
IS_TWO = twin(P.matcher(P.double, 4), J.matcher(J.double, 4))
ROW_SELF = twin(P.identity, J.identity)

GRIDS = sample_grids(6, seed=21)
SMALL_OBJECTS = [P.objects(g, True, False, True) for g in GRIDS]
SMALL_OBJECTS = [objs for objs in SMALL_OBJECTS if 0 < len(objs) <= 20][:3]


def test_exports_and_arities_match_dsl_py():
    assert len(F.__all__) == 15
    for name, jax_fn in J.PRIMITIVES.items():
        if name in P.PRIMITIVES:
            assert F._arity(jax_fn) == P.PRIMITIVES[name].__code__.co_argcount, name


# ---------------------------------------------------------------- combinators


def combinator(ref_builder, jax_builder, cases, **kw):
    """Builds the closure in both DSLs and compares them on each case."""
    return bulk_check("closure", cases, fn=lambda *a: jax_builder()(*a),
                      ref=lambda *a: ref_builder()(*a), **kw)


def test_compose_chain_fork_matcher_bind():
    ints = [(x,) for x in (-3, 0, 1, 2, 7)] + [((1, -2),), ((0, 5),)]
    assert combinator(lambda: P.compose(P.double, P.increment),
                      lambda: J.compose(J.double, J.increment), ints)[1] == 0
    assert combinator(lambda: P.chain(P.invert, P.double, P.crement),
                      lambda: J.chain(J.invert, J.double, J.crement), ints)[1] == 0
    assert combinator(lambda: P.fork(P.add, P.double, P.invert),
                      lambda: J.fork(J.add, J.double, J.invert), ints)[1] == 0
    assert combinator(lambda: P.matcher(P.double, 4), lambda: J.matcher(J.double, 4), ints)[1] == 0
    assert combinator(lambda: P.rbind(P.subtract, 2), lambda: J.rbind(J.subtract, 2), ints)[1] == 0
    assert combinator(lambda: P.lbind(P.subtract, 2), lambda: J.lbind(J.subtract, 2), ints)[1] == 0
    assert combinator(lambda: P.identity, lambda: J.identity, ints)[1] == 0


def test_bind_arity_rules_follow_arc_dsl():
    three = J.rbind(J.rbind(J.shoot, np.asarray((0, 1), np.int32)), np.asarray((1, 1), np.int32))
    assert F._arity(J.rbind(J.shoot, (0, 1))) == 1
    assert F._arity(J.rbind(J.objects, True)) == 3
    assert F._arity(J.lbind(J.objects, True)) == 3
    assert F._arity(J.rbind(J.rbind(J.objects, True), False)) == 2
    assert F._arity(three) == 3  # binding a 1-ary closure: arc-dsl's 3-argument fallback
    assert F._arity(J.compose(J.double, J.add)) == 1


def test_branch_static_and_traced():
    assert check("branch", [(True, 1, 2), (False, 1, 2), (0, (1, 2), (3, 4)),
                            (3, (1, 2), (3, 4))]).exact > 0
    sets = [frozenset({(0, 0)}), frozenset({(1, 1), (2, 2)})]
    check("branch", [(c, sets[0], sets[1]) for c in (True, False)])
    # traced condition choosing between two callables: output and flags per lane
    cases = [(c, x) for c in (True, False, 0, 5) for x in (3, 0, -2)]
    assert combinator(lambda: lambda c, x: P.branch(c, P.double, P.rbind(P.divide, 0))(x),
                      lambda: lambda c, x: J.branch(c, J.double, J.rbind(J.divide, 0))(x),
                      cases)[1] == 0


def test_composing_after_a_traced_branch_of_two_forms():
    """branch(c, identity, outbox) of an Object gives an Object or an Indices; outbox after
    it gives an Indices either way: compose and chain apply it to each side, then select."""
    obj = frozenset({(4, (2, 3)), (6, (3, 3)), (4, (3, 4))})
    cases = [(c, p) for c in (True, False, 0, 2) for p in (obj, frozenset({(1, 1)}))]
    for build in (lambda M, c: M.compose(M.outbox, M.branch(c, M.identity, M.outbox)),
                  lambda M, c: M.chain(M.backdrop, M.outbox, M.branch(c, M.outbox, M.identity)),
                  lambda M, c: M.chain(M.outbox, M.branch(c, M.identity, M.outbox), M.identity)):
        compared, inexact = combinator(lambda: lambda c, p: build(P, c)(p),
                                       lambda: lambda c, p: build(J, c)(p), cases)
        assert inexact == 0 and compared == len(cases)


def test_power_static_and_traced_exponents():
    cases = [(n, x) for n in (1, 2, 3, 5) for x in (1, -2, (1, 2))]
    compared, inexact = combinator(lambda: lambda n, x: P.power(P.double, n)(x),
                                   lambda: lambda n, x: J.power(J.double, n)(x), cases)
    assert inexact == 0 and compared == len(cases)
    for n in (0, -1):  # arc-dsl recurses without end: not ok
        _, ok, _ = flags.collect(lambda: J.power(J.double, n)(3))
        assert not bool(ok)
        _, ok, _ = jax.jit(lambda m: flags.collect(lambda: J.power(J.double, m)(3)))(jnp.int32(n))
        assert not bool(ok)
    _, ok, exact = flags.collect(lambda: J.power(J.double, 100)(1))
    assert not bool(exact)


def test_power_traced_exponent_on_patches():
    """outbox maps an Object to an Indices, then an Indices to an Indices: the loop carries
    the form after the first call."""
    patch = frozenset({(2, 3), (3, 3)})
    obj = frozenset({(4, (2, 3)), (6, (3, 3))})
    cases = [(n, p) for n in (1, 2, 4) for p in (patch, obj)]
    compared, inexact = combinator(lambda: lambda n, p: P.power(P.outbox, n)(p),
                                   lambda: lambda n, p: J.power(J.outbox, n)(p), cases)
    assert inexact == 0 and compared == len(cases)


# ---------------------------------------------------------------- apply


def test_apply_tuples_keep_order_and_duplicates():
    check("apply", [(P.double, (1, 2, 3, 1)), (P.even, (1, 2, 3, 4, 5)), (ADD1, ()),
                    (P.toivec, (3, 1, 3)), (P.double, (1, 2)), (P.even, (1, 2)),
                    (P.toivec, (4, 5))])


def test_apply_frozensets_deduplicate_and_reorder():
    check("apply", [(P.invert, frozenset({(0, 0), (1, 2)}))])
    int_sets = [frozenset(), frozenset({1}), frozenset({9, 8, 1, 0}), frozenset({8, 9, 16, 1}),
                frozenset(range(7)), frozenset({5, 13, 21})]
    bulk("apply", [(P.halve, c) for c in int_sets], kinds=(None, "FrozenSet"), eager=True)
    bulk("apply", [(P.dneighbors, c) for c in IDX_SETS])


IDX_SETS = [frozenset(), frozenset({(0, 0), (1, 2)}), frozenset({(-3, 4), (29, 29), (5, 0)})]


@pytest.mark.slow
def test_apply_frozenset_sweep():
    int_sets = [frozenset(), frozenset({1}), frozenset({9, 8, 1, 0}), frozenset({8, 9, 16, 1}),
                frozenset(range(7)), frozenset({5, 13, 21}), frozenset({31, 30, 2})]
    for fn in (P.even, P.halve, P.crement, P.toivec, ADD1, P.double):
        bulk("apply", [(fn, c) for c in int_sets], kinds=(None, "FrozenSet"))
    # 10 - x makes negative ints: CPython's order of those sets is not emulated (flagged)
    bulk("apply", [(SUB_FROM_10, c) for c in int_sets], kinds=(None, "FrozenSet"), inexact_ok=True)
    for fn in (P.dneighbors, P.halve, IS_TWO, P.crement, ADD1, P.hfrontier):
        bulk("apply", [(fn, c) for c in IDX_SETS])
    # (29, 29) -> (-29, -29) leaves the patch window: flagged, the other lanes exact
    assert bulk("apply", [(P.invert, c) for c in IDX_SETS], inexact_ok=True) == (2, 1)


def test_apply_int_sets_beyond_the_order_emulation_are_flagged():
    compared, inexact = bulk("apply", [(P.crement, frozenset({-1, 0, 1, 2, 3, 40})),
                                       (P.crement, frozenset({0, 1, 2, 3, 4}))], inexact_ok=True)
    assert (compared, inexact) == (1, 1)  # CPython's order of {-2, 0, 2, 3, 4, 41}: not emulated


def test_apply_over_objects_of_real_grids():
    objs = SMALL_OBJECTS[0]
    check("apply", [(P.ulcorner, objs)])
    bulk("apply", [(P.toindices, o) for o in SMALL_OBJECTS])


@pytest.mark.slow
def test_apply_over_objects_sweep():
    cases = []
    for objs in SMALL_OBJECTS:
        cases += [(P.toindices, objs), (P.ulcorner, objs), (P.color, objs), (P.normalize, objs),
                  (SHIFT_DOWN, objs)]
    assert bulk("apply", cases)[0] == len(cases)


def test_apply_over_cells():
    obj = frozenset({(3, (0, 0)), (4, (1, 1)), (3, (2, 5))})
    idx = frozenset({(0, 0), (1, 1), (-2, 5)})
    bulk("apply", [(P.hfrontier, idx), (P.hfrontier, frozenset({(1, 1), (2, -3)}))])
    bulk("apply", [(P.last, obj), (P.first, obj)])


def test_apply_of_a_closure_over_a_concrete_container_runs_eagerly():
    """Each index paired with the colour of the nearest single-cell object: the mapped
    function captures a container of objects that is concrete when run eagerly (checking
    it for clipped patches once read a concrete array as a tracer)."""
    def nearest_colour(apply, argmax, rbind, lbind, chain, compose, fork, objs, idx, M):
        nearest = chain(lbind(argmax, objs), lbind(rbind, M.manhattan), M.initset)
        return apply(fork(M.astuple, compose(M.color, nearest), M.identity), idx)

    cases = []
    for grid in sample_grids(10, seed=11):
        singles = P.sizefilter(P.objects(grid, True, False, True), 1)
        if 0 < len(singles) <= 8:
            cases.append((singles, P.corners(P.outbox(P.asindices(P.crop(grid, (0, 0), (3, 3)))))))
    summary = check_primitive(
        "apply", cases[:2],
        fn=lambda objs, idx: nearest_colour(J.apply, J.argmax, J.rbind, J.lbind, J.chain, J.compose,
                                            J.fork, objs, idx, J),
        reference=lambda objs, idx: nearest_colour(P.apply, P.argmax, P.rbind, P.lbind, P.chain,
                                                   P.compose, P.fork, objs, idx, P))
    assert summary.cases >= 2 and summary.inexact == 0 and summary.exact >= 3 * summary.cases, summary


def test_apply_over_grid_rows():
    g = GRIDS[0]
    check("apply", [(ROW_SELF, g)])
    out, ok, exact = flags.collect(F.apply, J.identity, pad(g))
    assert isinstance(out, values.Grid) and values.to_py(out) == g
    bulk("apply", [(ROW_SELF, grid) for grid in GRIDS])
    bulk("apply", [(fn, grid) for grid in GRIDS[:3] for fn in (P.size, P.first, P.last)])
    # rows deduplicated to different lengths are no Grid: not exact unless rectangular
    bulk("apply", [(P.dedupe, grid) for grid in GRIDS], inexact_ok=True)


def test_apply_compiles_once_under_vmap():
    a = stack_py([frozenset({1, 2}), frozenset({3}), frozenset()], "FrozenSet")
    b = stack_py([frozenset({5, 6, 7}), frozenset({0}), frozenset({9, 1})], "FrozenSet")
    assert_compiles_once(lambda c: F.apply(J.double, c), (a,), (b,))


# ---------------------------------------------------------------- rapply, mapply ...


def test_rapply():
    check("rapply", [((P.double, P.invert, P.double), 3), ((P.double, P.invert), (1, 2))])
    bulk("rapply", [(fns, x) for fns in [(P.double, P.invert), (P.sign, P.even)] for x in (0, -5)])
    bulk("rapply", [(frozenset({P.double, P.increment}), x) for x in (0, 1, 7)], eager=True)


def test_rapply_of_the_compositions_of_a_product_of_callables():
    """product of two containers of callables holds pairs of callables (a static
    Functions); fork(compose, first, last) over it gives the compositions, here the 16
    compositions of two flips of an object."""
    def transforms(M, obj):
        flips = M.combine(M.astuple(M.cmirror, M.dmirror), M.astuple(M.hmirror, M.vmirror))
        pairs = M.product(flips, flips)
        return M.rapply(M.apply(M.fork(M.compose, M.first, M.last), pairs), obj)

    cases = [(o,) for g in GRIDS for o in P.objects(g, False, True, True) if 3 <= len(o) <= 8][:3]
    summary = check_primitive("rapply", cases, fn=lambda o: transforms(J, o),
                              reference=lambda o: transforms(P, o))
    assert summary.cases == len(cases) >= 2 and summary.inexact == 0, summary
    assert summary.exact >= 2 * summary.cases, summary


def test_sets_of_callables_iterate_in_dsl_pys_order():
    """A frozenset of callables iterates as dsl_py's does (named functions by name, then
    closures in the order they were built), whatever order they were inserted in: totuple,
    first and last read that order."""
    def ordered_results(M, grid):
        named = M.insert(M.hmirror, M.insert(M.rot90, M.initset(M.vmirror)))
        shifted = M.insert(M.rbind(M.shift, (1, 0)), M.initset(M.rbind(M.shift, (0, 1))))
        flips = M.combine(M.astuple(M.vmirror, M.dmirror), M.astuple(M.hmirror, M.cmirror))
        composed = M.apply(M.fork(M.compose, M.first, M.last), M.product(flips, flips))
        mixed = M.combine(composed, named)
        return (M.rapply(M.totuple(named), grid), M.rapply(M.totuple(mixed), grid),
                M.first(named)(grid), M.last(mixed)(grid),
                M.rapply(M.totuple(shifted), M.asobject(grid)))

    grids = [g for g in GRIDS if len(g) <= 10 and len(g[0]) <= 10][:2]
    summary = check_primitive("rapply", [(g,) for g in grids], fn=lambda g: ordered_results(J, g),
                              reference=lambda g: ordered_results(P, g))
    assert summary.cases == len(grids) >= 1 and summary.inexact == 0 and summary.exact >= 2 * len(grids), summary


@pytest.mark.slow
def test_rapply_sweep():
    bulk("rapply", [((P.toindices, P.backdrop, P.box), frozenset({(1, 1), (3, 2)}))])
    bulk("rapply", [(frozenset({P.double, P.halve}), x) for x in (0, 1, 7, 40)])


def test_mapply_unions_patches():
    cases = [(P.dneighbors, frozenset({(0, 0), (1, 2)})), (P.neighbors, frozenset({(5, 5)}))]
    check("mapply", cases[:1])
    bulk("mapply", cases)
    bulk("mapply", [(P.backdrop, objs) for objs in SMALL_OBJECTS])


@pytest.mark.parametrize("tier", [values.TINY, values.SMALL], ids=lambda t: t.name)
def test_mapply_of_a_neighbourhood_dilates_the_indices(tier):
    """mapply(dneighbors | ineighbors | neighbors, indices) takes patches.dilate (static
    moves of the whole mask): same values as dsl_py eager, under jit and under vmap."""
    grids = [g for g in sample_grids(40, seed=5) if max(len(g), len(g[0])) <= tier.canvas][:12]
    cases = [(fn, P.ofcolor(g, colour)) for g in grids for colour in (0, P.leastcolor(g))
             for fn in (P.dneighbors, P.ineighbors, P.neighbors)]
    summary = check("mapply", cases, tier=tier)
    assert summary.cases == len(cases) >= 36


@pytest.mark.parametrize("tier", [values.TINY, values.SMALL], ids=lambda t: t.name)
def test_mapply_of_lbind_shift_unites_shifted_copies(tier):
    """mapply(lbind(shift, patch), indices) takes patches.shifted_copies (the smaller side's
    cells move the other's plane): dsl_py's values on real grids, eager, jit and vmap."""
    grids = [g for g in sample_grids(40, seed=9) if max(len(g), len(g[0])) <= tier.canvas][:4]
    cases = []
    for g in grids:
        objs = sorted(P.objects(g, False, True, True), key=len)
        locations = [P.ofcolor(g, P.leastcolor(g)), frozenset({(0, 0), (1, 2)})]
        for obj in objs[:1] + objs[-1:]:
            with values.use_tier(tier):
                for patch in (obj, P.toindices(obj), P.normalize(obj)):
                    moved = twin(P.lbind(P.shift, patch), J.lbind(J.shift, values.from_py(patch, tier=tier)[0]))
                    cases += [(moved, where) for where in locations]
    summary = check("mapply", cases, tier=tier, inexact_ok=True)
    assert summary.cases == len(cases) and summary.exact >= len(cases), summary


def test_mapply_of_lbind_shift_flags_what_it_cannot_hold():
    pair = frozenset({(0, 0), (0, 1)})
    clash = P.recolor(1, {(0, 0)}) | P.recolor(2, {(0, 1)})
    far = frozenset({(34, 34)})  # the last window cell: (0, 1) moves past it
    for patch, where in [(clash, pair), (pair, far), (P.recolor(3, pair), far)]:
        moved = J.lbind(J.shift, pad(patch))
        _, ok, exact = flags.collect(F.mapply, moved, pad(where))
        assert bool(ok) and not bool(exact)
    moved = J.lbind(J.shift, pad(clash))
    out, _, exact = flags.collect(F.mapply, moved, pad(frozenset({(0, 0), (5, 5)})))
    assert bool(exact) and values.to_py(out) == P.mapply(P.lbind(P.shift, clash), frozenset({(0, 0), (5, 5)}))


def test_mapply_of_a_neighbourhood_beyond_the_window_is_not_exact():
    margin = values.SMALL.margin
    edge = frozenset({(-margin, 3), (4, 4)})
    for fn in (J.dneighbors, J.ineighbors, J.neighbors):
        _, ok, exact = flags.collect(F.mapply, fn, pad(edge))
        assert bool(ok) and not bool(exact)
    inside = frozenset({(1 - margin, 3), (4, 4)})
    out, ok, exact = flags.collect(F.mapply, J.neighbors, pad(inside))
    assert bool(exact) and values.to_py(out) == P.mapply(P.neighbors, inside)


@pytest.mark.slow
def test_mapply_sweep():
    cases = [(P.vfrontier, frozenset({(1, 1), (2, 7)})), (P.ineighbors, frozenset({(29, 0)}))]
    for objs in SMALL_OBJECTS:
        cases += [(P.toindices, objs), (P.backdrop, objs), (SHIFT_DOWN, objs)]
    bulk("mapply", cases)


def test_mapply_object_colour_clash_is_not_exact():
    objs = frozenset({frozenset({(1, (0, 0))}), frozenset({(2, (1, 1))})})
    out, ok, exact = flags.collect(F.mapply, J.rbind(J.shift, np.asarray((1, 1), np.int32)),
                                   pad(objs))
    assert bool(exact) and values.to_py(out) == frozenset({(1, (1, 1)), (2, (2, 2))})
    clash = twin(P.compose(P.normalize, P.identity), J.compose(J.normalize, J.identity))
    _, _, exact = flags.collect(lift("mapply"), clash, pad(objs))
    assert not bool(exact)  # arc-dsl keeps (1, (0, 0)) and (2, (0, 0)); an Object cannot


def test_papply_zips_to_the_shorter():
    check("papply", [(P.add, (1, 2, 3), (10, 20)), (P.equality, (1, 2), (1, 3))])
    bulk("papply", [(P.add, a, b) for a in [(), (1,), (1, 2, 3), (4, 5)] for b in [(), (7, 8, 9)]])
    g, h = GRIDS[1], GRIDS[2]
    bulk("papply", [(P.equality, g, g), (P.equality, g, h), (P.equality, h, g)])
    bulk("papply", [(P.add, (1, 2), (5, 5)), (P.subtract, (3, 4), (1, 2))])
    bulk("papply", [(P.astuple, (1, 2, 3), (4, 5, 6)), (P.combine, g, g)], inexact_ok=True)


def test_papply_with_a_tuple_of_callables():
    fns = (P.double, P.invert, P.halve)
    out, ok, exact = flags.collect(F.papply, lambda f, x: f(x), values.from_py(fns)[0],
                                   pad((5, 6, 7, 8)))
    assert bool(ok) and bool(exact) and values.to_py(out) == (10, -6, 3)


def _parts_moved_within_themselves(M):
    """The grid's two rarest colours' cells, each moved by the neighbour offsets that keep
    it inside itself, filled: closures mapped over a traced tuple (one shift and one
    difference per part), composed pairwise, mapped again and zipped with containers."""
    def run(grid):
        parts = M.astuple(M.ofcolor(grid, M.leastcolor(grid)), M.ofcolor(grid, M.mostcolor(grid)))
        shifters = M.apply(M.lbind(M.lbind, M.shift), parts)
        outside = M.apply(M.lbind(M.rbind, M.difference), parts)
        leftovers = M.papply(M.compose, outside, shifters)
        inside = M.apply(M.lbind(M.compose, M.matcher(M.size, 0)), leftovers)
        offsets = M.astuple(M.dneighbors((0, 0)), M.ineighbors((0, 0)))
        kept = M.papply(M.sfilter, offsets, inside)
        return M.fill(grid, 8, M.mpapply(M.mapply, shifters, kept))
    return run


def test_closures_mapped_over_a_traced_tuple_compose_into_later_maps():
    cases = [(g,) for g in sample_grids(10, seed=4)]
    summary = check_primitive("papply", cases, tier=values.TINY, fn=_parts_moved_within_themselves(J),
                              reference=_parts_moved_within_themselves(P))
    assert summary.exact == 3 * summary.cases > 0, summary


def test_closures_mapped_over_a_traced_tuple_are_not_values():
    grid = pad(GRIDS[1])
    shifters, _, _ = flags.collect(
        lambda: F.apply(J.lbind(J.lbind, J.shift), J.astuple(J.ofcolor(grid, 1), J.ofcolor(grid, 2))))
    assert isinstance(shifters, values.MappedClosures)
    with pytest.raises(TypeError):
        flags.collect(J.size, shifters)
    # Nor can they be the images of a mapped function (a container of closure tuples).
    with pytest.raises(TypeError):
        flags.collect(lambda: J.apply(lambda p: J.apply(J.lbind(J.lbind, J.shift), J.astuple(p, p)),
                                      J.astuple(J.ofcolor(grid, 1), J.ofcolor(grid, 2))))


def test_prapply_products():
    bulk("prapply", [(P.add, a, b) for a in [frozenset({1, 2}), frozenset({0}), frozenset({7, 1, 3})]
                     for b in [frozenset({2, 3}), frozenset({0})]], eager=True)


@pytest.mark.slow
def test_prapply_harness_and_failures():
    check("prapply", [(P.add, frozenset({1, 2}), frozenset({2, 3}))])
    bulk("prapply", [(P.divide, (4, 6), (0, 2)), (P.divide, (4, 6), (1, 2))])


@pytest.mark.slow
def test_prapply_sweep():
    bulk("prapply", [(P.add, (1, 1), (0, 3)), (P.subtract, (4, 6), (1, 2))])
    bulk("prapply", [(P.connect, frozenset({(0, 0), (2, 2)}), frozenset({(0, 2), (5, 5)})),
                     (P.connect, frozenset({(1, 1)}), frozenset({(1, 1), (4, 1)}))])
    bulk("prapply", [(P.astuple, frozenset({1, 2}), (4, 5, 6))])


def test_mpapply_and_general_mapply_use_containers_merge():
    bulk("mpapply", [(P.recolor, (3, 4), (frozenset({(0, 0)}), frozenset({(1, 1)})))],
         inexact_ok=True, eager=True)
    bulk("mapply", [(P.dneighbors, ((0, 0), (1, 1)))], kinds=(None, "Tuple"), inexact_ok=True)


@pytest.mark.slow
def test_mpapply_and_mapply_merge_sweep():
    check("mpapply", [(P.astuple, (1, 2), (3, 4))], inexact_ok=True)
    check("mapply", [(ROW_SELF, GRIDS[0])], inexact_ok=True)


def test_vmap_masks_a_failing_element():
    c = stack_py([(1, 2, 0), (3, 4, 5)], "Tuple")
    fn = lambda t: F.apply(J.lbind(J.divide, 12), t)  # noqa: E731
    out, ok, exact = jax.vmap(lambda t: flags.collect(fn, t))(c)
    assert ok.tolist() == [False, True] and exact.all()
    assert values.to_py(jax.tree_util.tree_map(lambda x: x[1], out)) == (4, 3, 2)


# ---------------------------------------------------------------- hypothesis

small_ints = st.integers(0, 12)
int_tuples = st.lists(st.integers(-9, 9), max_size=7).map(tuple)
int_sets = st.frozensets(small_ints, max_size=7)
pair_sets = st.frozensets(st.tuples(st.integers(-4, 33), st.integers(-4, 33)), max_size=6)


@settings(max_examples=3, deadline=None)
@given(tuples=st.lists(int_tuples, min_size=1, max_size=12))
def test_tuple_mapping_hypothesis(tuples):
    bulk("apply", [(P.double, t) for t in tuples], kinds=(None, "Tuple"))
    bulk("papply", [(P.subtract, a, b) for a, b in zip(tuples, reversed(tuples))],
         kinds=(None, "Tuple", "Tuple"))


@pytest.mark.slow
@settings(max_examples=5, deadline=None)
@given(sets=st.lists(int_sets, min_size=1, max_size=10), patches=st.lists(pair_sets, min_size=1,
                                                                          max_size=6))
def test_set_mapping_hypothesis(sets, patches):
    bulk("apply", [(P.halve, s) for s in sets], kinds=(None, "FrozenSet"))
    bulk("prapply", [(P.add, a, b) for a, b in zip(sets, reversed(sets))],
         kinds=(None, "FrozenSet", "FrozenSet"))
    # -(i, j) leaves the window for far cells: flagged inexact, never wrong
    bulk("apply", [(P.invert, p) for p in patches], kinds=(None, "Indices"), inexact_ok=True)
    bulk("mapply", [(P.dneighbors, p) for p in patches], kinds=(None, "Indices"))
    bulk("apply", [(P.dneighbors, p) for p in patches], kinds=(None, "Indices"))


def test_branch_between_an_object_and_indices():
    """An Object and an Indices share a PyTreeDef (one-leaf dataclass nodes): select must
    still see two forms (b's form held, exact only on lanes that pick b)."""
    obj = frozenset({(3, (0, 0)), (3, (0, 1))})
    ind = frozenset({(2, 2)})
    assert not values.same_structure(values.from_py(obj)[0], values.from_py(ind)[0])
    summary = check_primitive("branch", [(True, obj, ind), (False, obj, ind)])
    assert summary.exact > 0 and summary.inexact > 0

    def chosen(flag, patch):  # branch(flag, identity, outbox)(patch), as solve_f8c80d96
        return F.branch(flag, J.identity, J.outbox)(patch)

    out, ok, exact = jax.jit(lambda f, p: flags.collect(chosen, f, p))(
        jnp.asarray(False), values.from_py(obj)[0])
    assert bool(ok) and bool(exact) and values.to_py(out) == P.outbox(obj)
    _, _, exact = jax.jit(lambda f, p: flags.collect(chosen, f, p))(jnp.asarray(True), values.from_py(obj)[0])
    assert not bool(exact)


def test_branch_between_a_grid_and_a_tuple_of_rows():
    """A tuple of rows (repeat of a row, as solve_e26a3af2 builds) is a grid: branch holds
    it as a Grid beside one, exact where its rows make a grid (ragged rows: not exact on
    the lanes that pick them)."""
    grid = ((1, 2, 3), (4, 5, 6))

    def rows(M, g, ragged):
        row = M.first(g)
        return M.combine(M.repeat(row, 1), M.repeat(M.remove(1, row), 1)) if ragged else M.repeat(row, 2)

    for ragged in (False, True):
        summary = check_primitive(
            "branch", [(2, grid, grid), (3, grid, grid)],  # the grid's height is 2
            fn=lambda n, g, h: J.branch(J.equality(J.height(g), n), g, rows(J, h, ragged)),
            reference=lambda n, g, h: P.branch(P.equality(P.height(g), n), g, rows(P, h, ragged)))
        if ragged:  # the lanes picking the grid are exact, the ragged rows are not
            assert summary.exact >= 3 and summary.inexact >= 3, summary
        else:
            assert summary.exact >= 6 and summary.inexact == 0, summary


def test_apply_of_a_closure_maker_over_a_static_interval():
    """solve_447fd412: apply(lbind(rbind, upscale), interval(ONE, FOUR, ONE)) builds three
    closures (interval of constants is a static Container); rapply runs them."""
    grid = ((1, 2), (3, 0))
    makers, ok, exact = flags.collect(lambda: J.apply(J.lbind(J.rbind, J.upscale), J.interval(1, 4, 1)))
    assert isinstance(makers, values.Functions) and len(makers.fns) == 3 and bool(ok) and bool(exact)
    expected = P.rapply(P.apply(P.lbind(P.rbind, P.upscale), P.interval(1, 4, 1)), grid)

    def run(g):
        fns = J.apply(J.lbind(J.rbind, J.upscale), J.interval(1, 4, 1))
        return J.rapply(fns, g)

    out, ok, exact = jax.jit(lambda g: flags.collect(run, g))(values.from_py(grid)[0])
    assert bool(ok) and bool(exact) and values.to_py(out) == expected
    # Values over a static interval still go through the traced path.
    doubled, _, _ = flags.collect(lambda: J.apply(J.double, J.interval(1, 4, 1)))
    assert values.to_py(doubled) == (2, 4, 6)
