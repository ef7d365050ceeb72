"""dsl_jax primitives: patches family (padded forms: see values.py).

Patches live on a window of P x P cells covering rows/cols -margin .. canvas+margin-1:
Indices as a bool mask, Object as an int8 colour plane (-1 where absent). Every function
takes either form where dsl_py does, works on one unbatched value (jit/vmap safe: no Python
control flow on data), and reports through `flags`:

- `flags.require(c)`: dsl_py raises unless c (e.g. `uppermost` of an empty patch);
- `flags.fits(c)`: the result is held exactly only if c (a cell pushed beyond the window,
  a colour an int8 plane cannot hold, the empty tuple () that arc-dsl's corner functions
  return for an empty patch).

Geometry that would need loops over cells (manhattan, gravitate's 42 steps, periods) is
written as fixed-size tensor reductions over rows and columns of the window.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from jaxbatt.dsl_jax import flags, values
from jaxbatt.dsl_jax.values import Container, Grid, Indices, Object

__all__ = [
    "asindices", "ofcolor", "ulcorner", "urcorner", "llcorner", "lrcorner", "toindices",
    "recolor", "shift", "normalize", "dneighbors", "ineighbors", "neighbors", "uppermost",
    "lowermost", "leftmost", "rightmost", "square", "vline", "hline", "hmatching",
    "vmatching", "manhattan", "adjacent", "bordering", "centerofmass", "color", "toobject",
    "asobject", "center", "position", "corners", "connect", "vfrontier", "hfrontier",
    "backdrop", "delta", "gravitate", "inbox", "outbox", "box", "shoot", "hperiod",
    "vperiod",
]

# arc-dsl's fixed lengths (see dsl_py.patches).
_FRONTIER_LENGTH = 30
_SHOOT_REACH = 42
_GRAVITATE_STEPS = 42
# "No cell" in distance and extreme computations; small enough that sums cannot overflow.
_FAR = np.int32(1 << 20)


# --------------------------------------------------------------------------- helpers


def _check_patch(patch, who):
    if not isinstance(patch, values.Patch):
        raise TypeError(f"{who}: expected Indices or Object, got {type(patch).__name__}")


def _present(patch) -> jnp.ndarray:
    """bool[P, P]: which window cells the patch holds."""
    _check_patch(patch, "patch")
    if isinstance(patch, Indices):
        return patch.mask
    return patch.colour >= 0


def _count(present) -> jnp.ndarray:
    """int32[]: number of cells (len of the patch; an Object plane has one per position)."""
    return jnp.sum(present, dtype=jnp.int32)


def _coords(size: int, margin: int) -> jnp.ndarray:
    """int32[size]: the patch coordinate of each window row (or column)."""
    return jnp.arange(size, dtype=jnp.int32) - margin


def _window(like=None):
    """(rows int32[P, 1], cols int32[1, P], margin): the coordinates of the window of the
    patch `like`, or of the current tier's window."""
    if like is None:
        tier = values.current_tier()
        size, margin = tier.window, tier.margin
    else:
        size, margin = _present(like).shape[0], like.margin
    coords = _coords(size, margin)
    return coords[:, None], coords[None, :], margin


def _extremes(patch):
    """(nonempty, top, bottom, left, right) int32 scalars; extremes are 0 when empty."""
    present = _present(patch)
    rows = _coords(present.shape[0], patch.margin)
    cols = _coords(present.shape[1], patch.margin)
    any_row, any_col = present.any(axis=1), present.any(axis=0)
    nonempty = any_row.any()

    def pick(hit, coords, reduce, fill):
        return jnp.where(nonempty, reduce(jnp.where(hit, coords, fill)), 0).astype(jnp.int32)

    return (nonempty, pick(any_row, rows, jnp.min, _FAR), pick(any_row, rows, jnp.max, -_FAR),
            pick(any_col, cols, jnp.min, _FAR), pick(any_col, cols, jnp.max, -_FAR))


def _spans(patch):
    """(height, width) as arc-dsl's height/width of a patch: 0 when empty."""
    nonempty, top, bottom, left, right = _extremes(patch)
    return (jnp.where(nonempty, bottom - top + 1, 0).astype(jnp.int32),
            jnp.where(nonempty, right - left + 1, 0).astype(jnp.int32))


