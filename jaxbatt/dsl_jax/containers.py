"""dsl_jax primitives: containers family (padded forms: see values.py).

Containers come in several forms, resolved by Python type at trace time:

- traced sequences: a Container (tuple or frozenset; items with a leading K axis), a Grid
  (a tuple of rows; a row is a tuple Container of ints of capacity max(K, C), as in
  functional.py), an Indices (a frozenset of pairs, walked in row-major order), an Object
  (a frozenset of cells (colour, pair), walked in (colour, row, col) order) and an
  IntegerTuple (a tuple of two ints);
- static sequences: Functions (callables) and Python tuples of dsl_jax values (e.g. a
  Cell), handled with Python loops at trace time.

Results that are new containers are packed with values.make_tuple / make_frozenset at
the tier's capacity K (overflow: not exact). Frozensets of ints keep CPython's order where
arc-dsl builds them by insertion; `insert` and `intersection`, which CPython builds by
copying hash tables, are exact only where the emulation below is proven.
"""
import jax
import jax.numpy as jnp
import numpy as np

from jaxbatt.dsl_jax import arithmetic, flags, values
from jaxbatt.dsl_jax.values import Container, Functions, Grid, Indices, Object

__all__ = [
    "contained", "combine", "intersection", "difference", "dedupe", "order", "repeat",
    "size", "merge", "maximum", "minimum", "valmax", "valmin", "argmax", "argmin",
    "mostcommon", "leastcommon", "initset", "sfilter", "mfilter", "extract", "totuple",
    "first", "last", "insert", "remove", "other", "interval", "astuple", "product", "pair",
]

_FORMS = (tuple, Grid, Indices, Object, Container, Functions)


# --------------------------------------------------------------------------- helpers


def _is_function(x) -> bool:
    return callable(x) and not isinstance(x, _FORMS)


def _is_static_seq(x) -> bool:
    return isinstance(x, (Functions, tuple))


def _static_items(x):
    """(elements, kind) of a static sequence."""
    if isinstance(x, Functions):
        return list(x.fns), x.kind
    return list(x), "tuple"


def _is_set_form(x) -> bool:
    return isinstance(x, (Indices, Object)) or (
        isinstance(x, (Container, Functions)) and x.kind == "frozenset")


def _int_items(items) -> bool:
    return isinstance(items, (jax.Array, np.ndarray)) and items.ndim == 1


def _capacity() -> int:
    return values.current_tier().capacity


def _grid_rows(grid: Grid) -> Container:
    """The rows of a grid: a batch (leading C) of tuple Containers of int32 items."""
    c = grid.canvas
    cap = max(_capacity(), c)
    cells = jnp.asarray(grid.cells, jnp.int32)
    items = jnp.pad(cells, ((0, 0), (0, cap - c)))
    items = jnp.where(jnp.arange(cap)[None, :] < grid.w, items, 0)
    sizes = jnp.broadcast_to(jnp.asarray(grid.w, jnp.int32), (c,))
    return Container(items, sizes, "tuple")


def _elements(x):
    """(items, valid, kind): the elements of a traced sequence in dsl_py's order."""
    if isinstance(x, Container):
        return x.items, x.valid(), x.kind
    if isinstance(x, Grid):
        return _grid_rows(x), jnp.arange(x.canvas) < x.h, "tuple"
    if isinstance(x, Indices):
        pairs = values.pairs_of(x)
        return pairs.items, pairs.valid(), "frozenset"
    if isinstance(x, Object):
        cells = values.cells_of(x)
        return cells.items, cells.valid(), "frozenset"
    if values.is_pair(x):
        return jnp.asarray(x, jnp.int32), jnp.ones((2,), bool), "tuple"
    return None


def _count(x):
    """int32[]: the number of elements of any sequence form; None if not a sequence."""
    if isinstance(x, Container):
        return x.size
    if isinstance(x, Grid):
        return x.h
    if isinstance(x, (Indices, Object)):
        return values.cell_count(x)
    if values.is_pair(x):
        return np.int32(2)
    if _is_static_seq(x):
        return np.int32(len(_static_items(x)[0]))
    return None


def _take(items, k):
    if isinstance(k, jax.core.Tracer):  # numpy leaves (a concrete container) take no tracer index
        return jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf)[k], items)
    return jax.tree_util.tree_map(lambda leaf: leaf[k], items)


def _leading(items) -> int:
    return jax.tree_util.tree_leaves(items)[0].shape[0]


def _failed(like=None):
    """A placeholder for a lane the reference raises on (never read)."""
    flags.require(False)
    return np.int32(0) if like is None else like


def _unsupported(like=None):
    """A placeholder for a case the padded forms cannot represent: not exact."""
    flags.fits(False)
    return np.int32(0) if like is None else like


def _empty_tuple() -> Container:
    return Container(jnp.zeros((_capacity(),), jnp.int32), jnp.asarray(0, jnp.int32), "tuple")


def _member_mask(items, valid, other):
    """bool[N]: which elements equal `other` (a single value), dsl_py's ==."""
    return flags.map_elements(lambda e: jnp.asarray(arithmetic.equality(e, other)), valid, items) & valid


def _equal_matrix(rows, row_valid, items, valid):
    """bool[M, N]: row element m equals element n (both valid), dsl_py's ==. Patches of one
    form compare by fingerprint (M x N small vectors, not M x N planes)."""
    if isinstance(items, (Indices, Object)) and _same_item_form(rows, items):
        mine = values.patch_fingerprints(rows)
        theirs = values.patch_fingerprints(items)
        same = jnp.all(mine[:, None, :] == theirs[None, :, :], axis=-1)
        return same & row_valid[:, None] & valid[None, :]
    return flags.map_elements(lambda e: _member_mask(items, valid, e), row_valid, rows) & row_valid[:, None]


