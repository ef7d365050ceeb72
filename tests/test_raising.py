"""Steps known to raise wherever they run (raising.py): the rules, and such programs run
through the stepped executor lane by lane against the reference."""
import jaxbatt
from jaxbatt import engine, raising
from jaxbatt.dsl_jax import values
from jaxbatt.kernels import Recipe
from tests.test_engine import _assert_engine_equals_reference, _lanes, arc1  # noqa: F401


def _recipe(*calls):
    return Recipe(tuple(calls))


def _prim(name):
    return ("prim", name)


def test_a_closure_called_with_arguments_it_cannot_take_always_raises():
    # x1 = rbind(add, 1) takes one argument; x1(I, I) passes two.
    recipe = _recipe((_prim("rbind"), (_prim("add"), ("const", 1))), (("local", 0), (("slot", 0), ("slot", 0))))
    assert raising.raises_where(recipe) == ()
    ok = _recipe((_prim("rbind"), (_prim("add"), ("const", 1))), (("local", 0), (("slot", 0),)))
    assert raising.raises_where(ok) is None  # arity right: whether it raises depends on the values


def test_a_mapped_function_of_the_wrong_arity_raises_where_the_container_is_not_empty():
    # chain(recolor, size, first) calls recolor (two parameters) with one argument.
    chained = (_prim("chain"), (_prim("recolor"), _prim("size"), _prim("first")))
    assert raising.raises_where(_recipe(chained, (_prim("mapply"), (("local", 0), ("slot", 3))))) == (3,)
    assert raising.raises_where(_recipe(chained, (_prim("sfilter"), (("slot", 1), ("local", 0))))) == (1,)
    assert raising.raises_where(_recipe(chained, (_prim("argmax"), (("slot", 1), ("local", 0))))) == ()
    both = _recipe((_prim("compose"), (_prim("add"), _prim("size"))),
                   (_prim("prapply"), (("local", 0), ("slot", 0), ("slot", 1))))
    assert raising.raises_where(both) == (0, 1)  # prapply calls with two arguments: compose takes one
    well_typed = _recipe((_prim("chain"), (_prim("size"), _prim("first"), _prim("last"))),
                         (_prim("mapply"), (("local", 0), ("slot", 0))))
    assert raising.raises_where(well_typed) is None


def test_binds_read_the_arity_of_what_they_bind_as_the_reference_does():
    # rbind of a one-argument closure takes three arguments and passes four.
    composed = (_prim("compose"), (_prim("size"), _prim("first")))
    bound = (_prim("rbind"), (("local", 0), ("const", 1)))
    assert raising.raises_where(_recipe(composed, bound, (_prim("apply"), (("local", 1), ("slot", 0))))) == (0,)
    # lbind of a three-argument primitive takes two: papply passes two.
    fill = _recipe((_prim("lbind"), (_prim("fill"), ("slot", 0))), (_prim("papply"), (("local", 0), ("slot", 1),
                                                                                       ("slot", 2))))
    assert raising.raises_where(fill) is None
    # power(f, 1) is f itself; power(f, 3) takes one argument.
    assert raising.raises_where(_recipe((_prim("power"), (_prim("add"), ("const", 1))),
                                        (_prim("apply"), (("local", 0), ("slot", 0))))) == (0,)
    assert raising.raises_where(_recipe((_prim("power"), (_prim("hmirror"), ("const", 3))),
                                        (_prim("apply"), (("local", 0), ("slot", 0))))) is None


def test_fused_steps_raise_where_the_calls_they_replace_do():
    chained = (_prim("chain"), (_prim("recolor"), _prim("size"), _prim("first")))
    painted = _recipe(chained, (_prim("paint_mapped"), (("slot", 0), ("local", 0), ("slot", 1))))
    assert raising.raises_where(painted) == (1,)
    # mapply_composed(f, g, y) = mapply(f, apply(g, y)): either function may be the one.
    composed = _recipe(chained, (_prim("mapply_composed"), (_prim("toindices"), ("local", 0), ("slot", 2))))
    assert raising.raises_where(composed) == (2,)
    fine = _recipe((_prim("mapply_composed"), (_prim("toindices"), _prim("box"), ("slot", 2))),)
    assert raising.raises_where(fine) is None


