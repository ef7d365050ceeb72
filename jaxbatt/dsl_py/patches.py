"""arc-dsl primitives: patches family (reference semantics, see ordering.py).

A patch is either Indices (a frozenset of (row, col) pairs) or an Object (a frozenset of
(colour, (row, col)) cells). Every function below accepts both unless its name says
otherwise, and raises on exactly the inputs arc-dsl raises on (empty patches mostly:
`uppermost`, `center`, `manhattan`, `inbox`... raise ValueError, `color` StopIteration),
while the corner functions and `centerofmass` return the empty tuple for an empty patch.
"""
from jaxbatt.dsl_py.ordering import ordered
from jaxbatt.dsl_py.types import (
    Boolean, Grid, Indices, Integer, IntegerTuple, Object, Patch, Piece,
)

__all__ = [
    "asindices", "ofcolor", "ulcorner", "urcorner", "llcorner", "lrcorner", "toindices",
    "recolor", "shift", "normalize", "dneighbors", "ineighbors", "neighbors", "uppermost",
    "lowermost", "leftmost", "rightmost", "square", "vline", "hline", "hmatching",
    "vmatching", "manhattan", "adjacent", "bordering", "centerofmass", "color", "toobject",
    "asobject", "center", "position", "corners", "connect", "vfrontier", "hfrontier",
    "backdrop", "delta", "gravitate", "inbox", "outbox", "box", "shoot", "hperiod",
    "vperiod",
]

# arc-dsl's fixed lengths: frontiers span rows/cols 0..29, shoot reaches 42 steps,
# gravitate gives up after 42 steps.
_FRONTIER_LENGTH = 30
_SHOOT_REACH = 42
_GRAVITATE_STEPS = 42


def _is_object(patch) -> bool:
    """True when a non-empty patch holds (colour, (row, col)) cells rather than pairs."""
    return isinstance(next(iter(patch))[1], tuple)


def _rows(patch):
    """Row coordinates of a patch's positions (one per distinct position)."""
    return [i for i, _ in toindices(patch)]


def _cols(patch):
    """Column coordinates of a patch's positions (one per distinct position)."""
    return [j for _, j in toindices(patch)]


def _corner(patch, row_pick, col_pick) -> IntegerTuple:
    """(row_pick(rows), col_pick(cols)); the empty tuple for an empty patch, as arc-dsl."""
    indices = toindices(patch)
    if len(indices) == 0:
        return ()
    return (row_pick(i for i, _ in indices), col_pick(j for _, j in indices))


def _span_height(patch) -> Integer:
    """arc-dsl's `height`: 0 when empty, rows of a grid, else rows spanned by a patch."""
    if len(patch) == 0:
        return 0
    if isinstance(patch, tuple):
        return len(patch)
    return lowermost(patch) - uppermost(patch) + 1


def _span_width(patch) -> Integer:
    """arc-dsl's `width`: 0 when empty, cols of a grid, else cols spanned by a patch."""
    if len(patch) == 0:
        return 0
    if isinstance(patch, tuple):
        return len(patch[0])
    return rightmost(patch) - leftmost(patch) + 1


def _outline(top: Integer, left: Integer, bottom: Integer, right: Integer) -> Indices:
    """The border cells of the rectangle spanned by two opposite corners (any order)."""
    r0, r1 = min(top, bottom), max(top, bottom)
    c0, c1 = min(left, right), max(left, right)
    cells = set()
    for i in range(r0, r1 + 1):
        cells.add((i, c0))
        cells.add((i, c1))
    for j in range(c0, c1 + 1):
        cells.add((r0, j))
        cells.add((r1, j))
    return frozenset(cells)


def asindices(grid: Grid) -> Indices:
    """All positions of a grid (empty for a grid without rows)."""
    if len(grid) == 0:
        return frozenset()
    w = len(grid[0])
    return frozenset((i, j) for i in range(len(grid)) for j in range(w))


