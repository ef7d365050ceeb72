"""Functional family: arc-dsl's higher-order primitives, with tokpidjin's binding rules.

`identity`, `branch`, `compose`, `chain`, `matcher` and `fork` are dsl_py's (closures
tagged for the canonical order of functions); `c_branch` is `branch` annotated for
colours.

`rbind`/`lbind` pick the closure's arity from the bound function's `arity` (a primitive's
own positional parameter count; tokpidjin reads `_original_argcount`) or, for any other
function, `__code__.co_argcount`: 2 -> one free parameter, 3 -> two, anything else
(0 for tokpidjin's `*args` default callable) -> three. A value without `__code__` (a
default such as `()`) makes them fail, so they return the default callable.

`power(f, n)` applies f as many times as it takes to bring n to 1 by subtracting 1 (n
itself when n == 1: f is returned as is). tokpidjin recurses for that, so an n that never
reaches 1 (n < 1, nan, 1.5) or one too deep for its stack makes it hit the recursion limit;
its wrappers then catch the RecursionError at some depth that depends on the stack, leaving
a composition of f around whatever default the failing level could still compute (near
the stack limit often `()`, so that calling the result raises TypeError). The dialect
stops at `POWER_DEPTH` and fails as a whole (`power` returns the default callable, whose
result is `()`); the two agree for every n that reaches 1 within `POWER_DEPTH` steps.
"""
from jaxbatt.dsl_py import functional as _arc_dsl
from jaxbatt.dsl_py.tokpidjin.ordering import tag_closure
from jaxbatt.dsl_py.tokpidjin.safety import arity, dialect

_PASSED_THROUGH = {
    "identity": {"x": "Any", "return": "Any"},
    "branch": {"condition": "Boolean", "a": "Any", "b": "Any", "return": "Any"},
    "c_branch": {"condition": "Boolean", "a": "C_", "b": "C_", "return": "Any"},
    "compose": {"outer": "Callable", "inner": "Callable", "return": "Callable"},
    "chain": {"h": "Callable", "g": "Callable", "f": "Callable", "return": "Callable"},
    "matcher": {"function": "Callable", "target": "Any", "return": "Callable"},
    "fork": {"outer": "Callable", "a": "Callable", "b": "Callable", "return": "Callable"},
}
globals().update({
    name: dialect(getattr(_arc_dsl, "branch" if name == "c_branch" else name), name, hints)
    for name, hints in _PASSED_THROUGH.items()})

POWER_DEPTH = 300


@dialect
def rbind(function: "Callable", fixed: "Any") -> "Callable":
    """Fixes the last argument of `function` (see the module docstring for arities)."""
    free = arity(function)
    if free == 2:
        def bound(x):
            return function(x, fixed)
    elif free == 3:
        def bound(x, y):
            return function(x, y, fixed)
    else:
        def bound(x, y, z):
            return function(x, y, z, fixed)
    return tag_closure(bound)


@dialect
def lbind(function: "Callable", fixed: "Any") -> "Callable":
    """Fixes the first argument of `function` (see the module docstring for arities)."""
    free = arity(function)
    if free == 2:
        def bound(y):
            return function(fixed, y)
    elif free == 3:
        def bound(y, z):
            return function(fixed, y, z)
    else:
        def bound(y, z, a):
            return function(fixed, y, z, a)
    return tag_closure(bound)


@dialect
def power(function: "Callable", n: "Integer") -> "Callable":
    """`function` applied k + 1 times, k being how many decrements bring n to 1."""
    times = 1
    while not n == 1:
        n = n - 1
        times += 1
        if times > POWER_DEPTH:
            raise RecursionError("power never brings n to 1")
    if times == 1:
        return function

    def powered(x):
        for _ in range(times):
            x = function(x)
        return x
    return tag_closure(powered)


__all__ = [*_PASSED_THROUGH, "rbind", "lbind", "power"]
