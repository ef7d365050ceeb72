"""Fused steps: compositions of primitives computed in one pass on the window.

codegen's rewrite pass (jaxbatt.codegen.rewrite) emits these in place of a composition of
arc-dsl primitives whose padded intermediate value is too large or has lost cells; each one
returns exactly what the composition returns in dsl_py (tests/dsl_jax/test_fused.py checks
them against it). They are not arc-dsl primitives: the reference runs the original steps.

- `connect_aligned(a, b, vertical, horizontal, longest)` is `mfilter(prapply(connect, a,
  b), P)` with P one of vline, hline, fork(either, vline, hline), or (longest > 0) P and
  size < longest + 1 by fork(both, ...). prapply holds one patch per pair of
  cells (capacity K, so at most a handful of cells per side); here a row's pairs cover the
  span from the row's first to its last cell of a | b, whenever both have a cell in it
  (every cell of a | b ends some segment, and the segments of a row share cells).
- `connect_same_line(a, b, axis)` is `mapply(fork(connect, first, last), sfilter(product(a,
  b), S))` with S "same row" (axis 0: the first coordinates of a pair's two cells are
  equal) or "same column" (axis 1). The product holds one pair per two cells (capacity K);
  here the segments are connect_aligned's.
- `rows_by_columns(a, b)` is `apply(fork(astuple, R, C), product(a, b))` with R the row of
  a pair's first cell and C the column of its last: every row of a with every column of
  b, an Indices, without the product's K pairs.
  Both take Indices only (other forms fail to trace, as the compositions do for cells
  with colours, and the program runs on the reference).
- `shoot_sweep(start, direction, sweep)` is `mapply(rbind(shoot, sweep), shoot(start,
  direction))`. The line from `start` leaves the window (42 steps), so the window plane of
  `shoot` has lost the cells whose own shoots come back into the grid; here every window cell
  q is tested for q = start + t*u + k*v (u, v the steps of the two lines, t and k within
  their lengths), so no cell is lost. `shoot_sweeps(start_a, direction_a, start_b,
  direction_b, sweep)` is the same over `combine` of two lines: the union of two sweeps.
- `paint_merged(grid, patches)` is `paint(grid, merge(patches))`. merge of a tuple of
  objects concatenates their cells (packing at most K cells per object, so larger objects
  overflowed) and paint lets the last write win: here each cell takes the colour of the last
  object holding it, whatever the objects' sizes. merge of a frozenset of objects cannot
  hold two colours at a cell (not exact), where paint, reading the cells in canonical
  order, leaves the largest: here it does.
- `paint_mapped(grid, function, container)` is `paint(grid, mapply(function, container))`
  and `underpaint_mapped` the same with underpaint. Over a tuple whose images are objects,
  mapply merges a tuple of cells (at most MERGED_CELLS) and the painting reads them in
  order; over a frozenset, the union of the images cannot hold two colours at one cell
  (not exact), where the painting reads the merged cells in canonical order (colour
  first). Here each cell takes the colour the painting leaves, however many cells: the last
  image's (paint) or the first not in the background (underpaint) for a tuple, the largest
  (paint) or the smallest not in the background (underpaint) for a frozenset. Other
  containers are painted with mapply_union.
- `mapply_composed(outer, inner, container)` is `mapply(outer, apply(inner, container))`
  where the result is read as a set of cells: the union of outer(inner(x)) over the
  container, without the set of inner images (e.g. offsets scaled beyond the window, which
  an Indices cannot hold, each used only to shift a patch back into view).
- `mapply_union(function, container)` is `mapply(function, container)` where every reader
  takes the result as a set of cells (fill, paint, recolor...: rewrite.py checks). mapply
  over a tuple merges a tuple, keeping every cell of every patch in order (at most
  MERGED_CELLS of them); here the patches are united on the window, however many cells
  they hold. paint reads cells in order, but only a colour clash (not exact in the union)
  can tell the orders apart.
- `pairs_mapply(outer, inner, a, b, condition)` is `mapply(outer, apply(inner, sfilter(
  product(a, b), condition)))` (no sfilter without condition) where the result is read as
  a set of cells: the union over the pairs, each side compacted as product compacts it,
  without the frozenset of pairs, which holds K of them (a side of 6 objects overflows it).
- `pairs_mfilter(inner, image_condition, a, b, condition)` is `mfilter(apply(inner,
  sfilter(product(a, b), condition)), image_condition)` read as a set of cells, likewise.
- `extreme_object(grid, univalued, diagonal, without_bg, measure, largest)` is
  `argmax(objects(grid, univalued, diagonal, without_bg), measure)` (`argmin` when not
  `largest`) for measure size, height or width. objects holds at most K objects (the
  tier's capacity); here every object is measured on the label plane, however many there are.
- `objects_of_colour(grid, diagonal, without_bg, colour)` is `colorfilter(objects(grid,
  True, diagonal, without_bg), colour)`: univalued objects of one colour are the components
  of that colour's cells, so K of them are held however many objects the grid has.
- `corner_matcher(corner, function, target)` is `matcher(compose(corner, function), target)`
  for corner ulcorner, urcorner, llcorner or lrcorner (`matcher(corner, target)` with
  function identity). dsl_py's corner of an empty patch is the empty tuple (no pair: the
  primitive is not exact there), which equals no pair: here the predicate is False.
- `shifted_boxes(container, offset)` is `shift(mapply(box, container), offset)` for a
  container of pairs of points (`pair(a, b)` of two tuples of points): each pair's box
  outline, moved by offset, drawn on the window from the corners' coordinates. box of two
  points far outside the window (offsets scaled by up to 9) loses the edges that the shift
  brings back; here no edge cell inside the window is lost, and cells beyond it are dropped
  and mark the result clipped, as shift does. Other containers take the composition's path.
- `int_order_free(function, *args)` is `function(*args)` with the frozensets of ints it
  builds in ascending order, exact: CPython's order of an int set is emulated only for
  small sets (values.int_set_order), and the rewrite emits this only where no later step
  can observe the order (the set is counted, searched, sorted by value, or built into
  another such set by insert, remove, combine, difference, intersection or apply of a
  function that builds no set).
"""
import dataclasses
import functools

