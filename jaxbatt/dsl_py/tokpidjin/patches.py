"""Patches family: positions and shapes of patches, with tokpidjin's cells and variants.

A patch is Indices (a frozenset of (i, j) pairs) or an Object (a frozenset of (i, j, c)
cells; arc-dsl's are (c, (i, j))). A plain-named primitive tells them apart by the length
of the patch's first element (3: an object), in the dialect's order; an `_i` variant takes
Indices and an `_o` variant an Object without looking, `_t` a grid and `_f` a patch. Each
family (corners, extremes, spans, mirrors, ...) is one implementation per kind of input.

tokpidjin made most empty cases total: extremes of an empty patch are `math.nan` (the
`math.nan` object itself: `center` tests it with `is`), corners and centers `()`,
`manhattan` `math.inf`; `toindices` of something that is not a patch is `frozenset()`.
Elements that are themselves frozensets (an Objects passed where an Object is expected)
unpack in the dialect's order too. Primitives call each other through the exception-safe
primitives, as tokpidjin's do, so a
failing inner call contributes its default (e.g. `height_f` of a bad patch is 0 - 0 + 1).
"""
import itertools
import math

from jaxbatt.dsl_py.tokpidjin.ordering import head, ordered, parts
from jaxbatt.dsl_py.tokpidjin.safety import dialect, variants

# arc-dsl's fixed lengths: frontiers span rows/cols 0..29, shoot reaches 42 steps,
# gravitate gives up after 42 steps.
_FRONTIER_LENGTH = 30
_SHOOT_REACH = 42
_GRAVITATE_STEPS = 42


def _has_len(value) -> bool:
    return hasattr(value, "__len__")


# ----------------------------------------------------------------------------- indices

@dialect
def toindices(patch: "Patch") -> "Indices":
    """The positions of a patch: an Object's cells lose their colours; Indices unchanged."""
    if not _has_len(patch) or len(patch) == 0:
        return frozenset()
    first_element = head(patch)
    if not _has_len(first_element):
        return frozenset()
    if len(first_element) == 3:
        return frozenset((i, j) for i, j, _ in map(parts, patch))
    return patch


@dialect
def toindices_i(indices: "Indices") -> "Indices":
    """Indices are their own positions."""
    return indices


@dialect
def toindices_o(obj: "Object") -> "Indices":
    """The positions of an Object's cells."""
    if not _has_len(obj) or len(obj) == 0:
        return frozenset()
    return frozenset((i, j) for i, j, _ in map(parts, obj))


_TO_INDICES = {"": toindices, "_i": toindices_i, "_o": toindices_o}
_PATCH_KINDS = {"": "Patch", "_i": "Indices", "_o": "Object"}


def _corner(to_indices, pick_for_axis):
    """Per axis of the positions (row, col, ...), pick_for_axis(axis) of its values."""
    def corner(patch):
        axes = zip(*ordered(to_indices(patch)))
        return tuple(pick_for_axis(axis)(values) for axis, values in enumerate(axes))
    return corner


def _same_pick(pick):
    return lambda axis: pick


# urcorner/llcorner look their pick up by axis number: a third axis is a KeyError.
_CORNER_PICKS = {
    "ulcorner": _same_pick(min), "urcorner": {0: min, 1: max}.__getitem__,
    "llcorner": {0: max, 1: min}.__getitem__, "lrcorner": _same_pick(max),
}
for _name, _pick in _CORNER_PICKS.items():
    for _suffix, _to_indices in _TO_INDICES.items():
        globals().update(variants(_corner(_to_indices, _pick), {
            _name + _suffix: {"patch": _PATCH_KINDS[_suffix], "return": "IJ"}}))


def _extreme(to_indices, axis, pick, nan_when_empty):
    """pick of the positions' row (axis 0) or column (axis 1) values."""
    def extreme(patch):
        if nan_when_empty and not patch:
            return math.nan
        return pick((i, j)[axis] for i, j in ordered(to_indices(patch)))
    return extreme


_EXTREMES = {"uppermost": (0, min), "lowermost": (0, max), "leftmost": (1, min),
             "rightmost": (1, max)}
for _name, (_axis, _pick) in _EXTREMES.items():
    for _suffix, _to_indices in _TO_INDICES.items():
        # tokpidjin's rightmost_i and rightmost_o have no empty guard (ValueError)
        _guarded = not (_name == "rightmost" and _suffix)
        globals().update(variants(_extreme(_to_indices, _axis, _pick, _guarded), {
            _name + _suffix: {"patch": _PATCH_KINDS[_suffix], "return": "Integer"}}))


