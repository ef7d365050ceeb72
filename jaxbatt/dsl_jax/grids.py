"""dsl_jax primitives: grids family (padded forms: see values.py).

A Grid is a C x C canvas (-1 outside its h x w cells). Every grid this module returns is
normalised: h, w >= 0, w = 0 when h = 0 (arc-dsl's empty grid `()`), and -1 everywhere
outside h x w, so that `values.equal` compares grids as dsl_py values.

A result larger than the canvas, or a colour that an int8 cell cannot hold (outside
0..127), makes the lane not exact (`flags.fits`). Where arc-dsl raises (an empty grid's
first row, a zero divisor, max() of nothing, unpacking a non-cell) the lane is not ok
(`flags.require`). Patches (Indices / Object) are accepted wherever arc-dsl accepts them,
and fill/underfill/paint/underpaint also take tuple Containers of pairs or cells (61 real
solver calls paint a tuple of cells); the Python type of an argument picks the branch at
trace time.

Colour histograms (mostcolor, leastcolor, palette, numcolors) count colours 0..9; a grid
or object holding another colour is reported not exact.
"""
import jax
import jax.numpy as jnp
import numpy as np

from jaxbatt.dsl_jax import flags, values
from jaxbatt.dsl_jax.values import Container, Grid, Indices, Object

__all__ = [
    "mostcolor", "leastcolor", "colorcount", "palette", "numcolors", "height", "width",
    "shape", "portrait", "rot90", "rot180", "rot270", "hmirror", "vmirror", "dmirror",
    "cmirror", "fill", "paint", "underfill", "underpaint", "hupscale", "vupscale",
    "upscale", "downscale", "hconcat", "vconcat", "subgrid", "hsplit", "vsplit",
    "cellwise", "replace", "switch", "canvas", "trim", "tophalf", "bottomhalf",
    "lefthalf", "righthalf", "crop", "compress", "index", "cover", "move",
]

NUM_COLOURS = 10
_I32 = jnp.int32


# =========================================================================== helpers

def _int(x):
    return jnp.asarray(x, dtype=_I32)


def _pair(x):
    return values.as_pair(x)


def _is_patch(x):
    return isinstance(x, (Indices, Object))


def _present(patch):
    """bool[P, P]: which window cells the patch holds."""
    if isinstance(patch, Indices):
        return patch.mask
    return patch.colour >= 0


def _plane(patch):
    return patch.mask if isinstance(patch, Indices) else patch.colour


def _with_plane(patch, plane):
    if isinstance(patch, Indices):
        return Indices(plane, patch.margin)
    return Object(plane, patch.margin)


def _absent(patch):
    return False if isinstance(patch, Indices) else jnp.int8(-1)


def _inside(cells, h, w):
    """bool[C, C]: the cells of an h x w grid on the canvas."""
    c = cells.shape[-1]
    r = jnp.arange(c, dtype=_I32)
    return (r[:, None] < h) & (r[None, :] < w)


def _grid(cells, h, w):
    """A normalised Grid; not exact when h x w exceeds the canvas."""
    c = cells.shape[-1]
    h = jnp.maximum(_int(h), 0)
    w = jnp.maximum(_int(w), 0)
    flags.fits((h <= c) & ((w <= c) | (h == 0)))
    w = jnp.where(h > 0, w, 0)
    h, w = jnp.minimum(h, c), jnp.minimum(w, c)
    cells = jnp.where(_inside(cells, h, w), jnp.asarray(cells, jnp.int8), jnp.int8(-1))
    return Grid(cells, h, w)


def _colour_fits(value, used=True):
    """An int8 cell holds `value` wherever it is written (`used`)."""
    value = _int(value)
    flags.fits(((value >= 0) & (value <= 127)) | ~jnp.asarray(used))
    return value.astype(jnp.int8)


def _take2(plane, src_r, src_c, fill):
    """out[i, j] = plane[src_r[i], src_c[j]] where both are in range, else `fill`."""
    n_r, n_c = plane.shape
    ok_r = (src_r >= 0) & (src_r < n_r)
    ok_c = (src_c >= 0) & (src_c < n_c)
    rows = jnp.take(plane, jnp.clip(src_r, 0, n_r - 1), axis=0)
    out = jnp.take(rows, jnp.clip(src_c, 0, n_c - 1), axis=1)
    return jnp.where(ok_r[:, None] & ok_c[None, :], out, fill)


