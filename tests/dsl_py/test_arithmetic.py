"""dsl_py arithmetic family: pinned cases, arc-dsl edge cases, differential vs arc-dsl."""
import importlib
import os
import sys

import pytest
from hypothesis import given, settings, strategies as st

from jaxbatt.dsl_py import arithmetic as A
from tests.arc_samples import sample_grids

NAMES = A.__all__
UNARY = ["invert", "even", "double", "halve", "flip", "increment", "decrement", "crement",
         "sign", "positive", "toivec", "tojvec"]
BINARY = ["add", "subtract", "multiply", "divide", "equality", "greater", "both", "either"]


def arcdsl():
    """arc-dsl's dsl module when ARCDSL points at a checkout, else skip."""
    path = os.environ.get("ARCDSL")
    if not path:
        pytest.skip("ARCDSL not set")
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module("dsl")


def outcome(fn, *args):
    """(value, value type) or (exception class,) for comparing behaviours."""
    try:
        value = fn(*args)
    except Exception as err:  # noqa: BLE001 - the class is what is compared
        return ("raises", type(err))
    return ("value", value, type(value))


def test_exports_the_family_names():
    assert set(NAMES) == set(UNARY) | set(BINARY)
    assert len(NAMES) == 20


def test_function_arities_match_arc_dsl_for_bind():
    for name in UNARY:
        assert getattr(A, name).__code__.co_argcount == 1
    for name in BINARY:
        assert getattr(A, name).__code__.co_argcount == 2


@pytest.mark.parametrize("a, b, expected", [
    (2, 3, 5), ((1, 2), (3, 4), (4, 6)), (1, (3, 4), (4, 5)), ((3, 4), 1, (4, 5)),
    (True, True, 2), ((1, 2, 9), (3, 4), (4, 6)),
])
def test_add_broadcasts_ints_and_pairs(a, b, expected):
    assert A.add(a, b) == expected


def test_subtract_multiply_mixes():
    assert A.subtract(1, (3, 5)) == (-2, -4)
    assert A.subtract((3, 5), 1) == (2, 4)
    assert A.multiply((2, 3), (4, 5)) == (8, 15)
    assert A.multiply(3, (1, -1)) == (3, -3)


def test_divide_is_floor_division_and_raises_on_zero():
    assert A.divide(-7, 2) == -4
    assert A.divide(7, -2) == -4
    assert A.divide((7, -7), 2) == (3, -4)
    assert A.divide(9, (2, 4)) == (4, 2)
    with pytest.raises(ZeroDivisionError):
        A.divide(1, 0)
    with pytest.raises(ZeroDivisionError):
        A.divide((1, 2), (1, 0))


def test_tuple_operands_of_grids_concatenate_rows_like_arc_dsl():
    grid = ((1, 2), (3, 4))
    assert A.add(grid, grid) == ((1, 2, 1, 2), (3, 4, 3, 4))
    assert A.double(grid) == ((1, 2, 1, 2), (3, 4, 3, 4))


def test_unsupported_mixes_raise():
    with pytest.raises(TypeError):
        A.add(frozenset({1}), 1)
    with pytest.raises(TypeError):
        A.add((1, 2), frozenset({1}))
    with pytest.raises(IndexError):
        A.add((1,), 2)
    with pytest.raises(TypeError):
        A.even((1, 2))
    with pytest.raises(TypeError):
        A.positive((1, 2))


def test_unary_numerics():
    assert A.invert(3) == -3 and A.invert((1, -2)) == (-1, 2)
    assert A.even(0) and A.even(-2) and not A.even(3)
    assert A.double((1, 2)) == (2, 4)
    assert A.halve(-3) == -2 and A.halve((5, -5)) == (2, -3)
    assert A.increment(1) == 2 and A.increment((0, 1)) == (1, 2)
    assert A.decrement(1) == 0 and A.decrement((0, 1)) == (-1, 0)
    assert [A.crement(v) for v in (-2, 0, 3)] == [-3, 0, 4]
    assert A.crement((-2, 0)) == (-3, 0)
    assert [A.sign(v) for v in (-5, 0, 7)] == [-1, 0, 1]
    assert A.sign((0, -4)) == (0, -1)
    assert A.toivec(3) == (3, 0) and A.tojvec(3) == (0, 3)


def test_logic_returns_operands_like_python_and_or():
    assert A.both(True, False) is False
    assert A.both(0, 5) == 0 and A.both(2, 5) == 5
    assert A.either(False, False) is False
    assert A.either(0, 5) == 5 and A.either(2, 5) == 2
    assert A.flip(True) is False and A.flip(0) is True


def test_comparisons():
    assert A.equality((1, 2), (1, 2)) and not A.equality(1, (1, 1))
    assert A.greater(3, 2) and not A.greater(2, 2)
    assert A.greater((1, 2), (1, 1))  # lexicographic, as in Python
    assert A.positive(1) and not A.positive(0)


# ---------------------------------------------------------------- differential vs arc-dsl
small = st.integers(-12, 12)
numbers = st.one_of(small, st.booleans(), st.tuples(small, small),
                    st.tuples(small, small, small), st.tuples(small),
                    st.just(frozenset({1, 2})), st.just(((1, 2), (3, 4))), st.none())


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(BINARY), a=numbers, b=numbers)
def test_binary_matches_arc_dsl(name, a, b):
    dsl = arcdsl()
    assert outcome(getattr(A, name), a, b) == outcome(getattr(dsl, name), a, b)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(UNARY), x=numbers)
def test_unary_matches_arc_dsl(name, x):
    dsl = arcdsl()
    assert outcome(getattr(A, name), x) == outcome(getattr(dsl, name), x)


def test_matches_arc_dsl_on_values_from_real_grids():
    dsl = arcdsl()
    values = []
    for grid in sample_grids(40, seed=1):
        h, w = len(grid), len(grid[0])
        values += [(h, w), grid[0][0], grid[-1][-1], h - w, (grid[0][-1], -w)]
    values += [0, (0, 0), sample_grids(1, seed=2)[0]]
    for x in values:
        for name in UNARY:
            assert outcome(getattr(A, name), x) == outcome(getattr(dsl, name), x), (name, x)
    for a, b in zip(values, values[1:] + values[:1]):
        for name in BINARY:
            got = outcome(getattr(A, name), a, b)
            assert got == outcome(getattr(dsl, name), a, b), (name, a, b)
