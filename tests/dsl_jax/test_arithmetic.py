"""dsl_jax arithmetic family against dsl_py: eager, jit and vmap via the harness.

The harness compiles every case under jit, so it gets a few cases per form combination;
`bulk_check` sweeps many cases with one jit(vmap) compile per group of padded shapes.
"""
from collections import defaultdict

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from jaxbatt import dsl_jax, dsl_py
from jaxbatt.dsl_jax import arithmetic as A, flags, values
from jaxbatt.dsl_jax.testing import assert_compiles_once, check_primitive, stack_py
from tests.arc_samples import sample_grids

UNARY = ["invert", "double", "halve", "increment", "decrement", "crement", "sign",
         "even", "positive", "flip", "toivec", "tojvec"]
BINARY = ["add", "subtract", "multiply", "divide", "greater", "equality", "both", "either"]

INTS = [-7, -2, -1, 0, 1, 2, 3, 9, 30]
PAIRS = [(0, 0), (1, -1), (-3, 4), (7, 2), (0, 5), (-1, -1)]
GRIDS = sample_grids(4, seed=11) + [((1, 2), (3, 4)), ((0,),)]
SETS = [frozenset(), frozenset({(0, 0), (1, 2)}), frozenset({(-3, 4)}),
        frozenset({(3, (0, 0)), (4, (1, 1))}), frozenset({(3, (0, 0))})]


def bulk_check(name, cases, *, fn=None, kinds=None, ref=None, eager=False):
    """Every case under one jit(vmap) per group of identical padded shapes vs dsl_py
    (and, with eager=True, the first case of each group run eagerly too).

    Callable arguments stay static (grouped by identity). Returns (compared, inexact)."""
    jax_fn = fn or getattr(dsl_jax, name)
    ref = ref or getattr(dsl_py, name)
    groups = defaultdict(list)
    for args in cases:
        try:
            expected = (True, ref(*args))
        except Exception:  # noqa: BLE001 - the reference raising is the expected result
            expected = (False, None)
        padded = []
        for i, a in enumerate(args):
            if callable(a) and not isinstance(a, (tuple, frozenset)):
                padded.append(a)
                continue
            p, fits = values.from_py(a, kinds[i] if kinds else None)
            assert fits, a
            padded.append(jax.tree_util.tree_map(np.asarray, p))
        static = tuple((i, a) for i, a in enumerate(padded) if callable(a))
        dynamic = [a for a in padded if not callable(a)]
        leaves, tree = jax.tree_util.tree_flatten(dynamic)
        key = (tree, tuple((x.shape, x.dtype.str) for x in leaves), tuple((i, id(a)) for i, a in static))
        groups[key].append((args, expected, dynamic, static))
    compared = inexact = 0
    for members in groups.values():
        static = members[0][3]

        def call(*dynamic, _static=static):
            full, it = [], iter(dynamic)
            slots = dict(_static)
            for i in range(len(dynamic) + len(slots)):
                full.append(slots[i] if i in slots else next(it))
            return flags.collect(jax_fn, *full)

        if eager:
            args, (ref_ok, expected), dynamic, _ = members[0]
            out, ok, exact = call(*dynamic)
            if bool(exact):
                assert bool(ok) == ref_ok, (name, args, "eager")
                if ref_ok and not callable(expected):
                    assert values.to_py(out) == expected, (name, args, "eager")
        stacked = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *[m[2] for m in members])
        out, ok, exact = jax.jit(jax.vmap(call))(*stacked)
        for lane, (args, (ref_ok, expected), _, _) in enumerate(members):
            if not bool(exact[lane]):
                inexact += 1
                continue
            compared += 1
            assert bool(ok[lane]) == ref_ok, (name, args, bool(ok[lane]))
            if ref_ok and not callable(expected):
                got = values.to_py(jax.tree_util.tree_map(lambda x: x[lane], out))
                assert got == expected, (name, args, got, expected)
    return compared, inexact


def _numbers():
    return INTS + [True, False] + PAIRS


def _check(name, cases, **kw):
    summary = check_primitive(name, cases, **kw)
    assert summary.cases == len(cases), summary
    assert summary.inexact == 0, summary
    return summary


def test_exports():
    assert len(A.__all__) == 20 and set(A.__all__) == set(UNARY) | set(BINARY)