def _flip_within(n, length):
    """Source positions that reverse the first `length` of `n` positions."""
    k = jnp.arange(n, dtype=_I32)
    return jnp.where(k < length, length - 1 - k, -1)


def _bbox(patch):
    """(top, bottom, left, right, nonempty) in window coordinates."""
    present = _present(patch)
    p = present.shape[-1]
    rows, cols = jnp.any(present, axis=1), jnp.any(present, axis=0)
    top = jnp.argmax(rows).astype(_I32)
    bottom = (p - 1 - jnp.argmax(rows[::-1])).astype(_I32)
    left = jnp.argmax(cols).astype(_I32)
    right = (p - 1 - jnp.argmax(cols[::-1])).astype(_I32)
    return top, bottom, left, right, jnp.any(rows)


def _window_to_canvas(patch, c):
    """The patch's plane over the canvas cells (0..c-1)^2."""
    m = patch.margin
    assert patch.canvas == c, "patch window and grid canvas come from different tiers"
    return _plane(patch)[m:m + c, m:m + c]


def _slice_bounds(start, stop, length):
    """Python's `seq[start:stop]` on a sequence of `length`: (first, count)."""
    def clamp(x):
        return jnp.where(x < 0, jnp.maximum(x + length, 0), jnp.minimum(x, length))
    first, last = clamp(start), clamp(stop)
    return first, jnp.maximum(last - first, 0)


def _nonempty(g):
    """arc-dsl reads grid[0]: IndexError on the empty grid."""
    flags.require(g.h > 0)


# =========================================================================== colours

def _colour_bins(element):
    """(values int32[N] in set-insertion order, counts int32[N], present bool[N]).

    The distinct values arc-dsl's `set(values)` receives, in the order they are first
    inserted: for a grid, colours by first occurrence in row-major order; for an object,
    colours ascending (its cells iterate by colour first); for Indices (whose cells
    unpack as (row, col)), row numbers ascending."""
    if isinstance(element, Grid):
        cells = element.cells.astype(_I32)
        inside = _inside(cells, element.h, element.w)
        flags.fits(jnp.all(~inside | (cells < NUM_COLOURS)))
        colours = jnp.arange(NUM_COLOURS, dtype=_I32)
        hit = (cells[None] == colours[:, None, None]) & inside[None]
        counts = jnp.sum(hit, axis=(1, 2), dtype=_I32)
        c = cells.shape[-1]
        position = jnp.arange(c * c, dtype=_I32).reshape(c, c)
        first = jnp.min(jnp.where(hit, position[None], c * c), axis=(1, 2))
        order = jnp.argsort(first)
        return colours[order], counts[order], counts[order] > 0
    if isinstance(element, Object):
        plane = element.colour.astype(_I32)
        flags.fits(jnp.all(plane < NUM_COLOURS))
        colours = jnp.arange(NUM_COLOURS, dtype=_I32)
        counts = jnp.sum(plane[None] == colours[:, None, None], axis=(1, 2), dtype=_I32)
        return colours, counts, counts > 0
    if isinstance(element, Indices):
        counts = jnp.sum(element.mask, axis=1, dtype=_I32)
        rows = jnp.arange(counts.shape[0], dtype=_I32) - element.margin
        return rows, counts, counts > 0
    raise TypeError(f"mostcolor/leastcolor/palette: no Element form {type(element).__name__}")


# An 8-slot table probes slot i -> (5 i + 1) & 7 for hashes below 32: one cycle through
# all 8 slots. A value lands on the first free slot along that cycle from its home slot.
_PROBE_CYCLE = np.array([0, 1, 6, 7, 4, 5, 2, 3], np.int32)
_CYCLE_POSITION = np.argsort(_PROBE_CYCLE).astype(np.int32)


def _colour_set_rank(vals, present):
    """Iteration rank of each present value in CPython's `set` built by inserting the
    present `vals` (distinct, in insertion order, all in [0, 32)): slot order of an 8-slot
    table for up to 4 values, ascending from 5 (32 slots, no collisions). The same order
    as `values.int_set_order`, specialised to small colours (half its compile time)."""
    n = vals.shape[0]
    inserted = jnp.cumsum(present.astype(_I32)) - 1
    cycle = jnp.arange(8, dtype=_I32)
    occupied = jnp.zeros((8,), bool)
    slot_of = jnp.full((n,), 99, _I32)
    for k in range(4):
        this = present & (inserted == k)
        v = jnp.sum(jnp.where(this, vals, 0))
        home = jnp.asarray(_CYCLE_POSITION)[v & 7]
        position = jnp.argmin(jnp.where(occupied, 99, (cycle - home) % 8))
        occupied = occupied | (jnp.any(this) & (cycle == position))
        slot_of = jnp.where(this, jnp.asarray(_PROBE_CYCLE)[position], slot_of)
    before = present[None, :] & ~jnp.eye(n, dtype=bool)
    ascending = jnp.sum(before & (vals[None, :] < vals[:, None]), axis=1, dtype=_I32)
    by_slot = jnp.sum(before & (slot_of[None, :] < slot_of[:, None]), axis=1, dtype=_I32)
    return jnp.where(jnp.sum(present) >= 5, ascending, by_slot)