import jax
import jax.numpy as jnp

from jaxbatt.dsl_jax import arithmetic, containers, flags, functional, grids, patches, values
from jaxbatt.dsl_jax.objects import (_NO_LABEL, _scatter_min, _to_window, colorfilter, components,
                                     objects_of_components)
from jaxbatt.dsl_jax.objects import objects as all_objects
from jaxbatt.dsl_jax.patches import _SHOOT_REACH, _pair, _window
from jaxbatt.dsl_jax.values import Container, Indices, Object

__all__ = ["connect_aligned", "connect_same_line", "rows_by_columns", "shoot_sweep", "shoot_sweeps",
           "paint_merged", "paint_mapped", "underpaint_mapped", "mapply_union", "mapply_composed", "pairs_mapply",
           "pairs_mfilter", "extreme_object",
           "objects_of_colour", "corner_matcher", "shifted_boxes", "int_order_free"]


def connect_aligned(a, b, vertical: bool, horizontal: bool, longest: int = 0):
    """mfilter(prapply(connect, a, b), P): the union of the vertical (if `vertical`) and
    horizontal (if `horizontal`) segments between a cell of a and a cell of b (P is vline,
    hline, or either of them; with `longest` > 0, P also asks size(segment) < longest + 1).
    Indices a and b give an Indices on the tier's window; other values take the
    primitives' own path."""
    if not (isinstance(a, Indices) and isinstance(b, Indices)):
        predicate = _line_predicate(vertical, horizontal, longest)
        return containers.mfilter(functional.prapply(patches.connect, a, b), predicate)
    patches._same_window(a, b, "connect_aligned")
    short = 0 < longest < a.mask.shape[0]
    spans = functools.partial(_short_row_spans, longest=longest) if short else _row_spans
    mask = jnp.zeros_like(a.mask)
    if horizontal:
        mask = mask | spans(a.mask, b.mask)
    if vertical:
        mask = mask | spans(a.mask.T, b.mask.T).T
    return Indices(mask, a.margin)


