"""dsl_py objects family: per-primitive cases, arc-dsl edge cases, and a differential
check against arc-dsl itself (when ARCDSL points at a checkout) on real ARC-1 grids."""
import collections
import importlib
import itertools
import os
import sys

import pytest
from hypothesis import given, settings, strategies as st

from tests import arc_samples

# The package re-exports the primitive `objects` over the module name: import by path.
O = importlib.import_module("jaxbatt.dsl_py.objects")
FLAG_SETS = list(itertools.product([True, False], repeat=3))


def _cpython_mostcolor(grid):
    values = [v for row in grid for v in row]
    return max(set(values), key=values.count)


def obj(*cells):
    return frozenset(cells)


def cells_of(grid, colour=None):
    return frozenset((v, (i, j)) for i, r in enumerate(grid) for j, v in enumerate(r)
                     if colour is None or v == colour)


G = ((1, 0, 0, 0, 3), (0, 1, 1, 0, 0), (0, 1, 1, 2, 0), (0, 0, 2, 2, 0), (0, 2, 0, 0, 0))


# ---- objects ---------------------------------------------------------------------------
def test_objects_univalued_orthogonal_without_bg():
    assert O.objects(G, True, False, True) == frozenset({
        obj((3, (0, 4))), obj((1, (0, 0))), obj((2, (4, 1))),
        obj((1, (1, 1)), (1, (1, 2)), (1, (2, 1)), (1, (2, 2))),
        obj((2, (3, 2)), (2, (2, 3)), (2, (3, 3)))})


def test_objects_diagonal_joins_corner_touching_cells():
    assert O.objects(G, True, True, True) == frozenset({
        obj((3, (0, 4))),
        obj((1, (0, 0)), (1, (1, 1)), (1, (1, 2)), (1, (2, 1)), (1, (2, 2))),
        obj((2, (4, 1)), (2, (3, 2)), (2, (2, 3)), (2, (3, 3)))})


def test_objects_multivalued_merges_touching_colours():
    assert O.objects(G, False, False, True) == frozenset({
        obj((3, (0, 4))), obj((1, (0, 0))), obj((2, (4, 1))),
        obj((1, (1, 1)), (1, (1, 2)), (1, (2, 1)), (1, (2, 2)),
            (2, (3, 2)), (2, (2, 3)), (2, (3, 3)))})


def test_objects_with_background_keeps_background_components():
    result = O.objects(G, True, False, False)
    assert len(result) == 7
    assert obj((0, (1, 0)), (0, (2, 0)), (0, (3, 0)), (0, (4, 0)), (0, (3, 1))) in result


def test_objects_multivalued_with_background_is_the_whole_grid():
    for diagonal in (True, False):
        assert O.objects(G, False, diagonal, False) == frozenset({cells_of(G)})


def test_objects_single_colour_grid_without_bg_is_empty():
    assert O.objects(((4, 4), (4, 4)), True, True, True) == frozenset()


def test_objects_one_by_one():
    assert O.objects(((7,),), True, False, False) == frozenset({obj((7, (0, 0)))})
    assert O.objects(((7,),), False, True, True) == frozenset()


def test_objects_zero_width_rows_give_no_objects():
    for u, d in itertools.product([True, False], repeat=2):
        assert O.objects(((),), u, d, False) == frozenset()


@pytest.mark.parametrize("flags", FLAG_SETS)
def test_objects_empty_grid_raises(flags):
    with pytest.raises((IndexError, ValueError)):
        O.objects((), *flags)


def test_objects_background_tie_follows_cpython_set_order():
    # 8 and 1 both occur twice; CPython iterates {8, 1} as 8 (slot 0) before 1 (slot 1),
    # so max(..., key=count) returns 8: the background is 8, not the smaller colour 1.
    grid = ((8, 1), (1, 8))
    assert _cpython_mostcolor(grid) == 8
    assert O.objects(grid, True, False, True) == frozenset({obj((1, (0, 1))), obj((1, (1, 0)))})