def _set_rank(element, vals, present):
    if isinstance(element, Indices):  # row numbers: any int, the general emulation
        return values.int_set_order(vals, present)[1]
    return _colour_set_rank(vals, present)


def _pick_colour(element, most):
    vals, counts, present = _colour_bins(element)
    flags.require(jnp.any(present))  # max()/min() of an empty set raises
    rank = _set_rank(element, vals, present)
    big = jnp.iinfo(_I32).max
    score = counts if most else -counts
    best = jnp.max(jnp.where(present, score, -big))
    tied = present & (score == best)
    # the first of the tied values in the set's iteration order
    k = jnp.argmin(jnp.where(tied, rank, big))
    return vals[k]


def mostcolor(element):
    """Most frequent colour of a Grid or Object (ties: CPython's set order); int32[].

    Not ok on an empty element."""
    return _pick_colour(element, most=True)


def leastcolor(element):
    """Least frequent colour of a Grid or Object (ties: CPython's set order); int32[]."""
    return _pick_colour(element, most=False)


def colorcount(element, value):
    """Number of cells of colour `value` (for Indices: of cells in row `value`); int32[]."""
    value = _int(value)
    if isinstance(element, Grid):
        inside = _inside(element.cells, element.h, element.w)
        return jnp.sum(inside & (element.cells.astype(_I32) == value), dtype=_I32)
    if isinstance(element, Object):
        plane = element.colour.astype(_I32)
        return jnp.sum((plane >= 0) & (plane == value), dtype=_I32)
    if isinstance(element, Indices):
        rows = jnp.arange(element.mask.shape[0], dtype=_I32) - element.margin
        return jnp.sum(element.mask & (rows[:, None] == value), dtype=_I32)
    raise TypeError(f"colorcount: no Element form {type(element).__name__}")


def palette(element):
    """The set of colours: a frozenset Container of int32 in CPython's iteration order."""
    vals, _, present = _colour_bins(element)
    if isinstance(element, Indices):
        # arc-dsl freezes a built set: from 5 values the copy has a 16-slot table, which
        # keeps ascending order only for values below 16 (row numbers may exceed it).
        flags.fits(jnp.all(~present | ((vals >= 0) & (vals < 16))))
        return values.make_frozenset(vals, present)
    capacity = values.current_tier().capacity
    rank = _colour_set_rank(vals, present)
    slot = jnp.where(present & (rank < capacity), rank, capacity)
    items = jnp.zeros((capacity + 1,), _I32).at[slot].set(vals, mode="drop")[:capacity]
    count = jnp.sum(present, dtype=_I32)
    flags.fits(count <= capacity)
    return Container(items, jnp.minimum(count, capacity), "frozenset")


def numcolors(element):
    """Number of distinct colours; int32[]."""
    _, _, present = _colour_bins(element)
    return jnp.sum(present, dtype=_I32)


# =========================================================================== geometry

def height(piece):
    """Rows of a grid, or the row span of a patch (0 when empty); int32[]."""
    if isinstance(piece, Grid):
        return _int(piece.h)
    if _is_patch(piece):
        top, bottom, _, _, nonempty = _bbox(piece)
        return jnp.where(nonempty, bottom - top + 1, 0)
    if isinstance(piece, Container) and piece.kind == "tuple":
        return _int(piece.size)  # len() of a tuple of values
    raise TypeError(f"height: no Piece form {type(piece).__name__}")


def width(piece):
    """Columns of a grid (0 for the empty grid), or the column span of a patch; int32[]."""
    if isinstance(piece, Grid):
        return jnp.where(piece.h > 0, _int(piece.w), 0)
    if _is_patch(piece):
        _, _, left, right, nonempty = _bbox(piece)
        return jnp.where(nonempty, right - left + 1, 0)
    raise TypeError(f"width: no Piece form {type(piece).__name__}")