def _indices_where(mask, expected_count=None) -> Indices:
    """An Indices of the current tier from a window mask; when the reference's cell count is
    known, fewer cells in the window means some fell outside it (not exact)."""
    tier = values.current_tier()
    if expected_count is not None:
        flags.fits(_count(mask) == expected_count)
    return Indices(mask, tier.margin)


def _grid_on_window(grid: Grid) -> jnp.ndarray:
    """int8[P, P]: the grid's cells at their window positions, -1 elsewhere."""
    tier = values.current_tier()
    p, m, c = tier.window, tier.margin, grid.canvas
    cells = grid.cells
    room = p - m
    if c > room:  # a canvas larger than the window: cells beyond it cannot be placed
        flags.fits((grid.h <= room) & (grid.w <= room))
        cells, c = cells[:room, :room], room
    return jnp.pad(cells, ((m, p - m - c), (m, p - m - c)), constant_values=-1)


def _translate(plane, di, dj, fill):
    """plane moved by (di, dj) cells (traced), `fill` where nothing moved in (a numpy plane,
    e.g. a closure's constant, is indexed as a jax array)."""
    plane = jnp.asarray(plane)
    p = plane.shape[0]
    rows = jnp.arange(p)[:, None] - di
    cols = jnp.arange(p)[None, :] - dj
    inside = (rows >= 0) & (rows < p) & (cols >= 0) & (cols < p)
    moved = plane[jnp.clip(rows, 0, p - 1), jnp.clip(cols, 0, p - 1)]
    return jnp.where(inside, moved, fill)


def _same_window(a, b, who):
    _check_patch(a, who)
    _check_patch(b, who)
    if _present(a).shape != _present(b).shape or a.margin != b.margin:
        raise ValueError(f"{who}: patches on different windows")


def _pair(x):
    if not values.is_pair(x) and not (isinstance(x, tuple) and len(x) == 2):
        raise TypeError(f"expected an IntegerTuple, got {type(x).__name__}")
    return values.as_pair(x)


def _row_gaps(present) -> jnp.ndarray:
    """int32[R, C]: for each row r and column c, min |c - c'| over cells (r, c'); _FAR if the
    row is empty. Nearest cell to the left and to the right by running max / min: O(R C)."""
    cols = jnp.arange(present.shape[1], dtype=jnp.int32)[None, :]
    left = jax.lax.cummax(jnp.where(present, cols, -_FAR), axis=1)
    right = jax.lax.cummin(jnp.where(present, cols, _FAR), axis=1, reverse=True)
    gaps = jnp.minimum(cols - left, right - cols)
    return jnp.where(jnp.any(present, axis=1, keepdims=True), gaps, _FAR)


def _distances_to(present) -> jnp.ndarray:
    """int32[R, C]: min Manhattan distance from each window cell to a cell of the mask
    (>= _FAR - R for an empty mask): the row gaps, then min over r' of gaps[r'] + |r - r'|
    as running minima of gaps - r' (from above) and gaps + r' (from below)."""
    gaps = _row_gaps(present)
    rows = jnp.arange(present.shape[0], dtype=jnp.int32)[:, None]
    above = jax.lax.cummin(gaps - rows, axis=0) + rows
    below = jax.lax.cummin(gaps + rows, axis=0, reverse=True) - rows
    return jnp.minimum(above, below)


def _row_pair_gaps(a_present, b_present) -> jnp.ndarray:
    """int32[Ra, Rb]: min |ca - cb| over cells (ra, ca) of a and (rb, cb) of b."""
    gaps_b = _row_gaps(b_present)  # [rb, c]
    both = jnp.where(a_present[:, None, :], gaps_b[None, :, :], _FAR)  # [ra, rb, c]
    return jnp.min(both, axis=-1)


def _manhattan_planes(a_present, b_present) -> jnp.ndarray:
    """int32[]: min Manhattan distance between the cells of two same-window masks."""
    return jnp.min(jnp.where(a_present, _distances_to(b_present), _FAR))


