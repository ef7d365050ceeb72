"""The iteration order of dsl_py containers (DESIGN.md section 3).

arc-dsl iterates frozensets in CPython's order. For sets of ints that order is a
deterministic function of the insertion sequence, so dsl_py keeps it: such sets are
iterated natively. For every other set (cells, patches, objects, grids, functions)
CPython's order is not even a function of the set's value, so dsl_py iterates them in a
canonical order instead:

- pairs (i, j) in row-major order; cells (c, (i, j)) by (colour, row, col);
- sets (patches, objects) by their sorted element keys, compared lexicographically
  (for single-colour objects: colour, then first cell in row-major order);
- grids and other tuples lexicographically by their elements' keys;
- functions: closures built by dsl_py's higher-order primitives in the order the
  program built them, after named functions ordered by their qualified name.

Every primitive whose result depends on iteration order iterates through `ordered`.
"""
import itertools

_closure_counter = itertools.count()


def tag_closure(fn):
    """Marks a closure built by a higher-order primitive with its creation rank."""
    fn._jaxbatt_rank = next(_closure_counter)
    return fn


def canonical_key(value):
    """A total-order sort key for any dsl_py value."""
    if isinstance(value, (bool, int)):
        return (0, int(value))
    if isinstance(value, tuple):
        return (1, tuple(canonical_key(v) for v in value))
    if isinstance(value, frozenset):
        return (2, tuple(sorted(canonical_key(v) for v in value)))
    if callable(value):
        rank = getattr(value, "_jaxbatt_rank", None)
        if rank is None:
            return (3, 0, getattr(value, "__qualname__", repr(value)))
        return (3, 1, rank)
    raise TypeError(f"no canonical order for a value of type {type(value).__name__}")


def is_int_set(container) -> bool:
    """True for a frozenset whose elements are all ints (iterated in CPython's order)."""
    return isinstance(container, (set, frozenset)) and all(
        isinstance(v, int) for v in container)


def ordered(container):
    """The elements of a container in dsl_py's iteration order, as a tuple."""
    if isinstance(container, tuple):
        return container
    if isinstance(container, (set, frozenset)):
        if is_int_set(container):
            return tuple(container)
        return tuple(sorted(container, key=canonical_key))
    return tuple(container)