def shape(piece):
    """(height, width) as int32[2]."""
    return jnp.stack([height(piece), width(piece)])


def portrait(piece):
    """height > width; bool[]."""
    return height(piece) > width(piece)


def _hflip_grid(g):
    c = g.canvas
    src = _flip_within(c, g.h)
    return _grid(_take2(g.cells, src, jnp.arange(c, dtype=_I32), -1), g.h, g.w)


def _vflip_grid(g):
    c = g.canvas
    src = _flip_within(c, g.w)
    return _grid(_take2(g.cells, jnp.arange(c, dtype=_I32), src, -1), g.h, g.w)


def _transpose_grid(g):
    return _grid(g.cells.T, g.w, g.h)


def rot90(grid):
    """Clockwise quarter turn: a w x h grid."""
    return _transpose_grid(_hflip_grid(grid))


def rot180(grid):
    """Half turn."""
    return _hflip_grid(_vflip_grid(grid))


def rot270(grid):
    """Anticlockwise quarter turn: a w x h grid."""
    return _transpose_grid(_vflip_grid(grid))


def _mirror_patch(patch, axis):
    """Reverse a patch within its bounding box along `axis` (0: rows, 1: columns)."""
    top, bottom, left, right, nonempty = _bbox(patch)
    flags.require(nonempty)  # arc-dsl reads a corner of the empty patch
    p = _plane(patch).shape[-1]
    k = jnp.arange(p, dtype=_I32)
    if axis == 0:
        src_r, src_c = top + bottom - k, k
    else:
        src_r, src_c = k, left + right - k
    return _with_plane(patch, _take2(_plane(patch), src_r, src_c, _absent(patch)))


def hmirror(piece):
    """Upside down: a grid's rows reversed; a patch flipped within its bounding box."""
    if isinstance(piece, Grid):
        return _hflip_grid(piece)
    if _is_patch(piece):
        return _mirror_patch(piece, 0)
    raise TypeError(f"hmirror: no Piece form {type(piece).__name__}")


def vmirror(piece):
    """Left to right: a grid's columns reversed; a patch flipped within its bounding box."""
    if isinstance(piece, Grid):
        return _vflip_grid(piece)
    if _is_patch(piece):
        return _mirror_patch(piece, 1)
    raise TypeError(f"vmirror: no Piece form {type(piece).__name__}")


def dmirror(piece):
    """Transpose: a grid's w x h transpose; a patch about its upper-left corner (a, b),
    cell (i, j) -> (j - b + a, i - a + b); not exact if that leaves the window."""
    if isinstance(piece, Grid):
        return _transpose_grid(piece)
    if not _is_patch(piece):
        raise TypeError(f"dmirror: no Piece form {type(piece).__name__}")
    top, bottom, left, right, nonempty = _bbox(piece)
    flags.require(nonempty)
    p = _plane(piece).shape[-1]
    flags.fits(~nonempty | ((top + right - left < p) & (left + bottom - top < p)))
    k = jnp.arange(p, dtype=_I32)
    d = left - top
    # new[r, c] = old[c - d, r + d]: the transpose, shifted along the diagonal
    plane = _take2(_plane(piece).T, k + d, k - d, _absent(piece))
    return _with_plane(piece, plane)


def cmirror(piece):
    """Transpose along the anti-diagonal (a patch: vmirror(dmirror(vmirror(patch))))."""
    if isinstance(piece, Grid):
        return _transpose_grid(rot180(piece))
    return vmirror(dmirror(vmirror(piece)))


# =========================================================================== painting

def _patch_on_canvas(patch, g):
    """(present bool[C, C], colour int8[C, C] or None) of the patch over the grid's cells."""
    plane = _window_to_canvas(patch, g.canvas)
    inside = _inside(g.cells, g.h, g.w)
    if isinstance(patch, Indices):
        return plane & inside, None
    return (plane >= 0) & inside, plane


def _flat_targets(g, pairs, valid):
    """Flat canvas index of each valid in-grid pair; C * C (a dropped slot) otherwise."""
    c = g.canvas
    i, j = pairs[:, 0], pairs[:, 1]
    hit = valid & (i >= 0) & (i < g.h) & (j >= 0) & (j < g.w)
    return jnp.where(hit, i * c + j, c * c)


def _scatter_mask(g, pairs, valid):
    c = g.canvas
    flat = _flat_targets(g, pairs, valid)
    return jnp.zeros((c * c + 1,), bool).at[flat].set(True)[:c * c].reshape(c, c)