def _in_container(items, valid, container):
    """bool[N]: which elements are `in container` (the container of any form). Patches in a
    set of patches compare by fingerprint (N x K small vectors, not N x K planes)."""
    if (isinstance(items, (Indices, Object)) and isinstance(container, Container)
            and _same_item_form(items, container.items)):
        return jnp.any(_equal_matrix(items, valid, container.items, container.valid()), axis=1)
    return flags.map_elements(lambda e: jnp.asarray(contained(e, container)), valid, items) & valid


def _rebuild(items, keep, kind, ordered_set=False):
    """A container of `kind` holding the kept items, in their order.

    A frozenset of non-int items that are already deduplicated and canonically ordered
    (ordered_set) is compacted as it is; other frozensets go through make_frozenset,
    which orders them (CPython order for ints, from this insertion order)."""
    if kind == "tuple":
        return values.make_tuple(items, keep, _capacity())
    if ordered_set and not _int_items(items):
        packed = values.make_tuple(items, keep, _capacity())
        return _as_frozenset(packed)
    return values.make_frozenset(items, keep, _capacity())


def _as_frozenset(c: Container):
    """A tuple Container already in canonical set order, seen as a frozenset (pairs become
    an Indices and cells an Object, as make_frozenset would)."""
    if values.is_pair_items(c.items) or values.is_cell_items(c.items):
        return values.make_frozenset(c.items, c.valid(), _capacity())
    return Container(c.items, c.size, "frozenset")


def _rows_grid(rows: Container, keep, canvas) -> Grid:
    """The Grid made of the kept rows (all of one width), in order."""
    c = rows.items.shape[0]
    position = jnp.cumsum(keep.astype(jnp.int32)) - 1
    target = jnp.where(keep, position, c)
    h = jnp.sum(keep, dtype=jnp.int32)
    cells = jnp.full((c + 1, rows.items.shape[1]), -1, jnp.int32).at[target].set(rows.items, mode="drop")[:c]
    w = jnp.where(h > 0, rows.size[0], 0)
    cells = jnp.where((jnp.arange(cells.shape[1])[None, :] < w) & (jnp.arange(c)[:, None] < h), cells, -1)
    return Grid(cells[:, :canvas].astype(jnp.int8), h, jnp.asarray(w, jnp.int32))


def _keys(compfunc, items, valid):
    """(keys int32[N, L], raw outputs): compfunc on each element as sortable keys.

    Ints and bools give L=1, pairs L=2 (lexicographic); other results cannot be ordered
    here (not exact)."""
    raw = flags.map_elements(compfunc, valid, items)
    if isinstance(raw, (jax.Array, np.ndarray)) and raw.ndim == 1:
        return jnp.asarray(raw, jnp.int32)[:, None], raw
    if isinstance(raw, (jax.Array, np.ndarray)) and raw.ndim == 2 and raw.shape[1] == 2:
        return jnp.asarray(raw, jnp.int32), raw
    flags.fits(False)
    n = valid.shape[0]
    return jnp.zeros((n, 1), jnp.int32), raw


def _sorted_positions(keys, valid, descending=False):
    """int32[N]: a stable order of the valid elements by keys (invalid ones last)."""
    cols = -keys if descending else keys
    # lexsort sorts by the last key first: invalid last, then keys lexicographically, then
    # position (lax.sort is not stable by itself, so the position is a key too).
    position = jnp.arange(keys.shape[0], dtype=jnp.int32)
    sort_keys = ([position] + [cols[:, j] for j in reversed(range(cols.shape[1]))]
                 + [(~valid).astype(jnp.int32)])
    return jnp.lexsort(tuple(sort_keys)).astype(jnp.int32)


# --------------------------------------------------------------------------- basic


def size(container):
    """len(container) (int32[]); the reference raises on ints and callables."""
    n = _count(container)
    if n is None:
        return _failed()
    return n if isinstance(n, jax.Array) else np.int32(n)


def contained(value, container):
    """value in container (bool[]), with dsl_py's == on elements of any form."""
    if isinstance(container, Indices):
        if not values.is_pair(value):
            return np.asarray(False)  # an Indices holds pairs only
        p, m = container.mask.shape[-1], container.margin
        i, j = jnp.asarray(value, jnp.int32)[0] + m, jnp.asarray(value, jnp.int32)[1] + m
        inside = (i >= 0) & (i < p) & (j >= 0) & (j < p)
        return inside & container.mask[jnp.clip(i, 0, p - 1), jnp.clip(j, 0, p - 1)]
    if isinstance(container, Object):
        if not (isinstance(value, tuple) and len(value) == 2 and values.is_int(value[0])
                and values.is_pair(value[1])):
            return np.asarray(False)  # an Object holds cells only
        p, m = container.colour.shape[-1], container.margin
        ij = jnp.asarray(value[1], jnp.int32)
        i, j = ij[0] + m, ij[1] + m
        inside = (i >= 0) & (i < p) & (j >= 0) & (j < p)
        here = container.colour[jnp.clip(i, 0, p - 1), jnp.clip(j, 0, p - 1)].astype(jnp.int32)
        return inside & (here >= 0) & (here == jnp.asarray(value[0], jnp.int32))
    if _is_static_seq(container):
        elements, _ = _static_items(container)
        hits = [jnp.asarray(arithmetic.equality(e, value)) for e in elements]
        return jnp.any(jnp.stack(hits)) if hits else np.asarray(False)
    got = _elements(container)
    if got is None:
        return _failed(np.asarray(False))
    items, valid, _ = got
    return jnp.any(_member_mask(items, valid, value))


