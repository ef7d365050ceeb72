"""Grids family: grid primitives and colour counts, with tokpidjin's `_t`/`_f` split.

Grids are tuples of rows. tokpidjin split arc-dsl's grid-or-patch primitives into a `_t`
(grid) and an `_f` (object, cells (i, j, c)) variant: `palette`, `mostcolor`,
`leastcolor`, `colorcount`, `numcolors`, `upscale`, and the grid mirrors. It added `p_g`
and `p_o` (a grid's / object's colours as a tuple, in the colour set's CPython order) and
`mir_rot_t` (one of eight mirrors/rotations by number). Empty cases it made total:
`mostcolor_*`/`leastcolor_*` of nothing is `math.nan`, `index` outside the grid or at `()`
is `-math.inf`, `crop` outside the grid is `()`, `asobject` of a non-grid `frozenset()`.

`rot90`, `rot180`, `tophalf`, `bottomhalf`, `trim`, `vconcat` and `canvas` are dsl_py's.
Colour sets are built from the values in the order tokpidjin inserts them (row-major, or
the object's order), so their CPython iteration order, which ties and `p_g` expose, is
tokpidjin's; `paint` and `underpaint` write an object's cells in the dialect's order.
"""
import math

from jaxbatt.dsl_py import grids as _arc_dsl
from jaxbatt.dsl_py.tokpidjin.ordering import cell_colours, grid_values, ordered
from jaxbatt.dsl_py.tokpidjin.patches import shape_f, shift, toindices, ulcorner
from jaxbatt.dsl_py.tokpidjin.safety import dialect, variants

_PASSED_THROUGH = {
    "rot90": {"grid": "Grid", "return": "Grid"},
    "rot180": {"grid": "Grid", "return": "Grid"},
    "tophalf": {"grid": "Grid", "return": "Grid"},
    "bottomhalf": {"grid": "Grid", "return": "Grid"},
    "trim": {"grid": "Grid", "return": "Grid"},
    "vconcat": {"a": "Grid", "b": "Grid", "return": "Grid"},
    "canvas": {"color": "C_", "dimensions": "IJ", "return": "Grid"},
}
globals().update({name: dialect(getattr(_arc_dsl, name), name, hints)
                  for name, hints in _PASSED_THROUGH.items()})


# ------------------------------------------------------------------------------ colours

def _colour_set(colours_of, build):
    def palette(element):
        return build(frozenset(colours_of(element)))
    return palette


_FROM_GRID = {"element": "Tuple", "return": "IntegerSet"}
_FROM_OBJECT = {"element": "FrozenSet", "return": "IntegerSet"}
globals().update(variants(_colour_set(grid_values, frozenset), {"palette_t": _FROM_GRID}))
globals().update(variants(_colour_set(grid_values, tuple), {
    "p_g": {"grid": "Grid", "return": "IntegerSet"}}))
globals().update(variants(_colour_set(cell_colours, frozenset), {
    "palette_f": _FROM_OBJECT, "p_f": _FROM_OBJECT}))
globals().update(variants(_colour_set(cell_colours, tuple), {
    "p_o": {"obj": "Object", "return": "IntegerSet"}}))


@dialect
def numcolors_t(grid: "Grid") -> "Integer":
    """len(palette_t(grid))."""
    return len(palette_t(grid))  # noqa: F821


@dialect
def numcolors_f(obj: "Object") -> "Integer":
    """len(palette_f(obj))."""
    return len(palette_f(obj))  # noqa: F821


def _dominant_colour(pick, colours_of):
    """pick (max/min) of the distinct colours by count, ties in the colour set's order."""
    def mostcolor(element):
        values = colours_of(element)
        return pick(ordered(set(values)), key=values.count) if values else math.nan
    return mostcolor


for _pick, _name in ((max, "mostcolor"), (min, "leastcolor")):
    globals().update(variants(_dominant_colour(_pick, grid_values), {
        _name + "_t": {"grid": "Grid", "return": "Integer"}}))
    globals().update(variants(_dominant_colour(_pick, cell_colours), {
        _name + "_f": {"obj": "Object", "return": "Integer"}}))