def _positions(patch, g):
    """bool[C, C]: the in-grid cells of arc-dsl's toindices(patch), for fill-like writes.

    A patch, a tuple Container of pairs or of cells, or a Grid whose rows are (i, j)."""
    if isinstance(patch, (Indices, Object)):
        return _patch_on_canvas(patch, g)[0]
    if isinstance(patch, Container):
        items = patch.items
        if values.is_cell_items(items):
            return _scatter_mask(g, _int(items[1]), patch.valid())
        if values.is_pair_items(items):
            return _scatter_mask(g, _int(items), patch.valid())
        flags.require(patch.size == 0)  # elements that do not unpack as (i, j)
        return jnp.zeros((g.canvas, g.canvas), bool)
    if isinstance(patch, Grid):  # a tuple of pairs read as a width-2 grid
        flags.require((patch.h == 0) | (patch.w == 2))
        pairs = patch.cells[:, :2].astype(_I32)
        return _scatter_mask(g, pairs, jnp.arange(patch.canvas) < patch.h)
    raise TypeError(f"fill: no Patch form {type(patch).__name__}")


def fill(grid, value, patch):
    """`value` at the patch's cells inside the grid. Not ok on the empty grid."""
    _nonempty(grid)
    where = _positions(patch, grid)
    colour = _colour_fits(value, jnp.any(where))
    return _grid(jnp.where(where, colour, grid.cells), grid.h, grid.w)


def _cell_writes(obj, g, background=None):
    """(where bool[C, C], colour int8[C, C]) that painting `obj` leaves on the grid.

    An Object holds one colour per cell. A tuple Container of cells is written in order:
    the last cell at a position wins (paint); with a background, the first cell of
    another colour wins where the grid shows the background (underpaint). Indices and
    other containers do not unpack as (colour, (i, j)): not ok unless empty."""
    if isinstance(obj, Object):
        where, colour = _patch_on_canvas(obj, g)
        if background is not None:
            where = where & (g.cells.astype(_I32) == background)
        return where, colour
    if isinstance(obj, Container) and values.is_cell_items(obj.items):
        c = g.canvas
        colours, pairs = _int(obj.items[0]), _int(obj.items[1])
        valid = obj.valid()
        order = jnp.arange(colours.shape[0], dtype=_I32)
        if background is None:
            flat = _flat_targets(g, pairs, valid)
            pick = jnp.full((c * c + 1,), -1, _I32).at[flat].max(order)[:c * c]
        else:
            flat = _flat_targets(g, pairs, valid & (colours != background))
            big = colours.shape[0]
            pick = jnp.full((c * c + 1,), big, _I32).at[flat].min(order)[:c * c]
            pick = jnp.where(pick < big, pick, -1)
        where = (pick >= 0).reshape(c, c)
        if background is not None:
            where = where & (g.cells.astype(_I32) == background)
        written = colours[jnp.maximum(pick, 0)].reshape(c, c)
        flags.fits(jnp.all(~where | ((written >= 0) & (written <= 127))))
        return where, written.astype(jnp.int8)
    if isinstance(obj, Indices):
        flags.require(~jnp.any(obj.mask))
    elif isinstance(obj, Container):
        flags.require(obj.size == 0)
    elif isinstance(obj, Grid):  # rows of ints (or pairs) never unpack as cells
        flags.require(obj.h == 0)
    else:
        raise TypeError(f"paint: no Object form {type(obj).__name__}")
    return jnp.zeros((g.canvas, g.canvas), bool), g.cells


def _object_or_empty(obj):
    """arc-dsl unpacks each cell as (colour, (i, j)): Indices only pass when empty."""
    if isinstance(obj, Indices):
        flags.require(~jnp.any(obj.mask))
        return False
    if isinstance(obj, Object):
        return True
    raise TypeError(f"move/upscale: no Object form {type(obj).__name__}")


def paint(grid, obj):
    """The object's cells written over the grid (outside cells dropped; for a tuple of
    cells the last one at a position wins). Not ok on the empty grid."""
    _nonempty(grid)
    where, colour = _cell_writes(obj, grid)
    return _grid(jnp.where(where, colour, grid.cells), grid.h, grid.w)


def underfill(grid, value, patch):
    """`value` at the patch's cells that hold the background (mostcolor)."""
    _nonempty(grid)
    background = mostcolor(grid)
    where = _positions(patch, grid) & (grid.cells.astype(_I32) == background)
    colour = _colour_fits(value, jnp.any(where))
    return _grid(jnp.where(where, colour, grid.cells), grid.h, grid.w)