def first(container):
    """The first element in dsl_py's order; not ok when empty (StopIteration)."""
    if _is_static_seq(container):
        elements, _ = _static_items(container)
        return elements[0] if elements else _failed()
    if isinstance(container, Indices):
        flat = container.mask.reshape(-1)
        p = container.mask.shape[-1]
        k = jnp.argmax(flat).astype(jnp.int32)
        flags.require(jnp.any(flat))
        return jnp.stack([k // p, k % p]) - container.margin
    got = _elements(container)
    if got is None:
        return _failed()
    items, valid, _ = got
    flags.require(valid[0])
    return _take(items, 0)


def last(container):
    """The last element in dsl_py's order; not ok when empty (ValueError)."""
    if _is_static_seq(container):
        elements, _ = _static_items(container)
        return elements[-1] if elements else _failed()
    if isinstance(container, Indices):
        flat = container.mask.reshape(-1)
        p = container.mask.shape[-1]
        n = flat.shape[0]
        k = (n - 1 - jnp.argmax(flat[::-1])).astype(jnp.int32)
        flags.require(jnp.any(flat))
        return jnp.stack([k // p, k % p]) - container.margin
    got = _elements(container)
    if got is None:
        return _failed()
    items, valid, _ = got
    n = jnp.sum(valid, dtype=jnp.int32)
    flags.require(n > 0)
    return _take(items, jnp.maximum(n - 1, 0))


def totuple(container):
    """tuple(container): the elements in dsl_py's order, packed as a tuple Container (a
    Grid and a tuple are returned as they are)."""
    if isinstance(container, (Grid, tuple)) or values.is_pair(container):
        return container
    if isinstance(container, Functions):
        return Functions(container.fns, "tuple")
    if isinstance(container, Container):
        return Container(container.items, container.size, "tuple")
    got = _elements(container)
    if got is None:
        return _failed()
    items, valid, _ = got
    return values.make_tuple(items, valid, _capacity())


# --------------------------------------------------------------------------- ints


def interval(start, stop, step):
    """tuple(range(start, stop, step)) as a tuple Container of ints; step 0 not ok."""
    # Static bounds give a static (numpy) Container, e.g. for apply(lbind(rbind, f),
    # interval(ONE, FOUR, ONE)), which maps to callables only over static elements.
    xp = np if all(isinstance(v, (int, np.integer, np.ndarray)) for v in (start, stop, step)) else jnp
    start, stop, step = (xp.asarray(v, np.int32) for v in (start, stop, step))
    flags.require(step != 0)
    safe = xp.where(step == 0, 1, step)
    span = xp.where(safe > 0, stop - start + safe - 1, stop - start + safe + 1)
    n = xp.maximum(0, span // safe)
    flags.fits(n <= _capacity())
    k = xp.arange(_capacity(), dtype=np.int32)
    items = xp.where(k < n, start + k * safe, 0).astype(np.int32)
    return Container(items, xp.asarray(xp.minimum(n, _capacity()), np.int32), "tuple")


def astuple(a, b):
    """The tuple (a, b): of two ints an IntegerTuple (int32[2]); of two callables a
    Functions; of two values of one traced form (grids, patches, containers, pairs) a
    tuple Container of 2 elements; otherwise (e.g. a Cell (colour, pair)) a Python tuple."""
    if values.is_int(a) and values.is_int(b):
        return jnp.stack([jnp.asarray(a, jnp.int32), jnp.asarray(b, jnp.int32)])
    if _is_function(a) and _is_function(b):
        return Functions((a, b), "tuple")
    if not (_is_function(a) or _is_function(b) or isinstance(a, (tuple, Functions))
            or isinstance(b, (tuple, Functions)) or values.is_int(a) or values.is_int(b)):
        one = jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf)[None], a)
        other = jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf)[None], b)
        if _same_item_form(one, other):
            return values.make_tuple(_concat(one, other), jnp.ones((2,), bool), _capacity())
    return (arithmetic.as_array(a), arithmetic.as_array(b))


def repeat(item, num):
    """A tuple of `num` copies of item (empty for num <= 0); items broadcast to K slots."""
    if _is_function(item):
        if isinstance(num, jax.Array):
            return _unsupported(Functions((), "tuple"))
        return Functions((item,) * max(0, int(num)), "tuple")
    if isinstance(item, tuple) and not all(
            isinstance(v, (jax.Array, np.ndarray, int, bool, Grid, Indices, Object, Container))
            for v in item):
        return _unsupported(_empty_tuple())
    k = _capacity()
    n = jnp.maximum(jnp.asarray(num, jnp.int32), 0)
    flags.fits(n <= k)
    one = jax.tree_util.tree_map(lambda v: jnp.asarray(v), _int32_ints(item))
    items = jax.tree_util.tree_map(lambda leaf: jnp.broadcast_to(leaf, (k,) + leaf.shape), one)
    keep = jnp.arange(k) < n
    items = jax.tree_util.tree_map(
        lambda leaf, pad: jnp.where(keep.reshape((k,) + (1,) * (leaf.ndim - 1)), leaf, pad),
        items, values.blank(items))
    return Container(items, jnp.minimum(n, k).astype(jnp.int32), "tuple")


def _int32_ints(x):
    """Python / bool scalars as int32 arrays, other leaves untouched."""
    if isinstance(x, (bool, int, np.integer, np.bool_)):
        return jnp.asarray(x, jnp.int32)
    if isinstance(x, tuple):
        return tuple(_int32_ints(v) for v in x)
    return x


def _ints_of(container):
    """(int32[N], valid) for containers of ints (Containers of int items, pairs)."""
    if values.is_pair(container):
        return jnp.asarray(container, jnp.int32), jnp.ones((2,), bool)
    if isinstance(container, Container) and _int_items(container.items):
        return jnp.asarray(container.items, jnp.int32), container.valid()
    return None


def maximum(container):
    """max(container, default=0): ints (and pairs' entries) directly; a patch's largest
    pair / cell is its last in canonical order; other forms are not exact."""
    return _extreme(container, True)


def minimum(container):
    """min(container, default=0): see maximum."""
    return _extreme(container, False)


def _extreme(container, largest):
    ints = _ints_of(container)
    if ints is not None:
        v, valid = ints
        fill = jnp.iinfo(jnp.int32).min if largest else jnp.iinfo(jnp.int32).max
        pick = jnp.max if largest else jnp.min
        best = pick(jnp.where(valid, v, fill))
        return jnp.where(jnp.any(valid), best, 0).astype(jnp.int32)
    if isinstance(container, (Indices, Object)):
        # Pairs and cells compare as tuples: the canonical order. An empty patch gives 0,
        # which has another form: exact only on non-empty lanes.
        n = _count(container)
        flags.fits(n > 0)
        return last(container) if largest else first(container)
    if isinstance(container, Grid):
        return _unsupported()
    if _is_static_seq(container) and not _count(container):
        return np.int32(0)
    return _unsupported()


# --------------------------------------------------------------------------- by key


def _static_by_key(container, compfunc, largest, value_only):
    """argmax & co. on a static sequence: keys must be known at trace time."""
    elements, _ = _static_items(container)
    if not elements:
        return compfunc(0) if value_only else _failed()
    keys = [compfunc(e) for e in elements]
    if not all(isinstance(k, (bool, int, np.integer, np.bool_)) or
               (isinstance(k, np.ndarray) and k.shape == ()) for k in keys):
        return _unsupported(keys[0] if value_only else elements[0])
    ints = [int(k) for k in keys]
    best = (max if largest else min)(range(len(elements)), key=lambda i: ints[i])
    return keys[best] if value_only else elements[best]


def _by_key(container, compfunc, largest):
    """argmax / argmin on any sequence form."""
    if _is_static_seq(container):
        return _static_by_key(container, compfunc, largest, False)
    got = _elements(container)
    if got is None:
        return _failed()
    items, valid, _ = got
    keys, _ = _keys(compfunc, items, valid)
    position = _sorted_positions(keys, valid, descending=largest)[0]
    flags.require(jnp.any(valid))
    return _take(items, position)


def _empty_value(compfunc, like):
    """compfunc(0), what arc-dsl returns for an empty container, when it is known at
    trace time with certain flags and the form of `like`; else None (the caller marks
    empty lanes not exact). A reference error on compfunc(0) gives a not-ok marker."""
    try:
        with jax.ensure_compile_time_eval():
            out, ok, exact = flags.collect(compfunc, np.int32(0))
    except Exception:  # noqa: BLE001 - compfunc has no dsl_jax meaning on an int
        return None
    static = not any(isinstance(x, jax.core.Tracer)
                     for x in jax.tree_util.tree_leaves((out, ok, exact)))
    if not static or not bool(exact):
        return None
    if not bool(ok):
        return _NotOk()
    if not values.same_structure(out, like) or any(
            np.shape(a) != np.shape(b) for a, b in zip(jax.tree_util.tree_leaves(out),
                                                       jax.tree_util.tree_leaves(like))):
        return None
    return out


class _NotOk:
    """Marks compfunc(0) raising in the reference."""


def valmax(container, compfunc):
    """compfunc of the element with the largest key (compfunc(0) when empty)."""
    return _by_key_value(container, compfunc, True)


def valmin(container, compfunc):
    """compfunc of the element with the smallest key (compfunc(0) when empty)."""
    return _by_key_value(container, compfunc, False)


def _by_key_value(container, compfunc, largest):
    """valmax / valmin on any sequence form."""
    if _is_static_seq(container):
        return _static_by_key(container, compfunc, largest, True)
    if _elements(container) is None:
        return _failed()
    items, valid, _ = _elements(container)
    keys, raw = _keys(compfunc, items, valid)
    position = _sorted_positions(keys, valid, descending=largest)[0]
    nonempty = jnp.any(valid)
    chosen = _take(raw, position)
    zero = _empty_value(compfunc, chosen)
    if zero is None:
        flags.fits(nonempty)
        return chosen
    if isinstance(zero, _NotOk):
        flags.require(nonempty)
        return chosen
    return jax.tree_util.tree_map(lambda a, b: jnp.where(nonempty, a, jnp.asarray(b, a.dtype)), chosen, zero)


def argmax(container, compfunc):
    """The first element (dsl_py order) with the largest key; not ok when empty."""
    return _by_key(container, compfunc, True)


def argmin(container, compfunc):
    """The first element (dsl_py order) with the smallest key; not ok when empty."""
    return _by_key(container, compfunc, False)


def order(container, compfunc):
    """The elements stably sorted by compfunc (int or pair keys), as a tuple Container."""
    if _is_static_seq(container):
        elements, kind = _static_items(container)
        if all(_is_function(e) for e in elements) and elements:
            keys = [compfunc(e) for e in elements]
            if all(isinstance(k, (int, np.integer)) for k in keys):
                ranked = sorted(range(len(elements)), key=lambda i: keys[i])
                return Functions(tuple(elements[i] for i in ranked), "tuple")
            return _unsupported(Functions(tuple(elements), "tuple"))
        if not elements:
            return _empty_tuple()
        return _unsupported(_empty_tuple())
    got = _elements(container)
    if got is None:
        return _failed(_empty_tuple())
    items, valid, _ = got
    keys, _ = _keys(compfunc, items, valid)
    positions = _sorted_positions(keys, valid)
    ordered = _take(items, positions)
    return values.make_tuple(ordered, valid[positions], _capacity())


# --------------------------------------------------------------------------- counting


def _common(container, most):
    if _is_set_form(container):
        return _failed()  # frozenset has no .count
    if _is_static_seq(container):
        return _unsupported()
    got = _elements(container)
    if got is None:
        return _failed()
    items, valid, _ = got
    flags.require(jnp.any(valid))
    if values.is_pair_items(items) or values.is_cell_items(items):
        # The distinct elements in the order of set(container), an Indices / Object.
        distinct = values.make_frozenset(items, valid, max(_leading(items), 1))
        d_items, d_valid, _ = _elements(distinct)
        same = _equal_matrix(d_items, d_valid, items, valid)
        counts = jnp.sum(same, axis=1, dtype=jnp.int32)
        position = _sorted_positions(counts[:, None], d_valid, descending=most)[0]
        return _take(d_items, position)
    # First occurrences ranked in set(container)'s order (CPython order for ints,
    # canonical otherwise); the answer is the first of them with the extreme count.
    keep, rank, same = values.set_order(items, valid)
    if same is None:
        same = _equal_matrix(items, valid, items, valid)
    counts = jnp.sum(same & valid[None, :], axis=1, dtype=jnp.int32)
    extreme = (jnp.max if most else jnp.min)(jnp.where(keep, counts, -1 if most else _leading(items) + 1))
    position = jnp.argmin(jnp.where(keep & (counts == extreme), rank, _leading(items)))
    return _take(items, position)


def mostcommon(container):
    """The most frequent element; ties go to the first in set(container)'s order."""
    return _common(container, True)


def leastcommon(container):
    """The least frequent element; ties go to the first in set(container)'s order."""
    return _common(container, False)


def dedupe(tup):
    """The tuple with first occurrences kept (a Grid keeps its distinct rows); the
    reference raises on a non-empty frozenset."""
    if _is_set_form(tup):
        n = _count(tup)
        flags.require(n == 0)
        return _empty_tuple()
    if _is_static_seq(tup):
        elements, kind = _static_items(tup)
        if all(_is_function(e) for e in elements):
            kept = []
            for e in elements:
                if not any(e is k for k in kept):
                    kept.append(e)
            return Functions(tuple(kept), kind)
        return _unsupported(_empty_tuple())
    got = _elements(tup)
    if got is None:
        return _failed(_empty_tuple())
    items, valid, _ = got
    n = valid.shape[0]
    same = _equal_matrix(items, valid, items, valid)
    earlier = jnp.tril(jnp.ones((n, n), bool), k=-1)
    keep = valid & ~jnp.any(same & earlier, axis=1)
    if isinstance(tup, Grid):
        return _rows_grid(items, keep, tup.canvas)
    return values.make_tuple(items, keep, _capacity())


# --------------------------------------------------------------------------- filtering


def _filtered(container, keep_of):
    """container's elements where keep_of(items, valid) holds, in container's form."""
    if isinstance(container, Indices):
        items, valid, _ = _elements(container)
        keep = keep_of(items, valid)
        return values.indices_from_pairs(items, keep)
    if isinstance(container, Object):
        items, valid, _ = _elements(container)
        keep = keep_of(items, valid)
        return values.object_from_cells(items, keep)
    if isinstance(container, Grid):
        items, valid, _ = _elements(container)
        return _rows_grid(items, keep_of(items, valid), container.canvas)
    if isinstance(container, Container):
        keep = keep_of(container.items, container.valid())
        return _rebuild(container.items, keep, container.kind, ordered_set=True)
    if values.is_pair(container):
        items, valid, _ = _elements(container)
        return values.make_tuple(items, keep_of(items, valid), _capacity())
    return None


def sfilter(container, condition):
    """The elements satisfying condition, in the container's form (frozensets stay in
    dsl_py's order; an int set is reordered as CPython rebuilds it)."""
    if _is_static_seq(container):
        elements, kind = _static_items(container)
        if not elements:
            return container
        return _unsupported(container)

    def keep_of(items, valid):
        hit = flags.map_elements(lambda e: arithmetic.truthy(condition(e)), valid, items)
        return valid & hit

    out = _filtered(container, keep_of)
    return _failed(_empty_tuple()) if out is None else out


def remove(value, container):
    """The elements != value, in the container's form."""
    if _is_static_seq(container):
        elements, kind = _static_items(container)
        if all(_is_function(e) for e in elements) and _is_function(value):
            return Functions(tuple(e for e in elements if e is not value), kind)
        if not elements:
            return container
        return _unsupported(container)
    if isinstance(container, Indices):
        if not values.is_pair(value):
            return container
        hit = contained(value, container)
        p, m = container.mask.shape[-1], container.margin
        ij = jnp.asarray(value, jnp.int32) + m
        spot = (jnp.arange(p)[:, None] == ij[0]) & (jnp.arange(p)[None, :] == ij[1])
        return Indices(container.mask & ~(spot & hit), m)
    if isinstance(container, Object):
        hit = contained(value, container)
        if isinstance(hit, np.ndarray):
            return container
        p, m = container.colour.shape[-1], container.margin
        ij = jnp.asarray(value[1], jnp.int32) + m
        spot = (jnp.arange(p)[:, None] == ij[0]) & (jnp.arange(p)[None, :] == ij[1])
        return Object(jnp.where(spot & hit, jnp.int8(-1), container.colour), m)
    out = _filtered(container, lambda items, valid: valid & ~_member_mask(items, valid, value))
    return _failed(_empty_tuple()) if out is None else out


def other(container, value):
    """first(remove(value, container)); not ok when nothing else is left."""
    return first(remove(value, container))


def extract(container, condition):
    """The first element (dsl_py order) satisfying condition; not ok when none does."""
    if _is_static_seq(container):
        elements, _ = _static_items(container)
        if not elements:
            return _failed()
        hits = [arithmetic.truthy(condition(e)) for e in elements]
        if all(isinstance(h, np.ndarray) for h in hits):
            for e, h in zip(elements, hits):
                if bool(h):
                    return e
            return _failed(elements[0])
        return _unsupported(elements[0])
    got = _elements(container)
    if got is None:
        return _failed()
    items, valid, _ = got
    hit = valid & flags.map_elements(lambda e: arithmetic.truthy(condition(e)), valid, items)
    flags.require(jnp.any(hit))
    return _take(items, jnp.argmax(hit))


def difference(a, b):
    """a's elements not in b, in a's form (a frozenset of ints rebuilt in a's order)."""
    if _is_static_seq(a):
        elements, kind = _static_items(a)
        if not elements:
            return a
        return _unsupported(a)
    if isinstance(a, Indices) and isinstance(b, Indices):
        return Indices(a.mask & ~b.mask, a.margin)
    if isinstance(a, Object) and isinstance(b, Object):
        return Object(jnp.where(b.colour == a.colour, jnp.int8(-1), a.colour), a.margin)
    if isinstance(a, Indices) and isinstance(b, Object) or isinstance(a, Object) and isinstance(b, Indices):
        return a  # pairs are never cells
    out = _filtered(a, lambda items, valid: valid & ~_in_container(items, valid, b))
    return _failed(_empty_tuple()) if out is None else out


# --------------------------------------------------------------------------- building


def initset(value):
    """frozenset({value}): a pair gives an Indices, a cell an Object, a callable a
    Functions, anything else a one-element frozenset Container."""
    if _is_function(value):
        return Functions((value,), "frozenset")
    one = jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf)[None], _int32_ints(value))
    return values.make_frozenset(one, jnp.ones((1,), bool), _capacity())


