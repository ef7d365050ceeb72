"""Padded, fixed-shape forms of dsl_py values (all pytrees; static shapes per tier).

| dsl_py value                 | dsl_jax form                                             |
|------------------------------|----------------------------------------------------------|
| Integer (int)                | int32[] array, or a Python int constant                  |
| Boolean (bool)               | bool[] array, or a Python bool constant                  |
| IntegerTuple (int, int)      | int32[2] array                                           |
| Grid (tuple of tuples)       | Grid: cells int8[C, C] (-1 outside h x w), h, w int32[]  |
| Indices (frozenset of pairs) | Indices: mask bool[P, P] over the window                 |
| Object (frozenset of cells)  | Object: colour int8[P, P] over the window, -1 = no cell  |
| tuple / frozenset of values  | Container: items (leading axis K), size, kind            |
| other fixed tuple, e.g. Cell | a Python tuple of dsl_jax values                         |
| callable                     | a Python callable over dsl_jax values (trace time)       |
| tuple / frozenset of callables | Functions: a static tuple of callables + kind          |

The window of a patch covers rows and columns -margin .. C + margin - 1: cell (i, j) is
at mask[i + margin, j + margin]; P = C + 2 * margin. Shifted patches leave the grid, so
the window is larger than the canvas; a cell beyond the window makes the value inexact.

Container invariants: elements are packed in items[:size] (padding after them is a blank
element). A frozenset is deduplicated and stored in dsl_py's iteration order: canonical
order for non-int elements, CPython's order for ints (`int_set_order`). A frozenset of
pairs is always an Indices and a frozenset of cells always an Object.

Sizes come from a Tier (static, part of the jit cache key); `current_tier()` is the tier
that primitives use to create values from scratch (set by `use_tier`).
"""
import contextlib
import dataclasses
import functools
import threading
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxbatt.dsl_jax import flags
from jaxbatt.dsl_py.ordering import canonical_key


# --------------------------------------------------------------------------- tiers


@dataclasses.dataclass(frozen=True)
class Tier:
    """Static capacities of padded values."""

    name: str
    canvas: int  # C: grids are C x C canvases
    margin: int  # patch windows extend the canvas by this many cells on each side
    capacity: int  # K: elements of a container

    @property
    def window(self) -> int:
        """P: side of a patch window."""
        return self.canvas + 2 * self.margin


# Lanes try tiers in order; a lane whose grids are larger than a tier's canvas skips it.
# TINY holds ~3/4 of ARC-AGI-1 inputs (<= 12 x 12) in planes a third of SMALL's (22 x 22
# against 40 x 40 cells): per-lane work scales with the plane area. HUGE is for the few
# lanes whose values outgrow LARGE: grids stacked or concatenated far past 48 cells before a
# crop (up to 160), lines shot 42 cells out of the grid (shoot's reach) whose cells a later
# step brings back; ~9x LARGE's plane area, with few objects. No default ladder holds it.
TINY = Tier("tiny", canvas=12, margin=5, capacity=32)
SMALL = Tier("small", canvas=30, margin=5, capacity=32)
LARGE = Tier("large", canvas=48, margin=18, capacity=256)
HUGE = Tier("huge", canvas=160, margin=42, capacity=32)
TIERS = (TINY, SMALL, LARGE, HUGE)

class _Tiers(threading.local):
    """The tier stack of one thread (the engine traces program groups in threads)."""

    def __init__(self):
        self.stack = [SMALL]


_tiers = _Tiers()


def current_tier() -> Tier:
    return _tiers.stack[-1]


@contextlib.contextmanager
def use_tier(tier: Tier):
    """Primitives traced inside this block create values of `tier`."""
    _tiers.stack.append(tier)
    try:
        yield tier
    finally:
        _tiers.stack.pop()


class _IntOrder(threading.local):
    """Whether frozensets of ints built now may take ascending order (see int_order_free)."""

    def __init__(self):
        self.free = False


_int_order = _IntOrder()


@contextlib.contextmanager
def int_order_free():
    """Frozensets of ints built inside this block are in ascending order, exact however
    CPython would order them: for values whose order no later step observes (codegen's
    rewrite pass decides; fused.int_order_free)."""
    before, _int_order.free = _int_order.free, True
    try:
        yield
    finally:
        _int_order.free = before


def int_order_is_free() -> bool:
    return _int_order.free


# --------------------------------------------------------------------------- types


def _pytree(data_fields, meta_fields=()):
    def register(cls):
        cls = dataclasses.dataclass(frozen=True)(cls)
        return jax.tree_util.register_dataclass(
            cls, data_fields=list(data_fields), meta_fields=list(meta_fields))
    return register


def _unclipped(patch, plane):
    """A patch built without a clipped flag is not clipped: False with the plane's leading
    axes (a stack of K patches in a Container's items gets K flags)."""
    if patch.clipped is None:
        shape = getattr(plane, "shape", None)
        lead = tuple(shape[:-2]) if shape is not None and len(shape) >= 2 else ()
        # jnp (not np) for a stack: items are indexed with traced positions.
        object.__setattr__(patch, "clipped", jnp.zeros(lead, bool) if lead else np.False_)


@_pytree(["cells", "h", "w"])
class Grid:
    """A grid of h rows and w columns on a C x C canvas."""

    cells: jax.Array  # (C, C) int8: colours 0..9 inside h x w, -1 outside
    h: jax.Array  # () int32
    w: jax.Array  # () int32

    @property
    def canvas(self) -> int:
        return self.cells.shape[-1]


@_pytree(["mask", "clipped"], ["margin"])
class Indices:
    """A set of cells (i, j): mask[i + margin, j + margin]; clipped: cells outside the
    window were dropped (only lines do this: see clipping.py)."""

    mask: jax.Array  # (P, P) bool
    margin: int  # static
    clipped: jax.Array = None  # () bool; None: not clipped (see _unclipped)

    def __post_init__(self):
        _unclipped(self, self.mask)

    @property
    def canvas(self) -> int:
        return self.mask.shape[-1] - 2 * self.margin


@_pytree(["colour", "clipped"], ["margin"])
class Object:
    """A set of cells (colour, (i, j)): colour[i + margin, j + margin], -1 where absent;
    clipped as for Indices."""

    colour: jax.Array  # (P, P) int8
    margin: int  # static
    clipped: jax.Array = None  # () bool; None: not clipped (see _unclipped)

    def __post_init__(self):
        _unclipped(self, self.colour)

    @property
    def canvas(self) -> int:
        return self.colour.shape[-1] - 2 * self.margin