def ofcolor(grid: Grid, value: Integer) -> Indices:
    """Positions of the grid cells equal to `value`."""
    return frozenset(
        (i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v == value)


def ulcorner(patch: Patch) -> IntegerTuple:
    """(min row, min col); () for an empty patch."""
    return _corner(patch, min, min)


def urcorner(patch: Patch) -> IntegerTuple:
    """(min row, max col); () for an empty patch."""
    return _corner(patch, min, max)


def llcorner(patch: Patch) -> IntegerTuple:
    """(max row, min col); () for an empty patch."""
    return _corner(patch, max, min)


def lrcorner(patch: Patch) -> IntegerTuple:
    """(max row, max col); () for an empty patch."""
    return _corner(patch, max, max)


def toindices(patch: Patch) -> Indices:
    """The positions of a patch (an Object's cells lose their colours); Indices unchanged."""
    if len(patch) == 0:
        return frozenset()
    if _is_object(patch):
        return frozenset(loc for _, loc in patch)
    return patch


def recolor(value: Integer, patch: Patch) -> Object:
    """The object painting every position of the patch with `value`."""
    return frozenset((value, loc) for loc in toindices(patch))


def shift(patch: Patch, directions: IntegerTuple) -> Patch:
    """The patch translated by (drow, dcol); an empty patch is returned as is."""
    if len(patch) == 0:
        return patch
    di, dj = directions
    if _is_object(patch):
        return frozenset((c, (i + di, j + dj)) for c, (i, j) in patch)
    return frozenset((i + di, j + dj) for i, j in patch)


def normalize(patch: Patch) -> Patch:
    """The patch shifted so that its upper-left bounding-box corner is (0, 0)."""
    if len(patch) == 0:
        return patch
    return shift(patch, (-uppermost(patch), -leftmost(patch)))


def dneighbors(loc: IntegerTuple) -> Indices:
    """The four orthogonal neighbours of a position."""
    i, j = loc[0], loc[1]
    return frozenset({(i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)})


def ineighbors(loc: IntegerTuple) -> Indices:
    """The four diagonal neighbours of a position."""
    i, j = loc[0], loc[1]
    return frozenset({(i - 1, j - 1), (i - 1, j + 1), (i + 1, j - 1), (i + 1, j + 1)})


def neighbors(loc: IntegerTuple) -> Indices:
    """The eight neighbours of a position."""
    return dneighbors(loc) | ineighbors(loc)


def uppermost(patch: Patch) -> Integer:
    """Smallest row of the patch (ValueError when empty)."""
    return min(_rows(patch))


def lowermost(patch: Patch) -> Integer:
    """Largest row of the patch (ValueError when empty)."""
    return max(_rows(patch))


def leftmost(patch: Patch) -> Integer:
    """Smallest column of the patch (ValueError when empty)."""
    return min(_cols(patch))


def rightmost(patch: Patch) -> Integer:
    """Largest column of the patch (ValueError when empty)."""
    return max(_cols(patch))


def square(piece: Piece) -> Boolean:
    """Grid: as many rows as columns. Patch: a full square (len counts object cells)."""
    if isinstance(piece, tuple):
        return len(piece) == len(piece[0])
    h, w = _span_height(piece), _span_width(piece)
    return h * w == len(piece) and h == w


def vline(patch: Patch) -> Boolean:
    """Whether the patch is a gap-free vertical line (False when empty)."""
    return _span_height(patch) == len(patch) and _span_width(patch) == 1


def hline(patch: Patch) -> Boolean:
    """Whether the patch is a gap-free horizontal line (False when empty)."""
    return _span_width(patch) == len(patch) and _span_height(patch) == 1


def hmatching(a: Patch, b: Patch) -> Boolean:
    """Whether some row holds a cell of both patches."""
    return not set(_rows(a)).isdisjoint(_rows(b))


def vmatching(a: Patch, b: Patch) -> Boolean:
    """Whether some column holds a cell of both patches."""
    return not set(_cols(a)).isdisjoint(_cols(b))


def manhattan(a: Patch, b: Patch) -> Integer:
    """Smallest Manhattan distance between a cell of a and a cell of b (ValueError if empty)."""
    cells_b = toindices(b)
    return min(abs(ai - bi) + abs(aj - bj) for ai, aj in toindices(a) for bi, bj in cells_b)


def adjacent(a: Patch, b: Patch) -> Boolean:
    """Whether the closest cells of the two patches are at Manhattan distance 1."""
    return manhattan(a, b) == 1


def bordering(patch: Patch, grid: Grid) -> Boolean:
    """Whether the patch touches an edge of the grid (tests top, left, bottom, right in turn)."""
    if uppermost(patch) == 0 or leftmost(patch) == 0:
        return True
    if lowermost(patch) == len(grid) - 1:
        return True
    return rightmost(patch) == len(grid[0]) - 1


def centerofmass(patch: Patch) -> IntegerTuple:
    """Sums of the distinct positions' rows and cols, floor-divided by len(patch); () if empty."""
    indices = toindices(patch)
    if len(indices) == 0:
        return ()
    n = len(patch)
    return (sum(i for i, _ in indices) // n, sum(j for _, j in indices) // n)


def color(obj: Object) -> Integer:
    """First element's first entry in canonical order (StopIteration when empty)."""
    return next(iter(ordered(obj)))[0]


def toobject(patch: Patch, grid: Grid) -> Object:
    """The grid's cells at the patch's positions; positions outside the grid are dropped."""
    h, w = len(grid), len(grid[0])
    return frozenset(
        (grid[i][j], (i, j)) for i, j in toindices(patch) if 0 <= i < h and 0 <= j < w)


def asobject(grid: Grid) -> Object:
    """Every grid cell as (colour, (row, col))."""
    return frozenset((v, (i, j)) for i, row in enumerate(grid) for j, v in enumerate(row))


def center(patch: Patch) -> IntegerTuple:
    """Upper-left corner plus half the bounding box (floored); ValueError when empty."""
    return (uppermost(patch) + _span_height(patch) // 2,
            leftmost(patch) + _span_width(patch) // 2)


def _toward(x: Integer, y: Integer) -> Integer:
    """1 when x < y else -1."""
    return 1 if x < y else -1


def position(a: Patch, b: Patch) -> IntegerTuple:
    """Direction from a's center to b's: (0, +-1) on one row, (+-1, 0) on one col, else diagonal."""
    ia, ja = center(toindices(a))
    ib, jb = center(toindices(b))
    if ia == ib:
        return (0, _toward(ja, jb))
    if ja == jb:
        return (_toward(ia, ib), 0)
    return (_toward(ia, ib), _toward(ja, jb))


def corners(patch: Patch) -> Indices:
    """The four bounding-box corners; {()} for an empty patch, as arc-dsl."""
    return frozenset({ulcorner(patch), urcorner(patch), llcorner(patch), lrcorner(patch)})


def connect(a: IntegerTuple, b: IntegerTuple) -> Indices:
    """Cells of the horizontal, vertical or diagonal segment a..b; empty for other pairs."""
    ai, aj = a
    bi, bj = b
    di, dj = bi - ai, bj - aj
    if di == 0:
        return frozenset((ai, j) for j in range(min(aj, bj), max(aj, bj) + 1))
    if dj == 0:
        return frozenset((i, aj) for i in range(min(ai, bi), max(ai, bi) + 1))
    if abs(di) != abs(dj):
        return frozenset()
    step_i = 1 if di > 0 else -1
    step_j = 1 if dj > 0 else -1
    return frozenset((ai + k * step_i, aj + k * step_j) for k in range(abs(di) + 1))


def vfrontier(location: IntegerTuple) -> Indices:
    """Column `location[1]` over rows 0..29."""
    return frozenset((i, location[1]) for i in range(_FRONTIER_LENGTH))


def hfrontier(location: IntegerTuple) -> Indices:
    """Row `location[0]` over cols 0..29."""
    return frozenset((location[0], j) for j in range(_FRONTIER_LENGTH))


def backdrop(patch: Patch) -> Indices:
    """Every position of the patch's bounding box (empty for an empty patch)."""
    if len(patch) == 0:
        return frozenset()
    top, left = ulcorner(patch)
    bottom, right = lrcorner(patch)
    return frozenset(
        (i, j) for i in range(top, bottom + 1) for j in range(left, right + 1))


def delta(patch: Patch) -> Indices:
    """Bounding-box positions the patch does not occupy (empty for an empty patch)."""
    if len(patch) == 0:
        return frozenset()
    return backdrop(patch) - toindices(patch)


def gravitate(source: Patch, destination: Patch) -> IntegerTuple:
    """Offset k*(step) moving source next to destination, k the first of 0..42 that is adjacent.

    The step is vertical (towards destination's center row) when the patches share a column,
    else horizontal; k is 42 when no shift up to 42 steps makes them adjacent.
    """
    si, sj = center(source)
    di, dj = center(destination)
    if vmatching(source, destination):
        step = (_toward(si, di), 0)
    else:
        step = (0, _toward(sj, dj))
    k = 0
    while k < _GRAVITATE_STEPS and not adjacent(shift(source, (k * step[0], k * step[1])),
                                               destination):
        k += 1
    return (k * step[0], k * step[1])


def inbox(patch: Patch) -> Indices:
    """Outline of the bounding box shrunk by one on every side (ValueError when empty)."""
    return _outline(uppermost(patch) + 1, leftmost(patch) + 1,
                    lowermost(patch) - 1, rightmost(patch) - 1)


def outbox(patch: Patch) -> Indices:
    """Outline of the bounding box grown by one on every side (ValueError when empty)."""
    return _outline(uppermost(patch) - 1, leftmost(patch) - 1,
                    lowermost(patch) + 1, rightmost(patch) + 1)


def box(patch: Patch) -> Indices:
    """Outline of the bounding box; an empty patch is returned as is."""
    if len(patch) == 0:
        return patch
    top, left = ulcorner(patch)
    bottom, right = lrcorner(patch)
    return _outline(top, left, bottom, right)


def shoot(start: IntegerTuple, direction: IntegerTuple) -> Indices:
    """connect(start, start + 42 * direction)."""
    end = (start[0] + _SHOOT_REACH * direction[0], start[1] + _SHOOT_REACH * direction[1])
    return connect(start, end)


def _period(obj: Object, axis: int) -> Integer:
    """Smallest p in 1..extent-1 such that the normalized object, moved back by p along
    `axis`, agrees with itself on the part left at non-negative coordinates; else extent."""
    base = normalize(obj)
    extent = _span_width(base) if axis == 1 else _span_height(base)
    for p in range(1, extent):
        moved = set()
        for c, (i, j) in base:  # unpacks cells: Indices wider than 1 raise TypeError here
            pos = (i, j - p) if axis == 1 else (i - p, j)
            if pos[axis] >= 0:
                moved.add((c, pos))
        if moved <= base:
            return p
    return extent


def hperiod(obj: Object) -> Integer:
    """Horizontal period of an object (its width when it has none; 0 when empty)."""
    return _period(obj, 1)


def vperiod(obj: Object) -> Integer:
    """Vertical period of an object (its height when it has none; 0 when empty)."""
    return _period(obj, 0)
