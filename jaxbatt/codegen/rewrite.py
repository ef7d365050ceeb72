"""Rewrites a program's steps for the JAX path: fused steps (dsl_jax/fused.py) in place of
compositions whose padded intermediate value is too large or has lost cells.

The reference interpreter runs programs as written; emit.py emits `fuse(program)`. Rules,
each replacing the step `t = ...` by one call with the same value:

- `t = mfilter(x, p)` where `x = prapply(connect, a, b)` (or `apply(fork(connect, first,
  last), product(a, b))`, the same set) and p is vline, hline or a step
  `fork(either, vline, hline)` (either order): `t = connect_aligned(a, b, vertical, horizontal)`;
  with p = `fork(both, compose(lbind(greater, N), size), q)` and q one of those (either
  order): `t = connect_aligned(a, b, vertical, horizontal, N - 1)`;
- `t = mapply(f, x)` where `f = rbind(shoot, d)` and `x = shoot(s, e)`:
  `t = shoot_sweep(s, e, d)`; with `x = combine(shoot(s, e), shoot(s2, e2))`:
  `t = shoot_sweeps(s, e, s2, e2, d)`;
- `t = mapply(fork(connect, first, last), s)` where `s = sfilter(product(a, b), p)` and p
  is `fork(equality, R, R')` with R, R' the rows (or columns) of a pair's first and last
  cells (compose(first, first), power(first, 2), compose(first, last)...; either order):
  `t = connect_same_line(a, b, 0)` (1 for columns);
- `t = apply(fork(astuple, row of first, column of last), product(a, b))`:
  `t = rows_by_columns(a, b)`;
- `t = paint(g, m)` where `m = merge(x)`: `t = paint_merged(g, x)`;
- `t = paint(g, m)` (underpaint) where `m = mapply(f, x)` and x is not made by apply:
  `t = paint_mapped(g, f, x)` (`underpaint_mapped`);
- `t = mapply(f, x)` where every reader takes t as a set of cells (`read_as_cells`):
  `t = mapply_union(f, x)`, or `t = mapply_composed(f, g, y)` when `x = apply(g, y)`, or
  `t = pairs_mapply(f, g, a, b[, p])` when y (or x, g identity) is `product(a, b)` or
  `sfilter(product(a, b), p)`;
- `t = mfilter(x, q)` where t is read as cells and `x = apply(g, y)`, y as above:
  `t = pairs_mfilter(g, q, a, b[, p])`;
- `f = fork(mapply, g, h)` where f is only the function of such mapply steps (each image
  is read as a set of cells too): `f = fork(mapply_union, g, h)`;
- `t = colorfilter(x, c)` where `x = objects(g, True, d, b)`: `t = objects_of_colour(g, d, b, c)`;
- `t = argmax(x, m)` (argmin) where `x = objects(g, u, d, b)` and m is size, height or
  width: `t = extreme_object(g, u, d, b, "m", True)` (False);
- `t = matcher(f, c)` where f is a corner primitive C (ulcorner, urcorner, llcorner,
  lrcorner) or a step `f = compose(C, g)`: `t = corner_matcher("C", g, c)` (g identity);
- `t = shift(m, v)` where `m = mapply(box, x)` and t is read as cells (`read_as_cells`):
  `t = shifted_boxes(x, v)`;
- `t = F(...)` with F insert, remove, combine, difference, intersection, or apply of a
  function that builds no set (_SETLESS_FUNCTIONS), where no step observes the order of t
  (`order_unobserved`: t is read only by size, contained, maximum, minimum, order(t,
  identity), or by another such step whose own order is unobserved; never an output or
  called): `t = int_order_free(F, ...)`, its frozensets of ints in ascending order.

A step a rewrite leaves unused (no later step or output reads it) is dropped when it calls
prapply, product, sfilter, apply, mapply (mapply_union, mapply_composed, pairs_mapply), pairs_mfilter, fork, rbind, shoot, combine, merge or
objects (extreme_object and objects_of_colour fail a lane where objects does; paint_mapped
maps as mapply does). A rule reads such steps only in the
forms above, and in those forms they never raise where the fused step traces: on other
arguments the fused step fails to trace (the program then runs on the reference) or, for
paint_merged on anything but a tuple of objects, takes the primitives' path, merge
included. So dropping them changes no program's flags; other unused steps stay (they may
fail the program).
"""
import dataclasses
from typing import Dict, Optional