@pytest.mark.parametrize("name", UNARY)
def test_unary_on_ints_pairs_and_bools(name):
    xs = [-2, 0, 3, True] + PAIRS[1:3]
    if name in ("toivec", "tojvec"):
        xs = [-2, 0, 3, True]
    _check(name, [(x,) for x in xs])
    compared, inexact = bulk_check(name, [(x,) for x in (INTS + PAIRS if name[:2] != "to" else INTS)])
    assert inexact == 0


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide"])
def test_binary_numbers_broadcast_like_arc_dsl(name):
    _check(name, [(3, -2), (-7, (2, 3)), ((4, -5), 2), ((1, 2), (3, -4)), (True, 2), (2, 0)])
    nums = INTS + PAIRS + [True, False]
    compared, inexact = bulk_check(name, [(a, b) for a in nums for b in nums])
    assert inexact == 0 and compared == len(nums) ** 2


def test_divide_by_zero_is_not_ok_and_floors():
    summary = _check("divide", [(5, 0), ((1, 2), (3, 0)), ((4, 4), 0), (-7, 2), (0, (1, 0))])
    assert summary.errors >= 4 * 2  # eager and jit lanes of the four zero divisors
    assert bulk_check("divide", [(a, b) for a in range(-9, 10) for b in range(-4, 5)]) == (171, 0)


def test_greater_ints_pairs_and_sets():
    _check("greater", [(3, 2), (2, 3), ((1, 2), (1, 1)), ((1, 2), (2, 0)), ((1, 1), (1, 1)),
                       (1, (1, 2)), (SETS[1], SETS[0]), (SETS[3], SETS[4]), (SETS[4], SETS[3]),
                       (SETS[1], SETS[3]), (SETS[0], SETS[3])])
    cases = [(a, b) for a in INTS + [True] for b in INTS + [False]]
    cases += [(a, b) for a in PAIRS for b in PAIRS] + [(1, (1, 2)), ((1, 2), 1)]
    cases += [(a, b) for a in SETS for b in SETS]
    compared, inexact = bulk_check("greater", cases)
    assert inexact == 0 and compared == len(cases)


EQ_FORMS = [0, 1, True, (0, 1), (1, 0), (1, 2, 3), frozenset({1, 2}), frozenset({2, 1}),
            frozenset({5}), ((0, 1), (1, 0)), ((0, 1), (1, 1), (2, 2))] + GRIDS[-2:] + SETS


def test_equality_across_forms():
    _check("equality", [(0, True), (1, True), ((0, 1), (0, 1)), ((0, 1), 1), (SETS[0], SETS[3]),
                        (SETS[1], SETS[1]), (SETS[3], SETS[4]), (GRIDS[-1], GRIDS[-1]),
                        (GRIDS[-1], GRIDS[-2]), (frozenset({1, 2}), frozenset({2, 1})),
                        ((1, 2, 3), GRIDS[-1])])
    cases = [(a, b) for a in EQ_FORMS for b in EQ_FORMS]
    compared, inexact = bulk_check("equality", cases)
    assert inexact == 0 and compared == len(cases)


def test_equality_on_real_grids():
    grids = sample_grids(12, seed=5)
    grids += [tuple(row[:-1] for row in grids[0]), grids[0][:-1], grids[0]]
    compared, inexact = bulk_check("equality", [(a, b) for a in grids for b in grids])
    assert inexact == 0 and compared == len(grids) ** 2


@pytest.mark.parametrize("name", ["both", "either"])
def test_logic_returns_an_operand(name):
    vals = [True, False, 0, 3]
    _check(name, [(True, False), (False, True), (0, 3), (3, 0), (SETS[0], SETS[1])])
    cases = [(a, b) for a in vals for b in vals] + [(a, b) for a in SETS[:3] for b in SETS[:3]]
    compared, inexact = bulk_check(name, cases)
    assert inexact == 0 and compared == len(cases)


def test_flip_truthiness_of_any_form():
    _check("flip", [(0,), (5,), (True,), ((0, 0),), (SETS[0],), (SETS[3],)])
    forms = [0, 5, True, False, (0, 0)] + GRIDS + SETS + [(1, 2, 3), frozenset({0})]
    assert bulk_check("flip", [(x,) for x in forms])[1] == 0


def test_forms_the_reference_rejects_are_not_ok():
    _check("add", [(SETS[1], 1), (1, SETS[1]), ((1, 2), SETS[3]), (SETS[0], SETS[0])])
    _check("even", [((1, 2),), (SETS[1],), (GRIDS[-1],)])
    _check("positive", [((1, 2),), (SETS[3],)])
    _check("invert", [(SETS[1],), (SETS[3],)])
    _check("greater", [(1, (1, 2)), (SETS[1], 2), ((1, 1), SETS[1])])


