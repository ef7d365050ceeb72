"""Differential testing of dsl_jax against dsl_py (the reference).

`check_primitive(name, cases)` runs the dsl_py primitive on each case (a tuple of dsl_py
arguments) and the dsl_jax primitive on the padded arguments three ways:

- eagerly, with Python ints/bools passed as Python constants (static);
- under jax.jit, every argument traced;
- under jax.jit(jax.vmap(...)), cases stacked into batches of identical padded shapes.

On every lane with exact=True the dsl_jax result must equal the reference: ok=False
exactly where the reference raises, and to_py(output) == reference output otherwise.
Lanes with exact=False are counted, never compared. Shapes and dtypes of jit and vmap
outputs are checked against the eager ones with chex.
"""
import collections
import dataclasses
from collections import defaultdict

import chex
import jax
import numpy as np

from jaxbatt import dsl_py
from jaxbatt.dsl_py import ordering
from jaxbatt.dsl_jax import flags, values


@dataclasses.dataclass
class Summary:
    cases: int = 0  # cases whose inputs fit the tier
    exact: int = 0  # lanes (over the three ways) compared and equal
    inexact: int = 0  # lanes flagged exact=False (not compared)
    errors: int = 0  # exact lanes where the reference raises

    def __str__(self):
        return f"{self.cases} cases: {self.exact} exact lanes, {self.inexact} inexact, {self.errors} reference errors"


def _reference(reference, args):
    try:
        return True, reference(*args)
    except Exception:  # the reference raising is a result to reproduce
        return False, None


def _is_scalar_py(v):
    return isinstance(v, (bool, int))


def _pad(args, kinds, tier):
    padded, fits = [], True
    for i, a in enumerate(args):
        kind = kinds[i] if kinds else None
        if callable(a) and not isinstance(a, (tuple, frozenset)):
            padded.append(values.function_from_py(a))  # dsl_py primitives -> dsl_jax ones
            continue
        p, ok = values.from_py(a, kind, tier)
        padded.append(p)
        fits = fits and ok
    return padded, fits


def _compare(name, args, how, expected_ok, expected, out, ok, exact, summary):
    if not bool(exact):
        summary.inexact += 1
        return
    context = f"{name}{_short(args)} [{how}]"
    if not expected_ok:
        assert not bool(ok), f"{context}: reference raises, dsl_jax says ok (got {_short(values.to_py(out))})"
        summary.errors += 1
        summary.exact += 1
        return
    assert bool(ok), f"{context}: dsl_jax says not ok, reference gives {_short(expected)}"
    got = values.to_py(out)
    if callable(expected):
        summary.exact += 1
        return
    assert got == expected, f"{context}: dsl_jax {_short(got)} != reference {_short(expected)}"
    if isinstance(out, values.Container) and out.kind == "frozenset":
        # A frozenset's stored order is its iteration order: it must be dsl_py's.
        stored = [values.to_py(values.element(out, k)) for k in range(int(out.size))]
        assert stored == list(ordering.ordered(expected)), (
            f"{context}: dsl_jax stores {_short(stored)}, dsl_py iterates {_short(list(ordering.ordered(expected)))}")
    summary.exact += 1