@_pytree(["items", "size"], ["kind"])
class Container:
    """A tuple or frozenset of up to K values of one form."""

    items: Any  # pytree of element values, every leaf with a leading (K,) axis
    size: jax.Array  # () int32: items[:size] are the elements
    kind: str  # static: "tuple" or "frozenset"

    @property
    def capacity(self) -> int:
        return jax.tree_util.tree_leaves(self.items)[0].shape[0]

    def valid(self) -> jax.Array:
        """bool[K]: which slots hold elements."""
        return jnp.arange(self.capacity) < self.size


@dataclasses.dataclass(frozen=True)
class MappedClosures:
    """apply(function, container) over a traced tuple Container whose images are callables
    (e.g. apply(lbind(lbind, shift), patches)): one closure per element, each known only
    inside a lane, so the tuple is kept as the function and the container. apply and
    papply compose them into the functions they map (functional.py); other primitives do
    not take them (functional.closures_guard). Like a callable it is no pytree: returned
    from a mapped function or as a program's output, JAX refuses it (TypeError)."""

    container: Any  # tuple Container of the elements the closures are built from
    function: Any  # static: element -> callable


@_pytree([], ["fns", "kind"])
class Functions:
    """A tuple or frozenset of callables (or of pairs of callables: product's elements),
    known at trace time. A frozenset holds each callable once (by identity), in dsl_py's
    order (ordering.canonical_key: named functions by qualified name, then the closures that
    compose, fork, rbind... built, in the order they were built, as dsl_py tags them)."""

    fns: tuple  # static
    kind: str  # static: "tuple" or "frozenset"

    def __post_init__(self):
        if self.kind == "frozenset":
            unique = {_identity_key(f): f for f in reversed(self.fns)}
            object.__setattr__(self, "fns", tuple(sorted(unique.values(), key=canonical_key)))


def _identity_key(element):
    return tuple(id(f) for f in element) if isinstance(element, tuple) else id(element)


Patch = (Indices, Object)


def same_structure(a, b) -> bool:
    """a and b have one pytree structure, node classes included (PyTreeDef equality alone
    does not tell an Indices from an Object: both are one-leaf dataclass nodes)."""
    ta, tb = jax.tree_util.tree_structure(a), jax.tree_util.tree_structure(b)
    return ta == tb and str(ta) == str(tb)


def is_int(x) -> bool:
    """Integer or Boolean scalar (Python or array)."""
    if isinstance(x, (bool, int, np.integer, np.bool_)):
        return True
    return isinstance(x, (jax.Array, np.ndarray)) and x.ndim == 0


def is_pair(x) -> bool:
    """IntegerTuple: an int32[2] array."""
    return isinstance(x, (jax.Array, np.ndarray)) and x.shape == (2,)


def as_int(x) -> jax.Array:
    return jnp.asarray(x, dtype=jnp.int32)


def as_pair(x) -> jax.Array:
    return jnp.asarray(x, dtype=jnp.int32).reshape(2)


# --------------------------------------------------------------------------- clipped lines


def is_static_false(x) -> bool:
    """x is a flag known to be False while tracing (Python, numpy or a concrete array)."""
    if isinstance(x, jax.core.Tracer):
        return False
    # np.asarray first: np.any would call jax.Array.any, which gives a tracer under a trace
    return isinstance(x, (bool, np.bool_, np.ndarray, jax.Array)) and not np.asarray(x).any()


def clipped_in(value):
    """bool (Python False when it is known while tracing): does `value` hold a clipped patch?
    Padding elements of containers do not count."""
    if isinstance(value, (Indices, Object)):
        return value.clipped if not is_static_false(value.clipped) else False
    if isinstance(value, Container):
        if all(is_static_false(c) for c in _patch_flags(value.items)):
            return False
        per_item = jax.vmap(lambda item: jnp.asarray(clipped_in(item)))(value.items)
        return jnp.any(per_item & value.valid())
    if isinstance(value, tuple):
        found = [c for c in (clipped_in(v) for v in value) if not is_static_false(c)]
        return functools.reduce(jnp.logical_or, found) if found else False
    return False


def _patch_flags(tree):
    """The clipped leaves of every patch inside a pytree (for a quick static check)."""
    is_patch = lambda x: isinstance(x, (Indices, Object))  # noqa: E731
    return [x.clipped for x in jax.tree_util.tree_leaves(tree, is_leaf=is_patch) if is_patch(x)]


# --------------------------------------------------------------------------- containers


def element(container: Container, k) -> Any:
    """The k-th element (k may be traced; no bounds check)."""
    return jax.tree_util.tree_map(lambda leaf: leaf[k], container.items)


def blank(value) -> Any:
    """The padding element with the form of `value`: -1 planes, empty sets, zeros."""
    if isinstance(value, Grid):
        return Grid(jnp.full_like(value.cells, -1), jnp.zeros_like(value.h), jnp.zeros_like(value.w))
    if isinstance(value, Object):
        return Object(jnp.full_like(value.colour, -1), value.margin)
    if isinstance(value, Container):
        return Container(blank(value.items), jnp.zeros_like(value.size), value.kind)
    if isinstance(value, tuple):
        return tuple(blank(v) for v in value)
    return jax.tree_util.tree_map(jnp.zeros_like, value)


def _scatter_to(items, target, capacity):
    """Element e of `items` goes to slot target[e] (slot `capacity` = dropped); targets of
    kept elements are distinct. Done as a gather (slot s reads the element aimed at it):
    under vmap on CPU a gather of planes is about twice as fast as a scatter."""
    aimed = target[None, :] == jnp.arange(capacity)[:, None]  # (capacity, N)
    return _gather_slots(items, jnp.argmax(aimed, axis=1), jnp.any(aimed, axis=1))


def _gather_slots(items, source, filled):
    """Slot s holds items[source[s]] where filled[s], a blank element elsewhere."""
    padding = blank(jax.tree_util.tree_map(lambda leaf: leaf[0], items))
    capacity = source.shape[0]

    def gather(leaf, pad_leaf):
        taken = jnp.take(leaf, source, axis=0)
        mask = filled.reshape((capacity,) + (1,) * (leaf.ndim - 1))
        return jnp.where(mask, taken, pad_leaf)

    return jax.tree_util.tree_map(gather, items, padding)