@dialect
def corner(patch: "Patch", type: "R4") -> "IJ":  # noqa: A002 - tokpidjin's name
    """ulcorner, urcorner, llcorner, lrcorner for type 0..3; ulcorner otherwise."""
    for code, pick in enumerate((ulcorner, urcorner, llcorner, lrcorner)):  # noqa: F821
        if type == code:
            return pick(patch)
    return ulcorner(patch)  # noqa: F821


@dialect
def col_row(patch: "Patch", type: "R4") -> "Integer":  # noqa: A002 - tokpidjin's name
    """lowermost, uppermost, leftmost, rightmost for type 0..3; None otherwise."""
    for code, pick in enumerate((lowermost, uppermost, leftmost, rightmost)):  # noqa: F821
        if type == code:
            return pick(patch)
    return None


@dialect
def corners(patch: "Patch") -> "Indices":
    """The four bounding-box corners ({()} for an empty patch)."""
    return frozenset({ulcorner(patch), urcorner(patch), llcorner(patch),  # noqa: F821
                      lrcorner(patch)})  # noqa: F821


# ------------------------------------------------------------------------------ shapes

@dialect
def height_t(piece: "Tuple") -> "Integer":
    """Number of rows of a grid."""
    return len(piece)


@dialect
def width_t(piece: "Tuple") -> "Integer":
    """Length of a grid's first row (0 without rows)."""
    return len(piece[0]) if piece else 0


def _span(low, high):
    """high(piece) - low(piece) + 1; 0 for an empty piece."""
    def span(piece):
        return 0 if len(piece) == 0 else high(piece) - low(piece) + 1
    return span


for _suffix, _kind in (("_f", "Indices"), ("_i", "Indices"), ("_o", "Object")):
    _own = "" if _suffix == "_f" else _suffix
    globals().update(variants(_span(globals()["uppermost" + _own],
                                    globals()["lowermost" + _own]),
                              {"height" + _suffix: {"piece": _kind, "return": "Integer"}}))
    globals().update(variants(_span(globals()["leftmost" + _own],
                                    globals()["rightmost" + _own]),
                              {"width" + _suffix: {"piece": _kind, "return": "Integer"}}))


@dialect
def shape_t(grid: "Grid") -> "IJ":
    """(height_t, width_t) of a grid."""
    return (height_t(grid), width_t(grid))


@dialect
def shape_f(patch: "Patch") -> "IJ":
    """(height_f, width_f) of a patch."""
    return (height_f(patch), width_f(patch))  # noqa: F821


@dialect
def portrait_t(grid: "Grid") -> "Boolean":
    """Whether a grid is taller than wide."""
    return height_t(grid) > width_t(grid)


@dialect
def portrait_f(patch: "Patch") -> "Boolean":
    """Whether a patch is taller than wide."""
    return height_f(patch) > width_f(patch)  # noqa: F821


@dialect
def square_t(grid: "Grid") -> "Boolean":
    """Whether a grid has as many rows as its first row has columns."""
    return len(grid) == len(grid[0])


@dialect
def square_f(patch: "Patch") -> "Boolean":
    """Whether a patch fills a square bounding box."""
    h, w = height_f(patch), width_f(patch)  # noqa: F821
    return h * w == len(patch) and h == w


def _line(along, across):
    """along(patch) == len(patch) and across(patch) == 1."""
    def line(patch):
        return along(patch) == len(patch) and across(patch) == 1
    return line


for _suffix, _kind in (("_i", "Indices"), ("_o", "Object")):
    _height, _width = globals()["height" + _suffix], globals()["width" + _suffix]
    globals().update(variants(_line(_height, _width), {
        "vline" + _suffix: {"patch": _kind, "return": "Boolean"}}))
    globals().update(variants(_line(_width, _height), {
        "hline" + _suffix: {"patch": _kind, "return": "Boolean"}}))


# ----------------------------------------------------------------------- moving patches

@dialect
def shift(patch: "Patch", directions: "IJ") -> "Patch":
    """The patch translated by (di, dj); frozenset() for a falsy patch."""
    if not patch:
        return frozenset()
    if directions == ():
        return patch
    di, dj = directions
    if len(head(patch)) == 3:
        return frozenset((i + di, j + dj, c) for i, j, c in patch)
    return frozenset((i + di, j + dj) for i, j in patch)


@dialect
def normalize_t(piece: "Tuple") -> "Tuple":
    """A grid is already normalized."""
    return piece


def _normalizer(top, left):
    def normalize(patch):
        if len(patch) == 0:
            return patch
        return shift(patch, (-top(patch), -left(patch)))
    return normalize