def _concat(x, y):
    return jax.tree_util.tree_map(lambda a, b: jnp.concatenate([a, b.astype(a.dtype)]), x, y)


def _same_item_form(x, y) -> bool:
    """Two item batches hold elements of one form (same structure and element shapes)."""
    if not values.same_structure(x, y):
        return False
    return all(np.shape(a)[1:] == np.shape(b)[1:]
               for a, b in zip(jax.tree_util.tree_leaves(x), jax.tree_util.tree_leaves(y)))


def combine(a, b):
    """a's elements then b's, in a's form: a tuple keeps duplicates, a frozenset is
    rebuilt (CPython order for ints from this insertion order), two patches unite."""
    if isinstance(a, Indices) and isinstance(b, Indices):
        return Indices(a.mask | b.mask, a.margin)
    if isinstance(a, Object) and isinstance(b, Object):
        clash = (a.colour >= 0) & (b.colour >= 0) & (a.colour != b.colour)
        flags.fits(~jnp.any(clash))
        return Object(jnp.where(a.colour >= 0, a.colour, b.colour), a.margin)
    if isinstance(a, Grid) and isinstance(b, Grid):
        # A tuple of rows: a Grid only when the widths agree (or one side is empty).
        same = (a.w == b.w) | (a.h == 0) | (b.h == 0)
        flags.fits(same)
        h = a.h + b.h
        c = a.canvas
        flags.fits(h <= c)
        rows = jnp.arange(c)
        from_b = b.cells[jnp.clip(rows - a.h, 0, c - 1)]
        cells = jnp.where((rows < a.h)[:, None], a.cells, jnp.where((rows < h)[:, None], from_b, -1))
        w = jnp.where(a.h > 0, a.w, b.w)
        return Grid(cells.astype(jnp.int8), jnp.minimum(h, c).astype(jnp.int32), jnp.where(h > 0, w, 0).astype(jnp.int32))
    if _is_static_seq(a) or _is_static_seq(b):
        if isinstance(a, Functions) and isinstance(b, Functions):
            fns = a.fns + b.fns
            if a.kind == "frozenset":
                unique = []
                for f in fns:
                    if not any(f is u for u in unique):
                        unique.append(f)
                fns = tuple(unique)
            return Functions(fns, a.kind)
        return _unsupported(a)
    ga, gb = _elements(a), _elements(b)
    if ga is None or gb is None:
        return _failed(a)
    (ia, va, ka), (ib, vb, _) = ga, gb
    if not _same_item_form(ia, ib):
        # Elements of two forms cannot share a container: exact only while one side is
        # empty. An int Container or an Indices (the forms an empty literal takes) yields
        # to the other side.
        if isinstance(a, Indices) or (isinstance(a, Container) and _int_items(ia)):
            flags.fits(~jnp.any(va))
            return _rebuild(ib, vb, ka, ordered_set=_is_set_form(b))
        flags.fits(~jnp.any(vb))
        return _rebuild(ia, va, ka, ordered_set=True)
    items = _concat(ia, ib)
    keep = jnp.concatenate([va, vb])
    if ka == "tuple":
        return values.make_tuple(items, keep, _capacity())
    return values.make_frozenset(items, keep, _capacity())


