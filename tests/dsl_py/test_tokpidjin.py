"""tokpidjin's dialect (jaxbatt.dsl_py.tokpidjin): properties, and differential tests
against tokpidjin's own dsl.py when TOKPIDJIN points at a checkout with a work tree.

The differential tests run tokpidjin twice per call:

- as is (the "native" oracle): CPython's frozenset order;
- with its inputs' frozensets iterating in the dialect's order, and its own `set(...)` and
  `frozenset(...)` calls building sets that do too (the "canonical" oracle; only the sets
  it builds with literals, comprehensions and operators keep CPython's order).

Every primitive must equal the canonical oracle exactly, unwrapped (value, or the class of
the exception raised) and exception-safe (value). Differences from the native oracle that
the canonical one does not show come from frozenset order alone: they are counted per
primitive, printed, and bounded to the primitives whose result can depend on that order.
"""
import importlib.util
import inspect
import math
import os
import random
import sys
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

import jaxbatt.dsl_py.tokpidjin as T
from jaxbatt.dsl_py.tokpidjin import ordering
from tests.arc_samples import arc1_training_grids

P = T.PRIMITIVES


# ------------------------------------------------------------------------------ oracle

def _in_dialect_order(items):
    items = tuple(items)
    if all(isinstance(v, int) for v in items):
        return iter(items)  # int sets iterate natively, as in the dialect
    return iter(sorted(items, key=ordering.canonical_key))


class CanonicalFrozenset(frozenset):
    """A frozenset iterating in the dialect's order (the canonical oracle's `frozenset`)."""

    def __iter__(self):
        return _in_dialect_order(frozenset.__iter__(self))


class CanonicalSet(set):
    """A set iterating in the dialect's order (the canonical oracle's `set`)."""

    def __iter__(self):
        return _in_dialect_order(set.__iter__(self))