def test_objects_serpentine_is_one_component():
    grid = tuple(tuple(0 if (i % 2 == 0 or (j == 9 if i % 4 == 1 else j == 0)) else 5
                       for j in range(10)) for i in range(9))
    zeros = O.objects(grid, True, False, False)
    assert sum(1 for o in zeros if next(iter(o))[0] == 0) == 1


# ---- partition / fgpartition -------------------------------------------------------------
def test_partition_one_object_per_colour():
    grid = ((2, 1), (0, 1), (2, 1))
    assert O.partition(grid) == frozenset({
        obj((0, (1, 0))), obj((2, (0, 0)), (2, (2, 0))),
        obj((1, (0, 1)), (1, (1, 1)), (1, (2, 1)))})


def test_fgpartition_drops_most_common_colour():
    grid = ((2, 1), (0, 1), (2, 1))
    assert O.fgpartition(grid) == frozenset({obj((0, (1, 0))), obj((2, (0, 0)), (2, (2, 0)))})


def test_partition_of_empty_grid_is_empty_and_fgpartition_raises():
    assert O.partition(()) == frozenset()
    with pytest.raises(ValueError):
        O.fgpartition(())


def test_fgpartition_tie_uses_cpython_order():
    grid = ((9, 2), (2, 9))      # {9, 2}: 9 lands in slot 1, 2 in slot 2 -> 9 first
    assert O.fgpartition(grid) == frozenset({cells_of(grid, 2)})


# ---- colorfilter / sizefilter --------------------------------------------------------------
def test_colorfilter_keeps_objects_of_colour():
    objs = O.objects(G, True, False, True)
    assert O.colorfilter(objs, 2) == frozenset({
        obj((2, (4, 1))), obj((2, (3, 2)), (2, (2, 3)), (2, (3, 3)))})
    assert O.colorfilter(objs, 5) == frozenset()
    assert O.colorfilter(frozenset(), 1) == frozenset()


def test_colorfilter_multicolour_object_reads_its_smallest_cell():
    mixed = obj((3, (0, 0)), (1, (5, 5)))
    assert O.colorfilter(frozenset({mixed}), 1) == frozenset({mixed})
    assert O.colorfilter(frozenset({mixed}), 3) == frozenset()


def test_colorfilter_accepts_a_tuple_and_returns_a_frozenset():
    a, b = obj((1, (0, 0))), obj((2, (0, 0)))
    assert O.colorfilter((a, b, a), 1) == frozenset({a})


def test_colorfilter_empty_object_raises():
    with pytest.raises(Exception):
        O.colorfilter(frozenset({frozenset()}), 0)


def test_sizefilter():
    objs = O.objects(G, True, False, True)
    assert O.sizefilter(objs, 1) == frozenset({obj((3, (0, 4))), obj((1, (0, 0))),
                                                 obj((2, (4, 1)))})
    assert O.sizefilter(objs, 2) == frozenset()
    assert O.sizefilter(((1, 2), (3,), ()), 0) == frozenset({()})
    assert O.sizefilter(frozenset({frozenset({(0, 0)}), frozenset()}), 0) == frozenset(
        {frozenset()})


# ---- occurrences ------------------------------------------------------------------------------
def test_occurrences_finds_every_offset():
    assert O.occurrences(G, obj((1, (0, 0)), (1, (0, 1)))) == frozenset({(1, 1), (2, 1)})


def test_occurrences_normalizes_the_object():
    assert O.occurrences(G, obj((1, (7, -3)), (1, (7, -2)))) == frozenset({(1, 1), (2, 1)})


def test_occurrences_of_empty_object_include_height_and_width():
    grid = ((1, 2, 3), (4, 5, 6))
    assert O.occurrences(grid, frozenset()) == frozenset(
        (i, j) for i in range(3) for j in range(4))


def test_occurrences_larger_than_grid_is_empty():
    assert O.occurrences(((1,),), obj((1, (0, 0)), (1, (1, 0)))) == frozenset()


