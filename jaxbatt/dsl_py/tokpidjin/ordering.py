"""The dialect's iteration order: `jaxbatt.dsl_py.ordering`, extended to tokpidjin's values.

tokpidjin iterates frozensets in CPython's order, like arc-dsl. The dialect pins that order
the way dsl_py does (see `jaxbatt.dsl_py.ordering`): frozensets of ints are iterated
natively and rebuilt from the insertion sequence tokpidjin uses, every other frozenset in a
canonical order. Cells being (i, j, colour) triples, the canonical order of an object is
row-major with colour last, and indices are row-major.

tokpidjin's results also hold floats (`math.nan` for "no value", `math.inf` and
`-math.inf`) and `None`, which dsl_py's key does not order. The dialect's key is dsl_py's
on every value dsl_py orders and extends it: `None` first, numbers (ints, bools, finite
and infinite floats) by value, then nan, then tuples, frozensets and functions.
"""
import math

from jaxbatt.dsl_py import ordering as _dsl_py

tag_closure = _dsl_py.tag_closure
is_int_set = _dsl_py.is_int_set


def canonical_key(value):
    """A total-order sort key for any value a dialect program can hold."""
    if value is None:
        return (-1,)
    if isinstance(value, float):
        return (0.5,) if math.isnan(value) else (0, value)
    if isinstance(value, tuple):
        return (1, tuple(canonical_key(v) for v in value))
    if isinstance(value, frozenset):
        return (2, tuple(sorted(canonical_key(v) for v in value)))
    return _dsl_py.canonical_key(value)


def ordered(container):
    """The elements of a container in the dialect's iteration order, as a tuple."""
    if isinstance(container, (set, frozenset)) and not is_int_set(container):
        return tuple(sorted(container, key=canonical_key))
    return tuple(container)


def head(container):
    """The first element in the dialect's order (StopIteration when empty)."""
    if isinstance(container, (set, frozenset)) and not is_int_set(container):
        if not container:
            raise StopIteration
        return min(container, key=canonical_key)
    return next(iter(container))


def parts(element):
    """An element's components, for unpacking (a frozenset element unpacks in order)."""
    return ordered(element)


def grid_values(grid):
    """A grid's values row by row (rows and values in the dialect's order)."""
    return [v for row in ordered(grid) for v in ordered(row)]


def cell_colours(obj):
    """The colour of each (i, j, c) cell of an object, in the dialect's order."""
    return [c for _, _, c in map(parts, ordered(obj))]
