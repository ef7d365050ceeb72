"""dsl_jax primitives: functional family (padded forms: see values.py).

Callables stay Python callables over dsl_jax values: compose, rbind, fork ... build
closures while tracing, with the arities arc-dsl gives them (rbind/lbind read
`__code__.co_argcount` like arc-dsl), tagged with their creation rank as dsl_py tags its
closures (a frozenset of callables is stored in dsl_py's order: values.Functions). The mapping primitives (apply, mapply, papply,
mpapply, prapply) run the callable once under `flags.map_elements` (a vmap over the
elements, flags of padding elements masked) and rebuild the container:

- elements of a Container are its items; of a Grid its rows (tuple Containers of ints);
  of an IntegerTuple its two ints; of an Indices its pairs and of an Object its cells in
  canonical order, compacted to a static budget (`_cell_budget`; more cells: not exact);
- a tuple result is packed with `values.make_tuple`, a frozenset result re-canonicalised
  (deduplicated and ordered) with `values.make_frozenset`; rows mapped to rows of one
  length rebuild a Grid;
- static containers (Functions, Python tuples) are mapped with a Python loop;
- callables mapped over a traced tuple give a MappedClosures (the function and the
  tuple), which apply and papply compose into the functions they map.
"""
import functools
import inspect
import math

import jax
import jax.numpy as jnp
import numpy as np

from jaxbatt.dsl_jax import arithmetic, clipping, containers, flags, patches, values
from jaxbatt.dsl_jax.values import Container, Functions, Grid, Indices, MappedClosures, Object
from jaxbatt.dsl_py.ordering import tag_closure

__all__ = [
    "identity", "branch", "compose", "chain", "matcher", "rbind", "lbind", "power", "fork",
    "apply", "rapply", "mapply", "papply", "mpapply", "prapply",
]

# Traced power exponents beyond this are left to the reference (arc-dsl recurses n deep).
POWER_MAX = 64
_FORMS = (tuple, Grid, Indices, Object, Container, Functions)


def _is_function(x) -> bool:
    return callable(x) and not isinstance(x, _FORMS)


def _arity(fn) -> int:
    """Positional parameters of fn, as arc-dsl reads them (`__code__.co_argcount`)."""
    target = inspect.unwrap(fn)
    code = getattr(target, "__code__", None)
    if code is not None:
        return code.co_argcount
    params = inspect.signature(fn).parameters.values()
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def _with_arity(n, body):
    """A closure taking exactly n positional arguments (1 to 4) that calls body."""
    if n <= 1:
        def fn(a):
            return body(a)
    elif n == 2:
        def fn(a, b):
            return body(a, b)
    elif n == 3:
        def fn(a, b, c):
            return body(a, b, c)
    else:
        def fn(a, b, c, d):
            return body(a, b, c, d)
    return fn


def _is_traced(x) -> bool:
    return isinstance(x, jax.core.Tracer)


# --------------------------------------------------------------------------- combinators


def identity(x):
    """x itself (a Python int or bool as a numpy int32[] / bool[])."""
    return arithmetic.as_array(x)


def branch(condition, a, b):
    """a if condition (Python truthiness) else b.

    A static condition picks at trace time. A traced one selects between two values of
    one form (two forms: b's form, exact only where b is picked), or, for two callables,
    builds a callable running both and selecting output and flags per lane."""
    cond = arithmetic.truthy(condition)
    if not isinstance(cond, jax.Array) and (_is_function(a) or _is_function(b)):
        return a if bool(cond) else b
    if _is_function(a) and _is_function(b):
        def chosen(*args):
            return _select_calls(cond, a, b, args)
        chosen = _with_arity(_arity(a), chosen)
        chosen.branches = (cond, a, b)
        return chosen
    return arithmetic.select(cond, a, b, "branch")


def _select_calls(cond, call_a, call_b, args):
    """call_a(*args) where cond else call_b(*args), outputs and flags selected per lane."""
    out_a, ok_a, exact_a = flags.collect(call_a, *args)
    out_b, ok_b, exact_b = flags.collect(call_b, *args)
    flags.report(jnp.where(cond, ok_a, ok_b), jnp.where(cond, exact_a, exact_b))
    return arithmetic.select(cond, out_a, out_b, "branch")


