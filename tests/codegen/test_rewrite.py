"""codegen.rewrite: fused steps in place of compositions, and the same values end to end."""
import numpy as np
import pytest

from jaxbatt import dsl_py, engine
from jaxbatt.codegen import emit, rewrite
from jaxbatt.codegen.parse import parse_source
from jaxbatt.codegen.reference import run_program
from jaxbatt.data import as_tuple_grid
from jaxbatt.dsl_jax import containers, values
from tests.arc_samples import sample_grids

SOURCE = '''
def solve_rows_and_columns(I):
    x1 = ofcolor(I, ONE)
    x2 = prapply(connect, x1, x1)
    x3 = fork(either, vline, hline)
    x4 = mfilter(x2, x3)
    O = underfill(I, EIGHT, x4)
    return O

def solve_columns_between_colours(I):
    x1 = ofcolor(I, TWO)
    x2 = leastcolor(I)
    x3 = ofcolor(I, x2)
    x4 = prapply(connect, x1, x3)
    x5 = mfilter(x4, vline)
    x6 = mfilter(x4, hline)
    x7 = fill(I, THREE, x5)
    O = fill(x7, FOUR, x6)
    return O

def solve_product_of_cells(I):
    x1 = ofcolor(I, ONE)
    x2 = product(x1, x1)
    x3 = fork(connect, first, last)
    x4 = apply(x3, x2)
    x5 = fork(either, hline, vline)
    x6 = mfilter(x4, x5)
    O = underfill(I, EIGHT, x6)
    return O

def solve_pairs_also_counted(I):
    x1 = ofcolor(I, ONE)
    x2 = prapply(connect, x1, x1)
    x3 = mfilter(x2, hline)
    x4 = size(x2)
    O = fill(I, x4, x3)
    return O

def solve_sweep_left(I):
    x1 = objects(I, T, F, T)
    x2 = first(x1)
    x3 = urcorner(x2)
    x4 = shoot(x3, UP_RIGHT)
    x5 = rbind(shoot, LEFT)
    x6 = mapply(x5, x4)
    O = fill(I, THREE, x6)
    return O

def solve_sweep_from_the_corner(I):
    x1 = index(I, ORIGIN)
    x2 = ofcolor(I, x1)
    x3 = lrcorner(x2)
    x4 = shoot(x3, NEG_UNITY)
    x5 = rbind(shoot, DOWN)
    x6 = mapply(x5, x4)
    x7 = fill(I, SIX, x6)
    O = fill(x7, SEVEN, x4)
    return O

def solve_sweep_up_from_two_diagonals(I):
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = lrcorner(x2)
    x4 = shoot(x3, UP_RIGHT)
    x5 = shoot(x3, NEG_UNITY)
    x6 = combine(x4, x5)
    x7 = rbind(shoot, UP)
    x8 = mapply(x7, x6)
    x9 = rbind(subtract, x1)
    x10 = chain(even, x9, last)
    x11 = sfilter(x8, x10)
    x12 = fill(I, EIGHT, x8)
    O = fill(x12, x1, x11)
    return O

def solve_larger_painted_last(I):
    x1 = objects(I, T, T, T)
    x2 = order(x1, size)
    x3 = rbind(shift, DOWN)
    x4 = apply(x3, x2)
    x5 = merge(x4)
    O = paint(I, x5)
    return O

def solve_unrelated(I):
    x1 = ofcolor(I, ONE)
    x2 = rbind(shoot, LEFT)
    x3 = mapply(x2, x1)
    x4 = size(x3)
    O = canvas(x4, UNITY)
    return O

def solve_copies_down_the_diagonal(I):
    x1 = mostcolor(I)
    x2 = ofcolor(I, x1)
    x3 = interval(ZERO, FOUR, ONE)
    x4 = pair(x3, x3)
    x5 = lbind(shift, x2)
    x6 = mapply(x5, x4)
    x7 = size(x2)
    x8 = greater(x7, TEN)
    x9 = shift(x6, UNITY)
    x10 = branch(x8, x9, x2)
    O = fill(I, EIGHT, x10)
    return O

def solve_copies_counted(I):
    x1 = ofcolor(I, ONE)
    x2 = interval(ZERO, FOUR, ONE)
    x3 = pair(x2, x2)
    x4 = lbind(shift, x1)
    x5 = mapply(x4, x3)
    x6 = fill(I, EIGHT, x5)
    x7 = size(x5)
    O = fill(x6, x7, x1)
    return O

def solve_tallest_object_cropped(I):
    x1 = objects(I, T, F, F)
    x2 = argmax(x1, height)
    x3 = subgrid(x2, I)
    x4 = argmin(x1, size)
    O = fill(x3, FIVE, x4)
    return O

def solve_joined_along_columns(I):
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = product(x2, x2)
    x4 = compose(last, first)
    x5 = power(last, TWO)
    x6 = fork(equality, x5, x4)
    x7 = sfilter(x3, x6)
    x8 = fork(connect, first, last)
    x9 = mapply(x8, x7)
    O = fill(I, SIX, x9)
    return O

def solve_rows_meet_columns(I):
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = mostcolor(I)
    x4 = ofcolor(I, x3)
    x5 = product(x2, x4)
    x6 = compose(first, first)
    x7 = power(last, TWO)
    x8 = fork(astuple, x6, x7)
    x9 = apply(x8, x5)
    O = underfill(I, SEVEN, x9)
    return O

def solve_short_lines_only(I):
    x1 = ofcolor(I, ONE)
    x2 = prapply(connect, x1, x1)
    x3 = lbind(greater, FOUR)
    x4 = compose(x3, size)
    x5 = fork(either, vline, hline)
    x6 = fork(both, x5, x4)
    x7 = mfilter(x2, x6)
    O = fill(I, TWO, x7)
    return O

def solve_objects_of_the_rarest_colour(I):
    x1 = leastcolor(I)
    x2 = objects(I, T, T, F)
    x3 = colorfilter(x2, x1)
    x4 = merge(x3)
    O = fill(I, EIGHT, x4)
    return O

def solve_copies_a_period_apart(I):
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = shape(x2)
    x4 = neighbors(ORIGIN)
    x5 = mapply(neighbors, x4)
    x6 = lbind(multiply, x3)
    x7 = apply(x6, x5)
    x8 = lbind(shift, x2)
    x9 = mapply(x8, x7)
    O = fill(I, x1, x9)
    return O

def solve_objects_also_counted(I):
    x1 = objects(I, F, T, T)
    x2 = argmax(x1, width)
    x3 = size(x1)
    O = fill(I, x3, x2)
    return O

def solve_halves_cornered_by_gaps(I):
    x1 = vsplit(I, TWO)
    x2 = rbind(ofcolor, ZERO)
    x3 = compose(ulcorner, x2)
    x4 = matcher(x3, ORIGIN)
    x5 = sfilter(x1, x4)
    x6 = size(x5)
    x7 = matcher(llcorner, UNITY)
    x8 = ofcolor(I, ONE)
    x9 = x7(x8)
    x10 = branch(x9, TWO, THREE)
    x11 = increment(x6)
    x12 = astuple(x11, x11)
    O = canvas(x10, x12)
    return O

def solve_rows_sorted_with_the_edges(I):
    x1 = ofcolor(I, ONE)
    x2 = apply(first, x1)
    x3 = insert(ZERO, x2)
    x4 = height(I)
    x5 = insert(x4, x2)
    x6 = apply(decrement, x5)
    x7 = order(x3, identity)
    x8 = order(x6, identity)
    O = pair(x7, x8)
    return O

def solve_boxes_around_the_rarest(I):
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = shape(x2)
    x4 = lbind(multiply, x3)
    x5 = interval(ZERO, EIGHT, TWO)
    x6 = invert(EIGHT)
    x7 = interval(ZERO, x6, NEG_TWO)
    x8 = apply(x4, x5)
    x9 = apply(x4, x7)
    x10 = pair(x8, x9)
    x11 = mapply(box, x10)
    x12 = center(x2)
    x13 = shift(x11, x12)
    O = fill(I, x1, x13)
    return O

def solve_rows_in_set_order(I):
    x1 = ofcolor(I, ONE)
    x2 = apply(first, x1)
    x3 = insert(ZERO, x2)
    x4 = order(x3, identity)
    O = totuple(x3)
    return O

def solve_bands_over_colours(I):
    x1 = fgpartition(I)
    x2 = fork(connect, ulcorner, urcorner)
    x3 = lbind(lbind, shift)
    x4 = compose(x3, x2)
    x5 = lbind(interval, ZERO)
    x6 = rbind(x5, ONE)
    x7 = compose(x6, height)
    x8 = lbind(apply, toivec)
    x9 = compose(x8, x7)
    x10 = fork(mapply, x4, x9)
    x11 = mapply(x10, x1)
    x12 = asindices(I)
    x13 = corners(x12)
    x14 = combine(x11, x13)
    O = fill(I, EIGHT, x14)
    return O

def solve_gaps_between_near_objects(I):
    x1 = objects(I, T, T, T)
    x2 = fork(manhattan, first, last)
    x3 = lbind(greater, FIVE)
    x4 = compose(x3, x2)
    x5 = product(x1, x1)
    x6 = sfilter(x5, x4)
    x7 = fork(combine, first, last)
    x8 = apply(x7, x6)
    x9 = mapply(delta, x8)
    O = fill(I, FOUR, x9)
    return O

def solve_lines_between_same_colours(I):
    x1 = fgpartition(I)
    x2 = merge(x1)
    x3 = product(x2, x2)
    x4 = power(first, TWO)
    x5 = compose(first, last)
    x6 = fork(equality, x4, x5)
    x7 = sfilter(x3, x6)
    x8 = compose(last, first)
    x9 = power(last, TWO)
    x10 = fork(connect, x8, x9)
    x11 = fork(recolor, color, x10)
    x12 = apply(x11, x7)
    x13 = fork(either, vline, hline)
    x14 = mfilter(x12, x13)
    O = paint(I, x14)
    return O
'''