def make_tuple(items, valid, capacity=None) -> Container:
    """A tuple of the valid items, in their order. Overflow -> not exact."""
    capacity = capacity or current_tier().capacity
    count = jnp.sum(valid.astype(jnp.int32))
    flags.fits(count <= capacity)
    # Slot s reads the (s + 1)-th valid item: a binary search of the running count, not a
    # capacity x N comparison (merged patches give N in the thousands).
    seen = jnp.cumsum(valid.astype(jnp.int32))
    slots = jnp.arange(capacity, dtype=jnp.int32)
    source = jnp.minimum(jnp.searchsorted(seen, slots + 1, side="left"), valid.shape[0] - 1)
    packed = _gather_slots(items, source, slots < count)
    return Container(packed, jnp.minimum(count, capacity).astype(jnp.int32), "tuple")


# Sort keys: each element is summarised by a fixed-length int32 key whose lexicographic
# order is dsl_py's canonical order (ordering.canonical_key). Keys of patches are truncated
# to PATCH_KEY_CELLS cells, keys of grids and nested containers to about KEY_CELLS entries;
# distinct grids sharing a truncated key are compared in full (_grid_precedes), and so are
# distinct patches, up to TIED_PATCH_PAIRS pairs in a set (_patch_precedes; more: not
# exact); other distinct elements sharing one make the set inexact.
# Equality (dedupe) compares whole elements (patches by fingerprint). Patches in one set
# rarely share their first 6 cells (objects of one grid never share their first; lines from
# one cell in one direction do, and so do the cells of one colour in parts of a grid).
KEY_CELLS = 12
PATCH_KEY_CELLS = 6
TIED_PATCH_PAIRS = 8
_BIG = np.int32(2**30)


def _smallest(codes, n):
    """The n smallest of a patch's codes (_patch_codes: int32[M], M = P * P, distinct, or
    _BIG), ascending, _BIG when absent: one top_k of the negated codes as float32 (2-3x
    faster than n rounds of a masked min under vmap on XLA:CPU), exact while the codes,
    below 128 * M, are float32 integers (P < 362, far past every tier)."""
    if 128 * codes.shape[0] >= 2**24:
        raise ValueError(f"patch codes of a {codes.shape[0]}-cell window are not exact in float32")
    negated, _ = jax.lax.top_k(-codes.astype(jnp.float32), n)
    return (-negated).astype(jnp.int32)


_HASHES = 10


