"""arc-dsl primitives: containers family (reference semantics, see ordering.py).

Containers are tuples (grids included: a grid is a tuple of rows) and frozensets.
Every walk over a container goes through `ordering.ordered`, so results that depend on
iteration order (first, last, argmax ties, order ties, merge of a tuple...) follow
dsl_py's pinned order. Frozensets of ints are rebuilt from the same insertion sequence
arc-dsl uses, which keeps their CPython iteration order identical to arc-dsl's.
"""
from jaxbatt.dsl_py.ordering import ordered
from jaxbatt.dsl_py.types import (
    Any, Boolean, Callable, Container, ContainerContainer, FrozenSet, Integer,
    IntegerTuple, Tuple, TupleTuple)

__all__ = [
    "contained", "combine", "intersection", "difference", "dedupe", "order", "repeat",
    "size", "merge", "maximum", "minimum", "valmax", "valmin", "argmax", "argmin",
    "mostcommon", "leastcommon", "initset", "sfilter", "mfilter", "extract", "totuple",
    "first", "last", "insert", "remove", "other", "interval", "astuple", "product", "pair",
]


def _rebuild(like: Container, items) -> Container:
    """A container of `like`'s type holding `items` inserted in the given order."""
    return type(like)(tuple(items))


def _walk(container: Container, into_set: bool):
    """The elements in the order that matters for the result being built.

    A frozenset result is the same set whatever the insertion order, and its own
    iteration order is only part of the contract when it holds ints: those come from
    int sets (iterated natively by `ordered` anyway) or from tuples. So frozenset
    inputs feeding a frozenset result are walked natively, which skips sorting.
    """
    if into_set and isinstance(container, frozenset):
        return container
    return ordered(container)


def contained(value: Any, container: Container) -> Boolean:
    """Whether `value` is an element of `container`."""
    return value in container


def combine(a: Container, b: Container) -> Container:
    """`a`'s elements followed by `b`'s, in a container of `a`'s type."""
    into_set = isinstance(a, frozenset)
    return _rebuild(a, (*_walk(a, into_set), *_walk(b, into_set)))


def intersection(a: FrozenSet, b: FrozenSet) -> FrozenSet:
    """The elements common to two frozensets."""
    return a & b


def difference(a: FrozenSet, b: FrozenSet) -> FrozenSet:
    """`a`'s elements that are not in `b`, in a container of `a`'s type."""
    return _rebuild(a, [e for e in _walk(a, isinstance(a, frozenset)) if e not in b])


def dedupe(tup: Tuple) -> Tuple:
    """The tuple with each element kept only at its first occurrence."""
    kept = []
    for position, element in enumerate(tup):
        if tup.index(element) == position:
            kept.append(element)
    return tuple(kept)


def order(container: Container, compfunc: Callable) -> Tuple:
    """The elements sorted by `compfunc` (stable: ties keep iteration order)."""
    return tuple(sorted(ordered(container), key=compfunc))


def repeat(item: Any, num: Integer) -> Tuple:
    """A tuple holding `item` `num` times (empty for num <= 0)."""
    return tuple(item for _ in range(num))


def size(container: Container) -> Integer:
    """The number of elements."""
    return len(container)


def merge(containers: ContainerContainer) -> Container:
    """The elements of every inner container, concatenated, in the outer's type."""
    into_set = isinstance(containers, frozenset)
    if into_set and all(isinstance(e, int) for inner in containers for e in inner):
        # the int result's order follows the order of the outer set: walk it canonically
        outer = ordered(containers)
    else:
        outer = _walk(containers, into_set)
    flat = [e for inner in outer for e in _walk(inner, into_set)]
    return _rebuild(containers, flat)


def maximum(container: Container) -> Integer:
    """The largest element, or 0 when empty."""
    return max(ordered(container), default=0)


def minimum(container: Container) -> Integer:
    """The smallest element, or 0 when empty."""
    return min(ordered(container), default=0)


def valmax(container: Container, compfunc: Callable) -> Integer:
    """The largest `compfunc` value over the elements (compfunc(0) when empty)."""
    return compfunc(max(ordered(container), key=compfunc, default=0))


def valmin(container: Container, compfunc: Callable) -> Integer:
    """The smallest `compfunc` value over the elements (compfunc(0) when empty)."""
    return compfunc(min(ordered(container), key=compfunc, default=0))


def argmax(container: Container, compfunc: Callable) -> Any:
    """The first element, in iteration order, with the largest `compfunc` value."""
    return max(ordered(container), key=compfunc)


def argmin(container: Container, compfunc: Callable) -> Any:
    """The first element, in iteration order, with the smallest `compfunc` value."""
    return min(ordered(container), key=compfunc)


def _distinct_in_set_order(container: Container) -> Tuple:
    """The distinct elements, iterated as arc-dsl's `set(container)` would be."""
    return ordered(set(container))


def mostcommon(container: Container) -> Any:
    """The most frequent element (ties: first in the distinct set's order)."""
    distinct = _distinct_in_set_order(container)
    return max(distinct, key=container.count)


def leastcommon(container: Container) -> Any:
    """The least frequent element (ties: first in the distinct set's order)."""
    distinct = _distinct_in_set_order(container)
    return min(distinct, key=container.count)


def initset(value: Any) -> FrozenSet:
    """A frozenset holding `value` alone."""
    return frozenset({value})


def sfilter(container: Container, condition: Callable) -> Container:
    """The elements satisfying `condition`, in a container of the same type."""
    walk = _walk(container, isinstance(container, frozenset))
    return _rebuild(container, [e for e in walk if condition(e)])


def mfilter(container: Container, function: Callable) -> FrozenSet:
    """merge of the elements satisfying `function`."""
    return merge(sfilter(container, function))


def extract(container: Container, condition: Callable) -> Any:
    """The first element satisfying `condition` (StopIteration when none does)."""
    for element in ordered(container):
        if condition(element):
            return element
    raise StopIteration


def totuple(container: FrozenSet) -> Tuple:
    """The elements as a tuple, in iteration order."""
    return ordered(container)


def first(container: Container) -> Any:
    """The first element in iteration order (StopIteration when empty)."""
    items = ordered(container)
    if not items:
        raise StopIteration
    return items[0]


def last(container: Container) -> Any:
    """The last element in iteration order (ValueError when empty)."""
    items = ordered(container)
    if not items:
        raise ValueError("last() of an empty container")
    return items[-1]


def insert(value: Any, container: FrozenSet) -> FrozenSet:
    """The frozenset with `value` added."""
    return container.union(frozenset({value}))


def remove(value: Any, container: Container) -> Container:
    """The elements different from `value`, in a container of the same type."""
    walk = _walk(container, isinstance(container, frozenset))
    return _rebuild(container, [e for e in walk if e != value])


def other(container: Container, value: Any) -> Any:
    """The first element, in iteration order, different from `value`."""
    return first(remove(value, container))


def interval(start: Integer, stop: Integer, step: Integer) -> Tuple:
    """The integers of range(start, stop, step) as a tuple."""
    return tuple(range(start, stop, step))


def astuple(a: Integer, b: Integer) -> IntegerTuple:
    """The pair (a, b)."""
    return (a, b)


def product(a: Container, b: Container) -> FrozenSet:
    """Every pair (i, j) with i from `a` and j from `b`."""
    return frozenset((i, j) for j in _walk(b, True) for i in _walk(a, True))


def pair(a: Tuple, b: Tuple) -> TupleTuple:
    """The elements of two tuples zipped into pairs (shortest length)."""
    return tuple(zip(ordered(a), ordered(b)))