@pytest.fixture(scope="module")
def programs():
    parsed = parse_source(SOURCE, "rewrite_cases.py")
    assert parsed.errors == []
    return {p.name: p for p in parsed.programs}


def _calls(program):
    return [s.func.name for s in program.steps]


def test_rules_replace_the_compositions_and_drop_what_only_they_read(programs):
    fused = {name: rewrite.fuse(p) for name, p in programs.items()}
    assert _calls(fused["solve_rows_and_columns"]) == ["ofcolor", "connect_aligned", "underfill"]
    assert _calls(fused["solve_columns_between_colours"]) == [
        "ofcolor", "leastcolor", "ofcolor", "connect_aligned", "connect_aligned", "fill", "fill"]
    assert _calls(fused["solve_product_of_cells"]) == ["ofcolor", "connect_aligned", "underfill"]
    # The pairs are read by size too: prapply stays.
    assert _calls(fused["solve_pairs_also_counted"]) == ["ofcolor", "prapply", "connect_aligned", "size", "fill"]
    # The line is filled too: shoot stays; rbind goes.
    assert _calls(fused["solve_sweep_from_the_corner"]) == [
        "index", "ofcolor", "lrcorner", "shoot", "shoot_sweep", "fill", "fill"]
    assert _calls(fused["solve_sweep_left"]) == ["objects", "first", "urcorner", "shoot_sweep", "fill"]
    assert _calls(fused["solve_sweep_up_from_two_diagonals"]) == [
        "leastcolor", "ofcolor", "lrcorner", "shoot_sweeps", "rbind", "chain", "sfilter", "fill", "fill"]
    assert _calls(fused["solve_larger_painted_last"]) == ["objects", "order", "rbind", "apply", "paint_merged"]
    assert fused["solve_unrelated"] is programs["solve_unrelated"]
    # The copies are read only as cells (through shift and branch): united, however many.
    assert _calls(fused["solve_copies_down_the_diagonal"])[5] == "mapply_union"
    assert "mapply_union" not in _calls(fused["solve_copies_counted"])  # size counts a tuple's duplicates
    assert _calls(fused["solve_joined_along_columns"]) == [
        "leastcolor", "ofcolor", "compose", "power", "connect_same_line", "fill"]
    assert fused["solve_joined_along_columns"].steps[4].args[2].value == 1
    assert _calls(fused["solve_rows_meet_columns"]) == [
        "leastcolor", "ofcolor", "mostcolor", "ofcolor", "compose", "power", "rows_by_columns", "underfill"]
    step = fused["solve_short_lines_only"].steps[-2]
    assert step.func.name == "connect_aligned" and [a.value for a in step.args[2:]] == [True, True, 3]
    assert _calls(fused["solve_objects_of_the_rarest_colour"]) == ["leastcolor", "objects_of_colour", "merge", "fill"]
    assert _calls(fused["solve_copies_a_period_apart"])[-2:] == ["mapply_composed", "fill"]
    assert "apply" not in _calls(fused["solve_copies_a_period_apart"])
    # Objects measured on the label plane: objects() goes unless read elsewhere.
    assert _calls(fused["solve_tallest_object_cropped"]) == ["extreme_object", "subgrid", "extreme_object", "fill"]
    assert _calls(fused["solve_objects_also_counted"]) == ["objects", "extreme_object", "size", "fill"]
    # Corners of maybe empty patches compared: compose(ulcorner, x2) stays, unread.
    assert _calls(fused["solve_halves_cornered_by_gaps"])[2:7] == [
        "compose", "corner_matcher", "sfilter", "size", "corner_matcher"]
    # Int sets whose order no step observes are built in ascending order; totuple sees it.
    assert _calls(fused["solve_rows_sorted_with_the_edges"]) == [
        "ofcolor", "int_order_free", "int_order_free", "height", "int_order_free", "int_order_free",
        "order", "order", "pair"]
    step = fused["solve_rows_sorted_with_the_edges"].steps[2]
    assert [getattr(a, "value", getattr(a, "name", None)) for a in step.args] == ["insert", 0, "x2"]
    assert fused["solve_rows_in_set_order"] is programs["solve_rows_in_set_order"]
    # A function mapped by a mapply read as cells (through combine) unites its images too.
    bands = {s.target: s for s in fused["solve_bands_over_colours"].steps}
    assert bands["x10"].args[0].name == "mapply_union" and bands["x11"].func.name == "mapply_union"
    assert _calls(fused["solve_lines_between_same_colours"])[-2:] == ["pairs_mfilter", "paint"]
    assert not {"product", "sfilter", "apply"} & set(_calls(fused["solve_lines_between_same_colours"]))
    # The pairs of objects are mapped without their frozenset (nor the filtered, applied sets).
    assert _calls(fused["solve_gaps_between_near_objects"]) == [
        "objects", "fork", "lbind", "compose", "fork", "pairs_mapply", "fill"]
    # Boxes drawn from their shifted corners; the union of unshifted boxes goes.
    assert _calls(fused["solve_boxes_around_the_rarest"])[-3:] == ["center", "shifted_boxes", "fill"]
    assert "mapply" not in _calls(fused["solve_boxes_around_the_rarest"])
    step = fused["solve_halves_cornered_by_gaps"].steps[6]
    assert [getattr(a, "value", getattr(a, "name", None)) for a in step.args] == ["llcorner", "identity", (1, 1)]
    assert [a.value for a in fused["solve_tallest_object_cropped"].steps[2].args[4:]] == ["size", False]
    step = fused["solve_columns_between_colours"].steps[3]
    assert (step.target, step.line, [getattr(a, "value", getattr(a, "name", None)) for a in step.args]) == (
        "x5", programs["solve_columns_between_colours"].steps[4].line, ["x1", "x3", True, False])


