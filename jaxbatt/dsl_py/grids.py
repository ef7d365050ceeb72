"""arc-dsl primitives: grids family (reference semantics, see ordering.py).

Grids are tuples of rows (tuples of ints). Several primitives also accept a patch or an
object (`Element` / `Piece`) and dispatch on the Python type exactly as arc-dsl does: a
tuple is a grid, anything else is a patch. Where a result depends on iterating a frozenset
(the colour list behind mostcolor/leastcolor/palette of an object, the write order of
paint/underpaint), the iteration goes through `ordering.ordered`.
"""
from jaxbatt.dsl_py import ordering, patches
from jaxbatt.dsl_py.types import (
    Boolean, Element, Grid, Integer, IntegerSet, IntegerTuple, Object, Patch, Piece, Tuple)

__all__ = [
    "mostcolor", "leastcolor", "colorcount", "palette", "numcolors", "height", "width",
    "shape", "portrait", "rot90", "rot180", "rot270", "hmirror", "vmirror", "dmirror",
    "cmirror", "fill", "paint", "underfill", "underpaint", "hupscale", "vupscale",
    "upscale", "downscale", "hconcat", "vconcat", "subgrid", "hsplit", "vsplit",
    "cellwise", "replace", "switch", "canvas", "trim", "tophalf", "bottomhalf",
    "lefthalf", "righthalf", "crop", "compress", "index", "cover", "move",
]


# ---------------------------------------------------------------------------- helpers

def _colour_list(element):
    """Every cell's colour: a grid row-major, an object in dsl_py iteration order.

    For a patch of indices this is the list of row numbers, as in arc-dsl (its cells
    unpack as (colour, _)).
    """
    if isinstance(element, tuple):
        return [value for row in element for value in row]
    return [value for value, _ in ordering.ordered(element)]


def _is_object(patch) -> bool:
    """Whether a non-empty patch holds (colour, (i, j)) cells rather than (i, j) pairs."""
    return isinstance(next(iter(patch))[1], tuple)


def _dims(grid):
    """(rows, columns) of a grid, read from its first row; IndexError when it has none."""
    return len(grid), len(grid[0])


def _rows_as_lists(grid):
    return [list(row) for row in grid]


def _as_grid(rows):
    return tuple(tuple(row) for row in rows)


def _transpose(grid):
    return tuple(zip(*grid))


def _mirror_cells(patch, to_cell):
    """Applies a coordinate map to every cell of a patch or object, keeping its kind."""
    if _is_object(patch):
        return frozenset((value, to_cell(i, j)) for value, (i, j) in patch)
    return frozenset(to_cell(i, j) for i, j in patch)


# ------------------------------------------------------------------------- colours

def mostcolor(element: Element) -> Integer:
    """The most frequent colour; ties go to the first in CPython's set order."""
    values = _colour_list(element)
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    # max() over the set keeps the first maximal element in the set's iteration order.
    return max(set(values), key=counts.__getitem__)


def leastcolor(element: Element) -> Integer:
    """The least frequent colour; ties go to the first in CPython's set order."""
    values = _colour_list(element)
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return min(set(values), key=counts.__getitem__)


def colorcount(element: Element, value: Integer) -> Integer:
    """Number of cells of colour `value`."""
    if isinstance(element, tuple):
        return sum(row.count(value) for row in element)
    return sum(colour == value for colour, _ in element)


def palette(element: Element) -> IntegerSet:
    """The set of colours present (built as a set, then frozen, like arc-dsl)."""
    return frozenset(set(_colour_list(element)))


def numcolors(element: Element) -> Integer:
    """Number of distinct colours."""
    return len(palette(element))


# ------------------------------------------------------------------------- geometry

def height(piece: Piece) -> Integer:
    """Number of rows of a grid, or the row span of a patch (0 when empty)."""
    if len(piece) == 0:
        return 0
    if isinstance(piece, tuple):
        return len(piece)
    return patches.lowermost(piece) - patches.uppermost(piece) + 1


def width(piece: Piece) -> Integer:
    """Number of columns of a grid (its first row), or the column span of a patch."""
    if len(piece) == 0:
        return 0
    if isinstance(piece, tuple):
        return len(piece[0])
    return patches.rightmost(piece) - patches.leftmost(piece) + 1


def shape(piece: Piece) -> IntegerTuple:
    """(height, width) of a grid or patch."""
    return (height(piece), width(piece))


def portrait(piece: Piece) -> Boolean:
    """Whether the piece is taller than wide."""
    return height(piece) > width(piece)


def rot90(grid: Grid) -> Grid:
    """Clockwise quarter turn."""
    return _transpose(grid[::-1])