def insert(value, container):
    """container | {value} (frozensets only). Ints: exact where CPython's table copy
    provably iterates in ascending order (every value in 0..7; or, from 5 elements, a
    table of >= 16 slots and every value in 0..15), or where the container holds at most 3
    elements, in their home slots (distinct hash & 7); ascending inside
    values.int_order_free()."""
    if isinstance(container, Indices):
        if not values.is_pair(value):
            return _unsupported(container)
        one = jnp.asarray(value, jnp.int32)[None]
        return combine(container, values.indices_from_pairs(one, jnp.ones((1,), bool)))
    if isinstance(container, Object):
        if not (isinstance(value, tuple) and len(value) == 2):
            return _unsupported(container)
        cell = (jnp.asarray(value[0], jnp.int32)[None], jnp.asarray(value[1], jnp.int32)[None])
        return combine(container, values.object_from_cells(cell, jnp.ones((1,), bool)))
    if isinstance(container, Functions):
        if container.kind != "frozenset":
            return _failed(container)
        fns = container.fns if any(value is f for f in container.fns) else container.fns + (value,)
        return Functions(fns, "frozenset")
    if not isinstance(container, Container) or container.kind != "frozenset":
        return _failed(container)
    one = jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf)[None], _int32_ints(value))
    if not _same_item_form(container.items, one):
        flags.fits(container.size == 0)
        return values.make_frozenset(one, jnp.ones((1,), bool), _capacity())
    items = _concat(container.items, one)
    keep = jnp.concatenate([container.valid(), jnp.ones((1,), bool)])
    if _int_items(items):
        ints = jnp.asarray(items, jnp.int32)
        first_seen, simulated = values.int_set_order(ints, keep)
        distinct = jnp.sum(first_seen, dtype=jnp.int32)
        small = jnp.all(~keep | ((ints >= 0) & (ints < 8)))
        medium = jnp.all(~keep | ((ints >= 0) & (ints < 16)))
        # A container of up to 3 elements has an 8-slot table, which the union copies slot
        # by slot and keeps (from 4, union resizes before adding, even a duplicate). Where
        # its elements have distinct home slots (hash & 7) each sits in its own, and the
        # 8-slot simulation of inserting them, then value, is CPython's order.
        homes = jnp.where(ints == -1, -2, ints) & 7
        held = container.valid()
        clash = (homes[:-1, None] == homes[None, :-1]) & (ints[:-1, None] != ints[None, :-1])
        own_homes = ~jnp.any(clash & held[:, None] & held[None, :])
        few = (container.size <= 3) & own_homes  # inside int_order_free, simulated is ascending
        flags.fits(small | few | ((distinct >= 5) & medium) | values.int_order_is_free())
        ascending = jnp.sum((ints[None, :] < ints[:, None]) & first_seen[None, :], axis=1)
        rank = jnp.where(few, simulated, ascending)
        k = _capacity()
        flags.fits(distinct <= k)
        target = jnp.where(first_seen & (rank < k), rank, k)
        packed = jnp.zeros((k + 1,), jnp.int32).at[target].set(ints, mode="drop")[:k]
        return Container(packed, jnp.minimum(distinct, k), "frozenset")
    return values.make_frozenset(items, keep, _capacity())