def _short_row_spans(a, b, longest):
    """bool[P, P]: the cells of the row segments of at most `longest` cells with one end in
    a and the other in b (longest * (longest + 1) / 2 shifted planes)."""
    p = a.shape[1]
    covered = jnp.zeros_like(a)
    for d in range(longest):
        starts = (a[:, :p - d] & b[:, d:]) | (b[:, :p - d] & a[:, d:])  # ends at j and j + d
        for k in range(d + 1):
            covered = covered | jnp.pad(starts, ((0, 0), (k, d - k)))
    return covered


def _cells_only(name, a, b):
    """Raises TypeError (the program then runs on the reference) unless a and b are
    Indices: the forms where the pairs' coordinates are rows and columns of cells."""
    if not (isinstance(a, Indices) and isinstance(b, Indices)):
        raise TypeError(f"{name}: expected two Indices, got {type(a).__name__} and {type(b).__name__}")
    patches._same_window(a, b, name)


def connect_same_line(a, b, axis: int) -> Indices:
    """mapply(fork(connect, first, last), sfilter(product(a, b), same row (axis 0) or same
    column (axis 1))) for Indices a and b: connect_aligned's segments."""
    _cells_only("connect_same_line", a, b)
    return connect_aligned(a, b, vertical=axis == 1, horizontal=axis == 0)


def rows_by_columns(a, b) -> Indices:
    """apply(fork(astuple, row of first, column of last), product(a, b)) for Indices a and
    b: the Indices of every (row of a cell of a, column of a cell of b)."""
    _cells_only("rows_by_columns", a, b)
    rows, cols = jnp.any(a.mask, axis=1), jnp.any(b.mask, axis=0)
    return Indices(rows[:, None] & cols[None, :], a.margin)


def _line_predicate(vertical, horizontal, longest=0):
    if vertical and horizontal:
        line = functional.fork(arithmetic.either, patches.vline, patches.hline)
    else:
        line = patches.vline if vertical else patches.hline
    if not longest:
        return line
    short = functional.compose(functional.lbind(arithmetic.greater, longest + 1), containers.size)
    return functional.fork(arithmetic.both, short, line)


def _row_spans(a, b):
    """bool[P, P]: per row holding cells of both masks, the cells from the row's leftmost to
    its rightmost cell of either."""
    both = a.any(axis=1) & b.any(axis=1)
    either = a | b
    cols = jnp.arange(a.shape[1], dtype=jnp.int32)
    left = jnp.min(jnp.where(either, cols, a.shape[1]), axis=1)
    right = jnp.max(jnp.where(either, cols, -1), axis=1)
    return both[:, None] & (cols[None, :] >= left[:, None]) & (cols[None, :] <= right[:, None])


def _shoot_line(direction):
    """(step int32[2], cells int32[]) of shoot(., direction): the unit step of connect's
    segment to start + 42 * direction and its number of cells (0: connect's empty set for
    a segment that is not horizontal, vertical or diagonal)."""
    d = _pair(direction)
    reach = _SHOOT_REACH * d
    aligned = (d[0] == 0) | (d[1] == 0) | (jnp.abs(d[0]) == jnp.abs(d[1]))
    cells = jnp.where(aligned, jnp.max(jnp.abs(reach)) + 1, 0)
    return jnp.sign(d).astype(jnp.int32), cells.astype(jnp.int32)


def _along(d0, d1, step):
    """(on the line, position): whether offset (d0, d1) is r * step for an integer r, and r
    (step: a nonzero unit step)."""
    r = jnp.where(step[0] != 0, d0 * step[0], d1 * step[1])
    return (d0 == r * step[0]) & (d1 == r * step[1]), r