def rot180(grid: Grid) -> Grid:
    """Half turn."""
    return tuple(row[::-1] for row in grid[::-1])


def rot270(grid: Grid) -> Grid:
    """Anticlockwise quarter turn."""
    return _transpose(grid)[::-1]


def hmirror(piece: Piece) -> Piece:
    """Flip upside down (a patch about its own bounding box)."""
    if isinstance(piece, tuple):
        return piece[::-1]
    total = patches.ulcorner(piece)[0] + patches.lrcorner(piece)[0]
    return _mirror_cells(piece, lambda i, j: (total - i, j))


def vmirror(piece: Piece) -> Piece:
    """Flip left to right (a patch about its own bounding box)."""
    if isinstance(piece, tuple):
        return tuple(row[::-1] for row in piece)
    total = patches.ulcorner(piece)[1] + patches.lrcorner(piece)[1]
    return _mirror_cells(piece, lambda i, j: (i, total - j))


def dmirror(piece: Piece) -> Piece:
    """Transpose along the main diagonal (a patch about its upper-left corner)."""
    if isinstance(piece, tuple):
        return _transpose(piece)
    top, left = patches.ulcorner(piece)
    return _mirror_cells(piece, lambda i, j: (j - left + top, i - top + left))


def cmirror(piece: Piece) -> Piece:
    """Transpose along the anti-diagonal."""
    if isinstance(piece, tuple):
        return _transpose(rot180(piece))
    return vmirror(dmirror(vmirror(piece)))


# ------------------------------------------------------------------------- painting

def fill(grid: Grid, value: Integer, patch: Patch) -> Grid:
    """Set the in-bounds cells of `patch` to `value`."""
    h, w = _dims(grid)
    rows = _rows_as_lists(grid)
    for i, j in patches.toindices(patch):
        if 0 <= i < h and 0 <= j < w:
            rows[i][j] = value
    return _as_grid(rows)


def paint(grid: Grid, obj: Object) -> Grid:
    """Write the in-bounds cells of `obj`; the last cell written at a position wins."""
    h, w = _dims(grid)
    rows = _rows_as_lists(grid)
    for value, (i, j) in ordering.ordered(obj):
        if 0 <= i < h and 0 <= j < w:
            rows[i][j] = value
    return _as_grid(rows)


def underfill(grid: Grid, value: Integer, patch: Patch) -> Grid:
    """Like fill, but only where the grid shows its background (mostcolor)."""
    h, w = _dims(grid)
    background = mostcolor(grid)
    rows = _rows_as_lists(grid)
    for i, j in patches.toindices(patch):
        if 0 <= i < h and 0 <= j < w and rows[i][j] == background:
            rows[i][j] = value
    return _as_grid(rows)


def underpaint(grid: Grid, obj: Object) -> Grid:
    """Like paint, but only where the cell still shows the background when written."""
    h, w = _dims(grid)
    background = mostcolor(grid)
    rows = _rows_as_lists(grid)
    for value, (i, j) in ordering.ordered(obj):
        if 0 <= i < h and 0 <= j < w and rows[i][j] == background:
            rows[i][j] = value
    return _as_grid(rows)


def cover(grid: Grid, patch: Patch) -> Grid:
    """Fill the patch's cells with the grid's background colour."""
    background = mostcolor(grid)
    return fill(grid, background, patches.toindices(patch))


def move(grid: Grid, obj: Object, offset: IntegerTuple) -> Grid:
    """Cover `obj`, then paint it shifted by `offset`."""
    return paint(cover(grid, obj), patches.shift(obj, offset))


# -------------------------------------------------------------------------- scaling

def _stretch(items, factor):
    """Each item repeated `factor` times in place (nothing for factor <= 0)."""
    return tuple(item for item in items for _ in range(factor))


def hupscale(grid: Grid, factor: Integer) -> Grid:
    """Repeat every cell `factor` times along its row."""
    return tuple(_stretch(row, factor) for row in grid)


def vupscale(grid: Grid, factor: Integer) -> Grid:
    """Repeat every row `factor` times."""
    return _stretch(grid, factor)


def upscale(element: Element, factor: Integer) -> Element:
    """Scale a grid, or an object about its upper-left corner, by `factor`."""
    if isinstance(element, tuple):
        return vupscale(hupscale(element, factor), factor)
    if len(element) == 0:
        return frozenset()
    top, left = patches.ulcorner(element)
    normed = patches.shift(element, (-top, -left))
    cells = set()
    for value, (i, j) in normed:
        for di in range(factor):
            for dj in range(factor):
                cells.add((value, (i * factor + di, j * factor + dj)))
    return patches.shift(frozenset(cells), (top, left))