def intersection(a, b):
    """a & b (frozensets). Ints follow CPython: the smaller set (b on a tie) is walked and
    its elements found in the other are inserted in that order."""
    if isinstance(a, Indices) and isinstance(b, Indices):
        return Indices(a.mask & b.mask, a.margin)
    if isinstance(a, Object) and isinstance(b, Object):
        return Object(jnp.where(a.colour == b.colour, a.colour, jnp.int8(-1)), a.margin)
    if not (_is_set_form(a) and _is_set_form(b)):
        return _failed(a)
    if isinstance(a, Functions) or isinstance(b, Functions):
        if isinstance(a, Functions) and isinstance(b, Functions):
            return Functions(tuple(f for f in a.fns if any(f is g for g in b.fns)), "frozenset")
        return _unsupported(a)
    if isinstance(a, (Indices, Object)) or isinstance(b, (Indices, Object)):
        # A patch and a Container: the Container can only hold the same elements when empty.
        other_ = b if isinstance(a, (Indices, Object)) else a
        flags.fits(other_.size == 0)
        return a if isinstance(a, Container) else b
    if not _same_item_form(a.items, b.items):
        flags.fits((a.size == 0) | (b.size == 0))
        return a
    if _int_items(a.items):
        walk_a = b.size > a.size  # walk a when b is larger, else b
        wa = a.valid() & _in_container(a.items, a.valid(), b)
        wb = b.valid() & _in_container(b.items, b.valid(), a)
        items = jnp.where(walk_a, jnp.asarray(a.items, jnp.int32), jnp.asarray(b.items, jnp.int32))
        keep = jnp.where(walk_a, wa, wb)
        return values.make_frozenset(items, keep, _capacity())
    keep = a.valid() & _in_container(a.items, a.valid(), b)
    return _rebuild(a.items, keep, "frozenset", ordered_set=True)