from jaxbatt.codegen.ir import Const, Program, Ref, Step
from jaxbatt.dsl_jax.fused import CORNERS as _CORNERS  # corner_matcher's corners
from jaxbatt.dsl_jax.fused import MEASURES as _OBJECT_MEASURES  # extreme_object's measures

# Primitives whose unused steps may go: they cannot raise where a fused step traces.
_DROPPABLE = frozenset({"prapply", "product", "sfilter", "apply", "mapply", "mapply_union", "mapply_composed",
                        "pairs_mapply", "pairs_mfilter", "fork", "rbind", "shoot", "combine", "merge", "objects"})

# Argument positions where a primitive reads a patch only as the set of its cells: a tuple
# of cells (duplicates, any order) and the frozenset of them give the same result (paint
# lets a later cell win, which only a colour clash shows: not exact in a set's plane).
_CELL_SET_READERS = {"fill": 2, "underfill": 2, "cover": 1, "paint": 1, "underpaint": 1,
                     "recolor": 1, "toobject": 0}
# Steps that build a set from their set arguments (at these positions) without observing
# their order, and that int_order_free may wrap; apply only of _SETLESS_FUNCTIONS.
_SET_BUILDERS = {"insert": (1,), "remove": (1,), "combine": (0, 1), "difference": (0, 1),
                 "intersection": (0, 1), "apply": (1,)}
# Element functions that build no frozenset (int_order_free would reorder its ints).
_SETLESS_FUNCTIONS = frozenset({"identity", "increment", "decrement", "double", "halve", "invert", "first",
                                "last", "size", "height", "width", "color", "uppermost", "lowermost",
                                "leftmost", "rightmost"})
# Readers for which a frozenset's iteration order is unobservable (argument position).
_ORDER_BLIND_READERS = {"size": 0, "contained": 1, "maximum": 0, "minimum": 0}

# Positions that pass the value on (a branch's two values; shift, which returns a frozenset
# but keeps an empty tuple a tuple): the step's own readers decide.
_CELL_SET_PASSING = {"branch": (1, 2), "shift": (0,), "combine": (0, 1)}