def _outline_mask(patch, r0, c0, r1, c1):
    """(mask, fits): the border of the rectangle between two corners (any order), on the
    window of `patch` (the current tier's for None); fits is False when the border leaves
    that window."""
    rr, cc, _ = _window(patch)
    top, bottom = jnp.minimum(r0, r1), jnp.maximum(r0, r1)
    left, right = jnp.minimum(c0, c1), jnp.maximum(c0, c1)
    inside = (rr >= top) & (rr <= bottom) & (cc >= left) & (cc <= right)
    edge = (rr == top) | (rr == bottom) | (cc == left) | (cc == right)
    lo, hi = rr[0, 0], rr[-1, 0]
    fits = (top >= lo) & (bottom <= hi) & (left >= lo) & (right <= hi)
    return inside & edge, fits


def _toward(x, y):
    """1 where x < y else -1 (int32)."""
    return jnp.where(x < y, 1, -1).astype(jnp.int32)


# --------------------------------------------------------------------------- from grids


def asindices(grid: Grid) -> Indices:
    """All positions of the grid: the mask of rows < h and cols < w on the window."""
    rr, cc, _ = _window()
    return _indices_where((rr >= 0) & (rr < grid.h) & (cc >= 0) & (cc < grid.w))


def ofcolor(grid: Grid, value) -> Indices:
    """Positions of the grid's cells equal to `value` (never the -1 padding)."""
    cells = _grid_on_window(grid).astype(jnp.int32)
    return _indices_where((cells >= 0) & (cells == values.as_int(value)))


def asobject(grid: Grid) -> Object:
    """Every grid cell as an Object: the grid's colours on the window."""
    return Object(_grid_on_window(grid), values.current_tier().margin)


def toobject(patch, grid: Grid) -> Object:
    """The grid's colours at the patch's positions; positions outside h x w are dropped.
    dsl_py raises for an empty grid (no rows): not ok."""
    present = _present(patch)
    flags.require(grid.h > 0)
    cells = _grid_on_window(grid)
    if cells.shape != present.shape:
        raise ValueError("toobject: patch window differs from the current tier's window")
    return Object(jnp.where(present, cells, jnp.int8(-1)), patch.margin)


# --------------------------------------------------------------------------- conversions


def toindices(patch) -> Indices:
    """The positions of a patch (an Object's colours dropped): its presence mask."""
    return Indices(_present(patch), patch.margin)


def recolor(value, patch) -> Object:
    """Every position of the patch painted `value`; a colour outside 0..127 cannot be held
    by the int8 plane (not exact unless the patch is empty)."""
    present = _present(patch)
    value = values.as_int(value)
    flags.fits(~present.any() | ((value >= 0) & (value <= 127)))
    return Object(jnp.where(present, value, -1).astype(jnp.int8), patch.margin)


def shift(patch, directions):
    """The patch moved by (drow, dcol): the plane translated. Cells pushed out of the window
    are dropped and make it clipped, as a line leaving the window (see clipping.py: exact
    where only grid cells are read, e.g. painted). dsl_py ignores the offset of an empty
    patch."""
    present = _present(patch)
    if values.is_int(directions):  # dsl_py cannot unpack an int unless the patch is empty
        flags.require(~present.any())
        return patch
    di, dj = _pair(directions)
    if isinstance(patch, Indices):
        moved = _translate(patch.mask, di, dj, False)
        return Indices(moved, patch.margin, (_count(moved) != _count(present)) | patch.clipped)
    moved = _translate(patch.colour, di, dj, jnp.int8(-1))
    return Object(moved, patch.margin, (_count(moved >= 0) != _count(present)) | patch.clipped)


# lbind(shift, patch) is the function loc -> shift(patch, loc): functional.lbind marks it
# so that mapply over indices becomes `shifted_copies`.
shift.moves_its_first_argument = True


