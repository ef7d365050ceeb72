"""arc-dsl primitives: objects family (reference semantics, see ordering.py).

Connected components (`objects`), colour classes (`partition`, `fgpartition`), filters over
containers (`colorfilter`, `sizefilter`), template matching (`occurrences`) and uniform
rows/columns (`frontiers`). Results are frozensets, so their value never depends on the
order cells are visited; only `colorfilter` reads "the first cell" of an object and does so
through `ordering.ordered`.
"""
from jaxbatt.dsl_py import grids, ordering
from jaxbatt.dsl_py.types import (
    Boolean, Container, FrozenSet, Grid, Indices, Integer, Object, Objects)

__all__ = ["objects", "partition", "fgpartition", "colorfilter", "sizefilter",
           "occurrences", "frontiers"]

_ORTHOGONAL = ((-1, 0), (1, 0), (0, -1), (0, 1))
_ALL_EIGHT = _ORTHOGONAL + ((-1, -1), (-1, 1), (1, -1), (1, 1))


def objects(grid: Grid, univalued: Boolean, diagonal: Boolean, without_bg: Boolean) -> Objects:
    """Connected groups of cells (same colour if univalued; 8-connected if diagonal)."""
    # arc-dsl reads the background first (empty grid -> ValueError), then grid[0].
    background = grids.mostcolor(grid) if without_bg else None
    height, width = len(grid), len(grid[0])
    steps = _ALL_EIGHT if diagonal else _ORTHOGONAL
    seen = [[False] * width for _ in range(height)]
    found = set()
    for row in range(height):
        for col in range(width):
            seed = grid[row][col]
            if seen[row][col] or (without_bg and seed == background):
                continue
            component = []
            seen[row][col] = True
            stack = [(row, col)]
            while stack:
                i, j = stack.pop()
                colour = grid[i][j]
                component.append((colour, (i, j)))
                for di, dj in steps:
                    a, b = i + di, j + dj
                    if not (0 <= a < height and 0 <= b < width) or seen[a][b]:
                        continue
                    other = grid[a][b]
                    joins = (other == seed) if univalued else (other != background)
                    if joins:
                        seen[a][b] = True
                        stack.append((a, b))
            found.add(frozenset(component))
    return frozenset(found)


def _colour_classes(grid: Grid, colours) -> Objects:
    """One object per colour in `colours`: every cell of the grid with that colour."""
    by_colour = {colour: [] for colour in colours}
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value in by_colour:
                by_colour[value].append((value, (i, j)))
    return frozenset(frozenset(cells) for cells in by_colour.values())


def partition(grid: Grid) -> Objects:
    """One object per colour of the grid, holding all its cells."""
    return _colour_classes(grid, {v for row in grid for v in row})


def fgpartition(grid: Grid) -> Objects:
    """One object per colour of the grid except the most common one."""
    colours = {v for row in grid for v in row}
    colours.discard(grids.mostcolor(grid))
    return _colour_classes(grid, colours)


def _first(container):
    """The element arc-dsl's `next(iter(container))` yields, in dsl_py's order."""
    if isinstance(container, (set, frozenset)) and not ordering.is_int_set(container):
        if not container:
            raise ValueError("first element of an empty container")
        return min(container, key=ordering.canonical_key)
    return ordering.ordered(container)[0]


def _any(container):
    """Some element of a non-empty container (for type inspection only)."""
    return next(iter(container))


def colorfilter(objs: Objects, value: Integer) -> Objects:
    """The objects whose first cell (in dsl_py's order) has colour `value`."""
    return frozenset(obj for obj in objs if _first(obj)[0] == value)


def sizefilter(container: Container, n: Integer) -> FrozenSet:
    """The items of the container with exactly `n` elements."""
    return frozenset(item for item in container if len(item) == n)


def occurrences(grid: Grid, obj: Object) -> Indices:
    """Offsets (i, j) at which the normalized object matches the grid cell for cell."""
    is_object = bool(obj) and isinstance(_any(obj)[1], tuple)
    positions = [pos for _, pos in obj] if is_object else list(obj)
    if positions:
        top, left = min(i for i, _ in positions), min(j for _, j in positions)
        obj_h = max(i for i, _ in positions) - top + 1
        obj_w = max(j for _, j in positions) - left + 1
    else:
        top = left = obj_h = obj_w = 0
    height, width = len(grid), len(grid[0])
    rows, cols = height - obj_h + 1, width - obj_w + 1
    if rows <= 0 or cols <= 0:
        return frozenset()
    if obj and not is_object:
        # arc-dsl unpacks every element as (value, (i, j)): an index pair cannot be.
        raise TypeError("occurrences needs an object, got indices")
    template = [(value, i - top, j - left) for value, (i, j) in obj]
    return frozenset(
        (i, j) for i in range(rows) for j in range(cols)
        if all(grid[i + a][j + b] == value for value, a, b in template))


def frontiers(grid: Grid) -> Objects:
    """Every uniform full row and uniform full column of the grid, as objects."""
    height, width = len(grid), len(grid[0])
    lines = set()
    for i in range(height):
        if len(set(grid[i])) == 1:
            lines.add(frozenset((grid[i][j], (i, j)) for j in range(width)))
    for j in range(width):
        if len({grid[i][j] for i in range(height)}) == 1:
            lines.add(frozenset((grid[i][j], (i, j)) for i in range(height)))
    return frozenset(lines)