def product(a, b):
    """frozenset((i, j) for j in b for i in a): ints give an Indices (beyond the window:
    not exact); callables a Functions of pairs of callables; other elements a frozenset
    Container of pairs of values."""
    if isinstance(a, Functions) and isinstance(b, Functions):
        pairs = []  # pairs of callables, deduplicated by identity as the frozenset does
        for j in b.fns:
            for i in a.fns:
                if not any(i is x and j is y for x, y in pairs):
                    pairs.append((i, j))
        return Functions(tuple(pairs), "frozenset")
    ga, gb = _elements(a), _elements(b)
    if ga is None or gb is None:
        if _is_static_seq(a) and not _static_items(a)[0] or _is_static_seq(b) and not _static_items(b)[0]:
            return values.empty_indices()
        return _unsupported(values.empty_indices())
    (ia, va, _), (ib, vb, _) = ga, gb
    if _int_items(ia) and _int_items(ib):
        p, m = values.current_tier().window, values.current_tier().margin
        i = jnp.asarray(ia, jnp.int32) + m
        j = jnp.asarray(ib, jnp.int32) + m
        vi = va & (i >= 0) & (i < p)
        vj = vb & (j >= 0) & (j < p)
        flags.fits(~(jnp.any(va) & jnp.any(vb)) | (jnp.all(vi | ~va) & jnp.all(vj | ~vb)))
        rows = jnp.zeros((p + 1,), bool).at[jnp.where(vi, i, p)].set(True)[:p]
        cols = jnp.zeros((p + 1,), bool).at[jnp.where(vj, j, p)].set(True)[:p]
        return Indices(rows[:, None] & cols[None, :], m)
    return values.make_frozenset(*product_pairs((ia, va), (ib, vb)), _capacity())


def product_pairs(a_elements, b_elements):
    """((xs, ys), valid bool[Na * Nb]): every pair (x, y) of the elements of two traced
    containers ((items, valid) each, before deduplication and order). Each side is
    compacted to a static budget so the product stays small: K for light elements (ints,
    pairs, cells), about 2 sqrt(K) for others; more: not exact."""
    (ia, va), (ib, vb) = a_elements, b_elements
    light = all(leaf.ndim <= 2 for leaf in jax.tree_util.tree_leaves((ia, ib)))
    cap = _capacity() if light else max(1, int(np.sqrt(4 * _capacity())))
    ia, va = _compact(ia, va, cap)
    ib, vb = _compact(ib, vb, cap)
    na, nb = va.shape[0], vb.shape[0]
    xs = jax.tree_util.tree_map(lambda leaf: jnp.tile(leaf, (nb,) + (1,) * (leaf.ndim - 1)), ia)
    ys = jax.tree_util.tree_map(lambda leaf: jnp.repeat(leaf, na, axis=0), ib)
    return (xs, ys), jnp.tile(va, nb) & jnp.repeat(vb, na)


def _compact(items, valid, cap):
    """(items, valid): the first `cap` valid items in order (more: not exact)."""
    if valid.shape[0] <= cap:
        return items, valid
    packed = values.make_tuple(items, valid, cap)
    return packed.items, packed.valid()