def shoot_sweep(start, direction, sweep) -> Indices:
    """mapply(rbind(shoot, sweep), shoot(start, direction)): every cell start + t*u + k*v
    with t < n and k < m (u, n: step and cells of the first line; v, m: of each shot)."""
    start = _pair(start)
    u, n = _shoot_line(direction)
    v, m = _shoot_line(sweep)
    rr, cc, margin = _window()
    d0, d1 = rr - start[0], cc - start[1]
    u_moves, v_moves = jnp.any(u != 0), jnp.any(v != 0)
    det = u[0] * v[1] - u[1] * v[0]
    # Steps not parallel: one (t, k) solves the 2x2 system, when it is integral.
    t_num, k_num = d0 * v[1] - d1 * v[0], u[0] * d1 - u[1] * d0
    safe = jnp.where(det == 0, 1, det)
    t, k = t_num // safe, k_num // safe
    crossing = (det != 0) & (t * safe == t_num) & (k * safe == k_num) & (t >= 0) & (t < n) & (k >= 0) & (k < m)
    # Parallel (or still) steps: offsets r * w along the moving step w, r within the reach of
    # t + k (same direction) or t - k (opposite directions).
    w = jnp.where(u_moves, u, v)
    on_line, r = _along(d0, d1, w)
    same = jnp.all(u == v) | ~u_moves | ~v_moves
    t_span = jnp.where(u_moves, n - 1, 0)
    k_span = jnp.where(v_moves, m - 1, 0)
    low = jnp.where(same, 0, -k_span)
    high = jnp.where(same, t_span + k_span, t_span)
    still = ~u_moves & ~v_moves
    parallel = (det == 0) & jnp.where(still, (d0 == 0) & (d1 == 0), on_line & (r >= low) & (r <= high))
    mask = (crossing | parallel) & (n > 0) & (m > 0)
    # The union is the lattice parallelogram of its four corners: inside the window iff they are.
    lo, hi = rr[0, 0], rr[-1, 0]
    corners = [start + a * (n - 1) * u + c * (m - 1) * v for a in (0, 1) for c in (0, 1)]
    inside = jnp.all(jnp.stack([(x >= lo) & (x <= hi) for x in corners]))
    clipped = (n > 0) & (m > 0) & ~inside
    return Indices(mask, margin, clipped)


def shoot_sweeps(start_a, direction_a, start_b, direction_b, sweep) -> Indices:
    """mapply(rbind(shoot, sweep), combine(shoot(start_a, direction_a), shoot(start_b,
    direction_b))): mapply over a union is the union of the two sweeps."""
    a = shoot_sweep(start_a, direction_a, sweep)
    b = shoot_sweep(start_b, direction_b, sweep)
    return Indices(a.mask | b.mask, a.margin, a.clipped | b.clipped)


def paint_merged(grid, patches):
    """paint(grid, merge(patches)): for a tuple or frozenset of Objects (items colour
    int8[K, P, P]) every cell painted as _painted_plane says (paint reads grid cells only, so
    clipped objects are exact here: clipping.ABSORBING); other containers take the
    primitives' path."""
    if not (isinstance(patches, Container) and patches.kind in ("tuple", "frozenset")
            and isinstance(patches.items, Object)):
        return grids.paint(grid, containers.merge(patches))
    plane = _painted_plane(patches.items.colour, patches.valid(), patches.kind == "tuple")
    return grids.paint(grid, Object(plane, patches.items.margin))


def _painted_plane(colour, valid, ordered):
    """int8[P, P]: the colour paint leaves at each cell from the merged cells of a stack of
    Object planes (int8[K, P, P], valid bool[K]): the last valid plane's holding it (ordered:
    a tuple), or the largest (a frozenset, whose merge iterates cells colour first); -1
    where none holds it."""
    colour = jnp.where(valid[:, None, None], colour, jnp.int8(-1))
    if not ordered:
        return jnp.max(colour, axis=0)
    last = colour.shape[0] - 1 - jnp.argmax(colour[::-1] >= 0, axis=0)  # K - 1 where none holds it
    return jnp.take_along_axis(colour, last[None], axis=0)[0]


def _mapped_objects(function, container):
    """(images, valid bool[K], ordered) when `container` is a tuple or frozenset Container
    whose images under `function` are Objects (images.colour int8[K, P, P]; ordered: a
    tuple, whose merge keeps the images' order); else None."""
    if not (isinstance(container, Container) and container.kind in ("tuple", "frozenset")):
        return None
    if not isinstance(functional._result_shape(function, functional._first(container.items)), Object):
        return None
    valid = container.valid()
    return flags.map_elements(function, valid, container.items), valid, container.kind == "tuple"


def paint_mapped(grid, function, container):
    """paint(grid, mapply(function, container)) for Object images: each cell painted with
    the colour of the last image holding it (a tuple), or with the largest colour held
    there (a frozenset: its merge iterates cells in canonical order, colour first)."""
    mapped = _mapped_objects(function, container)
    if mapped is None:
        return grids.paint(grid, mapply_union(function, container))
    images, valid, ordered = mapped
    return grids.paint(grid, Object(_painted_plane(images.colour, valid, ordered), images.margin))