def _call_after(outer, inner, x):
    """outer(inner(x)). Where inner is a traced branch between callables, outer is applied
    to each side before the selection, so sides of two forms that outer maps to one form
    (identity or outbox of an Object, then outbox) select exactly."""
    parts = getattr(inner, "branches", None)
    if parts is None:
        return outer(inner(x))
    cond, a, b = parts
    return _select_calls(cond, lambda v: _call_after(outer, a, v), lambda v: _call_after(outer, b, v), (x,))


def compose(outer, inner):
    """The one-argument callable x -> outer(inner(x))."""
    def composed(x):
        return _call_after(outer, inner, x)
    return tag_closure(composed)


def chain(h, g, f):
    """The one-argument callable x -> h(g(f(x)))."""
    def chained(x):
        return _call_after(lambda y: _call_after(h, g, y), f, x)
    return tag_closure(chained)


def matcher(function, target):
    """The one-argument predicate x -> equality(function(x), target) (bool[])."""
    def matches(x):
        return arithmetic.equality(function(x), target)
    return tag_closure(matches)


def fork(outer, a, b):
    """The one-argument callable x -> outer(a(x), b(x))."""
    def forked(x):
        return outer(a(x), b(x))
    return tag_closure(forked)


def rbind(function, fixed):
    """function with its last argument fixed: 2 -> 1, 3 -> 2, otherwise 3 arguments."""
    n = _arity(function)
    if n == 2:
        def bound(x):
            return function(x, fixed)
    elif n == 3:
        def bound(x, y):
            return function(x, y, fixed)
    else:
        def bound(x, y, z):
            return function(x, y, z, fixed)
    return tag_closure(bound)


def lbind(function, fixed):
    """function with its first argument fixed: 2 -> 1, 3 -> 2, otherwise 3 arguments."""
    n = _arity(function)
    if n == 2:
        def bound(y):
            return function(fixed, y)
        if getattr(function, "moves_its_first_argument", False):
            bound.shifts = fixed  # bound(loc) == shift(fixed, loc): see mapply
    elif n == 3:
        def bound(y, z):
            return function(fixed, y, z)
    else:
        def bound(y, z, a):
            return function(fixed, y, z, a)
    return tag_closure(bound)


def _static_int(n):
    """n as a Python int when known at trace time, else None."""
    if _is_traced(n):
        return None
    return int(np.asarray(n))


def power(function, n):
    """function applied n times (n == 1: function itself); arc-dsl raises for n < 1.

    A static n unrolls. A traced n (a lane-dependent exponent) runs a while_loop whose
    carry is the value after the first call, so function must map that form to itself (an
    Object to an Indices and on, as outbox does, is fine); n > POWER_MAX or a function
    that keeps changing forms is not exact."""
    k = _static_int(n)
    if k is not None:
        flags.require(k >= 1)
        if k <= 1:
            return function
        flags.fits(k <= POWER_MAX)

        def powered(x):
            for _ in range(min(k, POWER_MAX)):
                x = function(x)
            return x
        return tag_closure(powered)

    n = values.as_int(n)
    flags.require(n >= 1)
    flags.fits(n <= POWER_MAX)

    def powered_traced(x):
        first, ok1, exact1 = flags.collect(function, x)
        first = _arrays(first)
        second = jax.eval_shape(lambda v: flags.collect(function, v)[0], first)  # form only, nothing staged
        if not _same_form(second, first):
            flags.fits(n == 1)
            flags.report(ok1, exact1)
            return first

        def step(state):
            i, value, ok, exact = state
            out, ok_i, exact_i = flags.collect(function, value)
            return i + 1, _arrays_like(out, value), ok & ok_i, exact & exact_i

        def more(state):
            return state[0] < jnp.clip(n, 1, POWER_MAX)

        init = (jnp.asarray(1, jnp.int32), first, ok1, exact1)
        _, out, ok, exact = jax.lax.while_loop(more, step, init)
        flags.report(ok, exact)
        return out
    return tag_closure(powered_traced)


def _arrays(value):
    return jax.tree_util.tree_map(jnp.asarray, value)


def _arrays_like(value, like):
    """value with the leaf dtypes of like (a loop carry keeps its types)."""
    return jax.tree_util.tree_map(lambda v, l: jnp.asarray(v, jnp.result_type(l)), value, like)


def _same_form(a, b) -> bool:
    if not values.same_structure(a, b):
        return False
    return all(np.shape(x) == np.shape(y)
               for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)))


# --------------------------------------------------------------------------- elements


def _cell_budget(light: bool) -> int:
    """How many cells of an Indices / Object are mapped: a static, tier-sized budget."""
    tier = values.current_tier()
    if light:
        return min(tier.window ** 2, 8 * tier.capacity)
    return tier.capacity