def test_the_emitted_module_calls_the_fused_steps(programs):
    source = emit.emit([programs["solve_sweep_left"], programs["solve_rows_and_columns"]])
    assert "collect_step(shoot_sweep," in source and "collect_step(connect_aligned," in source
    assert "prapply" not in source


def test_rewritten_programs_give_the_reference_values_on_the_jax_path(programs):
    grids = [np.asarray(g, np.int8) for g in sample_grids(48, seed=5)]
    lanes = [engine.Lane(g) for g in grids]
    ordered = list(programs.values())
    outcomes = engine.evaluate(ordered, lanes, engine.EngineConfig(tiers=(values.TINY, values.SMALL)))
    for program in ordered:
        outcome = outcomes[program.name]
        for b, grid in enumerate(grids):
            ok, expected = run_program(program, as_tuple_grid(grid))[program.outputs[0][0]]
            got = outcome.outputs[b]
            got = as_tuple_grid(got) if isinstance(got, np.ndarray) else got
            assert got == (expected if ok else None), f"{program.name} lane {b} via {outcome.paths[b]}"
    # The fused steps hold every lane whose grid fits the SMALL canvas (solve_sweep_left's
    # objects() still overflows on grids of more than K objects).
    held = [b for b, g in enumerate(grids) if max(g.shape) <= values.SMALL.canvas]
    for name in ("solve_rows_and_columns", "solve_product_of_cells", "solve_columns_between_colours",
                 "solve_sweep_from_the_corner", "solve_copies_down_the_diagonal",
                 "solve_sweep_up_from_two_diagonals", "solve_tallest_object_cropped",
                 "solve_joined_along_columns", "solve_rows_meet_columns", "solve_short_lines_only",
                 "solve_objects_of_the_rarest_colour", "solve_copies_a_period_apart",
                 "solve_halves_cornered_by_gaps", "solve_boxes_around_the_rarest", "solve_bands_over_colours"):
        assert held and all(outcomes[name].paths[b] == "jax" for b in held), name
    assert outcomes["solve_sweep_left"].paths.count("jax") >= 40
    # Lanes of 6 to 11 objects: more pairs than the frozenset of pairs holds (K = 32), as
    # many objects as each side of the product holds (~2 sqrt(K)).
    counts = {b: len(dsl_py.objects(as_tuple_grid(grids[b]), True, True, True)) for b in held}
    paired = [b for b in held if 6 <= counts[b] <= 11]
    assert paired and all(outcomes["solve_gaps_between_near_objects"].paths[b] == "jax" for b in paired)
    cells = {b: len(dsl_py.merge(dsl_py.fgpartition(as_tuple_grid(grids[b])))) for b in held}
    assert sum(outcomes["solve_lines_between_same_colours"].paths[b] == "jax" for b in held if cells[b] > 5) >= 10
    # Bands of more cells than a merged tuple holds (the images, united, need not fit it).
    assert any(max(len(dsl_py.backdrop(o)) for o in dsl_py.fgpartition(as_tuple_grid(grids[b])))
               > containers.MERGED_CELLS for b in held)
    # Sets of 5 or more row numbers, -1 among them: CPython's order is not emulated, and no
    # step observes it. apply over more than K cells overflows.
    rows = {b: {r for r, _ in dsl_py.ofcolor(as_tuple_grid(grids[b]), 1)} for b in held}
    few_cells = [b for b in held if len(dsl_py.ofcolor(as_tuple_grid(grids[b]), 1)) <= values.SMALL.capacity]
    assert any(len(rows[b]) >= 4 and 0 in rows[b] for b in few_cells)
    assert all(outcomes["solve_rows_sorted_with_the_edges"].paths[b] == "jax" for b in few_cells)
    # Some of those lanes hold more objects than the SMALL capacity: objects() alone overflows.
    assert any(len(dsl_py.objects(as_tuple_grid(grids[b]), True, False, False)) > values.SMALL.capacity
               for b in held)