def underpaint_mapped(grid, function, container):
    """underpaint(grid, mapply(function, container)) for Object images: each background
    cell takes the first colour other than the background written there (writing the
    background leaves it the background): the first image's holding one (a tuple), or the
    smallest such colour (a frozenset, cells in canonical order)."""
    mapped = _mapped_objects(function, container)
    if mapped is None:
        return grids.underpaint(grid, mapply_union(function, container))
    images, valid, ordered = mapped
    colour = images.colour
    held = valid[:, None, None] & (colour >= 0) & (colour.astype(jnp.int32) != grids.mostcolor(grid))
    if ordered:
        first = jnp.argmax(held, axis=0)
        top = jnp.take_along_axis(colour, first[None], axis=0)[0]
    else:
        top = jnp.min(jnp.where(held, colour, jnp.int8(127)), axis=0)
    plane = jnp.where(jnp.any(held, axis=0), top, jnp.int8(-1))
    return grids.underpaint(grid, Object(plane, images.margin))


def mapply_composed(outer, inner, container):
    """mapply(outer, apply(inner, container)) for readers of its cells as a set: the union
    of outer(inner(x)) over the container's elements (mapply_union of the composition)."""
    return mapply_union(functional.compose(outer, inner), container)


def mapply_union(function, container):
    """mapply(function, container) for readers of its cells as a set: a traced tuple
    Container is mapped as the frozenset of its items (patches are united; duplicates and
    order are not seen); other containers take mapply's own path."""
    if isinstance(container, Container) and container.kind == "tuple":
        container = dataclasses.replace(container, kind="frozenset")
    return functional.mapply(function, container)


def pairs_mapply(outer, inner, a, b, condition=None):
    """mapply(outer, apply(inner, sfilter(product(a, b), condition))) (no sfilter when
    condition is None) for readers of its cells as a set: the union of outer(inner(pair))
    over the pairs that satisfy condition (see _pairs_union)."""
    def composition(pairs):
        return mapply_composed(outer, inner, pairs)
    return _pairs_union(functional.compose(outer, inner), None, a, b, condition, composition)


def pairs_mfilter(inner, image_condition, a, b, condition=None):
    """mfilter(apply(inner, sfilter(product(a, b), condition)), image_condition) (no
    sfilter when condition is None) for readers of its cells as a set: the union of the
    images inner(pair) that satisfy image_condition, over the pairs that satisfy condition
    (see _pairs_union)."""
    def composition(pairs):
        return containers.mfilter(functional.apply(inner, pairs), image_condition)
    return _pairs_union(inner, image_condition, a, b, condition, composition)


def _pairs_union(function, image_condition, a, b, condition, composition):
    """The union of the patches function(pair) over the pairs (x, y) of a x b that satisfy
    condition (all when None) whose images satisfy image_condition (all when None), mapped
    from the two compacted sides without the frozenset of pairs (product holds K pairs,
    ~2 sqrt(K) per side for heavy elements: 6 objects overflow it). The predicates' flags
    count on every pair (image) they see, as sfilter's do. Pairs of ints (an Indices),
    callables, and images that are not patches take `composition` of the frozenset
    (filtered by condition)."""
    ga, gb = containers._elements(a), containers._elements(b)
    if ga is not None and gb is not None and not (containers._int_items(ga[0]) and containers._int_items(gb[0])):
        items, valid = containers.product_pairs(ga[:2], gb[:2])
        probe = jax.tree_util.tree_map(lambda leaf: leaf[0], items)
        if isinstance(functional._result_shape(function, probe), (Indices, Object)):
            if condition is not None:
                valid = valid & flags.map_elements(lambda e: arithmetic.truthy(condition(e)), valid, items)
            images = flags.map_elements(function, valid, items)
            if image_condition is not None:
                valid = valid & flags.map_elements(lambda e: arithmetic.truthy(image_condition(e)), valid, images)
            return values.union_patches(images, valid)
    pairs = containers.product(a, b)
    return composition(pairs if condition is None else containers.sfilter(pairs, condition))


MEASURES = ("size", "height", "width")


