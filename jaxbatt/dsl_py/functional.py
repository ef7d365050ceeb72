"""arc-dsl primitives: functional family (reference semantics, see ordering.py).

Every closure built here is tagged with `ordering.tag_closure`, so containers of
functions iterate in the order the program built them. The closures take the same number
of positional parameters as arc-dsl's (rbind/lbind read `__code__.co_argcount` of the
function they bind, exactly like arc-dsl, so arities must agree for chains of binds).
"""
from jaxbatt.dsl_py import containers
from jaxbatt.dsl_py.ordering import ordered, tag_closure
from jaxbatt.dsl_py.types import (
    Any, Boolean, Callable, Container, ContainerContainer, FrozenSet, Integer, Tuple)

__all__ = [
    "identity", "branch", "compose", "chain", "matcher", "rbind", "lbind", "power", "fork",
    "apply", "rapply", "mapply", "papply", "mpapply", "prapply",
]


def identity(x: Any) -> Any:
    """Returns its argument."""
    return x


def branch(condition: Boolean, a: Any, b: Any) -> Any:
    """a when condition is truthy, else b."""
    return a if condition else b


def compose(outer: Callable, inner: Callable) -> Callable:
    """The one-argument function x -> outer(inner(x))."""
    def composed(x):
        return outer(inner(x))
    return tag_closure(composed)


def chain(h: Callable, g: Callable, f: Callable) -> Callable:
    """The one-argument function x -> h(g(f(x)))."""
    def chained(x):
        return h(g(f(x)))
    return tag_closure(chained)


def matcher(function: Callable, target: Any) -> Callable:
    """The predicate x -> function(x) == target."""
    def matches(x):
        return function(x) == target
    return tag_closure(matches)


def rbind(function: Callable, fixed: Any) -> Callable:
    """Fixes the last argument of a 2-, 3- or (otherwise) 4-argument function."""
    arity = function.__code__.co_argcount
    if arity == 2:
        def bound(x):
            return function(x, fixed)
    elif arity == 3:
        def bound(x, y):
            return function(x, y, fixed)
    else:
        def bound(x, y, z):
            return function(x, y, z, fixed)
    return tag_closure(bound)


def lbind(function: Callable, fixed: Any) -> Callable:
    """Fixes the first argument of a 2-, 3- or (otherwise) 4-argument function."""
    arity = function.__code__.co_argcount
    if arity == 2:
        def bound(y):
            return function(fixed, y)
    elif arity == 3:
        def bound(y, z):
            return function(fixed, y, z)
    else:
        def bound(y, z, a):
            return function(fixed, y, z, a)
    return tag_closure(bound)


def power(function: Callable, n: Integer) -> Callable:
    """function applied n times; n == 1 returns function itself.

    arc-dsl recurses without end for n < 1; dsl_py raises RecursionError at once.
    """
    if n == 1:
        return function
    if not n > 1:
        raise RecursionError(f"power needs n >= 1, got {n!r}")
    times = n

    def powered(x):
        for _ in range(times):
            x = function(x)
        return x
    return tag_closure(powered)


def fork(outer: Callable, a: Callable, b: Callable) -> Callable:
    """The one-argument function x -> outer(a(x), b(x))."""
    def forked(x):
        return outer(a(x), b(x))
    return tag_closure(forked)


def apply(function: Callable, container: Container) -> Container:
    """function mapped over a container; a frozenset result drops duplicates."""
    results = (function(e) for e in ordered(container))
    if isinstance(container, frozenset):
        return frozenset(results)
    if isinstance(container, tuple):
        return tuple(results)
    return type(container)(results)


def rapply(functions: Container, value: Any) -> Container:
    """Each function of a container applied to value, in a container of the same type."""
    results = (function(value) for function in ordered(functions))
    if isinstance(functions, frozenset):
        return frozenset(results)
    if isinstance(functions, tuple):
        return tuple(results)
    return type(functions)(results)


def mapply(function: Callable, container: ContainerContainer) -> FrozenSet:
    """merge(apply(function, container))."""
    return containers.merge(apply(function, container))


def papply(function: Callable, a: Tuple, b: Tuple) -> Tuple:
    """Tuple of function(a[k], b[k]) over the common length of a and b."""
    return tuple(function(x, y) for x, y in zip(ordered(a), ordered(b)))


def mpapply(function: Callable, a: Tuple, b: Tuple) -> Tuple:
    """merge(papply(function, a, b)): a tuple, keeping order and duplicates."""
    return containers.merge(papply(function, a, b))


def prapply(function: Callable, a: Container, b: Container) -> FrozenSet:
    """Frozenset of function(x, y) over the product of a and b (b outer, a inner)."""
    xs = ordered(a)
    return frozenset(function(x, y) for y in ordered(b) for x in xs)