def _row_capacity(grid: Grid) -> int:
    return max(values.current_tier().capacity, grid.canvas)


def _grid_rows(grid: Grid) -> Container:
    """The rows of a grid as a batch (leading C) of tuple Containers of int32 items."""
    c = grid.canvas
    cap = _row_capacity(grid)
    cells = jnp.asarray(grid.cells, jnp.int32)
    items = jnp.pad(cells, ((0, 0), (0, cap - c)))
    items = jnp.where(jnp.arange(cap)[None, :] < grid.w, items, 0)
    sizes = jnp.broadcast_to(jnp.asarray(grid.w, jnp.int32), (c,))
    return Container(items, sizes, "tuple")


def _patch_elements(patch, budget):
    """(items, valid): the first `budget` pairs (Indices) or cells (Object) in canonical
    order; more cells than the budget is not exact."""
    items, valid, count = values.patch_cells(patch, budget)
    flags.fits(count <= valid.shape[0])
    return items, valid


def _traced_elements(container, light_hint=None):
    """(items, valid, kind) for a container mapped under vmap, or None if it is static."""
    if isinstance(container, Container):
        return container.items, container.valid(), container.kind
    if isinstance(container, Grid):
        rows = _grid_rows(container)
        return rows, jnp.arange(container.canvas) < container.h, "tuple"
    if values.is_pair(container):
        pair = jnp.asarray(container, jnp.int32)
        return pair, jnp.ones((2,), bool), "tuple"
    if isinstance(container, (Indices, Object)):
        light = True if light_hint is None else light_hint
        items, valid = _patch_elements(container, _cell_budget(light))
        return items, valid, "frozenset"
    return None


def _first(items):
    return jax.tree_util.tree_map(lambda leaf: leaf[0], items)


def _result_shape(fn, *elements):
    """The abstract output of fn on single elements (traces fn once, computes nothing)."""
    def probe(*args):
        return flags.collect(fn, *args)[0]
    try:
        return jax.eval_shape(probe, *elements)
    except TypeError as err:
        name = getattr(fn, "__name__", repr(fn))
        raise TypeError(
            f"mapping {name} over traced elements failed while tracing (it must take the "
            f"element forms and return values, not callables): {err}") from err


def _is_light(shape) -> bool:
    """Results whose sets are cheap to deduplicate: ints, pairs, cells."""
    return all(len(leaf.shape) <= 1 for leaf in jax.tree_util.tree_leaves(shape))


def _light_hint(function, container):
    """For patch containers: whether function's results are light (decides the budget)."""
    if not isinstance(container, (Indices, Object)):
        return None
    probe_items, _ = _patch_elements_shape(container)
    return _is_light(_result_shape(function, probe_items))


def _patch_elements_shape(patch):
    """Abstract single element of a patch (a pair or a cell)."""
    pair = jax.ShapeDtypeStruct((2,), jnp.int32)
    if isinstance(patch, Indices):
        return pair, None
    return (jax.ShapeDtypeStruct((), jnp.int32), pair), None


def _mask_padding(items, valid):
    """Padding slots (valid False) replaced by the blank element."""
    blank = values.blank(items)

    def pick(leaf, pad):
        v = valid.reshape(valid.shape + (1,) * (leaf.ndim - 1))
        return jnp.where(v, leaf, pad)
    return jax.tree_util.tree_map(pick, items, blank)


def _row_container_items(out) -> bool:
    """A batch of tuple Containers of ints (rows)."""
    return (isinstance(out, Container) and out.kind == "tuple"
            and isinstance(out.items, jax.Array) and out.items.ndim == 2)


def _rows_to_grid(rows: Container, valid, canvas) -> Grid:
    """A Grid from a batch of row Containers of ints (rows must share one length)."""
    size = rows.size
    h = jnp.sum(valid, dtype=jnp.int32)
    w = jnp.where(h > 0, size[0], 0)
    flags.fits(jnp.all(~valid | (size == w)))
    flags.fits(w <= canvas)
    items = rows.items.astype(jnp.int32)
    flags.fits(jnp.all(~valid[:, None] | (items >= -128) & (items <= 127)))
    k = items.shape[1]
    if k < canvas:
        items = jnp.pad(items, ((0, 0), (0, canvas - k)))
    items = items[:, :canvas]
    rows_n = items.shape[0]
    if rows_n < canvas:
        items = jnp.pad(items, ((0, canvas - rows_n), (0, 0)))
        valid = jnp.pad(valid, (0, canvas - rows_n))
    items, valid = items[:canvas], valid[:canvas]
    inside = valid[:, None] & (jnp.arange(canvas)[None, :] < w)
    cells = jnp.where(inside, items, -1).astype(jnp.int8)
    return Grid(cells, h, jnp.asarray(w, jnp.int32))