def pair(a, b):
    """tuple(zip(a, b)) over the common length; two int sequences give a tuple
    Container of pairs, others a tuple Container of (a_k, b_k) tuples."""
    ga, gb = _elements(a), _elements(b)
    if ga is None or gb is None:
        if (_is_static_seq(a) and not _static_items(a)[0]) or (_is_static_seq(b) and not _static_items(b)[0]):
            return _empty_tuple()
        return _unsupported(_empty_tuple())
    (ia, va, _), (ib, vb, _) = ga, gb
    n = min(va.shape[0], vb.shape[0])
    ia = jax.tree_util.tree_map(lambda leaf: leaf[:n], ia)
    ib = jax.tree_util.tree_map(lambda leaf: leaf[:n], ib)
    valid = va[:n] & vb[:n]
    if _int_items(ia) and _int_items(ib):
        items = jnp.stack([jnp.asarray(ia, jnp.int32), jnp.asarray(ib, jnp.int32)], axis=1)
    else:
        items = (ia, ib)
    return values.make_tuple(items, valid, _capacity())


# --------------------------------------------------------------------------- merge


def merge(containers):
    """The elements of every inner container, in the outer's kind: a tuple keeps order and
    duplicates; a frozenset of patches unites them; other frozensets are rebuilt from
    the walk order (CPython order for ints)."""
    if _is_static_seq(containers):
        elements, kind = _static_items(containers)
        if not elements:
            return containers if isinstance(containers, Functions) else _empty_tuple()
        if all(isinstance(e, Functions) for e in elements):
            fns = tuple(f for e in elements for f in e.fns)
            return Functions(fns, kind)
        if kind == "tuple" and not isinstance(containers, Functions):
            # A fixed tuple of sequences (e.g. a pair of objects from product): their
            # elements in order, a tuple (arc-dsl concatenates a tuple's members).
            got = [_elements(e) for e in elements]
            if all(g is not None for g in got) and all(_same_item_form(got[0][0], g[0]) for g in got):
                items = got[0][0]
                for g in got[1:]:
                    items = _concat(items, g[0])
                valid = jnp.concatenate([g[1] for g in got])
                return values.make_tuple(items, valid, _capacity())
        return _unsupported(_empty_tuple())
    if isinstance(containers, Grid):
        rows = _grid_rows(containers)
        c = containers.canvas
        cap = rows.items.shape[1]
        valid = (jnp.arange(c)[:, None] < containers.h) & (jnp.arange(cap)[None, :] < containers.w)
        return values.make_tuple(rows.items.reshape(-1), valid.reshape(-1), _capacity())
    if values.is_pair(containers):
        return _failed(_empty_tuple())  # ints are not iterable
    got = _elements(containers)
    if got is None:
        return _failed(_empty_tuple())
    items, valid, kind = got
    if isinstance(containers, (Indices, Object)):
        # Elements are pairs (ints inside) or cells (an int and a pair): rarely merged.
        if isinstance(containers, Indices):
            flat = jnp.asarray(items, jnp.int32).reshape(-1)
            return values.make_frozenset(flat, jnp.repeat(valid, 2), _capacity())
        return _unsupported(values.empty_indices())
    if isinstance(items, (Indices, Object)):
        if kind == "frozenset":
            return values.union_patches(items, valid)
        return _concat_patches(items, valid)
    if isinstance(items, Grid):
        rows, row_valid = jax.vmap(lambda g: (_grid_rows(g), jnp.arange(g.canvas) < g.h))(items)
        flat_items = jax.tree_util.tree_map(lambda leaf: leaf.reshape((-1,) + leaf.shape[2:]), rows)
        flat_valid = (row_valid & valid[:, None]).reshape(-1)
        if kind == "tuple":  # the rows of grids stacked: as many as a canvas holds
            return values.make_tuple(flat_items, flat_valid, max(_capacity(), items.canvas))
        return _rebuild(flat_items, flat_valid, kind)
    if isinstance(items, Container):
        flat_items = jax.tree_util.tree_map(lambda leaf: leaf.reshape((-1,) + leaf.shape[2:]), items.items)
        k = jax.tree_util.tree_leaves(items.items)[0].shape[1]
        flat_valid = ((jnp.arange(k)[None, :] < items.size[:, None]) & valid[:, None]).reshape(-1)
        return _rebuild(flat_items, flat_valid, kind)
    if values.is_pair_items(items):
        flat = jnp.asarray(items, jnp.int32).reshape(-1)
        return _rebuild(flat, jnp.repeat(valid, 2), kind)
    if isinstance(items, tuple):
        return _unsupported(_empty_tuple())
    # Ints are not iterable: the reference raises unless there are none (merge(()) is ()).
    flags.require(~jnp.any(valid))
    return _rebuild(jnp.asarray(items, jnp.int32), jnp.zeros_like(valid), kind)


# Elements (pairs or cells: a few ints each) of a tuple of patches merged, e.g. the copies
# of an object that mapply shifts along a tuple of offsets: more than a container's K.
MERGED_CELLS = 256


def _concat_patches(patches, valid):
    """A tuple of patches merged: a tuple of their elements, patch after patch (each in its
    frozenset order), holding up to max(K, MERGED_CELLS) elements; a larger total is not
    exact."""
    cap = max(_capacity(), MERGED_CELLS)
    items, inner_valid, sizes = jax.vmap(lambda patch: values.patch_cells(patch, cap))(patches)
    flags.fits(jnp.sum(jnp.where(valid, sizes, 0)) <= cap)
    flat_items = jax.tree_util.tree_map(lambda leaf: leaf.reshape((-1,) + leaf.shape[2:]), items)
    flat_valid = (inner_valid & valid[:, None]).reshape(-1)
    return values.make_tuple(flat_items, flat_valid, cap)


def mfilter(container, function):
    """merge(sfilter(container, function))."""
    return merge(sfilter(container, function))