for _suffix, _kind in (("", "Indices"), ("_i", "Indices"), ("_o", "Object")):
    globals().update(variants(
        _normalizer(globals()["uppermost" + _suffix], globals()["leftmost" + _suffix]),
        {"normalize" + _suffix: {"patch": _kind, "return": _kind}}))


def _recolor(to_indices):
    def recolor(color, patch):
        return frozenset((i, j, color) for i, j in map(parts, to_indices(patch)))
    return recolor


for _suffix, _kind in (("_i", "Indices"), ("_o", "Object")):
    globals().update(variants(_recolor(_TO_INDICES[_suffix]), {
        "recolor" + _suffix: {"color": "C_", "patch": _kind, "return": "Object"}}))


def _neighbourhood(offsets):
    def neighbours(loc):
        if loc == () or type(loc) is not tuple:
            return frozenset()
        # an unmoved coordinate is loc's own value (its math.nan object included)
        return frozenset({(loc[0] + di if di else loc[0], loc[1] + dj if dj else loc[1])
                          for di, dj in offsets})
    return neighbours


globals().update(variants(_neighbourhood(((-1, 0), (1, 0), (0, -1), (0, 1))), {
    "dneighbors": {"loc": "IJ", "return": "Indices"}}))
globals().update(variants(_neighbourhood(((-1, -1), (-1, 1), (1, -1), (1, 1))), {
    "ineighbors": {"loc": "IJ", "return": "Indices"}}))


@dialect
def neighbors(loc: "IJ") -> "Indices":
    """dneighbors(loc) | ineighbors(loc)."""
    return dneighbors(loc) | ineighbors(loc)  # noqa: F821


# ----------------------------------------------------------------------------- mirrors

def _horizontal(patch):
    d = ulcorner(patch)[0] + lrcorner(patch)[0]  # noqa: F821
    return lambda i, j: (d - i, j)


def _vertical(patch):
    d = ulcorner(patch)[1] + lrcorner(patch)[1]  # noqa: F821
    return lambda i, j: (i, d - j)


def _diagonal(patch):
    a, b = ulcorner(patch)  # noqa: F821
    return lambda i, j: (j - b + a, i - a + b)


def _mirror(reflection, cells, keep_empty=False):
    """The patch reflected by reflection(patch), a map of positions.

    cells: "triples" (an Object), "pairs" (Indices) or "detect" (by the first element).
    """
    def mirror(patch):
        if keep_empty and patch == frozenset():
            return patch
        to_position = reflection(patch)
        if cells == "triples" or (cells == "detect" and len(head(patch)) == 3):
            return frozenset((*to_position(i, j), c) for i, j, c in patch)
        return frozenset(to_position(i, j) for i, j in patch)
    return mirror


_MIRROR_FORMS = {"_f": ("detect", "Patch"), "_i": ("pairs", "Indices"),
                 "_o": ("triples", "Object")}
for _axis, _reflection in (("h", _horizontal), ("v", _vertical), ("d", _diagonal)):
    for _suffix, (_cells, _kind) in _MIRROR_FORMS.items():
        # only tokpidjin's vmirror_f returns an empty patch as is (the others fail on it)
        _keep_empty = _axis == "v" and _suffix == "_f"
        globals().update(variants(_mirror(_reflection, _cells, _keep_empty), {
            f"{_axis}mirror{_suffix}": {"patch": _kind, "return": _kind}}))


def _counterdiagonal(patch):
    return vmirror_f(dmirror_f(vmirror_f(patch)))  # noqa: F821


globals().update(variants(_counterdiagonal, {
    "cmirror" + _suffix: {"patch": _kind, "return": _kind}
    for _suffix, (_, _kind) in _MIRROR_FORMS.items()}))


@dialect
def mir_rot_f(patch: "Patch", type: "A4") -> "Patch":  # noqa: A002 - tokpidjin's name
    """hmirror_f, dmirror_f, vmirror_f, cmirror_f for type 0..3; the patch otherwise."""
    for code, mirror in enumerate((hmirror_f, dmirror_f, vmirror_f, cmirror_f)):  # noqa
        if type == code:
            return mirror(patch)
    return patch


@dialect
def upscale_f(obj: "Object", factor: "Integer") -> "Object":
    """The object scaled by `factor` about its upper-left corner."""
    if len(obj) == 0:
        return frozenset()
    top, left = ulcorner(obj)  # noqa: F821
    scaled = set()
    for i, j, c in shift(obj, (-top, -left)):
        for di, dj in itertools.product(range(factor), range(factor)):
            scaled.add((i * factor + di, j * factor + dj, c))
    return shift(frozenset(scaled), (top, left))