@functools.lru_cache(maxsize=None)
def _hash_weights(cells: int) -> np.ndarray:
    """float32[cells, _HASHES]: random integer weights in [1, W) small enough that a hash
    (the sum of weight x value over a plane's cells, value <= 10) is an exact float32
    integer (< 2**24) whatever the summation order, so it can be a matrix product."""
    top = max(2, (1 << 24) // (cells * 10))
    return np.random.default_rng(20261126).integers(1, top, size=(cells, _HASHES)).astype(np.float32)


def _fingerprint(value):
    """int32[1 + _HASHES] identifying a patch: its size and _HASHES hashes of its plane
    (colour + 1 per cell of an Object, 1 per cell of an Indices).

    Two different patches of one size collide in a hash only if the weight of a cell where
    they differ takes the one value (of W - 1) that cancels the rest: W is 1048 at the small
    tier, 237 at the large one, so all _HASHES collide with probability below 2**-78."""
    if isinstance(value, Object):
        plane = (value.colour.astype(jnp.int32) + 1).reshape(-1)
    else:
        plane = value.mask.reshape(-1).astype(jnp.int32)
    weights = jnp.asarray(_hash_weights(plane.shape[0]))
    hashes = (plane.astype(jnp.float32) @ weights).astype(jnp.int32)
    size = jnp.sum((plane > 0).astype(jnp.int32))
    return jnp.concatenate([size[None], hashes])


def _patch_codes(value):
    """int32[P * P]: a code per cell of the window whose order is canonical cell order
    (colour * P * P + position for an Object, the position for an Indices); _BIG where
    there is no cell."""
    if isinstance(value, Indices):
        flat = value.mask.reshape(-1)
        return jnp.where(flat, jnp.arange(flat.shape[0], dtype=jnp.int32), _BIG)
    flat = value.colour.reshape(-1).astype(jnp.int32)
    return jnp.where(flat >= 0, flat * flat.shape[0] + jnp.arange(flat.shape[0], dtype=jnp.int32), _BIG)


def sort_key(value):
    """(key int32[L], complete bool): canonical-order key of one element (unbatched).

    complete=False means the key was truncated, so it orders but cannot identify."""
    if isinstance(value, tuple):
        parts = [sort_key(v) for v in value]
        return jnp.concatenate([p[0] for p in parts]), jnp.all(jnp.stack([p[1] for p in parts]))
    if isinstance(value, (Indices, Object)):
        codes = _patch_codes(value)
        first = _smallest(codes, PATCH_KEY_CELLS + 1)
        # -1 after the last cell: a prefix sorts first, as for Python tuples.
        key = jnp.where(first == _BIG, -1, first)
        return key[:PATCH_KEY_CELLS], key[PATCH_KEY_CELLS] < 0
    if isinstance(value, Grid):
        # Rows as tuples: each row's colours then -1 (a shorter row sorts first), then -2
        # after the last row (a grid with fewer rows sorts first).
        n = 3 * KEY_CELLS
        s = jnp.arange(n)
        row, col = s // (value.w + 1), s % (value.w + 1)
        inside = row < value.h
        colour = value.cells[jnp.clip(row, 0, value.canvas - 1), jnp.clip(col, 0, value.canvas - 1)]
        key = jnp.where(inside, jnp.where(col < value.w, colour.astype(jnp.int32), -1), -2)
        return key, value.h * (value.w + 1) < n
    if isinstance(value, Container):
        # Containers inside sets: compare element by element (first elements' keys).
        keys, complete = jax.vmap(sort_key)(value.items)
        keys = jnp.where(value.valid()[:, None], keys, -1)
        take = max(1, KEY_CELLS // max(1, keys.shape[1]))
        return keys[:take].reshape(-1), complete.all() & (value.size <= take)
    x = jnp.asarray(value, dtype=jnp.int32)
    return x.reshape(-1), jnp.asarray(True)


def equal(a, b) -> jax.Array:
    """bool[]: two elements of the same form hold the same dsl_py value."""
    if isinstance(a, tuple):
        return jnp.all(jnp.stack([equal(x, y) for x, y in zip(a, b)]))
    if isinstance(a, Grid):
        return (a.h == b.h) & (a.w == b.w) & jnp.all(a.cells == b.cells)
    if isinstance(a, Indices):
        return jnp.all(a.mask == b.mask)
    if isinstance(a, Object):
        return jnp.all(a.colour == b.colour)
    if isinstance(a, Container):
        same = jax.vmap(equal)(a.items, b.items) | ~a.valid()
        return (a.size == b.size) & jnp.all(same)
    return jnp.all(jnp.asarray(a) == jnp.asarray(b))


def _lex_less(a, b):
    """a < b lexicographically (int32[L] keys)."""
    differ = a != b
    first = jnp.argmax(differ)
    return jnp.any(differ) & (a[first] < b[first])


def _patch_precedes(a, b) -> jax.Array:
    """bool[]: patch a comes before patch b (distinct, one form) in canonical order, i.e.
    the sorted tuple of a's cells is lexicographically smaller than b's.

    The two share every cell below d, the smallest cell of their symmetric difference.
    If a holds d, a is smaller unless b ends before d (then b is a prefix of a); if b
    holds d, the reverse."""
    codes_a, codes_b = _patch_codes(a), _patch_codes(b)
    differ = codes_a != codes_b
    first_a = jnp.min(jnp.where(differ, codes_a, _BIG))
    first_b = jnp.min(jnp.where(differ, codes_b, _BIG))
    last_a = jnp.max(jnp.where(codes_a < _BIG, codes_a, -1))
    last_b = jnp.max(jnp.where(codes_b < _BIG, codes_b, -1))
    return jnp.where(first_a < first_b, last_b > first_a, ~(last_a > first_b))


def _grid_precedes(a, b) -> jax.Array:
    """bool[]: grid a comes before grid b (distinct) as tuples of rows: at the first row
    where they differ, the first differing colour, or the shorter row; if every common row
    agrees, the grid with fewer rows."""
    cols = jnp.arange(a.canvas)
    rows = jnp.arange(a.canvas)
    cell_differs = (a.cells != b.cells) & (cols[None, :] < jnp.minimum(a.w, b.w))
    row_differs = (jnp.any(cell_differs, axis=1) | (a.w != b.w)) & (rows < jnp.minimum(a.h, b.h))
    r = jnp.argmax(row_differs)
    j = jnp.argmax(cell_differs[r])
    row_less = jnp.where(jnp.any(cell_differs[r]), a.cells[r, j] < b.cells[r, j], a.w < b.w)
    return jnp.where(jnp.any(row_differs), row_less, a.h < b.h)


def patch_fingerprints(items) -> jax.Array:
    """int32[N, 1 + _HASHES]: the fingerprints of a batch of patches (Indices or Object
    planes): equal for equal patches, different for different ones (see _fingerprint)."""
    return jax.vmap(_fingerprint)(items)


def _dedupe_mask(items, valid):
    """(valid and not equal to an earlier valid item, same bool[N, N]); patches are compared
    by fingerprint."""
    n = valid.shape[0]
    if isinstance(items, (Indices, Object)):
        prints = patch_fingerprints(items)
        same = jnp.all(prints[:, None, :] == prints[None, :, :], axis=-1)
    else:
        same = jax.vmap(lambda a: jax.vmap(lambda b: equal(a, b))(items))(items)
    earlier = jnp.tril(jnp.ones((n, n), bool), k=-1)
    duplicate = jnp.any(same & earlier & valid[None, :], axis=1)
    return valid & ~duplicate, same


def int_set_order(values, valid):
    """CPython's iteration order of a set built by inserting `values` (valid ones, in order).

    Returns (keep bool[N], rank int32[N]): keep marks first occurrences, rank their
    position in iteration order. Emulated exactly for up to 4 distinct values (an 8-slot
    table, probing i = 5 i + 1 + perturb, negatives included) and for any number in [0, 32)
    (from 5 elements the table has >= 32 slots: ascending). Other sets report not exact.
    Inside int_order_free(): ascending, exact.
    """
    values = jnp.asarray(values, jnp.int32)
    n = values.shape[0]
    # First occurrences and ascending ranks from one stable sort (no N x N matrices).
    order = jnp.argsort(jnp.where(valid, values, jnp.iinfo(jnp.int32).max), stable=True)
    sorted_values, sorted_valid = values[order], valid[order]
    starts = sorted_valid & jnp.concatenate([jnp.ones((1,), bool), sorted_values[1:] != sorted_values[:-1]])
    position = jnp.zeros((n,), jnp.int32).at[order].set(jnp.arange(n, dtype=jnp.int32))
    keep = starts[position]
    ascending = (jnp.cumsum(starts.astype(jnp.int32)) - 1)[position]
    if _int_order.free:
        return keep, ascending
    count = jnp.sum(keep.astype(jnp.int32))
    small_values = jnp.all(~keep | ((values >= 0) & (values < 32)))
    flags.fits((count < 5) | small_values)

    # 8-slot table simulation for the first 4 distinct values (no scatters: one-hot masks).
    order_in = jnp.cumsum(keep.astype(jnp.int32)) - 1
    select = keep[None, :] & (order_in[None, :] == jnp.arange(4)[:, None])  # (4, N)
    first4 = jnp.sum(jnp.where(select, values[None, :], 0), axis=1)
    present4 = jnp.any(select, axis=1)
    # CPython's probe sequence: i = hash & 7, then i = 5 i + 1 + (perturb >>= 5). After at
    # most 7 shifts perturb is 0 and 5 i + 1 cycles through all 8 slots: 16 probes suffice.
    # Negative values: hash(-1) is -2, and perturb is the 64-bit two's complement of the
    # hash, kept here as two uint32 words (only its low 3 bits enter the probe).
    hashed = jnp.where(first4 == -1, -2, first4)
    # Probe t adds bits 5t..5t+2 of the 64-bit perturb (the sign-extended hash): a linear
    # recurrence mod 8 with the closed form p_t = 5^t p_0 + sum_s 5^(t-s) (1 + bits_s).
    steps = np.arange(16)
    shifts = np.minimum(5 * steps, 31)
    bits = jnp.where(5 * steps[None, :] >= 64, 0, (hashed[:, None] >> shifts[None, :]) & 7)
    carry = jnp.where(steps[None, :] >= 1, 1 + bits, 0)  # (4, 16): what step t adds
    powers = np.array([pow(5, int(t - u), 8) if u <= t else 0 for t in steps for u in steps],
                      np.int32).reshape(16, 16)
    start = np.array([pow(5, int(t), 8) for t in steps], np.int32)
    probes = ((hashed & 7)[:, None] * start[None, :] + carry @ powers.T) & 7  # (4, 16)
    slots_axis = jnp.arange(8)
    occupied = jnp.zeros((8,), bool)
    slots, found = [], []
    for k in range(4):
        taken = jnp.any((probes[k][:, None] == slots_axis[None, :]) & occupied[None, :], axis=1)
        first_free = jnp.argmax(~taken)
        found.append(jnp.any(~taken) | ~present4[k])
        slot = jnp.where(present4[k], jnp.sum(jnp.where(jnp.arange(16) == first_free, probes[k], 0)), 99)
        occupied = occupied | (slots_axis == slot)
        slots.append(slot)
    flags.fits((count >= 5) | jnp.all(jnp.stack(found)))
    slots = jnp.stack(slots)
    slot_rank = jnp.sum((slots[None, :] < slots[:, None]).astype(jnp.int32), axis=1)
    simulated = jnp.sum(jnp.where(jnp.clip(order_in, 0, 3)[:, None] == jnp.arange(4)[None, :],
                                  slot_rank[None, :], 0), axis=1)
    rank = jnp.where(count >= 5, ascending, simulated)
    return keep, rank


def set_order(items, valid):
    """(keep bool[N], rank int32[N], same bool[N, N] or None): the iteration order of the
    frozenset of the valid items (not pairs or cells): keep marks each distinct element's
    first occurrence, rank its position in the set; same[i, j] is items i and j equal
    (None for ints). Distinct grids whose truncated keys tie are compared in full, and so
    are patches, up to TIED_PATCH_PAIRS tied pairs (more: not exact); other truncated-key
    ties -> not exact."""
    if isinstance(items, (jax.Array, np.ndarray)) and items.ndim == 1:
        keep, rank = int_set_order(items, valid)
        return keep, rank, None
    keep, same = _dedupe_mask(items, valid)
    keys, complete = jax.vmap(sort_key)(items)
    less = jax.vmap(lambda a: jax.vmap(lambda b: _lex_less(b, a))(keys))(keys)
    tie = jnp.all(keys[:, None, :] == keys[None, :, :], axis=-1)
    ambiguous = tie & ~same & keep[:, None] & keep[None, :] & ~(complete[:, None] & complete[None, :])
    index = jnp.arange(keep.shape[0])
    less = less | (tie & ~ambiguous & (index[None, :] < index[:, None]))
    if isinstance(items, Grid):
        # Grids whose keys tie are compared in full, every pair (sets of grids are few).
        before = jax.vmap(lambda a: jax.vmap(lambda b: _grid_precedes(b, a))(items))(items)
        less = less | (ambiguous & before)
    elif isinstance(items, (Indices, Object)):
        # Patches whose keys tie are compared cell by cell, a pair at a time.
        pairs = ambiguous & (index[:, None] < index[None, :])
        flags.fits(jnp.sum(pairs) <= TIED_PATCH_PAIRS)
        first, second = jnp.nonzero(pairs, size=TIED_PATCH_PAIRS, fill_value=0)
        listed = jnp.arange(TIED_PATCH_PAIRS) < jnp.sum(pairs)
        a, b = (jax.tree_util.tree_map(lambda leaf: leaf[k], items) for k in (first, second))
        a_first = jax.vmap(_patch_precedes)(a, b)

        def at(rows, cols, holds):  # bool[N, N]: True at (rows[k], cols[k]) where holds[k]
            hit = (index[None, :, None] == rows[:, None, None]) & (index[None, None, :] == cols[:, None, None])
            return jnp.any(hit & (listed & holds)[:, None, None], axis=0)

        less = less | at(second, first, a_first) | at(first, second, ~a_first)
    else:
        flags.fits(~jnp.any(ambiguous))
    rank = jnp.sum((less & keep[None, :]).astype(jnp.int32), axis=1)
    return keep, rank, same


def make_frozenset(items, valid, capacity=None):
    """A frozenset of the valid items, in dsl_py's iteration order.

    `items` are in insertion order (this matters for sets of ints only). Pairs become an
    Indices and cells an Object (see indices_from_pairs / object_from_cells).
    Overflow, unresolved truncated-key ties (set_order) and orders beyond the emulation
    -> not exact.
    """
    capacity = capacity or current_tier().capacity
    if is_pair_items(items):
        return indices_from_pairs(items, valid)
    if is_cell_items(items):
        return object_from_cells(items, valid)
    keep, rank, _ = set_order(items, valid)
    count = jnp.sum(keep.astype(jnp.int32))
    flags.fits(count <= capacity)
    target = jnp.where(keep & (rank < capacity), rank, capacity)
    packed = _scatter_to(items, target, capacity)
    return Container(packed, jnp.minimum(count, capacity).astype(jnp.int32), "frozenset")


def is_pair_items(items) -> bool:
    return isinstance(items, (jax.Array, np.ndarray)) and items.ndim == 2 and items.shape[1] == 2


def is_cell_items(items) -> bool:
    return (isinstance(items, tuple) and len(items) == 2 and isinstance(items[0], (jax.Array, np.ndarray))
            and items[0].ndim == 1 and is_pair_items(items[1]))


def is_row_tuple(value) -> bool:
    """A tuple Container whose elements are tuple Containers of ints: arc-dsl's tuple of
    rows, which is a Grid when the rows have one length (e.g. merge of a tuple of grids,
    apply of a row-valued function over a grid's rows)."""
    return (isinstance(value, Container) and value.kind == "tuple"
            and isinstance(value.items, Container) and value.items.kind == "tuple"
            and isinstance(value.items.items, (jax.Array, np.ndarray)) and value.items.items.ndim == 2)


def grid_of_rows(value, tier: Tier = None) -> Grid:
    """The Grid holding a tuple of rows (see is_row_tuple); other values are returned as
    they are. Ragged rows (not a grid), more rows or columns than the canvas, or a cell
    outside 0..9 cannot be held as a Grid: not exact."""
    if not is_row_tuple(value):
        return value
    c = (tier or current_tier()).canvas
    rows = jnp.asarray(value.items.items, jnp.int32)  # (N, R)
    lengths = value.items.size  # (N,)
    valid = value.valid()
    h = value.size
    w = jnp.where(h > 0, lengths[0], 0)
    flags.fits(jnp.all((lengths == w) | ~valid))
    flags.fits((h <= c) & (w <= c))
    n, r = rows.shape
    rows = jnp.pad(rows, ((0, max(0, c - n)), (0, max(0, c - r))), constant_values=-1)[:c, :c]
    inside = (jnp.arange(c)[:, None] < h) & (jnp.arange(c)[None, :] < w)
    flags.fits(jnp.all(~inside | ((rows >= 0) & (rows <= 9))))
    cells = jnp.where(inside, rows, -1).astype(jnp.int8)
    h = jnp.minimum(h, c).astype(jnp.int32)
    w = jnp.where(h > 0, jnp.minimum(w, c), 0).astype(jnp.int32)
    return Grid(cells, h, w)


def accept_row_tuples(namespace, names):
    """Wraps the primitives `names` of a module namespace so that a tuple of rows given
    for any argument is read as the Grid it is (grid_of_rows). For families whose
    primitives take no tuple-of-int-tuples argument other than a grid."""
    import functools

    def wrap(fn):
        @functools.wraps(fn)
        def wrapped(*args):
            return fn(*(grid_of_rows(a) if is_row_tuple(a) else a for a in args))
        return wrapped

    for name in names:
        namespace[name] = wrap(namespace[name])


# --------------------------------------------------------------------------- patches


def empty_indices(tier: Tier = None) -> Indices:
    tier = tier or current_tier()
    return Indices(jnp.zeros((tier.window, tier.window), bool), tier.margin)


def indices_from_pairs(pairs, valid, tier: Tier = None) -> Indices:
    """The Indices holding the valid pairs (int32[N, 2]); cells beyond the window -> not exact."""
    tier = tier or current_tier()
    p, m = tier.window, tier.margin
    r, c = pairs[:, 0] + m, pairs[:, 1] + m
    inside = (r >= 0) & (r < p) & (c >= 0) & (c < p)
    flags.fits(jnp.all(inside | ~valid))
    flat = jnp.where(valid & inside, r * p + c, p * p)
    mask = jnp.zeros((p * p + 1,), bool).at[flat].set(True)[: p * p]
    return Indices(mask.reshape(p, p), m)


def object_from_cells(cells, valid, tier: Tier = None) -> Object:
    """The Object holding the valid cells (colour int32[N], pair int32[N, 2]).

    Two colours at one position, or a colour the int8 plane cannot hold (below 0: -1
    marks no cell), cannot be held: not exact."""
    tier = tier or current_tier()
    colours, pairs = cells
    p, m = tier.window, tier.margin
    r, c = pairs[:, 0] + m, pairs[:, 1] + m
    inside = (r >= 0) & (r < p) & (c >= 0) & (c < p)
    flags.fits(jnp.all(inside | ~valid))
    flags.fits(jnp.all(((colours >= 0) & (colours <= 127)) | ~valid))
    flat = jnp.where(valid & inside, r * p + c, p * p)
    lo = jnp.full((p * p + 1,), 127, jnp.int32).at[flat].min(colours)
    hi = jnp.full((p * p + 1,), -1, jnp.int32).at[flat].max(colours)
    lo, hi = lo[: p * p], hi[: p * p]  # the last slot collects the cells not kept
    flags.fits(jnp.all((lo == hi) | (hi < 0)))
    plane = jnp.where(hi >= 0, hi, -1).astype(jnp.int8)
    return Object(plane.reshape(p, p), m)


def cell_count(patch) -> jax.Array:
    """int32[]: the number of cells of an Indices or Object. Summed as a float32 dot
    (exact: far below 2**24 cells), which XLA:CPU runs several times faster than a fused
    compare-and-sum."""
    present = patch.mask if isinstance(patch, Indices) else patch.colour >= 0
    flat = present.reshape(-1).astype(jnp.float32)
    return (flat @ jnp.ones_like(flat)).astype(jnp.int32)


def lowest_colour(obj: Object) -> jax.Array:
    """int8[]: the smallest colour of an Object's cells, 127 when it has none (absent
    cells, -1, read as 127 through `& 127`: a plain min, no select)."""
    return jnp.min(obj.colour & jnp.int8(127))


def union_patches(items, valid):
    """The union of a stack of patches (Indices or Object, leading axis) where valid: one
    patch, clipped if a valid one is; two colours at one position cannot be held (not exact)."""
    clipped = jnp.any(jnp.broadcast_to(items.clipped, valid.shape) & valid)
    if isinstance(items, Indices):
        return Indices(jnp.any(items.mask & valid[:, None, None], axis=0), items.margin, clipped)
    colour = jnp.where(valid[:, None, None], items.colour.astype(jnp.int32), -1)
    hi = jnp.max(colour, axis=0)
    lo = jnp.min(jnp.where(colour >= 0, colour, 127), axis=0)
    flags.fits(jnp.all((hi < 0) | (lo == hi)))
    return Object(hi.astype(jnp.int8), items.margin, clipped)


def prefix_count(mask):
    """int32[R, C]: inclusive row-major count of True cells of a bool[R, C] mask (two small
    triangular matmuls: on a CPU they compile and run faster than cumsum or nonzero)."""
    r, c = mask.shape
    x = mask.astype(jnp.float32)
    exact = jax.lax.Precision.HIGHEST  # no TF32 rounding on GPUs
    within = jnp.matmul(x, jnp.triu(jnp.ones((c, c), jnp.float32)), precision=exact)
    before = jnp.matmul(jnp.tril(jnp.ones((r, r), jnp.float32), -1), within[:, -1], precision=exact)
    return (within + before[:, None]).astype(jnp.int32)


def patch_cells(patch, budget: int):
    """(items, valid bool[B], count int32[]): the first B = min(budget, P*P) elements of a
    patch in canonical order, packed: pairs int32[B, 2] of an Indices (row-major), cells
    (colours int32[B], pairs int32[B, 2]) of an Object ((colour, row, col) order). count is
    the patch's size; with count > B the items are not the patch's (the caller flags it).

    Cells are packed row-major by a prefix count; an Object's B cells are then sorted by
    colour (stable): when count <= B they are all there, so no sort of P*P codes is needed."""
    p = patch.mask.shape[-1] if isinstance(patch, Indices) else patch.colour.shape[-1]
    present = patch.mask if isinstance(patch, Indices) else patch.colour >= 0
    count = jnp.sum(present, dtype=jnp.int32)
    budget = min(budget, p * p)
    slot = prefix_count(present).reshape(-1) - 1
    target = jnp.where(present.reshape(-1) & (slot < budget), slot, budget)
    flat = jnp.zeros((budget + 1,), jnp.int32).at[target].set(
        jnp.arange(p * p, dtype=jnp.int32), mode="drop")[:budget]
    valid = jnp.arange(budget) < count
    if isinstance(patch, Object):
        colour = jnp.where(valid, jnp.asarray(patch.colour).reshape(-1)[flat].astype(jnp.int32), _BIG)
        flat = flat[jnp.argsort(colour, stable=True)]
    pairs = jnp.where(valid[:, None], jnp.stack([flat // p, flat % p], axis=1) - patch.margin, 0)
    if isinstance(patch, Indices):
        return pairs, valid, count
    colours = jnp.where(valid, jnp.asarray(patch.colour).reshape(-1)[flat].astype(jnp.int32), 0)
    return (colours, pairs), valid, count


def pairs_of(patch) -> Container:
    """The cells of a patch as a tuple Container of pairs (int32[P*P, 2]), row-major."""
    p = patch.mask.shape[-1] if isinstance(patch, Indices) else patch.colour.shape[-1]
    present = patch.mask.reshape(-1) if isinstance(patch, Indices) else patch.colour.reshape(-1) >= 0
    (flat,) = jnp.nonzero(present, size=p * p, fill_value=0)
    pairs = jnp.stack([flat // p, flat % p], axis=1).astype(jnp.int32) - patch.margin
    return Container(pairs, jnp.sum(present.astype(jnp.int32)), "tuple")


def cells_of(obj: Object) -> Container:
    """The cells (colour, pair) of an object as a tuple Container in (colour, row, col) order."""
    codes = _patch_codes(obj)
    order = jnp.argsort(codes)
    p = obj.colour.shape[-1]
    flat = order.astype(jnp.int32)
    colours = obj.colour.reshape(-1)[flat].astype(jnp.int32)
    pairs = jnp.stack([flat // p, flat % p], axis=1) - obj.margin
    size = jnp.sum((codes < _BIG).astype(jnp.int32))
    return Container((colours, pairs), size, "tuple")


# --------------------------------------------------------------------------- conversion

KINDS = ("Integer", "Boolean", "IntegerTuple", "Grid", "Indices", "Object", "Objects",
         "Tuple", "FrozenSet", "Cell")


def _is_pair_py(v):
    return isinstance(v, tuple) and len(v) == 2 and all(
        isinstance(x, int) and not isinstance(x, bool) for x in v)


def _is_cell_py(v):
    return isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], int) and _is_pair_py(v[1])


def _is_grid_py(v):
    return (isinstance(v, tuple) and len(v) > 0 and all(isinstance(r, tuple) for r in v)
            and len({len(r) for r in v}) == 1
            and all(isinstance(x, int) and not isinstance(x, bool) for r in v for x in r))


def infer_kind(value) -> str:
    """The arc-dsl type of a dsl_py value, as from_py would read it."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if _is_pair_py(value):
        return "IntegerTuple"
    if isinstance(value, (set, frozenset)):
        if value and all(_is_cell_py(v) for v in value):
            return "Object"
        if all(_is_pair_py(v) for v in value):
            return "Indices"
        if value and all(isinstance(v, frozenset) and v and all(_is_cell_py(c) for c in v) for v in value):
            return "Objects"
        return "FrozenSet"
    if _is_grid_py(value):
        return "Grid"
    if isinstance(value, tuple):
        return "Tuple"
    raise TypeError(f"no dsl_jax form for a value of type {type(value).__name__}")


def _grid_np(value, tier):
    h = len(value)
    w = len(value[0]) if h else 0
    c = tier.canvas
    cells = np.full((c, c), -1, np.int8)
    fits = h <= c and w <= c
    if fits and h and w:
        cells[:h, :w] = np.asarray(value, np.int8)
    return Grid(cells, np.int32(h if fits else 0), np.int32(w if fits else 0)), fits


def _element_kind(values):
    kinds = {infer_kind(v) for v in values}
    if kinds <= {"Object", "Indices"} and "Object" in kinds:
        return "Object"
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {"IntegerTuple", "Tuple"}:
        return "Tuple"  # int tuples of several lengths: all of them int containers
    if kinds <= {"Grid", "Tuple"}:
        return "Grid"
    raise TypeError(f"container mixes values of kinds {sorted(kinds)}")


def _from_py(value, kind, tier):
    """Returns (padded value, exact) as numpy/jax arrays."""
    if callable(value) and not isinstance(value, (tuple, frozenset)):
        return function_from_py(value), True
    kind = kind or infer_kind(value)
    if kind == "Boolean":
        return np.bool_(value), True
    if kind == "Integer":
        return np.int32(value), True
    if kind == "IntegerTuple":
        return np.asarray(value, np.int32).reshape(2), True
    if kind == "Grid":
        return _grid_np(value, tier)
    p, m = tier.window, tier.margin
    if kind == "Indices":
        mask = np.zeros((p, p), bool)
        fits = True
        for i, j in value:
            if 0 <= i + m < p and 0 <= j + m < p:
                mask[i + m, j + m] = True
            else:
                fits = False
        return Indices(mask, m), fits
    if kind == "Object":
        plane = np.full((p, p), -1, np.int8)
        fits = True
        for colour, (i, j) in value:
            if not (0 <= i + m < p and 0 <= j + m < p):
                fits = False
            elif plane[i + m, j + m] not in (-1, colour):
                fits = False
            else:
                plane[i + m, j + m] = colour
        return Object(plane, m), fits
    if kind == "Cell":
        colour, pair = value
        return (np.int32(colour), np.asarray(pair, np.int32)), True
    if kind in ("Tuple", "FrozenSet", "Objects"):
        container_kind = "tuple" if isinstance(value, tuple) else "frozenset"
        if isinstance(value, set):
            value = frozenset(value)
        elements = list(value) if isinstance(value, tuple) else list(_py_ordering().ordered(value))
        if elements and all(callable(v) for v in elements):
            return Functions(tuple(function_from_py(v) for v in elements), container_kind), True
        k = tier.capacity
        fits = len(elements) <= k
        elements = elements[:k]
        if not elements:
            # An empty container: of ints unless told otherwise.
            items = np.zeros((k,), np.int32)
            return Container(items, np.int32(0), container_kind), fits
        element_kind = "Object" if kind == "Objects" else _element_kind(elements)
        if element_kind == "Tuple" and all(_is_cell_py(v) for v in elements):
            element_kind = "Cell"
        converted = []
        for v in elements:
            padded, ok = _from_py(v, element_kind, tier)
            fits = fits and ok
            converted.append(padded)
        converted += [jax.tree_util.tree_map(np.asarray, blank_np(converted[0]))] * (k - len(converted))
        items = jax.tree_util.tree_map(lambda *leaves: np.stack(leaves), *converted)
        return Container(items, np.int32(len(elements)), container_kind), fits
    raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")


def blank_np(value):
    return jax.tree_util.tree_map(np.asarray, blank(value))


def _py_ordering():
    from jaxbatt.dsl_py import ordering
    return ordering


def function_from_py(fn):
    """A dsl_py primitive maps to the dsl_jax primitive of the same name, a callable made
    by to_py to the dsl_jax callable it wraps; any other callable is taken as written for
    dsl_jax values (e.g. `lambda x: x + 1` works on an int32 scalar)."""
    if hasattr(fn, "_dsl_jax"):
        return fn._dsl_jax
    from jaxbatt import dsl_jax, dsl_py
    if fn is len:  # arc-dsl's size is len
        return dsl_jax.PRIMITIVES["size"]
    name = getattr(fn, "__name__", None)
    if name in dsl_py.PRIMITIVES and dsl_py.PRIMITIVES[name] is fn:
        return dsl_jax.PRIMITIVES[name]
    return fn


def host_function(fn, result_example, kind: str = None):
    """A Python function over dsl_py values, callable on dsl_jax values.

    For functions no DSL expression states (e.g. `lambda x: len(x) == 1` on an object):
    each call runs `fn` on the host through `jax.pure_callback` (sequentially under vmap),
    with its arguments converted by `to_py` and its result by `from_py`. The callback's
    result must have a static form, taken from `result_example` (a dsl_py value of the kind
    `fn` returns; `kind` as in from_py). A call where `fn` raises reports ok=False; a result
    whose padded form differs from the example's, or does not fit the tier, exact=False.
    """
    def on_padded(*args):
        flags.fits(~jnp.asarray(clipped_in(args)))  # its arguments reach it whole
        tier = current_tier()
        example, _ = _from_py(result_example, kind, tier)
        example_leaves, example_tree = jax.tree_util.tree_flatten(example)
        example_leaves = [np.asarray(leaf) for leaf in example_leaves]
        arg_leaves, arg_tree = jax.tree_util.tree_flatten(args)

        def on_host(*leaves):
            ok, fits = True, True
            try:
                result = fn(*(to_py(a) for a in jax.tree_util.tree_unflatten(arg_tree, leaves)))
                padded, fits = _from_py(result, kind, tier)
                leaves_out, tree_out = jax.tree_util.tree_flatten(padded)
                leaves_out = [np.asarray(leaf) for leaf in leaves_out]
                if tree_out != example_tree or any(
                        a.shape != b.shape for a, b in zip(leaves_out, example_leaves)):
                    leaves_out, fits = example_leaves, False
            except Exception:  # the reference raises: the lane's ok flag is False
                leaves_out, ok = example_leaves, False
            leaves_out = [np.asarray(a, b.dtype) for a, b in zip(leaves_out, example_leaves)]
            return leaves_out, np.bool_(ok), np.bool_(fits)

        spec = ([jax.ShapeDtypeStruct(leaf.shape, leaf.dtype) for leaf in example_leaves],
                jax.ShapeDtypeStruct((), bool), jax.ShapeDtypeStruct((), bool))
        leaves, ok, fits = jax.pure_callback(on_host, spec, *arg_leaves, vmap_method="sequential")
        flags.require(ok)
        flags.fits(fits)
        return jax.tree_util.tree_unflatten(example_tree, leaves)

    on_padded.__name__ = getattr(fn, "__name__", "host_function")
    return on_padded


def from_py(value, kind: str = None, tier: Tier = None):
    """(padded value, exact): the dsl_jax form of a dsl_py value.

    kind: an arc-dsl type name (see KINDS); inferred when None (a 2-tuple of ints is an
    IntegerTuple, a rectangular tuple of int tuples a Grid). exact=False when the value does
    not fit the tier (then the padded value is a truncation and must not be used)."""
    tier = tier or current_tier()
    padded, fits = _from_py(value, kind, tier)
    return padded, bool(fits)


def to_py(value):
    """The dsl_py value of an (unbatched) dsl_jax value."""
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, Functions):
        return (tuple if value.kind == "tuple" else frozenset)(_callable_to_py(f) for f in value.fns)
    if callable(value) and not isinstance(value, (Grid, Indices, Object, Container)):
        return _callable_to_py(value)
    if isinstance(value, tuple):
        return tuple(to_py(v) for v in value)
    if isinstance(value, Grid):
        h, w = int(value.h), int(value.w)
        cells = np.asarray(value.cells)
        return tuple(tuple(int(x) for x in cells[i, :w]) for i in range(h))
    if isinstance(value, Indices):
        m = value.margin
        return frozenset((int(i) - m, int(j) - m) for i, j in zip(*np.nonzero(np.asarray(value.mask))))
    if isinstance(value, Object):
        m = value.margin
        plane = np.asarray(value.colour)
        return frozenset((int(plane[i, j]), (int(i) - m, int(j) - m)) for i, j in zip(*np.nonzero(plane >= 0)))
    if isinstance(value, Container):
        elements = [to_py(element(value, k)) for k in range(int(value.size))]
        return tuple(elements) if value.kind == "tuple" else frozenset(elements)
    array = np.asarray(value)
    if array.dtype == bool and array.shape == ():
        return bool(array)
    if array.shape == ():
        return int(array)
    if array.shape == (2,):
        return (int(array[0]), int(array[1]))
    raise TypeError(f"no dsl_py value for {type(value).__name__} of shape {array.shape}")


def _callable_to_py(fn):
    def on_py_values(*args):
        converted = [from_py(a)[0] for a in args]
        out, ok, exact = flags.collect(fn, *converted)
        if not bool(exact):
            raise ValueError("dsl_jax value not exact for these arguments")
        if not bool(ok):
            raise ValueError("the reference raises for these arguments")
        return to_py(out)
    on_py_values.__name__ = getattr(fn, "__name__", "dsl_jax_callable")
    on_py_values._dsl_jax = fn
    return on_py_values