def test_unknown_callers_and_defaulted_lines_are_not_claimed():
    chained = (_prim("chain"), (_prim("recolor"), _prim("size"), _prim("first")))
    assert raising.raises_where(_recipe(chained, (_prim("pairs_mfilter"), (("local", 0), ("slot", 0))))) is None
    assert raising.raises_where(Recipe((chained, (_prim("mapply"), (("local", 0), ("slot", 0)))),
                                       default="frozenset()")) is None
    # A container that is no array input (a rebuilt value) cannot be measured.
    assert raising.raises_where(_recipe(chained, chained, (_prim("mapply"), (("local", 0), ("local", 1))))) is None


PROGRAMS = (
    "def solve_chain_arity(I):\n"
    "    x1 = objects(I, T, F, T)\n"
    "    x2 = chain(recolor, size, first)\n"
    "    O = mapply(x2, x1)\n"
    "    return O\n"
    "\n"
    "def solve_closure_called_with_two(I):\n"
    "    x1 = rbind(add, ONE)\n"
    "    O = x1(I, I)\n"
    "    return O\n"
    "\n"
    "def solve_reader_of_a_failed_step(I):\n"
    "    x1 = objects(I, T, F, T)\n"
    "    x2 = compose(recolor, size)\n"
    "    x3 = sfilter(x1, x2)\n"
    "    x4 = size(x3)\n"
    "    O = add(x4, ONE)\n"
    "    return O\n"
    "\n"
    "def solve_argmax_arity(I):\n"
    "    x1 = objects(I, T, F, T)\n"
    "    x2 = compose(recolor, size)\n"
    "    O = argmax(x1, x2)\n"
    "    return O\n"
    "\n"
    "def solve_often_empty(I):\n"
    "    x1 = ofcolor(I, SEVEN)\n"
    "    x2 = compose(size, first)\n"
    "    x3 = rbind(x2, ONE)\n"
    "    O = apply(x3, x1)\n"
    "    return O\n"
    "\n"
    "def solve_value_error_first(I):\n"
    "    x1 = objects(I, T, F, T)\n"
    "    x2 = fork(recolor, size, first)\n"
    "    O = mapply(x2, x1)\n"
    "    return O\n"
)


def test_programs_that_raise_by_arity_fail_on_jax_where_the_reference_raises(arc1, tmp_path):
    programs = jaxbatt.load_programs(PROGRAMS).programs
    tasks = [arc1[i] for i in sorted(arc1)[:6]]
    lanes = _lanes(tasks)
    config = engine.EngineConfig(executor="steps", tiers=(values.SMALL,), cache_dir=str(tmp_path))
    outcomes = engine.evaluate(programs, lanes, config)
    _assert_engine_equals_reference(programs, lanes, outcomes)
    for name in ("solve_chain_arity", "solve_closure_called_with_two", "solve_reader_of_a_failed_step",
                 "solve_argmax_arity"):
        assert set(outcomes[name].paths) == {"jax"}, name
        assert all(o is None for o in outcomes[name].outputs), name
    # Where the grid has no colour 7 the closure is never called: those lanes run on dsl_py.
    empty = [b for b, lane in enumerate(lanes) if not (lane.grid == 7).any()]
    paths = outcomes["solve_often_empty"].paths
    assert empty and all(paths[b] == "reference" for b in empty)
    assert all(paths[b] == "jax" for b in range(len(lanes)) if b not in empty)
    # recolor(size, first) takes the right number of arguments: a value error, not claimed.
    assert set(outcomes["solve_value_error_first"].paths) == {"reference"}