def extreme_object(grid, univalued, diagonal, without_bg, measure: str, largest: bool) -> Object:
    """argmax (largest) or argmin of objects(grid, univalued, diagonal, without_bg) by
    `measure` (one of MEASURES): the first object in canonical order whose measure is the
    largest (smallest); not ok when there is no object, as max() of nothing raises.

    Each object is measured at its root (its smallest cell, whose key orders the objects)
    by scatters over the label plane (int32[C, C]); the result is an Object plane."""
    if measure not in MEASURES:
        raise ValueError(f"extreme_object: measure {measure!r} is not one of {MEASURES}")
    colours, foreground, label = components(grid, univalued, diagonal, without_bg)
    c = colours.shape[0]
    n = c * c
    flat = jnp.arange(n, dtype=jnp.int32)
    on = foreground.reshape(-1)
    root = jnp.where(on, label.reshape(-1) % n, n)  # n: not in an object (dropped)
    if measure == "size":
        value = jax.ops.segment_sum(on.astype(jnp.int32), root, num_segments=n + 1)[:n]
    else:
        along = flat // c if measure == "height" else flat % c
        big = jnp.full((n,), n, jnp.int32)
        first = _scatter_min(big, root, jnp.where(on, along, n))
        last = -_scatter_min(big, root, jnp.where(on, -along, n))
        value = last - first + 1
    is_root = on & (root == flat)
    flags.require(jnp.any(is_root))
    sign = 1 if largest else -1
    best = jnp.max(jnp.where(is_root, sign * value, -(n + 1)))
    keys = jnp.where(is_root & (sign * value == best), label.reshape(-1), _NO_LABEL)
    chosen = on & (label.reshape(-1) == jnp.min(keys))
    plane = jnp.where(chosen.reshape(c, c), colours, -1).astype(jnp.int8)
    return Object(_to_window(plane, -1), values.current_tier().margin)


def objects_of_colour(grid, diagonal, without_bg, colour) -> Container:
    """colorfilter(objects(grid, True, diagonal, without_bg), colour): the components of
    the colour's cells (a frozenset Container of at most K Object planes, canonical order).
    A colour that is not an int takes the primitives' path."""
    value = jnp.asarray(colour)
    if value.ndim != 0 or not jnp.issubdtype(value.dtype, jnp.integer):
        return colorfilter(all_objects(grid, True, diagonal, without_bg), colour)
    return objects_of_components(*components(grid, True, diagonal, without_bg, value.astype(jnp.int32)))


# Corner -> (which extreme row, which extreme column) of patches._extremes.
CORNERS = {"ulcorner": (0, 2), "urcorner": (0, 3), "llcorner": (1, 2), "lrcorner": (1, 3)}


def corner_matcher(corner: str, function, target):
    """The predicate x -> corner(function(x)) == target (bool[]): False where function(x) is
    an empty patch."""
    row, column = CORNERS[corner]

    def matches(x):
        nonempty, *extremes = patches._extremes(function(x))
        pair = jnp.stack([extremes[row], extremes[column]])
        return nonempty & arithmetic.equality(pair, target)
    return functional.tag_closure(matches)


def shifted_boxes(container, offset) -> Indices:
    """shift(mapply(box, container), offset) (see the module docstring)."""
    got = containers._elements(container) if isinstance(container, Container) else None
    ends = got[0] if got is not None else None
    if not (isinstance(ends, tuple) and len(ends) == 2 and all(values.is_pair_items(e) for e in ends)):
        from jaxbatt import dsl_jax  # the guarded primitives (imported here: dsl_jax imports this module)
        return dsl_jax.shift(dsl_jax.mapply(dsl_jax.box, container), offset)
    di, dj = _pair(offset)
    a, b = (jnp.asarray(e, jnp.int32) + jnp.stack([di, dj]) for e in ends)
    masks, fits = jax.vmap(lambda p, q: patches._outline_mask(None, p[0], p[1], q[0], q[1]))(a, b)
    valid = got[1]
    return Indices(jnp.any(masks & valid[:, None, None], axis=0), values.current_tier().margin,
                   jnp.any(valid & ~fits))


def int_order_free(function, *args):
    """function(*args) inside values.int_order_free()."""
    with values.int_order_free():
        return function(*args)