def underpaint(grid, obj):
    """The object's cells written where the grid holds its background (mostcolor)."""
    _nonempty(grid)
    background = mostcolor(grid)
    where, colour = _cell_writes(obj, grid, background)
    return _grid(jnp.where(where, colour, grid.cells), grid.h, grid.w)


def cover(grid, patch):
    """The patch's cells set to the background (mostcolor). Not ok on the empty grid."""
    background = mostcolor(grid)
    return fill(grid, background, patch)


def move(grid, obj, offset):
    """cover(grid, obj), then obj shifted by `offset` painted on it."""
    covered = cover(grid, obj)
    if not _object_or_empty(obj):
        return covered
    di, dj = _pair(offset)[0], _pair(offset)[1]
    c, m = grid.canvas, obj.margin
    k = jnp.arange(c, dtype=_I32)
    # canvas cell (r, q) shows the object's window cell (r - di + m, q - dj + m)
    plane = _take2(obj.colour, k - di + m, k - dj + m, jnp.int8(-1))
    where = (plane >= 0) & _inside(covered.cells, covered.h, covered.w)
    return _grid(jnp.where(where, plane, covered.cells), covered.h, covered.w)


# =========================================================================== scaling

def _stretch_src(n, factor):
    """Source positions of n output positions, each source repeated `factor` times."""
    return jnp.arange(n, dtype=_I32) // jnp.maximum(factor, 1)


def hupscale(grid, factor):
    """Each cell repeated `factor` times along its row: h x (w * factor) (width 0 when
    factor <= 0). Not exact beyond the canvas."""
    factor = _int(factor)
    c = grid.canvas
    cells = _take2(grid.cells, jnp.arange(c, dtype=_I32), _stretch_src(c, factor), -1)
    return _grid(cells, grid.h, grid.w * jnp.maximum(factor, 0))


def vupscale(grid, factor):
    """Each row repeated `factor` times: (h * factor) x w (the empty grid when factor <= 0)."""
    factor = _int(factor)
    c = grid.canvas
    cells = _take2(grid.cells, _stretch_src(c, factor), jnp.arange(c, dtype=_I32), -1)
    return _grid(cells, grid.h * jnp.maximum(factor, 0), grid.w)