def _pack(out, valid, kind, rows_from=None):
    """The container of the mapped elements `out` (leading axis) that are valid; for a
    tuple, valid is a prefix (every traced sequence is packed)."""
    capacity = values.current_tier().capacity
    if kind == "frozenset":
        return values.make_frozenset(out, valid, capacity)
    if rows_from is not None and _row_container_items(out):
        return _rows_to_grid(out, valid, rows_from.canvas)
    count = jnp.sum(valid, dtype=jnp.int32)
    n = valid.shape[0]
    out = _mask_padding(out, valid)
    if n < capacity:
        blank = values.blank(_first(out))
        pad = jax.tree_util.tree_map(
            lambda leaf: jnp.broadcast_to(leaf, (capacity - n,) + leaf.shape), blank)
        out = jax.tree_util.tree_map(lambda x, y: jnp.concatenate([x, y.astype(x.dtype)]), out, pad)
    elif n > capacity:
        flags.fits(count <= capacity)
        out = jax.tree_util.tree_map(lambda leaf: leaf[:capacity], out)
        count = jnp.minimum(count, capacity)
    return Container(out, count, "tuple")


def _stack(results):
    """A batch (leading axis) of values of one form."""
    first = results[0]
    for r in results[1:]:
        if not _same_form(jax.tree_util.tree_map(jnp.asarray, r), jax.tree_util.tree_map(jnp.asarray, first)):
            raise TypeError("results of different forms cannot share a container")
    return jax.tree_util.tree_map(lambda *xs: jnp.stack([jnp.asarray(x) for x in xs]), *results)


def _static_results(results, kind, valid=None):
    """The container of results computed one by one (static length)."""
    if results and all(_is_function(r) for r in results):
        if valid is not None:
            raise TypeError("callables mapped over a traced container have no dsl_jax form")
        if kind == "frozenset":
            unique, seen = [], set()
            for r in results:
                if id(r) not in seen:
                    seen.add(id(r))
                    unique.append(r)
            results = unique
        return Functions(tuple(results), kind)
    if not results:
        return Container(jnp.zeros((values.current_tier().capacity,), jnp.int32),
                         jnp.asarray(0, jnp.int32), kind)
    if (kind == "tuple" and len(results) == 2 and valid is None
            and all(values.is_int(r) and arithmetic.dtype_of(r) != bool for r in results)):
        return jnp.stack([jnp.asarray(r, jnp.int32) for r in results])  # an IntegerTuple
    stacked = _stack(results)
    valid = jnp.ones((len(results),), bool) if valid is None else valid
    if kind == "frozenset":
        return values.make_frozenset(stacked, valid, values.current_tier().capacity)
    return values.make_tuple(stacked, valid, values.current_tier().capacity)


def _static_elements(container):
    """(elements, kind) of a container of static length, else None."""
    if isinstance(container, Functions):
        return list(container.fns), container.kind
    if isinstance(container, tuple):
        return list(container), "tuple"
    return None


# --------------------------------------------------------------------------- mapping


def apply(function, container):
    """function over each element; tuple -> tuple (Grid rows -> Grid when rows come
    back), frozenset -> deduplicated canonical frozenset (pairs -> Indices, cells ->
    Object); an IntegerTuple maps to an IntegerTuple when function returns ints."""
    static = _static_elements(container)
    if static is not None:
        elements, kind = static
        return _static_results([function(e) for e in elements], kind)
    mapped = _static_callables(function, container)
    if mapped is not None:
        return mapped
    if isinstance(container, MappedClosures):
        return apply(compose(function, container.function), container.container)
    items, valid, kind = _traced_elements(container, _light_hint(function, container))
    try:
        out = flags.map_elements(function, valid, items)
    except TypeError:
        if (isinstance(container, Container) and kind == "tuple"
                and _is_function(flags.collect(function, _first(items))[0])):
            return MappedClosures(container, function)
        raise
    if values.is_pair(container) and isinstance(out, jax.Array) and out.shape == (2,) \
            and out.dtype != bool:
        return out.astype(jnp.int32)  # two ints: an IntegerTuple
    return _pack(out, valid, kind, rows_from=container if isinstance(container, Grid) else None)