def test_occurrences_two_colours_at_one_cell_never_match():
    assert O.occurrences(G, obj((1, (0, 0)), (0, (0, 0)))) == frozenset()


def test_occurrences_of_indices_raise_only_when_a_window_is_tried():
    with pytest.raises(TypeError):
        O.occurrences(G, frozenset({(0, 0)}))
    assert O.occurrences(((1,),), frozenset({(0, 0), (1, 0)})) == frozenset()


def test_occurrences_on_empty_grid_raises():
    with pytest.raises(IndexError):
        O.occurrences((), obj((1, (0, 0))))


# ---- frontiers ----------------------------------------------------------------------------------
def test_frontiers_uniform_rows_and_columns():
    assert O.frontiers(((3, 4), (5, 5))) == frozenset({obj((5, (1, 0)), (5, (1, 1)))})
    grid = ((1, 2, 1), (3, 2, 3), (1, 2, 1))
    assert O.frontiers(grid) == frozenset({obj((2, (0, 1)), (2, (1, 1)), (2, (2, 1)))})


def test_frontiers_row_and_column_of_one_cell_coincide():
    assert O.frontiers(((6,),)) == frozenset({obj((6, (0, 0)))})


def test_frontiers_uniform_grid_has_every_row_and_column():
    assert len(O.frontiers(((0, 0, 0), (0, 0, 0)))) == 5


def test_frontiers_edge_grids():
    assert O.frontiers(((),)) == frozenset()
    with pytest.raises(IndexError):
        O.frontiers(())


# ---- differential against arc-dsl ----------------------------------------------------------------
@pytest.fixture(scope="module")
def arcdsl():
    path = os.environ.get("ARCDSL")
    if not path:
        pytest.skip("set ARCDSL to an arc-dsl checkout to compare against it")
    sys.path.insert(0, path)
    try:
        import dsl
    finally:
        sys.path.remove(path)
    return dsl


def _compare_on(arcdsl, grid):
    for flags in FLAG_SETS:
        assert O.objects(grid, *flags) == arcdsl.objects(grid, *flags), flags
    assert O.partition(grid) == arcdsl.partition(grid)
    assert O.fgpartition(grid) == arcdsl.fgpartition(grid)
    assert O.frontiers(grid) == arcdsl.frontiers(grid)
    objs = arcdsl.objects(grid, True, True, False)
    for colour in range(10):
        assert O.colorfilter(objs, colour) == arcdsl.colorfilter(objs, colour)
    sizes = collections.Counter(len(o) for o in objs)
    for n in list(sizes)[:3] + [0]:
        assert O.sizefilter(objs, n) == arcdsl.sizefilter(objs, n)
    for o in sorted(objs, key=len)[:2]:
        assert O.occurrences(grid, o) == arcdsl.occurrences(grid, o)


def test_matches_arcdsl_on_real_grids(arcdsl):
    for grid in arc_samples.sample_grids(150, seed=1):
        _compare_on(arcdsl, grid)


@pytest.mark.slow
def test_matches_arcdsl_on_all_real_grids(arcdsl):
    for grid in arc_samples.arc1_training_grids():
        _compare_on(arcdsl, grid)


small_grids = st.integers(1, 6).flatmap(lambda h: st.integers(1, 6).flatmap(
    lambda w: st.lists(st.lists(st.sampled_from([0, 1, 2, 8, 9]), min_size=w, max_size=w),
                       min_size=h, max_size=h))).map(lambda g: tuple(map(tuple, g)))


@settings(max_examples=150, deadline=None)
@given(grid=small_grids, data=st.data())
def test_matches_arcdsl_on_random_grids(arcdsl, grid, data):
    _compare_on(arcdsl, grid)
    template = data.draw(st.frozensets(st.tuples(st.sampled_from([0, 1, 2, 8, 9]), st.tuples(
        st.integers(-2, 3), st.integers(-2, 3))), max_size=4))
    assert O.occurrences(grid, template) == arcdsl.occurrences(grid, template)