@dialect
def colorcount_t(grid: "Grid", color: "C_") -> "Integer":
    """Number of cells of colour `color` (rows counted with tuple.count)."""
    return sum(row.count(color) for row in grid)


@dialect
def colorcount_f(obj: "Object", color: "C_") -> "Integer":
    """Number of the object's cells of colour `color`."""
    return sum(c == color for _, _, c in obj)


# --------------------------------------------------------------- mirrors and rotations

@dialect
def rot270(grid: "Grid") -> "Grid":
    """Anticlockwise quarter turn: the clockwise one, mirrored both ways (the grid must be a
    sequence of rows, as tokpidjin slices it)."""
    clockwise = tuple(zip(*grid[::-1]))
    return tuple(row[::-1] for row in clockwise)[::-1]


@dialect
def hmirror_t(grid: "Grid") -> "Grid":
    """Rows in reverse order."""
    return grid[::-1]


@dialect
def vmirror_t(grid: "Grid") -> "Grid":
    """Every row reversed."""
    return tuple(row[::-1] for row in ordered(grid))


@dialect
def dmirror_t(grid: "Grid") -> "Grid":
    """Transpose (rows of the zip of the rows)."""
    return tuple(zip(*ordered(grid)))


@dialect
def cmirror_t(grid: "Grid") -> "Grid":
    """Transpose along the anti-diagonal."""
    return tuple(zip(*(row[::-1] for row in grid[::-1])))


@dialect
def mir_rot_t(grid: "Grid", type: "A8") -> "Grid":  # noqa: A002 - tokpidjin's name
    """By type: 0 hmirror, 1 dmirror, 2 vmirror, 3 cmirror, 4 rot90, 5 rot180, 6 rot270;
    the grid itself otherwise."""
    transforms = (hmirror_t, dmirror_t, vmirror_t, cmirror_t, rot90, rot180,  # noqa: F821
                  rot270)
    for code, transform in enumerate(transforms):
        if type == code:
            return transform(grid)
    return grid


# ---------------------------------------------------------------------------- painting

def _dims(grid):
    return len(grid), len(grid[0])


def _inside(i, j, h, w):
    return 0 <= i < h and 0 <= j < w


def _frozen(rows):
    return tuple(tuple(row) for row in rows)


@dialect
def fill(grid: "Grid", color: "C_", patch: "Patch") -> "Grid":
    """The patch's in-grid positions set to `color`."""
    h, w = _dims(grid)
    rows = [list(row) for row in grid]
    for i, j in toindices(patch):
        if _inside(i, j, h, w):
            rows[i][j] = color
    return _frozen(rows)


@dialect
def paint(grid: "Grid", obj: "Object") -> "Grid":
    """The object's in-grid cells written in order (the last one at a position wins)."""
    h, w = _dims(grid)
    rows = [list(row) for row in grid]
    for i, j, c in ordered(obj):
        if _inside(i, j, h, w):
            rows[i][j] = c
    return _frozen(rows)


@dialect
def underfill(grid: "Grid", color: "C_", patch: "Patch") -> "Grid":
    """fill, only where the grid shows its background (mostcolor_t)."""
    h, w = _dims(grid)
    background = mostcolor_t(grid)  # noqa: F821
    rows = [list(row) for row in grid]
    for i, j in toindices(patch):
        if _inside(i, j, h, w) and rows[i][j] == background:
            rows[i][j] = color
    return _frozen(rows)


@dialect
def underpaint(grid: "Grid", obj: "Object") -> "Grid":
    """paint, only where the cell still shows the background when written."""
    h, w = _dims(grid)
    background = mostcolor_t(grid)  # noqa: F821
    rows = [list(row) for row in grid]
    for i, j, c in ordered(obj):
        if _inside(i, j, h, w) and rows[i][j] == background:
            rows[i][j] = c
    return _frozen(rows)