def _is_static_container(container) -> bool:
    return isinstance(container, Container) and all(
        isinstance(leaf, (np.ndarray, np.generic))
        for leaf in jax.tree_util.tree_leaves((container.items, container.size)))


def _static_callables(function, container):
    """A Functions when function maps the elements of a static Container (known while
    tracing, e.g. interval(ONE, FOUR, ONE)) to callables; None otherwise."""
    if not _is_static_container(container) or int(container.size) == 0:
        return None
    elements = [values.element(container, k) for k in range(int(container.size))]
    first, ok, exact = flags.collect(function, elements[0])
    if not _is_function(first):
        return None  # values: the traced path maps them (and reports their flags)
    flags.report(ok, exact)
    return _static_results([first] + [function(e) for e in elements[1:]], container.kind)


def rapply(functions, value):
    """Each callable of a Functions container on value, in a container of its kind."""
    if isinstance(functions, tuple) and all(_is_function(f) for f in functions):
        functions = Functions(functions, "tuple")
    if not isinstance(functions, Functions):
        raise TypeError(f"rapply: expected Functions, got {type(functions).__name__}")
    return _static_results([f(value) for f in functions.fns], functions.kind)


def mapply(function, container):
    """merge(apply(function, container)). A frozenset of patches mapped to patches is
    merged here (union of masks / planes); everything else goes to containers.merge."""
    offsets = getattr(function, "offsets", None)
    if offsets is not None and isinstance(container, Indices):
        return patches.dilate(container, offsets)
    shifted = getattr(function, "shifts", None)
    if isinstance(shifted, (Indices, Object)) and isinstance(container, Indices):
        flags.fits(~jnp.asarray(shifted.clipped))  # the closure's patch, unseen by clipping.guard
        return patches.shifted_copies(shifted, container, values.current_tier().capacity)
    is_patch = isinstance(container, (Indices, Object))
    if is_patch or (isinstance(container, Container) and container.kind == "frozenset"):
        if is_patch:
            probe = _patch_elements_shape(container)[0]
        else:
            probe = _first(container.items)
        if isinstance(_result_shape(function, probe), (Indices, Object)):
            if is_patch:
                items, valid = _patch_elements(container, _cell_budget(True))
            else:
                items, valid = container.items, container.valid()
            return values.union_patches(flags.map_elements(function, valid, items), valid)
    return _merge(apply(function, container))


def _zip_elements(a, b):
    """(items_a, items_b, valid) over the common prefix of two traced sequences."""
    ia, va, _ = _traced_elements(a)
    ib, vb, _ = _traced_elements(b)
    na = jax.tree_util.tree_leaves(ia)[0].shape[0]
    nb = jax.tree_util.tree_leaves(ib)[0].shape[0]
    n = min(na, nb)
    cut = lambda tree: jax.tree_util.tree_map(lambda leaf: leaf[:n], tree)  # noqa: E731
    return cut(ia), cut(ib), va[:n] & vb[:n]


def _length(x):
    """Number of elements of a traced sequence (int32[])."""
    if isinstance(x, Container):
        return x.size
    if isinstance(x, Grid):
        return x.h
    if values.is_pair(x):
        return jnp.asarray(2, jnp.int32)
    if isinstance(x, Indices):
        return jnp.sum(x.mask, dtype=jnp.int32)
    return jnp.sum(x.colour >= 0, dtype=jnp.int32)


# Primitives that take a MappedClosures: they compose its closures into what they map.
TAKES_MAPPED_CLOSURES = frozenset({"apply", "mapply", "papply", "mpapply", "mapply_union", "mapply_composed"})


def closures_guard(name, fn):
    """`fn` (the primitive or fused step `name`) raising TypeError on a MappedClosures
    argument unless it takes them: anywhere else the closures have no padded form (dsl_py
    would count, order or call them), so the program fails to trace and runs on the
    reference."""
    if name in TAKES_MAPPED_CLOSURES:
        return fn

    @functools.wraps(fn)
    def guarded(*args):
        if any(isinstance(a, MappedClosures) for a in args):
            raise TypeError(f"{name}: callables mapped over a traced tuple are taken only by "
                            f"{', '.join(sorted(TAKES_MAPPED_CLOSURES))}")
        return fn(*args)
    return guarded