# ---------------------------------------------------------------- positions and lines

@dialect
def center(patch: "Patch") -> "IJ":
    """Upper-left corner plus half the span (floored); () when an extreme is nan."""
    if uppermost(patch) is math.nan or leftmost(patch) is math.nan:  # noqa: F821
        return ()
    return (uppermost(patch) + height_f(patch) // 2,  # noqa: F821
            leftmost(patch) + width_f(patch) // 2)  # noqa: F821


def _towards(a, b):
    return 1 if a < b else -1


@dialect
def position(a: "Patch", b: "Patch") -> "IJ":
    """Direction from a's center to b's (None when centers compare neither way)."""
    ia, ja = center(toindices(a))
    ib, jb = center(toindices(b))
    if ia == ib:
        return (0, _towards(ja, jb))
    if ja == jb:
        return (_towards(ia, ib), 0)
    if ia < ib:
        return (1, _towards(ja, jb))
    if ia > ib:
        return (-1, _towards(ja, jb))
    return None


@dialect
def connect(a: "IJ", b: "IJ") -> "Indices":
    """Cells of the horizontal, vertical or diagonal segment a..b; empty otherwise."""
    if a == () or b == ():
        return frozenset()
    ai, aj = a
    bi, bj = b
    top, bottom = min(ai, bi), max(ai, bi) + 1
    left, right = min(aj, bj), max(aj, bj) + 1
    if ai == bi:
        return frozenset((ai, j) for j in range(left, right))
    if aj == bj:
        return frozenset((i, aj) for i in range(top, bottom))
    if bi - ai == bj - aj:
        return frozenset(zip(range(top, bottom), range(left, right)))
    if bi - ai == aj - bj:
        return frozenset(zip(range(top, bottom), range(right - 1, left - 1, -1)))
    return frozenset()


@dialect
def shoot(start: "IJ", direction: "IJ") -> "Indices":
    """connect(start, start + 42 * direction); empty for an empty start or direction."""
    if start in ((), frozenset()) or direction in ((), frozenset()):
        return frozenset()
    return connect(start, (start[0] + _SHOOT_REACH * direction[0],
                           start[1] + _SHOOT_REACH * direction[1]))


@dialect
def vfrontier(location: "IJ") -> "Indices":
    """Column location[1] over rows 0..29."""
    return frozenset((i, location[1]) for i in range(_FRONTIER_LENGTH))


@dialect
def hfrontier(location: "IJ") -> "Indices":
    """Row location[0] over columns 0..29; empty for ()."""
    if location == ():
        return frozenset()
    return frozenset((location[0], j) for j in range(_FRONTIER_LENGTH))


@dialect
def backdrop(patch: "Patch") -> "Indices":
    """Every position of the patch's bounding box."""
    if not _has_len(patch) or len(patch) == 0:
        return frozenset()
    top, left = ulcorner(patch)  # noqa: F821
    bottom, right = lrcorner(patch)  # noqa: F821
    return frozenset((i, j) for i in range(top, bottom + 1) for j in range(left, right + 1))


@dialect
def delta(patch: "Patch") -> "Indices":
    """Bounding-box positions the patch does not occupy."""
    if not _has_len(patch) or len(patch) == 0:
        return frozenset()
    return backdrop(patch) - toindices(patch)


def _outline(corners_of):
    """The border of the rectangle spanned by the two corners corners_of(patch)."""
    def outline(patch):
        if patch in (frozenset(), ()):
            return frozenset()
        (ai, aj), (bi, bj) = corners_of(patch)
        top, left = min(ai, bi), min(aj, bj)
        bottom, right = max(ai, bi), max(aj, bj)
        rows, cols = range(top, bottom + 1), range(left, right + 1)
        sides = {(i, left) for i in rows} | {(i, right) for i in rows}
        ends = {(top, j) for j in cols} | {(bottom, j) for j in cols}
        return frozenset(sides | ends)
    return outline


def _inner_corners(patch):
    return ((uppermost(patch) + 1, leftmost(patch) + 1),  # noqa: F821
            (lowermost(patch) - 1, rightmost(patch) - 1))  # noqa: F821


def _outer_corners(patch):
    return ((uppermost(patch) - 1, leftmost(patch) - 1),  # noqa: F821
            (lowermost(patch) + 1, rightmost(patch) + 1))  # noqa: F821


def _own_corners(patch):
    return ulcorner(patch), lrcorner(patch)  # noqa: F821


for _name, _corners_of in (("inbox", _inner_corners), ("outbox", _outer_corners),
                           ("box", _own_corners)):
    globals().update(variants(_outline(_corners_of), {
        _name: {"patch": "Patch", "return": "Indices"}}))


# ------------------------------------------------------------- relations of two patches

def _matching(axis):
    def matching(a, b):
        in_a = {(i, j)[axis] for i, j in map(parts, toindices(a))}
        in_b = {(i, j)[axis] for i, j in map(parts, toindices(b))}
        return len(in_a & in_b) > 0
    return matching


globals().update(variants(_matching(0), {
    "hmatching": {"a": "Patch", "b": "Patch", "return": "Boolean"}}))
globals().update(variants(_matching(1), {
    "vmatching": {"a": "Patch", "b": "Patch", "return": "Boolean"}}))


@dialect
def manhattan(a: "Patch", b: "Patch") -> "Integer":
    """Smallest Manhattan distance between the patches; math.inf if one is empty."""
    if not _has_len(a) or not _has_len(b) or len(a) == 0 or len(b) == 0:
        return math.inf
    return min(abs(ai - bi) + abs(aj - bj)
               for ai, aj in toindices(a) for bi, bj in toindices(b))


@dialect
def adjacent(a: "Patch", b: "Patch") -> "Boolean":
    """manhattan(a, b) == 1."""
    return manhattan(a, b) == 1


@dialect
def gravitate(source: "Patch", destination: "Patch") -> "IJ":
    """The offset that moves `source` next to `destination` (42 steps at most).

    A falsy destination returns the source itself.
    """
    if not destination:
        return source
    si, sj = center(source)
    di, dj = center(destination)
    i, j = 0, 0
    if vmatching(source, destination):  # noqa: F821
        i = _towards(si, di)
    else:
        j = _towards(sj, dj)
    gi, gj = i, j
    steps = 0
    moved = source
    while not adjacent(moved, destination) and steps < _GRAVITATE_STEPS:
        steps += 1
        gi += i
        gj += j
        moved = shift(moved, (i, j))
    return (gi - i, gj - j)


@dialect
def bordering(patch: "Patch", grid: "Grid") -> "Boolean":
    """Whether the patch reaches the top, left, bottom or right edge (tested in turn)."""
    return (uppermost(patch) == 0 or leftmost(patch) == 0  # noqa: F821
            or lowermost(patch) == len(grid) - 1  # noqa: F821
            or rightmost(patch) == len(grid[0]) - 1)  # noqa: F821


@dialect
def centerofmass(patch: "Patch") -> "IJ":
    """Per axis, the sum of the positions' values floor-divided by len(patch)."""
    return tuple(sum(values) // len(patch) for values in zip(*ordered(toindices(patch))))


def _period(extent_of, step, kept):
    """Smallest p in 1..extent-1 with the object, moved back by p, inside itself."""
    def period(obj):
        normalized = normalize(obj)  # noqa: F821
        extent = extent_of(normalized)
        for p in range(1, extent):
            moved = shift(normalized, step(p))
            pruned = frozenset({(i, j, c) for i, j, c in moved if kept(i, j)})
            if pruned.issubset(normalized):
                return p
        return extent
    return period


globals().update(variants(_period(width_f, lambda p: (0, -p), lambda i, j: j >= 0), {  # noqa
    "hperiod": {"obj": "Object", "return": "Integer"}}))
globals().update(variants(_period(height_f, lambda p: (-p, 0), lambda i, j: i >= 0), {  # noqa
    "vperiod": {"obj": "Object", "return": "Integer"}}))

__all__ = [
    "toindices", "toindices_i", "toindices_o",
    *(name + suffix for name in _CORNER_PICKS for suffix in _TO_INDICES),
    *(name + suffix for name in _EXTREMES for suffix in _TO_INDICES),
    "corner", "col_row", "corners", "height_t", "width_t", "height_f", "width_f",
    "height_i", "width_i", "height_o", "width_o", "shape_t", "shape_f", "portrait_t",
    "portrait_f", "square_t", "square_f", "vline_i", "hline_i", "vline_o", "hline_o",
    "shift", "normalize_t", "normalize", "normalize_i", "normalize_o", "recolor_i",
    "recolor_o", "dneighbors", "ineighbors", "neighbors",
    *(f"{axis}mirror{suffix}" for axis in "hvdc" for suffix in _MIRROR_FORMS),
    "mir_rot_f", "upscale_f", "center", "position", "connect", "shoot", "vfrontier",
    "hfrontier", "backdrop", "delta", "inbox", "outbox", "box", "hmatching", "vmatching",
    "manhattan", "adjacent", "gravitate", "bordering", "centerofmass", "hperiod", "vperiod",
]