@dialect
def cover(grid: "Grid", patch: "Patch") -> "Grid":
    """fill with the background colour."""
    return fill(grid, mostcolor_t(grid), toindices(patch))  # noqa: F821


@dialect
def move(grid: "Grid", obj: "Object", offset: "IJ") -> "Grid":
    """cover the object, then paint it shifted by `offset`."""
    return paint(cover(grid, obj), shift(obj, offset))


# ----------------------------------------------------------------------------- scaling

def _stretched_row(row, factor):
    return tuple(v for v in ordered(row) for _ in range(factor))


@dialect
def hupscale(grid: "Grid", factor: "Integer") -> "Grid":
    """Every value repeated `factor` times along its row."""
    return tuple(_stretched_row(row, factor) for row in ordered(grid))


@dialect
def vupscale(grid: "Grid", factor: "Integer") -> "Grid":
    """Every row repeated `factor` times."""
    return tuple(row for row in ordered(grid) for _ in range(factor))


@dialect
def upscale_t(grid: "Grid", factor: "Integer") -> "Grid":
    """Every value stretched into a factor x factor block."""
    return tuple(stretched for row in ordered(grid)
                 for stretched in (_stretched_row(row, factor),) for _ in range(factor))


@dialect
def downscale(grid: "Grid", factor: "Integer") -> "Grid":
    """The values at rows and columns that are multiples of `factor`."""
    h, w = _dims(grid)
    columns_kept = [tuple(grid[i][j] for j in range(w) if j % factor == 0) for i in range(h)]
    return tuple(row for i, row in enumerate(columns_kept) if i % factor == 0)


# ------------------------------------------------------------------- cutting, joining

@dialect
def hconcat(a: "Grid", b: "Grid") -> "Grid":
    """Rows of `a` and `b` side by side (as many rows as the shorter)."""
    return tuple(left + right for left, right in zip(ordered(a), ordered(b)))


@dialect
def crop(grid: "Grid", start: "IJ", dims: "IJ") -> "Grid":
    """The window at `start` of size `dims` when it lies inside the grid, else ()."""
    if grid == ():
        return ()
    h, w = _dims(grid)
    if (0 <= start[0] < h and 0 <= start[1] < w
            and start[0] + dims[0] <= h and start[1] + dims[1] <= w):
        return tuple(row[start[1]:start[1] + dims[1]]
                     for row in grid[start[0]:start[0] + dims[0]])
    return ()


@dialect
def subgrid(patch: "Patch", grid: "Grid") -> "Grid":
    """crop of the grid to the patch's bounding box; () for an empty patch."""
    if patch in (frozenset(), ()):
        return ()
    return crop(grid, ulcorner(patch), shape_f(patch))


@dialect
def hsplit(grid: "Grid", n: "Integer") -> "Tuple":
    """`n` side-by-side pieces, one column skipped between pieces when n does not divide."""
    h, w = len(grid), len(grid[0]) // n
    gap = len(grid[0]) % n != 0
    return tuple(crop(grid, (0, w * k + k * gap), (h, w)) for k in range(n))


@dialect
def vsplit(grid: "Grid", n: "Integer") -> "Tuple":
    """`n` stacked pieces, one row skipped between pieces when n does not divide."""
    h, w = len(grid) // n, len(grid[0])
    gap = len(grid) % n != 0
    return tuple(crop(grid, (h * k + k * gap, 0), (h, w)) for k in range(n))


@dialect
def lefthalf(grid: "Grid") -> "Grid":
    """rot270(tophalf(rot90(grid)))."""
    return rot270(tophalf(rot90(grid)))  # noqa: F821


@dialect
def righthalf(grid: "Grid") -> "Grid":
    """rot270(bottomhalf(rot90(grid)))."""
    return rot270(bottomhalf(rot90(grid)))  # noqa: F821


