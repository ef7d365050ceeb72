"""dsl_jax primitives: objects family (padded forms: see values.py).

A set of objects (`Objects`) is a frozenset Container of Object planes: items.colour is
int8[K, P, P] in window coordinates (cell (i, j) at [i + margin, j + margin], -1 = no cell),
packed in canonical order, K the tier's capacity. The objects produced here come from one
grid and are pairwise disjoint, so canonical order is the order of each object's smallest
(colour, row, col) cell. More objects than K: the first K are kept and the lane is marked
not exact (`flags.fits`).

Connected components are labelled on the grid canvas by min-label propagation with hooking
and pointer jumping inside a `lax.while_loop`: every pass that does not stop lowers some
label, so the loop ends, and it ends only when each component carries the key of its
smallest cell (a handful of passes on real grids).
"""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.custom_batching import custom_vmap

from jaxbatt.dsl_jax import flags, values
from jaxbatt.dsl_jax.values import Container, Grid, Indices, Object

__all__ = ["objects", "partition", "fgpartition", "colorfilter", "sizefilter",
           "occurrences", "frontiers"]

_COLOURS = 10
_NO_LABEL = np.int32(1 << 24)  # larger than every cell key colour * C * C + row * C + col
_ORTHOGONAL = ((-1, 0), (1, 0), (0, -1), (0, 1))
_DIAGONAL = ((-1, -1), (-1, 1), (1, -1), (1, 1))


# --------------------------------------------------------------------------- helpers


def _static_bool(x):
    """Python bool for a value known at trace time, None for a traced one."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return bool(x)
    if isinstance(x, np.ndarray):
        return bool(x)
    if isinstance(x, jax.Array) and not isinstance(x, jax.core.Tracer):
        return bool(x)
    return None


def _broadcast_lanes(x, batched, size):
    return x if batched else jnp.broadcast_to(x, (size,) + x.shape)


@custom_vmap
def _take(x, index):
    """x[index] for a flat x (one lane); indices are clipped into range."""
    return jnp.take(x, index, mode="clip")


@_take.def_vmap
def _take_lanes(size, batched, x, index):
    # XLA:CPU runs one flat gather with the lane folded into the index several times
    # faster than a batched gather.
    x, index = _broadcast_lanes(x, batched[0], size), _broadcast_lanes(index, batched[1], size)
    n = x.shape[-1]
    lanes = (jnp.arange(size, dtype=index.dtype) * n).reshape((size,) + (1,) * (index.ndim - 1))
    out = jnp.take(x.reshape(-1), (jnp.clip(index, 0, n - 1) + lanes).reshape(-1), mode="clip")
    return out.reshape(index.shape), True


@custom_vmap
def _scatter_min(x, index, update):
    """x.at[index].min(update) for flat arrays; index >= len(x) is dropped (one lane)."""
    return x.at[index].min(update, mode="drop")


@_scatter_min.def_vmap
def _scatter_min_lanes(size, batched, x, index, update):
    x = _broadcast_lanes(x, batched[0], size)
    index = _broadcast_lanes(index, batched[1], size)
    update = _broadcast_lanes(update, batched[2], size)
    n = x.shape[-1]
    lanes = (jnp.arange(size, dtype=index.dtype) * n)[:, None]
    flat = jnp.where(index < n, index + lanes, size * n)
    out = x.reshape(-1).at[flat.reshape(-1)].min(update.reshape(-1), mode="drop")
    return out.reshape(x.shape), True


def _neighbour(x, di, dj, fill):
    """y[i, j] = x[i + di, j + dj] (|di|, |dj| <= 1); `fill` beyond the canvas."""
    c = x.shape[0]
    padded = jnp.pad(x, 1, constant_values=fill)
    return padded[1 + di:1 + di + c, 1 + dj:1 + dj + c]


def _grid_colours(grid: Grid):
    """int32[C, C] colours, -1 outside h x w (whatever the canvas holds there)."""
    c = grid.canvas
    rows = jnp.arange(c)[:, None]
    cols = jnp.arange(c)[None, :]
    inside = (rows < grid.h) & (cols < grid.w)
    return jnp.where(inside, grid.cells.astype(jnp.int32), -1)


def _to_window(plane, fill):
    """A canvas-sized plane (..., C, C) placed in the current tier's window (..., P, P)."""
    tier = values.current_tier()
    c, m, p = plane.shape[-1], tier.margin, tier.window
    lead = [(0, 0)] * (plane.ndim - 2)
    if c + m <= p:
        return jnp.pad(plane, lead + [(m, p - m - c)] * 2, constant_values=fill)
    # A canvas wider than the window holds: keep what fits (the caller checks the extent).
    return jnp.pad(plane[..., :p - m, :p - m], lead + [(m, 0)] * 2, constant_values=fill)