def downscale(grid: Grid, factor: Integer) -> Grid:
    """Keep the rows and columns whose index is a multiple of `factor`."""
    h, w = _dims(grid)
    columns = [j for j in range(w) if j % factor == 0]
    return tuple(tuple(grid[i][j] for j in columns) for i in range(h) if i % factor == 0)


# ------------------------------------------------------------------- cutting, joining

def hconcat(a: Grid, b: Grid) -> Grid:
    """Rows of `a` followed by rows of `b`, side by side (as many rows as the shorter)."""
    return tuple(left + right for left, right in zip(a, b))


def vconcat(a: Grid, b: Grid) -> Grid:
    """`a` on top of `b`."""
    return a + b


def crop(grid: Grid, start: IntegerTuple, dims: IntegerTuple) -> Grid:
    """The window at `start` of size `dims`, with Python slice semantics on each bound."""
    rows = grid[start[0]:start[0] + dims[0]]
    # The column bounds are read per row, so an empty row range never reads them.
    return tuple(row[start[1]:start[1] + dims[1]] for row in rows)


def subgrid(patch: Patch, grid: Grid) -> Grid:
    """The crop of `grid` to the bounding box of `patch`."""
    return crop(grid, patches.ulcorner(patch), shape(patch))


def hsplit(grid: Grid, n: Integer) -> Tuple:
    """`n` side-by-side pieces of width w // n, skipping one column between pieces when
    n does not divide the width."""
    h, total = _dims(grid)
    part = total // n
    gap = 1 if total % n != 0 else 0
    return tuple(crop(grid, (0, k * (part + gap)), (h, part)) for k in range(n))


def vsplit(grid: Grid, n: Integer) -> Tuple:
    """`n` stacked pieces of height h // n, skipping one row between pieces when n does
    not divide the height."""
    part = len(grid) // n  # divides before reading the first row, as arc-dsl does
    total, w = _dims(grid)
    gap = 1 if total % n != 0 else 0
    return tuple(crop(grid, (k * (part + gap), 0), (part, w)) for k in range(n))


def trim(grid: Grid) -> Grid:
    """The grid without its outer ring."""
    return tuple(row[1:-1] for row in grid[1:-1])


def tophalf(grid: Grid) -> Grid:
    """The first h // 2 rows."""
    return grid[:len(grid) // 2]


def bottomhalf(grid: Grid) -> Grid:
    """The last h // 2 rows (the middle row of an odd height excluded)."""
    return grid[(len(grid) + 1) // 2:]


def lefthalf(grid: Grid) -> Grid:
    """The first w // 2 columns (the empty grid when that is 0, as arc-dsl's rotations
    give)."""
    return rot270(tophalf(rot90(grid)))


def righthalf(grid: Grid) -> Grid:
    """The last w // 2 columns (the empty grid when that is 0)."""
    return rot270(bottomhalf(rot90(grid)))


def compress(grid: Grid) -> Grid:
    """The grid without its single-coloured rows and columns."""
    keep_rows = [row for row in grid if len(set(row)) != 1]
    dropped_columns = {j for j, column in enumerate(_transpose(grid)) if len(set(column)) == 1}
    return tuple(
        tuple(v for j, v in enumerate(row) if j not in dropped_columns) for row in keep_rows)


# ------------------------------------------------------------------------ cell values

def cellwise(a: Grid, b: Grid, fallback: Integer) -> Grid:
    """`a` where it agrees with `b`, else `fallback` (over `a`'s shape)."""
    h, w = _dims(a)
    return tuple(
        tuple(a[i][j] if a[i][j] == b[i][j] else fallback for j in range(w))
        for i in range(h))


def replace(grid: Grid, replacee: Integer, replacer: Integer) -> Grid:
    """Every `replacee` cell becomes `replacer`."""
    return tuple(tuple(replacer if v == replacee else v for v in row) for row in grid)


def switch(grid: Grid, a: Integer, b: Integer) -> Grid:
    """Swap colours `a` and `b`."""
    def swapped(v):
        if v == a:
            return b
        if v == b:
            return a
        return v
    return tuple(tuple(swapped(v) for v in row) for row in grid)


def canvas(value: Integer, dimensions: IntegerTuple) -> Grid:
    """A grid of `dimensions` filled with `value`."""
    # The width is read per row, so a height <= 0 never reads it.
    return tuple(tuple(value for _ in range(dimensions[1])) for _ in range(dimensions[0]))


def index(grid: Grid, loc: IntegerTuple) -> Integer:
    """The colour at `loc`, or None outside the grid."""
    i, j = loc
    h, w = _dims(grid)
    if 0 <= i < h and 0 <= j < w:
        return grid[i][j]
    return None