def _uniform_lines(lines):
    return tuple(k for k, line in enumerate(lines) if len(set(line)) == 1)


@dialect
def compress(grid: "Grid") -> "Grid":
    """The grid without its single-valued rows and columns."""
    dropped_rows = _uniform_lines(ordered(grid))
    dropped_columns = _uniform_lines(dmirror_t(grid))
    return tuple(tuple(v for j, v in enumerate(row) if j not in dropped_columns)
                 for i, row in enumerate(ordered(grid)) if i not in dropped_rows)


# ------------------------------------------------------------------------- cell values

@dialect
def index(grid: "Grid", loc: "IJ") -> "Integer":
    """The value at `loc`; -math.inf outside the grid or for loc == ()."""
    if loc == ():
        return -math.inf
    i, j = loc
    h, w = _dims(grid)
    return grid[loc[0]][loc[1]] if _inside(i, j, h, w) else -math.inf


@dialect
def cellwise(a: "Grid", b: "Grid", fallback: "Integer") -> "Grid":
    """a's value where index(b, position) equals it, else `fallback` (over a's shape)."""
    h, w = _dims(a)
    return tuple(tuple(a[i][j] if a[i][j] == index(b, (i, j)) else fallback
                       for j in range(w)) for i in range(h))


@dialect
def replace(grid: "Grid", replacee: "C_", replacer: "C_") -> "Grid":
    """Every `replacee` value becomes `replacer`."""
    return tuple(tuple(replacer if v == replacee else v for v in ordered(row))
                 for row in ordered(grid))


@dialect
def switch(grid: "Grid", a: "C_", b: "C_") -> "Grid":
    """Values `a` and `b` swapped."""
    return tuple(tuple({a: b, b: a}[v] if v in (a, b) else v for v in ordered(row))
                 for row in ordered(grid))


@dialect
def asindices(grid: "Grid") -> "Indices":
    """Every position of the grid (its width read from the first row)."""
    return frozenset((i, j) for i in range(len(grid)) for j in range(len(grid[0])))


@dialect
def f_ofcolor(grid: "Grid", color: "C_") -> "Indices":
    """Positions of the values equal to `color`."""
    return frozenset((i, j) for i, row in enumerate(ordered(grid))
                     for j, v in enumerate(ordered(row)) if v == color)


def _is_no_grid(x):
    """Whether x is not a tuple of tuples of ints."""
    return not isinstance(x, tuple) or not all(
        isinstance(row, tuple) and all(isinstance(v, int) for v in row) for row in x)


is_no_grid = dialect(_is_no_grid, "is_no_grid", {})


@dialect
def asobject(grid: "Grid") -> "Object":
    """Every grid cell as (i, j, c); frozenset() for anything that is not a grid."""
    if is_no_grid(grid):
        return frozenset()
    return frozenset((i, j, c) for i, row in enumerate(grid) for j, c in enumerate(row))


@dialect
def toobject(patch: "Patch", grid: "Grid") -> "Object":
    """The grid's cells (i, j, c) at the patch's in-grid positions."""
    h, w = _dims(grid)
    return frozenset((i, j, grid[i][j]) for i, j in toindices(patch) if _inside(i, j, h, w))


__all__ = [
    *_PASSED_THROUGH, "palette_t", "p_g", "palette_f", "p_f", "p_o", "numcolors_t",
    "numcolors_f", "mostcolor_t", "mostcolor_f", "leastcolor_t", "leastcolor_f",
    "colorcount_t", "colorcount_f", "rot270", "hmirror_t", "vmirror_t", "dmirror_t",
    "cmirror_t", "mir_rot_t", "fill", "paint", "underfill", "underpaint", "cover", "move",
    "hupscale", "vupscale", "upscale_t", "downscale", "hconcat", "crop", "subgrid",
    "hsplit", "vsplit", "lefthalf", "righthalf", "compress", "index", "cellwise",
    "replace", "switch", "asindices", "f_ofcolor", "is_no_grid", "asobject", "toobject",
]