def fuse(program: Program) -> Program:
    """The program with every rule applied (the program itself when none applies)."""
    targets = {s.target for s in program.steps}
    by_target = {s.target: s for s in program.steps}

    def primitive(arg, name) -> bool:
        return isinstance(arg, Ref) and arg.name == name and name not in targets

    def made_by(arg, func) -> Optional[Step]:
        step = by_target.get(arg.name) if isinstance(arg, Ref) else None
        return step if step is not None and primitive(step.func, func) else None

    def line_predicate(arg):
        """(vertical, horizontal, longest) of vline, hline or fork(either, vline, hline)
        (longest 0), or of fork(both, S, one of those) (either order) with S =
        compose(lbind(greater, N), size), N > 1 (longest N - 1); else None."""
        if primitive(arg, "vline"):
            return True, False, 0
        if primitive(arg, "hline"):
            return False, True, 0
        step = made_by(arg, "fork")
        if step is None or len(step.args) != 3:
            return None
        if primitive(step.args[0], "either"):
            names = {a.name for a in step.args[1:] if isinstance(a, Ref) and a.name not in targets}
            return (True, True, 0) if names == {"vline", "hline"} else None
        if primitive(step.args[0], "both"):
            for short, line in (step.args[1:], step.args[:0:-1]):
                longest, lines = shorter_than(short), line_predicate(line)
                if longest and lines is not None and not lines[2]:
                    return lines[:2] + (longest,)
        return None

    def shorter_than(arg) -> int:
        """N - 1 for compose(lbind(greater, N), size) with a literal N > 1; else 0."""
        step = made_by(arg, "compose")
        if step is None or len(step.args) != 2 or not primitive(step.args[1], "size"):
            return 0
        bound = made_by(step.args[0], "lbind")
        if (bound is None or len(bound.args) != 2 or not primitive(bound.args[0], "greater")
                or not isinstance(bound.args[1], Const) or type(bound.args[1].value) is not int):
            return 0
        return max(bound.args[1].value - 1, 0)

    def connected_pairs(arg):
        """(a, b) of prapply(connect, a, b) or apply(fork(connect, first, last), product(a, b))."""
        step = made_by(arg, "prapply")
        if step is not None and len(step.args) == 3 and primitive(step.args[0], "connect"):
            return step.args[1], step.args[2]
        step = made_by(arg, "apply")
        if step is None or len(step.args) != 2:
            return None
        pairs = made_by(step.args[1], "product")
        if connects_ends(step.args[0]) and pairs is not None and len(pairs.args) == 2:
            return pairs.args[0], pairs.args[1]
        return None

    def connects_ends(arg) -> bool:
        """Whether arg is fork(connect, first, last)."""
        ends = made_by(arg, "fork")
        return (ends is not None and len(ends.args) == 3
                and all(primitive(a, n) for a, n in zip(ends.args, ("connect", "first", "last"))))

    def coordinate(arg):
        """(axis, cell) of a function giving the axis-th coordinate (0 row, 1 column) of the
        first or last cell of a pair: compose(first|last, first|last), or power(first, 2)
        (row of first), power(last, 2) (column of last); else None."""
        step = made_by(arg, "compose")
        if step is not None and len(step.args) == 2:
            ends = [next((n for n in ("first", "last") if primitive(a, n)), None) for a in step.args]
            if None not in ends:
                return int(ends[0] == "last"), ends[1]
        step = made_by(arg, "power")
        if step is not None and len(step.args) == 2 and step.args[1] == Const(2):
            end = next((n for n in ("first", "last") if primitive(step.args[0], n)), None)
            if end is not None:
                return int(end == "last"), end
        return None

    def same_line_axis(arg):
        """0 for fork(equality, row of first, row of last) (either order), 1 for columns."""
        step = made_by(arg, "fork")
        if step is None or len(step.args) != 3 or not primitive(step.args[0], "equality"):
            return None
        found = {coordinate(a) for a in step.args[1:]}
        for axis in (0, 1):
            if found == {(axis, "first"), (axis, "last")}:
                return axis
        return None

    def corner_of(arg):
        """(corner name, inner function) of a corner primitive (inner identity) or of a step
        compose(corner, g) (inner g); else None."""
        corner = next((c for c in _CORNERS if primitive(arg, c)), None)
        if corner is not None:
            return corner, Ref("identity")
        step = made_by(arg, "compose")
        if step is not None and len(step.args) == 2:
            corner = next((c for c in _CORNERS if primitive(step.args[0], c)), None)
            if corner is not None:
                return corner, step.args[1]
        return None

    def pairs_of(arg):
        """(a, b) of product(a, b), (a, b, p) of sfilter(product(a, b), p); else None."""
        filtered = made_by(arg, "sfilter")
        if filtered is not None and len(filtered.args) == 2:
            arg, condition = filtered.args[0], filtered.args[1:]
        else:
            condition = ()
        pairs = made_by(arg, "product")
        return pairs.args + condition if pairs is not None and len(pairs.args) == 2 else None

    def shot_lines(arg):
        """(s, e) of shoot(s, e), (s, e, s2, e2) of combine(shoot(s, e), shoot(s2, e2)); else None."""
        line = made_by(arg, "shoot")
        if line is not None and len(line.args) == 2:
            return line.args
        both = made_by(arg, "combine")
        if both is not None and len(both.args) == 2:
            parts = [shot_lines(a) for a in both.args]
            if all(p is not None and len(p) == 2 for p in parts):
                return parts[0] + parts[1]
        return None

    readers: Dict[str, list] = {}
    for step in program.steps:
        for position, arg in enumerate(step.args):
            if isinstance(arg, Ref):
                readers.setdefault(arg.name, []).append((step, position))
    outputs = {source for _, source in program.outputs}
    called = {s.func.name for s in program.steps}

    def read_as_cells(target: str) -> bool:
        """Whether every reader of `target` takes it as a set of cells (not an output, not
        called, read only where _CELL_SET_READERS say, or passed on to such readers)."""
        if target in outputs or target in called or target not in readers:
            return False
        for step, position in readers[target]:
            name = step.func.name if step.func.name not in targets else None
            if _CELL_SET_READERS.get(name) == position:
                continue
            if position in _CELL_SET_PASSING.get(name, ()) and read_as_cells(step.target):
                continue
            return False
        return True

    def images_read_as_cells(target: str) -> bool:
        """Whether `target` is a function only ever mapped by mapply steps whose results are
        read as cells (they become mapply_union or mapply_composed, which read each image
        as a set of cells too)."""
        if target in outputs or target in called or target not in readers:
            return False
        return all(position == 0 and primitive(step.func, "mapply") and len(step.args) == 2
                   and read_as_cells(step.target) for step, position in readers[target])

    def builds_set_blindly(step: Step) -> bool:
        """Whether step is a _SET_BUILDERS call (apply only of a _SETLESS_FUNCTIONS primitive)."""
        name = step.func.name if step.func.name not in targets else None
        if name not in _SET_BUILDERS:
            return False
        return name != "apply" or (len(step.args) == 2 and any(primitive(step.args[0], f)
                                                                  for f in _SETLESS_FUNCTIONS))

    def order_unobserved(target: str) -> bool:
        """Whether no step can observe the iteration order of the value `target`."""
        if target in outputs or target in called or target not in readers:
            return False
        for step, position in readers[target]:
            name = step.func.name if step.func.name not in targets else None
            if _ORDER_BLIND_READERS.get(name) == position:
                continue
            if name == "order" and position == 0 and len(step.args) == 2 and primitive(step.args[1], "identity"):
                continue
            if (builds_set_blindly(step) and position in _SET_BUILDERS[name]
                    and order_unobserved(step.target)):
                continue
            return False
        return True

    def rewritten(step: Step) -> Optional[Step]:
        if primitive(step.func, "mfilter") and len(step.args) == 2:
            pairs, lines = connected_pairs(step.args[0]), line_predicate(step.args[1])
            if pairs is not None and lines is not None:
                bounds = (Const(lines[0]), Const(lines[1])) + ((Const(lines[2]),) if lines[2] else ())
                return dataclasses.replace(step, func=Ref("connect_aligned"), args=pairs + bounds)
        if primitive(step.func, "mfilter") and len(step.args) == 2 and read_as_cells(step.target):
            inner = made_by(step.args[0], "apply")
            pairs = pairs_of(inner.args[1]) if inner is not None and len(inner.args) == 2 else None
            if pairs is not None:
                return dataclasses.replace(step, func=Ref("pairs_mfilter"), args=(inner.args[0], step.args[1]) + pairs)
        if primitive(step.func, "mapply") and len(step.args) == 2:
            bound = made_by(step.args[0], "rbind")
            lines = shot_lines(step.args[1])
            if (bound is not None and lines and len(bound.args) == 2 and primitive(bound.args[0], "shoot")):
                fused = "shoot_sweep" if len(lines) == 2 else "shoot_sweeps"
                return dataclasses.replace(step, func=Ref(fused), args=lines + (bound.args[1],))
        if primitive(step.func, "mapply") and len(step.args) == 2 and connects_ends(step.args[0]):
            matched = made_by(step.args[1], "sfilter")
            pairs = made_by(matched.args[0], "product") if matched is not None and len(matched.args) == 2 else None
            axis = same_line_axis(matched.args[1]) if pairs is not None and len(pairs.args) == 2 else None
            if axis is not None:
                return dataclasses.replace(step, func=Ref("connect_same_line"), args=pairs.args + (Const(axis),))
        if primitive(step.func, "apply") and len(step.args) == 2:
            corner, pairs = made_by(step.args[0], "fork"), made_by(step.args[1], "product")
            if (corner is not None and pairs is not None and len(corner.args) == 3 and len(pairs.args) == 2
                    and primitive(corner.args[0], "astuple")):
                ends = [coordinate(a) for a in corner.args[1:]]
                if ends == [(0, "first"), (1, "last")]:
                    return dataclasses.replace(step, func=Ref("rows_by_columns"), args=pairs.args)
        if primitive(step.func, "paint") and len(step.args) == 2:
            merged = made_by(step.args[1], "merge")
            if merged is not None and len(merged.args) == 1:
                return dataclasses.replace(step, func=Ref("paint_merged"), args=(step.args[0], merged.args[0]))
        for painter in ("paint", "underpaint"):
            if primitive(step.func, painter) and len(step.args) == 2:
                mapped = made_by(step.args[1], "mapply")
                if mapped is not None and len(mapped.args) == 2 and made_by(mapped.args[1], "apply") is None:
                    return dataclasses.replace(step, func=Ref(f"{painter}_mapped"), args=(step.args[0],) + mapped.args)
        for extreme, largest in (("argmax", True), ("argmin", False)):
            if primitive(step.func, extreme) and len(step.args) == 2:
                found = made_by(step.args[0], "objects")
                measure = next((m for m in _OBJECT_MEASURES if primitive(step.args[1], m)), None)
                if found is not None and len(found.args) == 4 and measure is not None:
                    return dataclasses.replace(step, func=Ref("extreme_object"),
                                               args=found.args + (Const(measure), Const(largest)))
        if primitive(step.func, "colorfilter") and len(step.args) == 2:
            found = made_by(step.args[0], "objects")
            if found is not None and len(found.args) == 4 and found.args[1] == Const(True):
                return dataclasses.replace(step, func=Ref("objects_of_colour"),
                                           args=(found.args[0],) + found.args[2:] + (step.args[1],))
        if primitive(step.func, "matcher") and len(step.args) == 2:
            found = corner_of(step.args[0])
            if found is not None:
                return dataclasses.replace(step, func=Ref("corner_matcher"),
                                           args=(Const(found[0]), found[1], step.args[1]))
        if primitive(step.func, "shift") and len(step.args) == 2 and read_as_cells(step.target):
            boxes = made_by(step.args[0], "mapply")
            if boxes is not None and len(boxes.args) == 2 and primitive(boxes.args[0], "box"):
                return dataclasses.replace(step, func=Ref("shifted_boxes"), args=(boxes.args[1], step.args[1]))
        if primitive(step.func, "mapply") and len(step.args) == 2 and read_as_cells(step.target):
            inner = made_by(step.args[1], "apply")
            if inner is not None and len(inner.args) != 2:
                inner = None
            mapped, source = (inner.args[0], inner.args[1]) if inner is not None else (Ref("identity"), step.args[1])
            pairs = pairs_of(source)
            if pairs is not None:
                return dataclasses.replace(step, func=Ref("pairs_mapply"), args=(step.args[0], mapped) + pairs)
            if inner is not None:
                return dataclasses.replace(step, func=Ref("mapply_composed"), args=(step.args[0],) + inner.args)
            return dataclasses.replace(step, func=Ref("mapply_union"))
        if (primitive(step.func, "fork") and len(step.args) == 3 and primitive(step.args[0], "mapply")
                and images_read_as_cells(step.target)):
            return dataclasses.replace(step, args=(Ref("mapply_union"),) + step.args[1:])
        if builds_set_blindly(step) and order_unobserved(step.target):
            return dataclasses.replace(step, func=Ref("int_order_free"), args=(step.func,) + step.args)
        return None

    steps = [rewritten(s) or s for s in program.steps]
    if steps == list(program.steps):
        return program
    return dataclasses.replace(program, steps=_without_unused(steps, program, targets))


def _without_unused(steps, program: Program, targets) -> tuple:
    """Drops, last first, steps of _DROPPABLE primitives that nothing reads any more and
    that the original program read (steps unused as written stay as written)."""
    read: Dict[str, int] = {}
    for step in steps:
        for arg in (step.func,) + step.args:
            if isinstance(arg, Ref):
                read[arg.name] = read.get(arg.name, 0) + 1
    for _, source in program.outputs:
        read[source] = read.get(source, 0) + 1
    originally_read = {a.name for s in program.steps for a in (s.func,) + s.args if isinstance(a, Ref)}
    originally_read |= {source for _, source in program.outputs}
    kept = []
    for step in reversed(steps):
        unused = read.get(step.target, 0) == 0 and step.target in originally_read
        if unused and step.func.name in _DROPPABLE and step.func.name not in targets:
            for arg in (step.func,) + step.args:
                if isinstance(arg, Ref):
                    read[arg.name] -= 1
            continue
        kept.append(step)
    return tuple(reversed(kept))