def _check_extent(grid: Grid):
    """The grid's cells fit in the current tier's window; else not exact."""
    tier = values.current_tier()
    room = tier.window - tier.margin
    if grid.canvas > room:
        flags.fits((grid.h <= room) & (grid.w <= room))


def _objects_container(planes, count):
    """The frozenset of `count` objects whose planes (int8[K, P, P]) are already ordered."""
    capacity = planes.shape[0]
    flags.fits(count <= capacity)
    size = jnp.minimum(count, capacity).astype(jnp.int32)
    margin = values.current_tier().margin
    return Container(Object(planes, margin), size, "frozenset")


def _small_set_positions():
    """int8[11**4, 4]: for the distinct colours s0..s3 inserted in this order into a set
    (digit 10 = no further colour), the position of each in the set's iteration order.

    Read off this interpreter's own sets, so it is exactly what dsl_py iterates."""
    table = np.zeros((11 ** 4, 4), np.int8)
    for index in range(11 ** 4):
        digits = [(index // 11 ** (3 - r)) % 11 for r in range(4)]
        inserted = list(itertools.takewhile(lambda d: d < _COLOURS, digits))
        if len(set(inserted)) != len(inserted):
            continue
        iteration = list(set(inserted))
        for r, colour in enumerate(inserted):
            table[index, r] = iteration.index(colour)
    return table


_SMALL_SET_POSITIONS = _small_set_positions()


def _mostcolor(colours):
    """arc-dsl's mostcolor of the cells >= 0: `max(set(values), key=values.count)`.

    Ties go to the colour the set iterates first. A set of >= 5 colours iterates in
    ascending order; for up to 4 the order depends on the insertion (first occurrence)
    order, looked up in a table of CPython's own iteration orders."""
    palette = jnp.arange(_COLOURS, dtype=jnp.int32)
    onehot = colours[None] == palette[:, None, None]  # (10, C, C)
    counts = jnp.sum(onehot, axis=(1, 2), dtype=jnp.int32)
    present = counts > 0
    distinct = jnp.sum(present, dtype=jnp.int32)
    most = jnp.max(counts)
    ascending_choice = jnp.argmax(counts).astype(jnp.int32)  # first maximum = smallest colour
    c = colours.shape[0]
    flat = jnp.arange(c * c, dtype=jnp.int32).reshape(c, c)
    first_seen = jnp.min(jnp.where(onehot, flat[None], _NO_LABEL), axis=(1, 2))
    earlier = (first_seen[None, :] < first_seen[:, None]) & present[None, :]
    insertion = jnp.where(present, jnp.sum(earlier, axis=1, dtype=jnp.int32), _COLOURS)
    step = jnp.arange(4, dtype=jnp.int32)
    is_step = insertion[None, :] == step[:, None]  # (4, 10): colour inserted at step r
    inserted = jnp.where(jnp.any(is_step, axis=1), jnp.argmax(is_step, axis=1), _COLOURS)
    index = jnp.sum(inserted * (11 ** (3 - step)))
    position = jnp.asarray(_SMALL_SET_POSITIONS)[index].astype(jnp.int32)
    tied = (step < distinct) & (counts[jnp.clip(inserted, 0, _COLOURS - 1)] == most)
    small_choice = inserted[jnp.argmin(jnp.where(tied, position, 99))]
    return jnp.where(distinct >= 5, ascending_choice, small_choice)


def _label(colours, foreground, univalued, diagonal):
    """Connected components of `foreground` (int32[C, C] colours, bool[C, C] mask).

    Returns int32[C, C]: on foreground cells the key colour * C * C + row * C + col of the
    component's smallest cell; _NO_LABEL elsewhere. `univalued` / `diagonal` are Python
    bools or traced bools."""
    c = colours.shape[0]
    n = c * c
    flat = jnp.arange(n, dtype=jnp.int32).reshape(c, c)
    start = jnp.where(foreground, colours * n + flat, _NO_LABEL)

    static_diagonal = _static_bool(diagonal)
    static_univalued = _static_bool(univalued)
    steps = _ORTHOGONAL + (_DIAGONAL if static_diagonal in (True, None) else ())
    links = []
    for di, dj in steps:
        link = foreground & _neighbour(foreground, di, dj, False)
        if static_univalued is None:
            link = link & (~univalued | (colours == _neighbour(colours, di, dj, -1)))
        elif static_univalued:
            link = link & (colours == _neighbour(colours, di, dj, -1))
        if static_diagonal is None and (di, dj) in _DIAGONAL:
            link = link & diagonal
        links.append(link)
    foreground_flat = foreground.reshape(-1)

    def keep_going(state):
        return state[1]

    def one_pass(state):
        label, _ = state
        lowest = label
        for (di, dj), link in zip(steps, links):
            lowest = jnp.minimum(lowest, jnp.where(link, _neighbour(label, di, dj, _NO_LABEL), _NO_LABEL))
        changed = jnp.any(lowest != label)
        lowest = lowest.reshape(-1)
        # Hooking: the cell a label names (its component's current root) takes the
        # smallest label seen by any cell pointing at it.
        root = jnp.where(foreground_flat, label.reshape(-1) % n, n)
        hooked = _scatter_min(jnp.full((n,), _NO_LABEL, jnp.int32), root, lowest)
        lowest = jnp.minimum(lowest, hooked)
        for _ in range(2):  # pointer jumping
            pointed = _take(lowest, jnp.where(foreground_flat, lowest % n, 0))
            lowest = jnp.where(foreground_flat, jnp.minimum(lowest, pointed), _NO_LABEL)
        return lowest.reshape(c, c), changed

    label, _ = lax.while_loop(keep_going, one_pass, (start, jnp.asarray(True)))
    return label


def _exclusive_prefix(counts, axis_size):
    """counts (..., n) float32 -> sum of counts[..., :j] at j (a small exact matmul)."""
    index = jnp.arange(axis_size)
    before = (index[:, None] < index[None, :]).astype(jnp.float32)
    return jnp.matmul(counts, before, precision=lax.Precision.HIGHEST)


def _root_ranks(colours, is_root):
    """int32[C, C]: at each root, how many roots have a smaller (colour, row, col) key.

    Roots of the same colour earlier in the row, plus roots in (colour, row) buckets
    that come before this one (small exact matmul prefix sums; no sort)."""
    c = colours.shape[0]
    index = np.arange(c)
    same_colour = colours[:, :, None] == colours[:, None, :]  # [i, j, j']
    before_in_row = jnp.asarray(index[None, :, None] > index[None, None, :])  # j' < j
    within = jnp.sum(same_colour & before_in_row & is_root[:, None, :], axis=2, dtype=jnp.int32)
    palette = jnp.arange(_COLOURS, dtype=jnp.int32)
    of_colour = colours[None] == palette[:, None, None]  # (10, C, C)
    per_row = jnp.sum(of_colour & is_root[None], axis=2).astype(jnp.float32)  # (10, C)
    in_rows = _exclusive_prefix(per_row, c)  # roots of this colour in earlier rows
    in_colours = _exclusive_prefix(jnp.sum(per_row, axis=1), _COLOURS)  # of smaller colours
    bucket_start = (in_rows + in_colours[:, None]).astype(jnp.int32)  # (10, C)
    start = jnp.sum(jnp.where(of_colour, bucket_start[:, :, None], 0), axis=0)
    return start + within


def _planes_by_slot(colours, slot, capacity):
    """int8[K, P, P]: plane k holds the cells with slot k (slot -1: no object)."""
    colours_w = _to_window(colours.astype(jnp.int8), -1)
    slot_w = _to_window(slot, -1)
    ks = jnp.arange(capacity, dtype=slot.dtype)
    return jnp.where(slot_w[None] == ks[:, None, None], colours_w[None], jnp.int8(-1))


# --------------------------------------------------------------------------- primitives


def objects(grid: Grid, univalued, diagonal, without_bg) -> Container:
    """Reference: the frozenset of connected objects of the grid (arc-dsl's flags).

    Padded: a frozenset Container of K Object planes in canonical order (by each object's
    smallest (colour, row, col) cell); more than K objects -> not exact. The background
    (without_bg) is mostcolor with CPython's tie order. h = 0 (or w = 0 with without_bg)
    -> not ok."""
    return objects_of_components(*components(grid, univalued, diagonal, without_bg))


def objects_of_components(colours, foreground, label) -> Container:
    """The frozenset Container of the objects that components() labelled (K at most)."""
    c = colours.shape[0]
    n = c * c
    is_root = foreground & (label == colours * n + jnp.arange(n, dtype=jnp.int32).reshape(c, c))
    count = jnp.sum(is_root, dtype=jnp.int32)
    rank = _root_ranks(colours, is_root).reshape(-1)
    root = jnp.where(foreground, label % n, 0).reshape(-1)
    slot = jnp.where(foreground, _take(rank, root).reshape(c, c), -1)
    capacity = values.current_tier().capacity
    return _objects_container(_planes_by_slot(colours, slot, capacity), count)


def components(grid: Grid, univalued, diagonal, without_bg, colour=None):
    """(colours int32[C, C], foreground bool[C, C], label int32[C, C]): the cells that
    objects(grid, univalued, diagonal, without_bg) covers (only those of `colour`, an int
    scalar, when given: with univalued, exactly its objects of that colour) and, on them,
    the key colour * C * C + row * C + col of their object's smallest cell (see _label);
    the order of the keys is the canonical order of the objects. Marks the lane as
    objects() does (not ok for h = 0, or w = 0 with without_bg; not exact beyond the
    window)."""
    colours = _grid_colours(grid)
    inside = colours >= 0
    _check_extent(grid)
    flags.require(grid.h > 0)
    static_without_bg = _static_bool(without_bg)
    if static_without_bg is False:
        foreground = inside
    else:
        background = _mostcolor(colours)
        foreground = inside & (colours != background)
        if static_without_bg is None:
            foreground = foreground | (inside & ~without_bg)
            flags.require(~without_bg | (grid.w > 0))
        else:
            flags.require(grid.w > 0)
    if colour is not None:
        foreground = foreground & (colours == colour)
    return colours, foreground, _label(colours, foreground, univalued, diagonal)


def _colour_classes(grid: Grid, wanted):
    """Objects made of all cells of each colour with wanted[colour] (bool[10]); colour order."""
    colours = _grid_colours(grid)
    _check_extent(grid)
    palette = jnp.arange(_COLOURS, dtype=jnp.int32)
    present = jnp.any(colours[None] == palette[:, None, None], axis=(1, 2)) & wanted
    capacity = values.current_tier().capacity
    slot_of_colour = jnp.where(present, jnp.cumsum(present.astype(jnp.int32)) - 1, -1)
    slot = jnp.where(colours >= 0, slot_of_colour[jnp.clip(colours, 0, _COLOURS - 1)], -1)
    count = jnp.sum(present, dtype=jnp.int32)
    return _objects_container(_planes_by_slot(colours, slot, capacity), count)


def partition(grid: Grid) -> Container:
    """Reference: one object per colour of the grid with all its cells.

    Padded: frozenset Container of Object planes, ascending colour (canonical order)."""
    return _colour_classes(grid, jnp.ones((_COLOURS,), bool))


def fgpartition(grid: Grid) -> Container:
    """Reference: partition without the most common colour (CPython tie order).

    Padded: as partition; an empty grid -> not ok (mostcolor raises)."""
    flags.require((grid.h > 0) & (grid.w > 0))
    background = _mostcolor(_grid_colours(grid))
    return _colour_classes(grid, jnp.arange(_COLOURS) != background)


def _first_value(item):
    """`next(iter(item))[0]` in dsl_py's order, and whether item is non-empty."""
    if isinstance(item, Object):
        lowest = values.lowest_colour(item)
        return lowest.astype(jnp.int32), lowest < 127
    if isinstance(item, Indices):
        rows = jnp.any(item.mask, axis=1)
        top = jnp.argmax(rows).astype(jnp.int32) - item.margin
        return top, jnp.any(rows)
    if isinstance(item, Grid):
        return item.cells[0, 0].astype(jnp.int32), (item.h > 0) & (item.w > 0)
    raise TypeError(f"colorfilter: no first element for {type(item).__name__}")


def _filtered(container: Container, keep):
    """The frozenset of the elements of `container` with keep[k] (bool[K])."""
    keep = keep & container.valid()
    if container.kind == "frozenset":
        packed = values.make_tuple(container.items, keep, capacity=container.capacity)
        return Container(packed.items, packed.size, "frozenset")
    return values.make_frozenset(container.items, keep, capacity=container.capacity)


def colorfilter(objs: Container, value) -> Container:
    """Reference: the frozenset of objects whose first cell (canonical order: the smallest
    colour) has colour `value`. Padded: the kept planes, packed in order; an empty object
    -> not ok."""
    if isinstance(objs, (Indices, Object)):
        # Its elements are pairs or cells: `next(iter(element))[0]` indexes an int.
        empty = ~jnp.any(objs.mask) if isinstance(objs, Indices) else ~jnp.any(objs.colour >= 0)
        flags.require(empty)
        return sizefilter(objs, -1)
    if not isinstance(objs, Container):
        raise TypeError(f"colorfilter expects a container, got {type(objs).__name__}")
    valid = objs.valid()
    item = values.element(objs, 0)
    if isinstance(item, Container):
        # `next(iter(tuple))[0]` on nested tuples: not emulated.
        flags.fits(objs.size == 0)
        return _filtered(objs, jnp.zeros_like(valid))
    if not isinstance(item, (Object, Indices, Grid)):
        # ints, pairs, cells: `next(iter(item))[0]` raises on a non-empty container.
        flags.require(objs.size == 0)
        return _filtered(objs, jnp.zeros_like(valid))
    firsts, nonempty = jax.vmap(_first_value)(objs.items)
    flags.require(jnp.all(nonempty | ~valid))
    return _filtered(objs, firsts == jnp.asarray(value, jnp.int32))


def _length(item):
    """len(item) for one element of a container; (length, ok)."""
    if isinstance(item, (Object, Indices)):
        return values.cell_count(item), True
    if isinstance(item, Grid):
        return item.h, True
    if isinstance(item, Container):
        return item.size, True
    if isinstance(item, tuple):
        return jnp.int32(len(item)), True
    if values.is_pair(item):
        return jnp.int32(2), True
    return jnp.int32(0), False  # len() of an int raises


def sizefilter(container, n) -> Container:
    """Reference: the frozenset of items with exactly n elements.

    Padded: a Container (packed, canonical order); on an Indices or Object (whose items
    are pairs / cells of length 2) the same patch or an empty one."""
    n = jnp.asarray(n, jnp.int32)
    if isinstance(container, Indices):
        return Indices(container.mask & (n == 2), container.margin)
    if isinstance(container, Object):
        return Object(jnp.where(n == 2, container.colour, jnp.int8(-1)), container.margin)
    if isinstance(container, Grid):
        raise NotImplementedError("sizefilter over the rows of a grid")
    item = values.element(container, 0)
    _, measurable = _length(item)
    if measurable is False:
        flags.require(container.size == 0)
        return _filtered(container, jnp.zeros((container.capacity,), bool))
    lengths = jax.vmap(lambda x: _length(x)[0])(container.items)
    return _filtered(container, lengths == n)


def _template_matches(colours, present, colour, top, left):
    """bool[C + 1, C + 1]: at offset (i, j), every template cell (colour[a, b] at
    present[a, b], taken relative to (top, left)) equals colours[i + a - top, j + b - left].

    A lax.while_loop over the template's cells (row-major), each a shifted compare of the
    whole canvas; it stops early once no offset matches."""
    c = colours.shape[0]
    image = jnp.pad(colours, ((0, c), (0, c)), constant_values=-1)  # (2C, 2C)
    # The template on a C x C plane at (top, left): larger ones cannot occur in the grid.
    plane = jnp.where(present, colour, -1)
    plane = jnp.pad(plane, ((0, c), (0, c)), constant_values=-1)
    plane = lax.dynamic_slice(plane, (top, left), (c, c)).reshape(-1)
    count = jnp.sum(plane >= 0, dtype=jnp.int32)
    (flat,) = jnp.nonzero(plane >= 0, size=c * c, fill_value=0)
    rows, cols = (flat // c).astype(jnp.int32), (flat % c).astype(jnp.int32)
    wanted = plane[flat].astype(jnp.int32)

    def keep_going(state):
        k, match = state
        return (k < count) & jnp.any(match)

    def next_cell(state):
        k, match = state
        window = lax.dynamic_slice(image, (rows[k], cols[k]), (c + 1, c + 1))
        return k + 1, match & (window == wanted[k])

    start = (jnp.int32(0), jnp.ones((c + 1, c + 1), bool))
    return lax.while_loop(keep_going, next_cell, start)[1]


def occurrences(grid: Grid, obj) -> Indices:
    """Reference: the offsets (i, j), 0 <= i <= h - height(obj), 0 <= j <= w - width(obj),
    where the normalized object matches the grid (empty object: every offset up to (h, w)).

    Padded: an Indices of the offsets, found by a loop over the template's cells that
    compares each with the whole shifted canvas. An Indices argument -> not ok whenever
    a window is tried (arc-dsl cannot unpack its cells)."""
    tier = values.current_tier()
    c = grid.canvas
    flags.require(grid.h > 0)
    _check_extent(grid)
    if isinstance(obj, Indices):
        present = obj.mask
        template_colour = jnp.zeros(obj.mask.shape, jnp.int32)
    elif isinstance(obj, Object):
        present = obj.colour >= 0
        template_colour = obj.colour.astype(jnp.int32)
    else:
        raise TypeError(f"occurrences expects a patch, got {type(obj).__name__}")
    rows = jnp.any(present, axis=1)
    cols = jnp.any(present, axis=0)
    any_cell = jnp.any(rows)
    p = present.shape[0]
    top = jnp.argmax(rows).astype(jnp.int32)
    left = jnp.argmax(cols).astype(jnp.int32)
    bottom = (p - 1 - jnp.argmax(rows[::-1])).astype(jnp.int32)
    right = (p - 1 - jnp.argmax(cols[::-1])).astype(jnp.int32)
    obj_h = jnp.where(any_cell, bottom - top + 1, 0)
    obj_w = jnp.where(any_cell, right - left + 1, 0)
    last_row = grid.h - obj_h  # offsets i in [0, last_row]
    last_col = grid.w - obj_w

    if isinstance(obj, Indices):
        flags.require(~any_cell | (last_row < 0) | (last_col < 0))
        return Indices(jnp.zeros((tier.window, tier.window), bool), tier.margin)

    found = _template_matches(_grid_colours(grid), present, template_colour, top, left)
    offsets_i = jnp.arange(c + 1)[:, None]
    offsets_j = jnp.arange(c + 1)[None, :]
    found = found & (offsets_i <= last_row) & (offsets_j <= last_col)
    m, window = tier.margin, tier.window
    if c + 1 + m <= window:
        mask = jnp.pad(found, ((m, window - m - c - 1),) * 2)
    else:
        flags.fits(~jnp.any(found[window - m:, :]) & ~jnp.any(found[:, window - m:]))
        mask = jnp.pad(found[:window - m, :window - m], ((m, 0),) * 2)
    return Indices(mask, m)


def frontiers(grid: Grid) -> Container:
    """Reference: the frozenset of uniform full rows and uniform full columns as objects.

    Padded: frozenset Container of Object planes in canonical order (colour, first cell;
    row 0 before column 0 unless h = 1 < w; a 1 x 1 grid has one); over K -> not exact."""
    colours = _grid_colours(grid)
    _check_extent(grid)
    flags.require(grid.h > 0)
    c = colours.shape[0]
    index = jnp.arange(c)
    h, w = grid.h, grid.w
    row_colour = colours[:, 0]
    col_colour = colours[0, :]
    row_uniform = jnp.all((colours == row_colour[:, None]) | (index[None, :] >= w), axis=1)
    col_uniform = jnp.all((colours == col_colour[None, :]) | (index[:, None] >= h), axis=0)
    row_uniform = row_uniform & (index < h) & (w > 0)
    col_uniform = col_uniform & (index < w) & (h > 0)
    col_uniform = col_uniform & ~((index == 0) & (h == 1) & (w == 1))  # same set as row 0
    # Sort keys (colour, first row, first col, tie) for rows then columns; only row 0 and
    # column 0 share a first cell: the shorter sequence (a prefix) or the row goes first.
    column_zero_first = (h == 1) & (w > 1)
    row_key = ((row_colour * c * c + index * c) * 2
               + jnp.where(index == 0, column_zero_first.astype(jnp.int32), 0))
    col_key = ((col_colour * c * c + index) * 2
               + jnp.where(index == 0, 1 - column_zero_first.astype(jnp.int32), 0))
    uniform = jnp.concatenate([row_uniform, col_uniform])
    keys = jnp.concatenate([row_key, col_key])
    earlier = (keys[None, :] < keys[:, None]) & uniform[None, :]
    rank = jnp.where(uniform, jnp.sum(earlier, axis=1, dtype=jnp.int32), -1)
    row_slot, col_slot = rank[:c], rank[c:]
    capacity = values.current_tier().capacity
    ks = jnp.arange(capacity, dtype=jnp.int32)[:, None, None]
    hit = (row_slot[None, :, None] == ks) | (col_slot[None, None, :] == ks)
    planes = jnp.where(hit & (colours >= 0)[None], colours.astype(jnp.int8)[None], jnp.int8(-1))
    count = jnp.sum(uniform, dtype=jnp.int32)
    return _objects_container(_to_window(planes, -1), count)


# A tuple of rows (e.g. merge of a tuple of grids) is read as the Grid it is.
values.accept_row_tuples(globals(), __all__)