# merge of the function's results, which may be clipped lines (see clipping.py), or
# callables (no padded form: TypeError)
_merge = closures_guard("merge", clipping.guard("merge", containers.merge))


def papply(function, a, b):
    """Tuple of function(a[k], b[k]) over the common length (rows of grids -> a Grid)."""
    if isinstance(a, MappedClosures) or isinstance(b, MappedClosures):
        # Each closure is built inside the lane from its element: map over the zipped elements.
        build_a, from_a = (a.function, a.container) if isinstance(a, MappedClosures) else (identity, a)
        build_b, from_b = (b.function, b.container) if isinstance(b, MappedClosures) else (identity, b)
        return apply(lambda pair: function(build_a(pair[0]), build_b(pair[1])), containers.pair(from_a, from_b))
    sa, sb = _static_elements(a), _static_elements(b)
    if sa is not None and sb is not None:
        return _static_results([function(x, y) for x, y in zip(sa[0], sb[0])], "tuple")
    if sa is not None or sb is not None:
        # One side static (e.g. a tuple of callables): a Python loop over its elements.
        static_side, traced_side = (sa[0], b) if sa is not None else (sb[0], a)
        items, valid, _ = _traced_elements(traced_side)
        n = min(len(static_side), jax.tree_util.tree_leaves(items)[0].shape[0])
        results, oks, exacts = [], [], []
        for k in range(n):
            item = jax.tree_util.tree_map(lambda leaf: leaf[k], items)
            args = (static_side[k], item) if sa is not None else (item, static_side[k])
            out, ok, exact = flags.collect(function, *args)
            results.append(out)
            oks.append(ok | ~valid[k])
            exacts.append(exact | ~valid[k])
        if oks:
            flags.report(jnp.all(jnp.stack(oks)), jnp.all(jnp.stack(exacts)))
        return _static_results(results, "tuple", valid=valid[:n]) if results else \
            _static_results([], "tuple")
    ia, ib, valid = _zip_elements(a, b)
    out = flags.map_elements(function, valid, ia, ib)
    rows_from = a if isinstance(a, Grid) and isinstance(b, Grid) else None
    return _pack(out, valid, "tuple", rows_from=rows_from)


def mpapply(function, a, b):
    """merge(papply(function, a, b)): a tuple keeping order and duplicates."""
    return _merge(papply(function, a, b))


def _product_cap(light: bool) -> int:
    """Elements taken from each side of prapply (their product is mapped)."""
    k = values.current_tier().capacity
    return k if light else max(1, math.isqrt(4 * k))


def _compact(items, valid, cap):
    """The first `cap` valid items (source order kept); more: not exact."""
    n = jax.tree_util.tree_leaves(items)[0].shape[0]
    count = jnp.sum(valid, dtype=jnp.int32)
    flags.fits(count <= cap)
    if n <= cap:
        return items, valid
    packed = values.make_tuple(items, valid, cap)
    return packed.items, jnp.arange(cap) < packed.size


def prapply(function, a, b):
    """Frozenset of function(x, y) for y in b for x in a (insertion order: b outer), made
    canonical with values.make_frozenset; each side is capped (`_product_cap`)."""
    sa, sb = _static_elements(a), _static_elements(b)
    if sa is not None and sb is not None:
        return _static_results([function(x, y) for y in sb[0] for x in sa[0]], "frozenset")
    if sa is not None or sb is not None:
        raise TypeError("prapply: a static container with a traced one is not supported")
    ia, va, _ = _traced_elements(a, light_hint=True)
    ib, vb, _ = _traced_elements(b, light_hint=True)
    light = _is_light(_result_shape(function, _first(ia), _first(ib)))
    cap = _product_cap(light)
    ia, va = _compact(ia, va, cap)
    ib, vb = _compact(ib, vb, cap)
    na = jax.tree_util.tree_leaves(ia)[0].shape[0]
    nb = jax.tree_util.tree_leaves(ib)[0].shape[0]
    # Flat index j * na + i: b outer, a inner (arc-dsl's generator order).
    xs = jax.tree_util.tree_map(lambda leaf: jnp.tile(leaf, (nb,) + (1,) * (leaf.ndim - 1)), ia)
    ys = jax.tree_util.tree_map(lambda leaf: jnp.repeat(leaf, na, axis=0), ib)
    valid = jnp.tile(va, nb) & jnp.repeat(vb, na)
    out = flags.map_elements(function, valid, xs, ys)
    return values.make_frozenset(out, valid, values.current_tier().capacity)