def _load_oracle(root, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(root, "dsl.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def oracles():
    """(native, canonical, safe_dsl) from tokpidjin's checkout, else skip."""
    root = os.environ.get("TOKPIDJIN")
    if not root:
        pytest.skip("TOKPIDJIN not set")
    os.environ.setdefault("EXPECT_GPU", "0")  # tokpidjin's dsl.py warns without cupy
    if root not in sys.path:
        sys.path.append(root)  # after the project: tokpidjin has a tests.py
    native = _load_oracle(root, "tokpidjin_dsl_native")
    canonical = _load_oracle(root, "tokpidjin_dsl_canonical")
    canonical.set, canonical.frozenset = CanonicalSet, CanonicalFrozenset
    return native, canonical, importlib.import_module("safe_dsl")


def oracle_names(module):
    return sorted(name for name, fn in inspect.getmembers(module, inspect.isfunction)
                  if not name.startswith("_") and fn.__module__ == module.__name__)


# ---------------------------------------------------------------------------- outcomes

def typed(value, depth=0):
    """A comparable form of a value: types kept, nan equal to itself, int-set order kept,
    functions compared by arity and by what they give on probe arguments."""
    if isinstance(value, bool) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, tuple):
        return ("tuple", tuple(typed(v, depth) for v in value))
    if isinstance(value, frozenset):
        form = ("frozenset", frozenset(typed(v, depth) for v in value))
        if ordering.is_int_set(value):
            form += (tuple(frozenset.__iter__(value)),)
        return form
    if callable(value):
        count = value.__code__.co_argcount if hasattr(value, "__code__") else None
        if depth > 0:
            return ("callable", count)
        return ("callable", count, tuple(outcome(value, probe, depth + 1)
                                         for probe in PROBES.get(count, ())))
    return ("other", repr(value))


def outcome(fn, args, depth=0):
    try:
        value = fn(*args)
    except Exception as err:  # noqa: BLE001 - the class is what is compared
        return ("raises", type(err).__name__)
    return ("value", typed(value, depth))


def canonical_form(value):
    """The value with its non-int frozensets (recursively) iterating canonically."""
    if isinstance(value, tuple):
        return tuple(canonical_form(v) for v in value)
    if isinstance(value, frozenset):
        if ordering.is_int_set(value):
            return value  # rebuilding it could change its native order
        return CanonicalFrozenset(canonical_form(v) for v in value)
    return value


class Fn:
    """A primitive passed as an argument, resolved on each side by name."""

    def __init__(self, name, *bound):
        self.name, self.bound = name, bound

    def resolve(self, lookup):
        fn = lookup(self.name)
        for binder, fixed in self.bound:  # e.g. ("rbind", 5)
            fn = lookup(binder)(fn, fixed)
            if not hasattr(fn, "_jaxbatt_rank"):
                ordering.tag_closure(fn)  # tokpidjin's closures: ordered as the dialect's
        return fn

    def __repr__(self):
        return f"Fn({self.name}{''.join(f', {b}={f!r}' for b, f in self.bound)})"


def resolve_one(arg, lookup, prepare):
    if isinstance(arg, Fn):
        return arg.resolve(lookup)
    if isinstance(arg, FunctionBag):
        return prepare(arg.kind(f.resolve(lookup) for f in arg.functions))
    return prepare(arg)


def resolve(args, lookup, prepare):
    return tuple(resolve_one(a, lookup, prepare) for a in args)


class FunctionBag:
    """A tuple or frozenset of primitives (rapply's argument), resolved on each side."""

    def __init__(self, kind, functions):
        self.kind, self.functions = kind, functions

    def __repr__(self):
        return f"{self.kind.__name__}({self.functions})"


# ------------------------------------------------------------------------------ inputs

def small_grids():
    return [g for g in arc1_training_grids() if len(g) * len(g[0]) <= 64]


GRIDS = random.Random(0).sample(small_grids(), 24) + [((1, 2, 2), (2, 2, 8), (0, 8, 8))]
OBJECTS = [o for g in GRIDS[:12] for o in ordering.ordered(T.objects(g, False, True, True))
           ][:30] + [T.asobject(((0, 8), (8, 0))), frozenset({(0, 0, 1), (0, 0, 2)})]
INDICES = [T.toindices(o) for o in OBJECTS[:20]] + [frozenset({(0, 0)}), T.asindices(GRIDS[0])]
OBJECT_SETS = [T.objects(g, True, False, True) for g in GRIDS[:8]] + [
    T.partition(g) for g in GRIDS[8:12]]
OBJECT_TUPLES = [T.objects_t(g, False, False, True) for g in GRIDS[:8]]
INT_SETS = [T.palette_t(g) for g in GRIDS[:10]] + [frozenset({0, 8}), frozenset({9, 1, 3})]
INT_TUPLES = [(1, 2, 2, 3), (0, 8, 8, 0), (5,), (3, 1, 3, 1, 9)]
PAIRS = [(0, 0), (1, 2), (-1, 1), (2, 0), (3, 3), (0, -1)]
CELLS = [(0, 1, 2), (3, 3, 8)]
SAMPLES = [((g, T.hmirror_t(g)), (T.rot90(g), T.hmirror_t(T.rot90(g)))) for g in GRIDS[:3]] + [
    ((g, T.fill(g, 5, T.toindices(OBJECTS[0]))),) for g in GRIDS[3:5]]
JUNK = [(), frozenset(), 0, None, math.nan, 5, (1,), frozenset({3})]
INTS = list(range(-3, 11))

UNARY = ["size", "first", "last", "identity", "toindices", "palette_f", "p_g", "height_f",
         "ulcorner", "normalize", "color", "invert", "even", "increment", "flip",
         "mostcolor_t", "numcolors_f", "center", "totuple", "merge", "hmirror_t", "trim"]
BINARY = ["add", "combine", "shift", "astuple", "equality", "difference", "fill",
          "o_g", "colorfilter", "sizefilter", "get_nth_f", "greater", "contained"]
TERNARY = ["fill", "branch", "cellwise", "crop", "replace"]
FUNCTIONS = {1: [Fn(n) for n in UNARY] + [Fn("o_g", ("rbind", 5)), Fn("size", ("rbind", 1)),
                                          Fn("add", ("lbind", 1))],
             2: [Fn(n) for n in BINARY] + [Fn("fill", ("rbind", (0, 0)))],
             3: [Fn(n) for n in TERNARY] + [Fn("objects", ("rbind", True))]}

PROBES = {1: [(GRIDS[0],), (OBJECTS[0],), (3,), ((),), (INDICES[0],)],
          2: [(GRIDS[0], 5), (OBJECTS[0], (1, 1)), (INT_TUPLES[0], 2)],
          3: [(GRIDS[0], 1, INDICES[0]), (GRIDS[1], True, False)]}

POOLS = {
    "Grid": GRIDS, "Samples": SAMPLES, "TTT_iii": OBJECT_TUPLES, "Objects": OBJECT_SETS,
    "Object": OBJECTS, "Indices": INDICES, "Patch": OBJECTS + INDICES, "Cell": CELLS,
    "IJ": PAIRS + [()], "IntegerSet": INT_SETS, "Boolean": [True, False],
    "Tuple": GRIDS[:6] + INT_TUPLES + PAIRS + OBJECT_TUPLES[:3] + [()],
    "TupleTuple": GRIDS[:4], "FrozenSet": OBJECTS + INDICES + INT_SETS + OBJECT_SETS[:3],
    "Numerical": INTS + PAIRS, "Integer": INTS, "C_": list(range(10)), "FL": INTS,
    "R8": list(range(9)), "R4": list(range(5)), "A8": list(range(9)), "A4": list(range(5)),
    "I_": INTS, "J_": INTS, "F_": list(range(4)),
}
POOLS["Container"] = POOLS["Tuple"] + POOLS["FrozenSet"]
POOLS["ContainerContainer"] = GRIDS[:4] + OBJECT_SETS[:4] + OBJECT_TUPLES[:3] + [
    (frozenset({1, 2}), frozenset({8, 0}))]
POOLS["Any"] = POOLS["Container"] + INTS + [True]

ONE_FUNCTION_FIRST = {"rbind", "lbind", "power", "matcher"}


def draw_argument(rng, fn_name, parameter, annotation):
    if annotation in ("Callable", None):  # prapply's `function` has no annotation
        arity = 1
        if fn_name in ("papply", "mpapply", "prapply") or (
                fn_name in ONE_FUNCTION_FIRST and rng.random() < 0.5):
            arity = rng.choice((1, 2, 3)) if fn_name in ONE_FUNCTION_FIRST else 2
        return rng.choice(FUNCTIONS[arity])
    if rng.random() < 0.12:
        return rng.choice(JUNK)
    if parameter == "functions":
        return FunctionBag(rng.choice((tuple, frozenset)), rng.sample(FUNCTIONS[1], 3))
    if fn_name == "celltuple":
        if parameter == "a":
            return ordering.ordered(rng.choice(INDICES))
        return rng.choice(INT_TUPLES)
    return rng.choice(POOLS.get(annotation, POOLS["Any"]))


def draw_call(rng, name, raw):
    """Arguments for one call of tokpidjin's unwrapped `raw`, from its annotations."""
    parameters = list(inspect.signature(raw).parameters.values())
    args = []
    for parameter in parameters:
        if parameter.default is not inspect.Parameter.empty:
            continue  # get_nth_by_key_*'s key: left to its default
        annotation = raw.__annotations__.get(parameter.name)
        args.append(draw_argument(rng, name, parameter.name, annotation))
    if name == "power":
        args[1] = rng.randint(1, 6)  # tokpidjin's n < 1 depends on its stack, see below
    return tuple(args)


# Primitives whose tuple order comes from sets they build themselves (not from inputs):
# compared as sets of objects; their order divergences are counted.
INTERNAL_ORDER = {"objects_t", "objects_g", "o_g_t", "o_g_tuple"}


def as_object_set(result):
    kind, form = result[0], result[1]
    if kind != "value" or form[0] != "tuple":
        return result
    return (kind, frozenset(frozenset(cell for cell in obj[1]) if obj[0] == "tuple"
                            else obj for obj in form[1]))


CALLS_PER_PRIMITIVE = 40


def run_differential(oracles, names, calls=CALLS_PER_PRIMITIVE, seed=0):
    """(mismatches, order divergences per primitive) over `calls` draws per primitive."""
    native, canonical, _ = oracles
    rng = random.Random(seed)
    mismatches, diverged = [], Counter()
    mine_lookup = P.__getitem__
    for name in names:
        for _ in range(calls):
            args = draw_call(rng, name, getattr(native, name).__wrapped__)
            for layer in ("unwrapped", "safe"):
                def pick(fn):
                    return fn.__wrapped__ if layer == "unwrapped" else fn
                mine = outcome(pick(P[name]), resolve(args, mine_lookup, lambda a: a))
                canon = outcome(pick(getattr(canonical, name)),
                                resolve(args, lambda n: getattr(canonical, n), canonical_form))
                nat = outcome(pick(getattr(native, name)),
                              resolve(args, lambda n: getattr(native, n), lambda a: a))
                if name in INTERNAL_ORDER:
                    diverged[name] += mine != nat
                    mine, canon = as_object_set(mine), as_object_set(canon)
                if mine != canon:
                    mismatches.append((name, layer, args, mine, canon))
                elif mine != nat:
                    diverged[name] += 1
    return mismatches, diverged


# Every primitive whose result may depend on frozenset iteration order (from its inputs or
# from sets it builds): the only ones allowed to diverge from the native oracle.
ORDER_DEPENDENT = INTERNAL_ORDER | {
    "first", "second", "first_f", "last", "last_f", "extract", "totuple", "order", "pair",
    "celltuple", "combine", "merge", "merge_t", "merge_f", "mfilter", "mfilter_f", "other",
    "other_f", "apply", "apply_t", "apply_f", "rapply", "rapply_t", "mapply", "mapply_t",
    "mapply_f", "papply", "mpapply", "prapply", "sfilter", "sfilter_t", "remove", "remove_t",
    "remove_f", "difference", "difference_tuple", "difference_t", "argmax", "argmax_t",
    "argmax_f", "argmin", "argmin_t", "argmin_f", "mostcommon", "mostcommon_t",
    "mostcommon_f", "leastcommon", "leastcommon_t", "leastcommon_f", "get_nth_f",
    "get_nth_by_key_t", "get_nth_by_key_f", "get_arg_rank", "get_arg_rank_t",
    "get_arg_rank_f", "get_common_rank", "get_common_rank_t", "get_common_rank_f",
    "get_color_rank_f", "p_o", "p_f", "palette_f", "mostcolor_f", "leastcolor_f", "paint",
    "underpaint", "move", "colorfilter", "color", "colorfilter_t", "sizefilter_t",
    "dedupe_pair_tuple", "c_iz", "c_zo", "c_iz_n", "c_zo_n", "toindices", "shift",
    "vmirror_t", "dmirror_t", "hconcat", "replace", "switch", "f_ofcolor", "partition",
    "fgpartition", "p_g", "palette_t", "mostcolor_t", "leastcolor_t", "get_color_rank_t",
    "hupscale", "vupscale", "upscale_t", "compress", "maximum", "minimum", "valmax",
    "valmax_t", "valmax_f", "valmin", "valmin_t", "valmin_f", "get_val_rank",
    "get_val_rank_t", "get_val_rank_f", "get_rank", "a_mr", "upscale_f", "mir_rot_f",
    "hmirror_f", "vmirror_f", "dmirror_f", "cmirror_f", "cmirror_i", "cmirror_o", "corners",
    "cover", "frontiers", "occurrences", "rapply_f", "sfilter_f", "mfilter_t", "sizefilter",
    # closures: probing them calls the primitives they were built from
    "rbind", "lbind", "compose", "chain", "fork", "matcher", "power",
}


def test_differential_every_primitive(oracles):
    native = oracles[0]
    assert oracle_names(native) == sorted(P)
    mismatches, diverged = run_differential(oracles, sorted(P))
    assert not mismatches, "\n".join(map(repr, mismatches[:10]))
    print(f"\norder divergences from tokpidjin's native order: {sum(diverged.values())} "
          f"over {len(P) * CALLS_PER_PRIMITIVE * 2} calls, {dict(sorted(diverged.items()))}")
    assert set(diverged) <= ORDER_DEPENDENT


def test_safe_defaults_match_tokpidjin(oracles):
    native, _, safe_dsl = oracles
    for name in sorted(P):
        assert typed(T.safe_default(P[name])) == typed(
            safe_dsl._get_safe_default(getattr(native, name))), name
    closure = P["rbind"](P["add"], 1)
    for value in ((), 5, None, closure, P["compose"](P["size"], P["first"])):
        assert typed(T.safe_default(value)) == typed(safe_dsl._get_safe_default(value))


def test_arities_match_tokpidjin(oracles):
    native = oracles[0]
    for name in sorted(P):
        assert P[name].arity == getattr(native, name)._original_argcount, name


def test_constants_match_tokpidjin(oracles):
    constants = importlib.import_module("constants")
    for name, value in T.CONSTANTS.items():
        assert getattr(constants, name) == value and type(getattr(constants, name)) is type(
            value), name


def test_power_below_one_diverges_as_documented(oracles):
    """tokpidjin's power(f, n < 1) is a stack-depth composition; the dialect's fails."""
    native = oracles[0]
    assert outcome(P["power"](P["size"], 0), (GRIDS[0],)) == ("value", ("tuple", ()))
    assert outcome(native.power(native.size, 0), (GRIDS[0],)) != outcome(
        P["power"](P["size"], 0), (GRIDS[0],))


grid_strategy = st.integers(1, 6).flatmap(lambda h: st.integers(1, 6).flatmap(
    lambda w: st.tuples(*[st.tuples(*[st.sampled_from((0, 1, 2, 8))] * w)] * h)))
GRID_FUNCTIONS = ["objects", "objects_t", "o_g", "partition", "fgpartition", "frontiers",
                  "compress", "p_g", "mostcolor_t", "leastcolor_t", "get_color_rank_t",
                  "asobject", "rot270", "cmirror_t", "lefthalf", "righthalf"]


@settings(max_examples=40, deadline=None)
@given(grid_strategy, st.integers(0, 7), st.integers(-3, 3))
def test_hypothesis_grids(oracles, grid, number, rank):
    native, canonical, _ = oracles
    obj = T.asobject(grid)
    calls = [(name, (grid, True, number % 2 == 0, number > 3)) if name.startswith(
        "objects") else (name, (grid, rank) if name == "get_color_rank_t" else
                         (grid, number) if name == "o_g" else (grid,))
        for name in GRID_FUNCTIONS]
    calls += [("mostcolor_f", (obj,)), ("get_color_rank_f", (obj, rank)), ("p_o", (obj,)),
              ("hperiod", (obj,)), ("vperiod", (obj,)), ("upscale_f", (obj, 2)),
              ("occurrences", (grid, frozenset(list(ordering.ordered(obj))[:2]))),
              ("mir_rot_t", (grid, number)), ("mir_rot_f", (obj, number % 5)),
              ("gravitate", (frozenset(list(ordering.ordered(obj))[:1]), obj))]
    for name, args in calls:
        mine = outcome(P[name].__wrapped__, args)
        canon = outcome(getattr(canonical, name).__wrapped__, canonical_form(args))
        if name in INTERNAL_ORDER:
            mine, canon = as_object_set(mine), as_object_set(canon)
        assert mine == canon, (name, args)


# ------------------------------------------------------------- tests without the oracle

def test_exports_everything_a_batt_file_uses():
    namespace = {}
    exec("from jaxbatt.dsl_py.tokpidjin import *", namespace)  # noqa: S102
    assert set(P) <= set(namespace) and set(T.CONSTANTS) <= set(namespace)
    assert {"safe_default", "Grid", "Object", "TTT_iii", "FL", "C_"} <= set(namespace)
    assert len(P) == 292
    assert namespace["F0"] == 0 and namespace["L1"] == -1 and namespace["R5"] == 5
    assert namespace["A8"] == 8 and namespace["SD3"] == -3 and namespace["BURGUNDY"] == 9
    assert namespace["UP_RIGHT"] == (-1, 1) and namespace["THOUSAND"] == 1000


def test_no_primitive_raises():
    rng = random.Random(1)
    values = JUNK + GRIDS[:3] + OBJECTS[:3] + INDICES[:2] + PAIRS[:2] + [P["size"]]
    for name, fn in P.items():
        for _ in range(20):
            fn(*(rng.choice(values) for _ in range(fn.arity)))
        fn()  # a wrong argument count fails inside the safe wrapper too


def test_safe_default_rules():
    assert T.safe_default(P["size"]) == 0 and T.safe_default(P["flip"]) is False
    assert T.safe_default(P["objects"]) == frozenset() and T.safe_default(P["rot90"]) == ()
    assert T.safe_default(P["add"]) == ()  # Numerical mentions Tuple
    assert T.safe_default(P["o_g"]) == ()  # annotated with R8, which tokpidjin never defines
    assert T.safe_default(P["corner"]) == () and T.safe_default(P["a_mr"]) == ()
    assert T.safe_default(P["get_color_rank_t"]) == 0  # C_ is int
    default_fn = T.safe_default(P["compose"])
    assert default_fn(1, 2, x=3) == () and default_fn.__code__.co_argcount == 0
    assert T.safe_default(()) == () and T.safe_default(P["rbind"](P["add"], 1)) == ()
    assert P["size"](5) == 0 and P["rot90"](5) == () and P["objects"](5) == frozenset()


def test_rbind_lbind_arities():
    assert P["rbind"](P["o_g"], 5).__code__.co_argcount == 1
    assert P["rbind"](P["fill"], 5).__code__.co_argcount == 2
    assert P["lbind"](P["objects"], GRIDS[0]).__code__.co_argcount == 3
    unbindable = P["rbind"]((), 1)
    assert unbindable(1, 2) == ()
    assert P["rbind"](unbindable, 1).__code__.co_argcount == 3
    o_g5 = P["rbind"](P["o_g"], T.R5)
    assert o_g5(GRIDS[0]) == P["objects"](GRIDS[0], True, False, True)
    with pytest.raises(TypeError):
        o_g5(GRIDS[0], 1)  # a closure is not exception-safe


def test_inner_calls_take_inner_defaults():
    assert P["height_f"](frozenset({(1, 2, 3, 4)})) == 1  # 0 - 0 + 1: extremes failed
    assert P["other"](5, 1) is None  # first(remove(...) -> ()) is None
    assert P["mapply"](P["size"], 5) == () and P["mapply_f"](P["size"], 5) == frozenset()


def test_tuple_and_frozenset_variants_agree():
    rng = random.Random(2)
    for grid in GRIDS:
        obj = T.asobject(grid)
        for number in range(8):
            assert frozenset(map(frozenset, T.o_g_t(grid, number))) == T.o_g(grid, number)
        objs_t, objs = T.objects_t(grid, True, False, True), T.objects(grid, True, False, True)
        colour = rng.choice(sorted(T.palette_t(grid)))
        assert frozenset(map(frozenset, T.colorfilter_t(objs_t, colour))) == T.colorfilter(
            objs, colour)
        assert frozenset(map(frozenset, T.sizefilter_t(objs_t, 1))) == T.sizefilter(objs, 1)
        assert T.mostcolor_t(grid) == T.mostcolor_f(obj)
        assert T.leastcolor_t(grid) == T.leastcolor_f(obj)
        assert T.palette_t(grid) == T.palette_f(obj) and T.p_g(grid) == tuple(T.palette_t(grid))
        assert T.shape_t(grid) == T.shape_f(obj) and T.numcolors_t(grid) == T.numcolors_f(obj)
        assert T.colorcount_t(grid, colour) == T.colorcount_f(obj, colour)
        for t_mirror, o_mirror, f_mirror in (("hmirror_t", "hmirror_o", "hmirror_f"),
                                             ("vmirror_t", "vmirror_o", "vmirror_f"),
                                             ("dmirror_t", "dmirror_o", "dmirror_f"),
                                             ("cmirror_t", "cmirror_o", "cmirror_f")):
            mirrored = T.asobject(P[t_mirror](grid))
            assert mirrored == P[o_mirror](obj) == P[f_mirror](obj), t_mirror
        assert T.asobject(T.upscale_t(grid, 2)) == T.upscale_f(obj, 2)
        cells = tuple(ordering.ordered(obj))
        keep = P["rbind"](P["greater"], 2)
        colours = tuple(c for _, _, c in cells)
        assert frozenset(T.sfilter_t(colours, keep)) == T.sfilter_f(frozenset(colours), keep)
        assert frozenset(T.apply_t(T.toij, cells)) == T.apply_f(T.toij, obj) == T.toindices(obj)
        assert T.remove_t(cells[0], cells) == T.totuple(T.remove_f(cells[0], obj))
        assert T.first_t(cells) == T.first_f(obj) and T.last_t(cells) == T.last_f(obj)


def test_ordering_of_cells_and_no_value_markers():
    obj = frozenset({(2, 0, 5), (0, 3, 1), (0, 3, 0)})
    assert T.first_f(obj) == (0, 3, 0) and T.color(obj) == 0
    assert T.get_nth_f(obj, -1) == (2, 0, 5) and T.get_nth_f(obj, 3) == frozenset()
    assert T.get_nth_t((1, 2), 2) is math.nan and T.uppermost(frozenset()) is math.nan
    assert T.center(frozenset()) == () and T.index(GRIDS[0], (99, 0)) == -math.inf
    assert T.first(()) is None and T.extract((1, 2), T.even) == 2
    assert T.paint(((0, 0),), frozenset({(0, 0, 3), (0, 0, 4)})) == ((4, 0),)
    mixed = frozenset({math.nan, 3, None, (1, 2)})
    assert T.totuple(mixed)[0] is None and T.totuple(mixed)[-1] == (1, 2)


def test_ranks():
    assert T.get_rank(frozenset({3, 9, 1}), T.F0) == 9 and T.get_rank(frozenset({3}), 5) == 0
    assert T.get_color_rank_t(((1, 2, 2), (3, 3, 3)), T.F0) == 3
    assert T.get_color_rank_t(((1, 2, 2),), T.L1) == 1
    assert T.get_arg_rank_f(frozenset({(1,), (1, 2)}), T.size, T.F0) == (1, 2)
    assert T.get_arg_rank_t((), T.size, 0) == () and T.get_val_rank((3, 1), T.invert, 0) == -3
    assert T.get_common_rank_t((1, 2, 2), T.L1) == 2 and T.get_nth_by_key_f((3, 1), 5) is None


def test_power_applies_until_n_reaches_one():
    assert T.power(T.increment, 3)(0) == 3 and T.power(T.increment, 3.0)(0) == 3
    assert T.power(T.size, 1) is T.size
    assert T.power(T.increment, 0)(0) == () and T.power(T.increment, math.nan)(0) == ()


def test_committed_batt_file_runs_like_tokpidjin(oracles):
    """tokpidjin's own batt_cpu.py (read from the checkout) on real tasks: its outputs
    equal the canonical oracle's, and differ from the native one's only by set order."""
    native, canonical, safe_dsl = oracles
    path = os.path.join(os.environ["TOKPIDJIN"], "batt_cpu.py")
    if not os.path.exists(path):
        pytest.skip("no batt_cpu.py in the checkout")
    with open(path) as source:
        text = source.read()
    body = text[text.index("def batt("):]  # its imports name tokpidjin's GPU modules
    constants = importlib.import_module("constants")

    def batt_on(namespace):
        namespace = dict(namespace)
        exec(body, namespace)  # noqa: S102
        return namespace["batt"]

    mine = batt_on({**T.PRIMITIVES, **T.CONSTANTS, "_get_safe_default": T.safe_default})
    theirs = {}
    for module in (native, canonical):
        namespace = {name: getattr(module, name) for name in oracle_names(module)}
        namespace.update((n, getattr(constants, n)) for n in T.CONSTANTS)
        theirs[module] = batt_on({**namespace, "_get_safe_default": safe_dsl._get_safe_default})
    grids = small_grids()
    same_as_native = 0
    for k in range(0, 60, 2):
        samples = ((grids[k], grids[k + 1]), (grids[k + 2], grids[k + 3]))
        args = ("task", samples, grids[k], grids[k + 2], os.devnull)
        result = typed(tuple(map(tuple, mine(*args))))
        assert result == typed(tuple(map(tuple, theirs[canonical](*canonical_form(args)))))
        same_as_native += result == typed(tuple(map(tuple, theirs[native](*args))))
    print(f"\nbatt_cpu.py: {same_as_native} of 30 runs equal tokpidjin's native order")
