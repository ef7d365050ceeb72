"""Objects family: connected components, colour classes, object filters, occurrences.

Objects are frozensets of (i, j, c) cells. tokpidjin adds tuple forms: `objects_t`
(alias `objects_g`) gives a tuple of objects, each a tuple of cells in the order its
flood fill reached them, and `o_g`/`o_g_t` (alias `o_g_tuple`) select one of the eight
flag combinations of `objects` by number (bit 2: univalued, bit 1: diagonal, bit 0:
without background; other numbers give None). `colorfilter_t`/`sizefilter_t` filter tuples.

Order: the flood fill visits seeds in row-major order and, within each ring of the fill,
candidates in row-major order (tokpidjin in CPython's set order, so `objects_t` orders
can differ from tokpidjin's; its frozenset results cannot). `colorfilter` and `color` read
the object's first cell in the dialect's order: the top-left cell (then smallest colour).
`fgpartition` is tokpidjin's CPU path (its GPU path builds arc-dsl-style cells).
"""
import math

from jaxbatt.dsl_py.tokpidjin.grids import asindices, dmirror_t, mostcolor_t, palette_t
from jaxbatt.dsl_py.tokpidjin.ordering import head, ordered
from jaxbatt.dsl_py.tokpidjin.patches import dneighbors, neighbors, normalize, shape_f, shift
from jaxbatt.dsl_py.tokpidjin.safety import dialect, variants


def _flood_fill(grid, univalued, diagonal, without_bg):
    """(seed cell, cells in the order reached) of each component, seeds row-major."""
    background = mostcolor_t(grid) if without_bg else None
    h, w = len(grid), len(grid[0])
    step = neighbors if diagonal else dneighbors
    occupied = set()
    for loc in ordered(asindices(grid)):
        if loc in occupied:
            continue
        seed = grid[loc[0]][loc[1]]
        if seed == background:
            continue
        reached = []
        frontier = {loc}
        while frontier:
            ring = set()
            for i, j in ordered(frontier):
                value = grid[i][j]
                if (seed == value) if univalued else (value != background):
                    reached.append((i, j, value))
                    occupied.add((i, j))
                    ring |= {(a, b) for a, b in step((i, j)) if 0 <= a < h and 0 <= b < w}
            frontier = ring - occupied
        yield (loc[0], loc[1], seed), reached


_OBJECTS_HINTS = {"grid": "Grid", "univalued": "Boolean", "diagonal": "Boolean",
                  "without_bg": "Boolean"}


@dialect
def objects(grid: "Grid", univalued: "Boolean", diagonal: "Boolean",
            without_bg: "Boolean") -> "Objects":
    """The connected components as a frozenset of frozensets of cells."""
    if grid == ():
        return frozenset()
    return frozenset(frozenset([seed, *reached]) for seed, reached in
                     _flood_fill(grid, univalued, diagonal, without_bg))


@dialect
def objects_t(grid: "Grid", univalued: "Boolean", diagonal: "Boolean",
              without_bg: "Boolean") -> "TTT_iii":
    """The connected components as a tuple of tuples of cells, in flood-fill order."""
    if grid == ():
        return ()
    return tuple(tuple(reached) for _, reached in
                 _flood_fill(grid, univalued, diagonal, without_bg))


objects_g = objects_t  # tokpidjin's alias


def _by_number(objects_variant):
    """objects_variant with the flags of number 0..7; None for other numbers."""
    def o_g(grid, type):  # noqa: A002 - tokpidjin's name
        for number in range(8):
            if type == number:
                return objects_variant(grid, number >= 4, number in (2, 3, 6, 7),
                                       number % 2 == 1)
        return None
    return o_g


globals().update(variants(_by_number(objects), {
    "o_g": {"grid": "Grid", "type": "R8", "return": "Objects"}}))
globals().update(variants(_by_number(objects_t), {
    "o_g_t": {"grid": "Grid", "type": "R8", "return": "TTT_iii"}}))
o_g_tuple = o_g_t  # noqa: F821 - tokpidjin's alias


def _colour_classes(grid, colours):
    """One object per colour in `colours`: every cell of the grid with that colour."""
    return frozenset(
        frozenset((i, j, c) for i, row in enumerate(ordered(grid))
                  for j, c in enumerate(ordered(row)) if c == colour)
        for colour in colours)


@dialect
def partition(grid: "Grid") -> "Objects":
    """One object per colour of the grid."""
    return _colour_classes(grid, palette_t(grid))


@dialect
def fgpartition(grid: "Grid") -> "Objects":
    """One object per colour of the grid but its most common one."""
    return _colour_classes(grid, palette_t(grid) - {mostcolor_t(grid)})


@dialect
def colorfilter(objs: "Objects", color: "C_") -> "Objects":
    """The objects whose first cell has colour `color` (an empty object: RuntimeError)."""
    return frozenset(obj for obj in objs if head(obj)[2] == color)


@dialect
def colorfilter_t(objs: "TTT_iii", color: "Integer") -> "TTT_iii":
    """The tuple objects whose first cell has colour `color`."""
    return tuple(obj for obj in ordered(objs) if obj[0][2] == color)


def _sized(build):
    def sizefilter(container, n):
        return build(item for item in ordered(container) if len(item) == n)
    return sizefilter


globals().update(variants(_sized(frozenset), {
    "sizefilter": {"container": "Container", "n": "Integer", "return": "Object"}}))
globals().update(variants(_sized(tuple), {
    "sizefilter_t": {"container": "Tuple", "n": "Integer", "return": "Tuple"}}))


@dialect
def color(obj: "Object") -> "Integer":
    """The colour of the first cell; -math.inf when empty or not a cell."""
    cells = ordered(obj)
    first_cell = cells[0] if cells else (0, 0, -math.inf)
    return first_cell[2] if isinstance(first_cell, tuple) else -math.inf


@dialect
def frontiers(grid: "Grid") -> "Objects":
    """Every single-valued full row and full column, as objects."""
    h, w = len(grid), len(grid[0])
    rows = [i for i, row in enumerate(grid) if len(set(row)) == 1]
    columns = [j for j, column in enumerate(dmirror_t(grid)) if len(set(column)) == 1]
    lines = {frozenset((i, j, grid[i][j]) for j in range(w)) for i in rows}
    lines |= {frozenset((i, j, grid[i][j]) for i in range(h)) for j in columns}
    return frozenset(lines)


@dialect
def occurrences(grid: "Grid", obj: "Object") -> "Indices":
    """Offsets at which the normalized object matches the grid cell for cell.

    The offsets range over (h - oh + 1) x (w - ow + 1), so an empty object occurs at every
    offset of the grid plus one row and one column.
    """
    normed = normalize(obj)
    h, w = len(grid), len(grid[0])
    oh, ow = shape_f(obj)
    return frozenset(
        (i, j) for i in range(h - oh + 1) for j in range(w - ow + 1)
        if all(0 <= a < h and 0 <= b < w and grid[a][b] == v
               for a, b, v in shift(normed, (i, j))))


__all__ = [
    "objects", "objects_t", "objects_g", "o_g", "o_g_t", "o_g_tuple", "partition",
    "fgpartition", "colorfilter", "colorfilter_t", "sizefilter", "sizefilter_t", "color",
    "frontiers", "occurrences",
]