def shifted_copies(patch, locations: Indices, budget: int):
    """mapply(lbind(shift, patch), locations): the union of the patch moved by each location
    (the Minkowski sum of the two cell sets). The smaller side, up to `budget` cells, moves
    the other's plane once per cell. Cells moved out of the window make the union clipped,
    as shift does; more cells on both sides, or two colours at one position (an Object
    cannot hold both): not exact."""
    _same_window(patch, locations, "shifted_copies")
    present = _present(patch)
    move_patch = _count(locations.mask) <= _count(present)  # fewer locations than cells
    movers = jnp.where(move_patch, locations.mask, present)
    flags.fits(_count(movers) <= budget)
    (flat,) = jnp.nonzero(movers.reshape(-1), size=budget, fill_value=0)
    real = jnp.arange(budget) < _count(movers)
    p, m = present.shape[0], patch.margin
    di, dj = flat // p - m, flat % p - m
    if isinstance(patch, Indices):
        base = jnp.where(move_patch, patch.mask, locations.mask)
        moved = jax.vmap(lambda i, j: _translate(base, i, j, False))(di, dj)
        lost = jnp.sum(moved, axis=(1, 2)) != _count(base)
        return values.union_patches(Indices(moved, m, lost), real)
    # An Object: its colours move with it, or each of its cells carries its colour.
    base = jnp.where(move_patch, patch.colour, jnp.where(locations.mask, 0, -1)).astype(jnp.int32)
    tint = jnp.where(move_patch, 0, jnp.asarray(patch.colour).reshape(-1)[flat].astype(jnp.int32))
    moved = jax.vmap(lambda i, j: _translate(base, i, j, -1))(di, dj)
    moved = jnp.where(moved >= 0, moved + tint[:, None, None], -1)
    lost = jnp.sum(moved >= 0, axis=(1, 2)) != _count(base >= 0)
    return values.union_patches(Object(moved.astype(jnp.int8), m, lost), real)


def normalize(patch):
    """The patch moved so its bounding box starts at (0, 0) (an empty patch unchanged)."""
    _, top, _, left, _ = _extremes(patch)
    return shift(patch, jnp.stack([-top, -left]))


# --------------------------------------------------------------------------- extremes


def _extreme(patch, which):
    nonempty, *ext = _extremes(patch)
    flags.require(nonempty)
    return ext[which]


def uppermost(patch):
    """Smallest row (int32); dsl_py raises on an empty patch: not ok."""
    return _extreme(patch, 0)


def lowermost(patch):
    """Largest row (int32); not ok when empty."""
    return _extreme(patch, 1)


def leftmost(patch):
    """Smallest column (int32); not ok when empty."""
    return _extreme(patch, 2)


def rightmost(patch):
    """Largest column (int32); not ok when empty."""
    return _extreme(patch, 3)


def _corner(patch, row_index, col_index):
    nonempty, *ext = _extremes(patch)
    flags.fits(nonempty)  # arc-dsl gives the empty tuple (), which is no IntegerTuple
    return jnp.stack([ext[row_index], ext[col_index]])


def ulcorner(patch):
    """(top, left) int32[2]; for an empty patch dsl_py returns (): not exact."""
    return _corner(patch, 0, 2)


def urcorner(patch):
    """(top, right) int32[2]; () when empty: not exact."""
    return _corner(patch, 0, 3)


def llcorner(patch):
    """(bottom, left) int32[2]; () when empty: not exact."""
    return _corner(patch, 1, 2)


def lrcorner(patch):
    """(bottom, right) int32[2]; () when empty: not exact."""
    return _corner(patch, 1, 3)


def corners(patch) -> Indices:
    """The bounding box's corner cells; dsl_py's {()} for an empty patch: not exact."""
    nonempty, top, bottom, left, right = _extremes(patch)
    flags.fits(nonempty)
    rr, cc, _ = _window(patch)
    mask = ((rr == top) | (rr == bottom)) & ((cc == left) | (cc == right))
    return Indices(mask & nonempty, patch.margin)


def centerofmass(patch):
    """Floored mean row and column, int32[2] (sums over positions / cell count);
    () for an empty patch: not exact."""
    present = _present(patch)
    n = _count(present)
    flags.fits(n > 0)
    rows = _coords(present.shape[0], patch.margin)
    cols = _coords(present.shape[1], patch.margin)
    sums = jnp.stack([jnp.sum(jnp.where(present, rows[:, None], 0)),
                      jnp.sum(jnp.where(present, cols[None, :], 0))])
    return jnp.floor_divide(sums, jnp.maximum(n, 1)).astype(jnp.int32)