def test_static_operands_give_static_numpy_results():
    out, ok, _ = flags.collect(A.add, 2, np.asarray((1, 2), np.int32))
    assert isinstance(out, np.ndarray) and out.tolist() == [3, 4] and bool(ok)
    out, ok, _ = flags.collect(A.divide, 1, 0)
    assert isinstance(out, np.ndarray) and not bool(ok)
    assert int(flags.collect(A.subtract, 5, 2)[0]) == 3
    out, _, _ = flags.collect(A.add, (1, 2), 3)  # a Python pair literal is an IntegerTuple
    assert out.tolist() == [4, 5]


def test_grid_tuple_arithmetic_is_rejected_while_tracing():
    grid, _ = values.from_py(((1, 2), (3, 4)))
    with pytest.raises(TypeError):
        flags.collect(A.add, grid, grid)


ints = st.integers(-50, 50)
numbers = st.one_of(ints, st.booleans(), st.tuples(ints, ints))


@settings(max_examples=6, deadline=None)
@given(name=st.sampled_from(BINARY), cases=st.lists(st.tuples(numbers, numbers), min_size=1,
                                                    max_size=40))
def test_binary_hypothesis(name, cases):
    compared, inexact = bulk_check(name, cases)
    assert compared + inexact == len(cases)
    if name not in ("both", "either"):  # int/pair mixes have a data-dependent form there
        assert inexact == 0


def test_both_either_of_two_forms_are_exact_where_the_form_is_held():
    cases = [(0, (1, 2)), (3, (1, 2)), ((1, 2), 5), (SETS[0], 4), (SETS[1], 4)]
    summary = check_primitive("both", cases)
    assert summary.inexact > 0 and summary.exact > 0
    summary = check_primitive("either", cases)
    assert summary.inexact > 0 and summary.exact > 0


def test_compiles_once_under_vmap():
    a = stack_py([(1, 2), (3, 4), (5, 6)])
    b = stack_py([(0, 1), (2, 3), (4, 5)])
    c = stack_py([(1, 1), (0, 0), (9, 9)])
    assert_compiles_once(lambda x, y: A.divide(A.add(x, y), A.crement(y)), (a, b), (c, a))


def test_vmap_masks_each_lane():
    x = jnp.asarray([4, 5, -6], jnp.int32)
    d = jnp.asarray([2, 0, 4], jnp.int32)
    out, ok, exact = jax.vmap(lambda a, b: flags.collect(A.divide, a, b))(x, d)
    assert ok.tolist() == [True, False, True] and exact.all()
    assert out[0] == 2 and out[2] == -2


def test_int32_wrap_around_is_not_exact():
    big, small = 2**31 - 1, -2**31
    for name, args in [("add", (big, 1)), ("subtract", (small, 1)), ("multiply", (65536, 65536)),
                       ("multiply", (-1, small)), ("divide", (small, -1)), ("double", (2**30,)),
                       ("invert", (small,)), ("increment", (big,)), ("crement", (small,))]:
        fn = getattr(A, name)
        assert not bool(flags.collect(fn, *args)[2]), (name, "static")
        traced = jax.jit(lambda *a, fn=fn: flags.collect(fn, *a))(*[jnp.int32(x) for x in args])
        assert not bool(traced[2]), (name, "traced")
    assert bool(flags.collect(A.multiply, 46340, 46340)[2])
    assert bulk_check("multiply", [(46340, 46340), (-46341, 46340), (3, -7)]) == (3, 0)


def test_a_tuple_of_ints_reads_as_its_first_two():
    """apply(size, astuple(a, b)) is a tuple Container of ints: arc-dsl's arithmetic
    indexes [0] and [1] of any tuple (fewer than two elements: IndexError)."""
    tuples = [((3, 4, 5),), ((7,),), ((),)]
    for name in ("increment", "invert", "halve", "crement"):
        summary = check_primitive(name, tuples, kinds=("Tuple",))
        assert summary.exact == 3 * 3 and summary.errors == 2 * 3
    cases = [((3, 4, 5), (1, 2, 9)), ((3, 4, 5), (1,))]
    summary = check_primitive("add", cases, kinds=("Tuple", "Tuple"))
    assert summary.exact == 2 * 3 and summary.errors == 3
    summary = check_primitive("divide", [((3, 4, 5), 2), ((9, 4, 5), -2)], kinds=("Tuple", None))
    assert summary.exact == 2 * 3