def upscale(element, factor):
    """A grid scaled by `factor` both ways; an object scaled about its upper-left corner
    (empty when factor <= 0). Not exact beyond the canvas / window."""
    factor = _int(factor)
    if isinstance(element, Grid):
        return vupscale(hupscale(element, factor), factor)
    if not _object_or_empty(element):
        return element  # the empty Indices (arc-dsl returns frozenset())
    top, bottom, left, right, nonempty = _bbox(element)
    p = element.colour.shape[-1]
    f = jnp.maximum(factor, 1)
    flags.fits(~nonempty | (factor <= 0) | (
        (top + (bottom - top + 1) * factor <= p) & (left + (right - left + 1) * factor <= p)))
    k = jnp.arange(p, dtype=_I32)
    src_r = jnp.where(k >= top, top + (k - top) // f, -1)
    src_c = jnp.where(k >= left, left + (k - left) // f, -1)
    plane = _take2(element.colour, src_r, src_c, jnp.int8(-1))
    plane = jnp.where(factor > 0, plane, jnp.int8(-1))
    return Object(plane, element.margin)


def downscale(grid, factor):
    """Rows and columns whose index is a multiple of `factor` (Python's %: the sign of
    factor does not matter). Not ok on the empty grid or factor 0."""
    factor = _int(factor)
    _nonempty(grid)
    flags.require(factor != 0)
    f = jnp.maximum(jnp.abs(factor), 1)
    c = grid.canvas
    src = jnp.arange(c, dtype=_I32) * f
    cells = _take2(grid.cells, src, src, -1)
    return _grid(cells, (grid.h + f - 1) // f, (grid.w + f - 1) // f)


# =========================================================================== cutting, joining

def hconcat(a, b):
    """Rows of a and b side by side, as many rows as the shorter: (min h) x (wa + wb)."""
    c = a.canvas
    k = jnp.arange(c, dtype=_I32)
    from_b = _take2(b.cells, k, k - a.w, -1)
    cells = jnp.where(k[None, :] < a.w, a.cells, from_b)
    return _grid(cells, jnp.minimum(a.h, b.h), a.w + b.w)


def vconcat(a, b):
    """a on top of b: (ha + hb) rows. Rows of two widths (a ragged tuple) are not exact."""
    c = a.canvas
    k = jnp.arange(c, dtype=_I32)
    flags.fits((a.h == 0) | (b.h == 0) | (a.w == b.w))
    from_b = _take2(b.cells, k - a.h, k, -1)
    cells = jnp.where(k[:, None] < a.h, a.cells, from_b)
    return _grid(cells, a.h + b.h, jnp.where(a.h > 0, a.w, b.w))


def _crop_raw(g, start, dims):
    """Python-slice crop: (cells, h, w) of grid[s0:s0+d0] rows, row[s1:s1+d1] columns."""
    r0, n_r = _slice_bounds(start[0], start[0] + dims[0], g.h)
    c0, n_c = _slice_bounds(start[1], start[1] + dims[1], g.w)
    k = jnp.arange(g.canvas, dtype=_I32)
    cells = _take2(g.cells, jnp.where(k < n_r, k + r0, -1), jnp.where(k < n_c, k + c0, -1), -1)
    return cells, n_r, n_c


def crop(grid, start, dims):
    """The window at `start` of size `dims`, with Python slice semantics (a negative start
    counts from the end)."""
    return _grid(*_crop_raw(grid, _pair(start), _pair(dims)))


def subgrid(patch, grid):
    """crop(grid, ulcorner(patch), shape(patch)). Not ok for the empty patch."""
    top, bottom, left, right, nonempty = _bbox(patch)
    flags.require(nonempty)
    m = patch.margin
    start = jnp.stack([top - m, left - m])
    dims = jnp.stack([bottom - top + 1, right - left + 1])
    return _grid(*_crop_raw(grid, start, dims))


def _split(grid, n, axis):
    """hsplit (axis 1) / vsplit (axis 0): a tuple Container of n grids."""
    n = _int(n)
    _nonempty(grid)
    flags.require(n != 0)
    capacity = values.current_tier().capacity
    flags.fits(n <= capacity)
    total = grid.w if axis == 1 else grid.h
    safe_n = jnp.where(n == 0, 1, n)
    part = jnp.floor_divide(total, safe_n)
    gap = (jnp.remainder(total, safe_n) != 0).astype(_I32)

    def piece(k):
        offset = k * (part + gap)
        if axis == 1:
            start, dims = jnp.stack([0, offset]), jnp.stack([grid.h, part])
        else:
            start, dims = jnp.stack([offset, 0]), jnp.stack([part, grid.w])
        cells, h, w = _crop_raw(grid, start, dims)
        return cells, h, w

    cells, hs, ws = jax.vmap(piece)(jnp.arange(capacity, dtype=_I32))
    size = jnp.clip(n, 0, capacity)
    valid = jnp.arange(capacity) < size
    hs = jnp.where(valid, hs, 0)
    ws = jnp.where(valid & (hs > 0), ws, 0)
    c = grid.canvas
    r = jnp.arange(c, dtype=_I32)
    inside = (r[None, :, None] < hs[:, None, None]) & (r[None, None, :] < ws[:, None, None])
    cells = jnp.where(inside, cells, jnp.int8(-1)).astype(jnp.int8)
    return Container(Grid(cells, hs.astype(_I32), ws.astype(_I32)), size.astype(_I32), "tuple")


def hsplit(grid, n):
    """n side-by-side pieces of width w // n, one column skipped between pieces when n does
    not divide w: a tuple Container of Grids (capacity: the tier's). Not ok on the empty
    grid or n = 0; () for n < 0; not exact for n above capacity."""
    return _split(grid, n, axis=1)


def vsplit(grid, n):
    """n stacked pieces of height h // n, one row skipped between pieces when n does not
    divide h: a tuple Container of Grids (see hsplit)."""
    return _split(grid, n, axis=0)


def trim(grid):
    """The grid without its outer ring: (h - 2) x (w - 2), the empty grid when h <= 2."""
    return crop(grid, jnp.asarray([1, 1], _I32),
                jnp.stack([grid.h - 2, grid.w - 2]))


def tophalf(grid):
    """The first h // 2 rows."""
    return _grid(grid.cells, grid.h // 2, grid.w)


def bottomhalf(grid):
    """The last h // 2 rows (the middle row of an odd height dropped)."""
    cells, h, w = _crop_raw(grid, jnp.stack([(grid.h + 1) // 2, 0]),
                            jnp.stack([grid.h, grid.w]))
    return _grid(cells, h, w)


def lefthalf(grid):
    """The first w // 2 columns; the empty grid when w // 2 = 0 (as arc-dsl's rotations)."""
    half = grid.w // 2
    return _grid(grid.cells, jnp.where(half > 0, grid.h, 0), half)


def righthalf(grid):
    """The last w // 2 columns; the empty grid when w // 2 = 0."""
    half = grid.w // 2
    cells, _, _ = _crop_raw(grid, jnp.stack([0, (grid.w + 1) // 2]),
                            jnp.stack([grid.h, grid.w]))
    return _grid(cells, jnp.where(half > 0, grid.h, 0), half)


def _compact(keep):
    """Source positions of the kept positions, in order, then -1; and their count."""
    n = keep.shape[0]
    (src,) = jnp.nonzero(keep, size=n, fill_value=-1)
    return src.astype(_I32), jnp.sum(keep, dtype=_I32)


def compress(grid):
    """The grid without its single-coloured rows and columns."""
    cells = grid.cells
    inside = _inside(cells, grid.h, grid.w)
    c = grid.canvas
    k = jnp.arange(c, dtype=_I32)
    first_col, first_row = cells[:, :1], cells[:1, :]
    uniform_row = jnp.all((cells == first_col) | ~inside, axis=1) & (grid.w > 0)
    uniform_col = jnp.all((cells == first_row) | ~inside, axis=0) & (grid.h > 0)
    keep_rows = (k < grid.h) & ~uniform_row
    keep_cols = (k < grid.w) & ~uniform_col
    src_r, n_r = _compact(keep_rows)
    src_c, n_c = _compact(keep_cols)
    return _grid(_take2(cells, src_r, src_c, -1), n_r, n_c)


# =========================================================================== cell values

def cellwise(a, b, fallback):
    """a where it equals b, else `fallback`, over a's shape. Not ok where arc-dsl reads
    outside b (b smaller than a) or a is empty."""
    _nonempty(a)
    flags.require((a.w == 0) | ((a.h <= b.h) & (a.w <= b.w)))
    inside = _inside(a.cells, a.h, a.w)
    differ = inside & (a.cells != b.cells)
    colour = _colour_fits(fallback, jnp.any(differ))
    return _grid(jnp.where(differ, colour, a.cells), a.h, a.w)


def replace(grid, replacee, replacer):
    """Cells of colour `replacee` become `replacer`."""
    inside = _inside(grid.cells, grid.h, grid.w)
    hit = inside & (grid.cells.astype(_I32) == _int(replacee))
    colour = _colour_fits(replacer, jnp.any(hit))
    return _grid(jnp.where(hit, colour, grid.cells), grid.h, grid.w)


def switch(grid, a, b):
    """Colours a and b swapped."""
    inside = _inside(grid.cells, grid.h, grid.w)
    cells = grid.cells.astype(_I32)
    is_a = inside & (cells == _int(a))
    is_b = inside & (cells == _int(b)) & ~is_a
    to_b = _colour_fits(b, jnp.any(is_a))
    to_a = _colour_fits(a, jnp.any(is_b))
    out = jnp.where(is_a, to_b, jnp.where(is_b, to_a, grid.cells))
    return _grid(out, grid.h, grid.w)


def canvas(value, dimensions):
    """A dims[0] x dims[1] grid of `value` (the empty grid when dims[0] <= 0). Not exact
    beyond the tier's canvas."""
    c = values.current_tier().canvas
    dims = _pair(dimensions)
    h, w = jnp.maximum(dims[0], 0), jnp.maximum(dims[1], 0)
    colour = _colour_fits(value, (h > 0) & (w > 0))
    return _grid(jnp.full((c, c), colour, jnp.int8), h, w)


def index(grid, loc):
    """The colour at `loc`; int32[]. Not ok on the empty grid. Out of bounds arc-dsl returns
    None, which has no padded form: not exact."""
    _nonempty(grid)
    loc = _pair(loc)
    i, j = loc[0], loc[1]
    inside = (i >= 0) & (i < grid.h) & (j >= 0) & (j < grid.w)
    flags.fits(inside | (grid.h == 0))
    c = grid.canvas
    return grid.cells[jnp.clip(i, 0, c - 1), jnp.clip(j, 0, c - 1)].astype(_I32)


# A tuple of rows (e.g. merge of a tuple of grids) is read as the Grid it is.
values.accept_row_tuples(globals(), __all__)