def center(patch):
    """(top + height // 2, left + width // 2) int32[2]; not ok when empty."""
    nonempty, top, bottom, left, right = _extremes(patch)
    flags.require(nonempty)
    return jnp.stack([top + (bottom - top + 1) // 2, left + (right - left + 1) // 2])


def color(obj):
    """The first cell's colour in canonical order: the smallest colour of an Object (for
    Indices, the first pair's row: the top row). Not ok when empty."""
    present = _present(obj)
    flags.require(present.any())
    if isinstance(obj, Indices):
        return _extremes(obj)[1]
    return jnp.min(jnp.where(present, obj.colour.astype(jnp.int32), _FAR)).astype(jnp.int32)


# --------------------------------------------------------------------------- shape tests


def square(piece):
    """Grid: h == w (not ok for a grid without rows). Patch: a full square; True if empty."""
    if isinstance(piece, Grid):
        flags.require(piece.h > 0)
        return piece.h == piece.w
    h, w = _spans(piece)
    return (h * w == _count(_present(piece))) & (h == w)


def vline(patch):
    """A gap-free vertical line (False when empty; for a grid: one column)."""
    if isinstance(patch, Grid):
        return patch.w == 1
    h, w = _spans(patch)
    return (h == _count(_present(patch))) & (w == 1)


def hline(patch):
    """A gap-free horizontal line (False when empty; for a grid: a single cell)."""
    if isinstance(patch, Grid):
        return (patch.w == patch.h) & (patch.h == 1)
    h, w = _spans(patch)
    return (w == _count(_present(patch))) & (h == 1)


def hmatching(a, b):
    """Some row holds cells of both patches (False if either is empty)."""
    _same_window(a, b, "hmatching")
    return jnp.any(_present(a).any(axis=1) & _present(b).any(axis=1))


def vmatching(a, b):
    """Some column holds cells of both patches (False if either is empty)."""
    _same_window(a, b, "vmatching")
    return jnp.any(_present(a).any(axis=0) & _present(b).any(axis=0))


# --------------------------------------------------------------------------- distances


def manhattan(a, b):
    """Min Manhattan distance between cells of a and b (int32), by a row-then-column
    distance reduction over the window; not ok if either is empty."""
    _same_window(a, b, "manhattan")
    pa, pb = _present(a), _present(b)
    flags.require(pa.any() & pb.any())
    return _manhattan_planes(pa, pb)


def adjacent(a, b):
    """manhattan(a, b) == 1; not ok if either is empty."""
    return manhattan(a, b) == 1


def bordering(patch, grid: Grid):
    """The patch reaches row 0, col 0, row h-1 or col w-1. dsl_py tests them in turn: it
    raises when the patch is empty, and reads the grid's width only after the other three
    tests fail (raising for a grid without rows)."""
    nonempty, top, bottom, left, right = _extremes(patch)
    early = (top == 0) | (left == 0) | (bottom == grid.h - 1)
    flags.require(nonempty & (early | (grid.h > 0)))
    return early | (right == grid.w - 1)


def position(a, b):
    """Direction from a's center to b's: (0, +-1) on one row, (+-1, 0) on one column, else
    the diagonal (+-1, +-1); +1 where a's coordinate is smaller. Not ok if either is empty."""
    ia, ja = center(a)
    ib, jb = center(b)
    di = jnp.where(ia == ib, 0, _toward(ia, ib))
    dj = jnp.where((ja == jb) & (ia != ib), 0, _toward(ja, jb))
    return jnp.stack([di, dj]).astype(jnp.int32)


def gravitate(source, destination):
    """k * step, step towards destination's center (vertical when the patches share a
    column, else horizontal), k the first of 0..41 steps after which the moved source is
    adjacent to destination, else 42. Distances for all 42 shifts come from one table of
    row-pair (or column-pair) gaps, so cells moved off the window are still counted.
    Not ok if either patch is empty."""
    si, sj = center(source)
    di, dj = center(destination)
    vertical = vmatching(source, destination)
    step = jnp.where(vertical, _toward(si, di), _toward(sj, dj))
    ps, pd = _present(source), _present(destination)
    # Work along rows for a vertical move, along columns (transposed planes) otherwise.
    ps = jnp.where(vertical, ps, ps.T)
    pd = jnp.where(vertical, pd, pd.T)
    gaps = _row_pair_gaps(ps, pd)  # [rs, rd]: column distance between the two rows
    rows = jnp.arange(ps.shape[0], dtype=jnp.int32)
    ks = jnp.arange(_GRAVITATE_STEPS, dtype=jnp.int32)
    offset = rows[None, :, None] + ks[:, None, None] * step - rows[None, None, :]
    dist = jnp.min(jnp.abs(offset) + gaps[None], axis=(1, 2))  # [k]
    hit = dist == 1
    k = jnp.where(hit.any(), jnp.argmax(hit), _GRAVITATE_STEPS).astype(jnp.int32)
    return jnp.where(vertical, jnp.stack([k * step, 0]), jnp.stack([0, k * step])).astype(jnp.int32)


# --------------------------------------------------------------------------- generated sets


def dneighbors(loc) -> Indices:
    """The four orthogonal neighbours; those outside the window make it inexact."""
    i, j = _pair(loc)
    rr, cc, _ = _window()
    return _indices_where(jnp.abs(rr - i) + jnp.abs(cc - j) == 1, 4)


def ineighbors(loc) -> Indices:
    """The four diagonal neighbours; inexact if any is outside the window."""
    i, j = _pair(loc)
    rr, cc, _ = _window()
    return _indices_where((jnp.abs(rr - i) == 1) & (jnp.abs(cc - j) == 1), 4)


def neighbors(loc) -> Indices:
    """The eight neighbours; inexact if any is outside the window."""
    i, j = _pair(loc)
    rr, cc, _ = _window()
    return _indices_where(jnp.maximum(jnp.abs(rr - i), jnp.abs(cc - j)) == 1, 8)


# f(loc) == shift(frozenset(offsets), loc) for every location: mapply(f, indices) is the
# union of the indices moved by each offset (functional.mapply uses `dilate`).
dneighbors.offsets = ((-1, 0), (0, -1), (0, 1), (1, 0))
ineighbors.offsets = ((-1, -1), (-1, 1), (1, -1), (1, 1))
neighbors.offsets = dneighbors.offsets + ineighbors.offsets


def _moved(plane, di: int, dj: int):
    """bool plane moved by static (di, dj) cells (pad and slice, no gather)."""
    p = plane.shape[0]
    padded = jnp.pad(plane, ((max(di, 0), max(-di, 0)), (max(dj, 0), max(-dj, 0))))
    top, left = max(-di, 0), max(-dj, 0)
    return padded[top:top + p, left:left + p]


def dilate(patch: Indices, offsets) -> Indices:
    """The union of the patch moved by each static offset (mapply of a neighbourhood
    function over its cells); a cell moved out of the window makes it inexact."""
    mask = patch.mask
    n = _count(mask)
    out = jnp.zeros_like(mask)
    for di, dj in offsets:
        moved = _moved(mask, di, dj)
        flags.fits(_count(moved) == n)
        out = out | moved
    return Indices(out, patch.margin, patch.clipped)


def connect(a, b) -> Indices:
    """The horizontal, vertical or diagonal segment a..b (empty for other pairs); cells
    beyond the window are dropped and make it clipped (see clipping.py)."""
    ai, aj = _pair(a)
    bi, bj = _pair(b)
    di, dj = bi - ai, bj - aj
    flat = di == 0
    upright = (dj == 0) & ~flat
    diagonal = (di == dj) & ~flat & ~upright
    anti = (di == -dj) & ~flat & ~upright & ~diagonal
    rr, cc, _ = _window()
    in_box = ((rr >= jnp.minimum(ai, bi)) & (rr <= jnp.maximum(ai, bi))
              & (cc >= jnp.minimum(aj, bj)) & (cc <= jnp.maximum(aj, bj)))
    on_line = (flat | upright | (diagonal & (rr - ai == cc - aj))
               | (anti & (rr - ai == aj - cc)))
    length = jnp.where(flat, jnp.abs(dj) + 1,
                       jnp.where(upright | diagonal | anti, jnp.abs(di) + 1, 0))
    return _clipped_line(in_box & on_line, length)


def _clipped_line(mask, length) -> Indices:
    """The window cells of a line of `length` cells: clipped when some lie outside."""
    return Indices(mask, values.current_tier().margin, _count(mask) != length)


def shoot(start, direction) -> Indices:
    """connect(start, start + 42 * direction)."""
    start = _pair(start)
    return connect(start, start + _SHOOT_REACH * _pair(direction))


def vfrontier(location) -> Indices:
    """Column location[1] over rows 0..29; clipped if the column is outside the window."""
    j = _pair(location)[1]
    rr, cc, _ = _window()
    return _clipped_line((cc == j) & (rr >= 0) & (rr < _FRONTIER_LENGTH), _FRONTIER_LENGTH)


def hfrontier(location) -> Indices:
    """Row location[0] over cols 0..29; clipped if the row is outside the window."""
    i = _pair(location)[0]
    rr, cc, _ = _window()
    return _clipped_line((rr == i) & (cc >= 0) & (cc < _FRONTIER_LENGTH), _FRONTIER_LENGTH)


# --------------------------------------------------------------------------- boxes


def backdrop(patch) -> Indices:
    """Every position of the bounding box (empty for an empty patch)."""
    nonempty, top, bottom, left, right = _extremes(patch)
    rows, cols, _ = _window(patch)
    box_mask = (rows >= top) & (rows <= bottom) & (cols >= left) & (cols <= right)
    return Indices(box_mask & nonempty, patch.margin)


def delta(patch) -> Indices:
    """Bounding-box positions not in the patch."""
    return Indices(backdrop(patch).mask & ~_present(patch), patch.margin)


def box(patch) -> Indices:
    """Border of the bounding box (empty for an empty patch)."""
    nonempty, top, bottom, left, right = _extremes(patch)
    mask, _ = _outline_mask(patch, top, left, bottom, right)
    return Indices(mask & nonempty, patch.margin)


def inbox(patch) -> Indices:
    """Border of the bounding box shrunk by one (corners swapped when it is thinner than 3,
    as in dsl_py); not ok when empty, inexact if it leaves the window."""
    nonempty, top, bottom, left, right = _extremes(patch)
    flags.require(nonempty)
    mask, fits = _outline_mask(patch, top + 1, left + 1, bottom - 1, right - 1)
    flags.fits(fits)
    return Indices(mask, patch.margin)


def outbox(patch) -> Indices:
    """Border of the bounding box grown by one; not ok when empty, inexact if it leaves
    the window."""
    nonempty, top, bottom, left, right = _extremes(patch)
    flags.require(nonempty)
    mask, fits = _outline_mask(patch, top - 1, left - 1, bottom + 1, right + 1)
    flags.fits(fits)
    return Indices(mask, patch.margin)


# --------------------------------------------------------------------------- periods


def _period(obj, axis: int):
    """Smallest p in 1..extent-1 such that every cell at least p past the patch's start
    along `axis` finds the same colour p cells back; the extent when none, 0 when empty."""
    h, w = _spans(obj)
    extent = w if axis == 1 else h
    if isinstance(obj, Indices):  # dsl_py unpacks cells: Indices wider than 1 raise
        flags.require(extent < 2)
        return extent
    plane = obj.colour if axis == 1 else obj.colour.T
    _, top, _, left, _ = _extremes(obj)
    start = (left if axis == 1 else top) + obj.margin  # window index of the first column
    size = plane.shape[1]
    cols = jnp.arange(size, dtype=jnp.int32)
    periods = jnp.arange(1, size, dtype=jnp.int32)  # [p]
    back = cols[None, :] - periods[:, None]  # [p, c]
    earlier = plane[:, jnp.clip(back, 0, size - 1)]  # [r, p, c]
    needs = (plane[:, None, :] >= 0) & (back[None, :, :] >= start)
    holds = jnp.all(~needs | (earlier == plane[:, None, :]), axis=(0, 2))  # [p]
    candidate = holds & (periods < extent)
    return jnp.where(candidate.any(), periods[jnp.argmax(candidate)], extent).astype(jnp.int32)


def hperiod(obj):
    """Horizontal period (int32) of an Object; its width if none, 0 when empty."""
    return _period(obj, 1)


def vperiod(obj):
    """Vertical period (int32) of an Object; its height if none, 0 when empty."""
    return _period(obj, 0)


# --------------------------------------------------------------------------- tuples as patches
#
# arc-dsl's patch primitives also take a tuple of pairs or of cells (e.g. box(astuple(a, b)),
# delta(merge((obj_a, obj_b))), color of a 2-tuple of cells). Those that read the tuple only
# as a set of positions get the Indices / Object it holds (two colours at one position: not
# exact). shift, normalize and box return an empty patch as it is: an empty tuple stays a
# tuple, not held here (not exact). delta subtracts the tuple itself from a frozenset, which
# Python refuses for a non-empty tuple (not ok). toindices returns a tuple of pairs as it
# is; color reads the first element. Other primitives (center, vline, square, ...) read
# a tuple as a grid of rows and are left to their own forms.

_SET_READERS = (
    "ulcorner", "urcorner", "llcorner", "lrcorner", "recolor", "uppermost", "lowermost",
    "leftmost", "rightmost", "hmatching", "vmatching", "manhattan", "adjacent", "bordering",
    "toobject", "backdrop", "inbox", "outbox", "corners")
_EMPTY_KEPT = ("shift", "normalize", "box")


def _is_cell(v) -> bool:
    return isinstance(v, tuple) and len(v) == 2 and values.is_int(v[0]) and values.is_pair(v[1])


def _tuple_elements(x):
    """(items, valid, size, 'pairs' | 'cells') of a tuple of pairs or cells, else None."""
    if isinstance(x, Container) and x.kind == "tuple":
        if values.is_pair_items(x.items):
            return jnp.asarray(x.items, jnp.int32), x.valid(), x.size, "pairs"
        if values.is_cell_items(x.items):
            items = (jnp.asarray(x.items[0], jnp.int32), jnp.asarray(x.items[1], jnp.int32))
            return items, x.valid(), x.size, "cells"
        if isinstance(x.items, (jax.Array, np.ndarray)) and x.items.ndim == 1:
            # The empty tuple (an int Container); ints do not unpack as (i, j).
            flags.require(x.size == 0)
            k = x.items.shape[0]
            return jnp.zeros((k, 2), jnp.int32), jnp.zeros((k,), bool), x.size, "pairs"
        return None
    if isinstance(x, tuple) and x:
        valid = jnp.ones((len(x),), bool)
        if all(values.is_pair(v) for v in x):
            return jnp.stack([_pair(v) for v in x]), valid, np.int32(len(x)), "pairs"
        if all(_is_cell(v) for v in x):
            items = (jnp.stack([values.as_int(v[0]) for v in x]), jnp.stack([_pair(v[1]) for v in x]))
            return items, valid, np.int32(len(x)), "cells"
    return None


def _tuple_patch(got):
    items, valid, _, kind = got
    if kind == "pairs":
        return values.indices_from_pairs(items, valid)
    return values.object_from_cells(items, valid)


def _accept_tuples(name, fn):
    @functools.wraps(fn)
    def wrapped(*args):
        converted = []
        for a in args:
            got = _tuple_elements(a)
            if got is None:
                converted.append(a)
                continue
            if name in _EMPTY_KEPT:
                flags.fits(got[2] > 0)
            if name == "delta" and got[3] == "pairs":
                flags.require(got[2] == 0)
            converted.append(_tuple_patch(got))
        return fn(*converted)
    return wrapped


def _toindices_of_tuples(fn):
    @functools.wraps(fn)
    def wrapped(patch):
        got = _tuple_elements(patch)
        if got is None:
            return fn(patch)
        if got[3] == "pairs":
            return patch  # arc-dsl returns a tuple of pairs as it is
        return fn(_tuple_patch(got))
    return wrapped


def _color_of_tuples(fn):
    @functools.wraps(fn)
    def wrapped(obj):
        got = _tuple_elements(obj)
        if got is None:
            return fn(obj)
        items, _, size, kind = got
        flags.require(size > 0)
        first = items[0][0] if kind == "cells" else items[0, 0]
        return jnp.asarray(first, jnp.int32)
    return wrapped


for _name in _SET_READERS + _EMPTY_KEPT + ("delta",):
    globals()[_name] = _accept_tuples(_name, globals()[_name])
toindices = _toindices_of_tuples(toindices)
color = _color_of_tuples(color)


# A tuple of rows (e.g. merge of a tuple of grids) is read as the Grid it is.
values.accept_row_tuples(globals(), __all__)