def _short(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


# Most recently used callers (a test process checks hundreds of primitives and compositions;
# each caller's executables hold memory mappings, which Linux bounds per process).
MAX_CALLERS = 256
_callers = collections.OrderedDict()


def _caller(jax_fn, tier, where, static_values, n):
    """One function per (primitive, static arguments), so jit reuses its compilations."""
    key = (jax_fn, tier, where, tuple(id(v) for v in static_values), n)
    if key in _callers:
        _callers.move_to_end(key)
    else:
        while len(_callers) >= MAX_CALLERS:
            _callers.popitem(last=False)
        def call(*dynamic):
            full, it_d, it_s = [], iter(dynamic), iter(static_values)
            for i in range(n):
                full.append(next(it_s) if i in where else next(it_d))
            with values.use_tier(tier):
                return flags.collect(jax_fn, *full)

        call.jitted = jax.jit(call)
        call.batched = jax.jit(jax.vmap(call))
        call.static_values = static_values  # keeps the ids in the key alive
        _callers[key] = call
    return _callers[key]


def check_primitive(name, cases, *, kinds=None, tier=values.SMALL, fn=None, reference=None, batch=True):
    """Compares dsl_jax `name` (or `fn`) with dsl_py `name` (or `reference`, a function of
    dsl_py values, for compositions) on every case; returns a Summary.

    kinds: optional arc-dsl type names per argument for from_py (e.g. ('Grid', 'Indices')).
    """
    from jaxbatt import dsl_jax
    jax_fn = fn or getattr(dsl_jax, name)
    reference = reference or getattr(dsl_py, name)
    summary = Summary()
    groups = defaultdict(list)
    for args in cases:
        expected_ok, expected = _reference(reference, args)
        with values.use_tier(tier):
            padded, fits = _pad(args, kinds, tier)
        if not fits:
            continue
        summary.cases += 1
        eager_args = [a if _is_scalar_py(a) else p for a, p in zip(args, padded)]
        with values.use_tier(tier):
            out, ok, exact = flags.collect(jax_fn, *eager_args)
        _compare(name, args, "eager", expected_ok, expected, out, ok, exact, summary)

        static = [i for i, a in enumerate(padded) if callable(a)]
        traced = [jax.tree_util.tree_map(np.asarray, p) if i not in static else None
                  for i, p in enumerate(padded)]
        call = _caller(jax_fn, tier, tuple(static), tuple(padded[i] for i in static), len(padded))
        dynamic = [t for i, t in enumerate(traced) if i not in static]
        jit_out = call.jitted(*dynamic)
        _compare(name, args, "jit", expected_ok, expected, *jit_out, summary)
        if bool(exact) and bool(jit_out[2]):
            chex.assert_trees_all_equal_shapes_and_dtypes(
                jax.tree_util.tree_map(np.asarray, out), jax.tree_util.tree_map(np.asarray, jit_out[0]))
        if batch:
            leaves, treedef = jax.tree_util.tree_flatten(dynamic)
            signature = (treedef, tuple((np.shape(x), np.asarray(x).dtype.str) for x in leaves),
                         tuple(id(padded[i]) for i in static))
            groups[signature].append((args, expected_ok, expected, dynamic, call))
    for members in groups.values():
        if len(members) < 2:
            continue
        call = members[0][4]
        stacked = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *[m[3] for m in members])
        out, ok, exact = call.batched(*stacked)
        chex.assert_tree_shape_prefix((out, ok, exact), (len(members),))
        for lane, (args, expected_ok, expected, _, _) in enumerate(members):
            lane_out = jax.tree_util.tree_map(lambda x: x[lane], out)
            _compare(name, args, f"vmap lane {lane}", expected_ok, expected, lane_out, ok[lane], exact[lane], summary)
    return summary


def assert_compiles_once(fn, batch_a, batch_b):
    """Two batches of the same padded shapes (other grids) trace `fn` once under jit(vmap)."""
    counted = chex.assert_max_traces(n=1)(lambda *a: flags.collect(fn, *a))
    compiled = jax.jit(jax.vmap(counted))
    jax.block_until_ready(compiled(*batch_a))
    jax.block_until_ready(compiled(*batch_b))
    chex.clear_trace_counter()


def stack_py(values_py, kind=None, tier=values.SMALL):
    """A batch (leading axis) of the padded forms of dsl_py values; all must fit."""
    padded = []
    for v in values_py:
        p, fits = values.from_py(v, kind, tier)
        assert fits, f"value does not fit tier {tier.name}: {_short(v)}"
        padded.append(jax.tree_util.tree_map(np.asarray, p))
    return jax.tree_util.tree_map(lambda *xs: np.stack(xs), *padded)
