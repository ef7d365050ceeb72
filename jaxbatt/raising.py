"""Steps that raise on every lane that reaches them, found from a kernel recipe without tracing.

Mutated candidates often pass a function of the wrong arity: `mapply(chain(recolor, f, g), x)`
calls recolor with one argument, `t2 = t1(I, I)` calls a one-argument closure with two. Such
a step does not trace on JAX, but its reference result needs no trace: dsl_py raises
TypeError at the call whatever the values, so the step fails (in failed_lines "fail" mode
any exception fails the step). `raises_where(recipe)` proves this from the recipe alone:

- the arity of a callable is what dsl_py's rbind/lbind read (`__code__.co_argcount`): a
  primitive's parameter count; 1 for compose, chain, fork, matcher and power (n > 1); for
  rbind/lbind of an m-argument function, 1 (m = 2), 2 (m = 3), otherwise 3;
- calling a value with n arguments always raises when n is not its arity, when it is no
  callable (an array value or a literal), or when it is a closure that calls one of its
  parts with arguments that always raise (compose, chain, fork, matcher, rbind, lbind,
  power and identity call every part on every call, in dsl_py as written);
- a higher-order primitive (CALLERS) calls its function on the elements of its
  containers: it raises wherever they are all non-empty; argmax, argmin, valmax, valmin and
  extract raise on empty ones too (max() of nothing, compfunc(0), StopIteration).

Lanes where the containers are empty are left to the reference (not exact), so every
answer is the reference's. Anything the rules do not cover gives None: the step's trace
error stands and the program goes on to the next tier or dsl_py.
"""
from typing import Optional, Tuple

from jaxbatt.dsl_py import PRIMITIVES

# Higher-order primitive -> ((position of a function, arguments each call passes it), ...),
# positions of the containers it walks: its functions are called iff all are non-empty (()
# where it raises on empty containers as well). Fused steps (rewrite.py) as the calls they
# replace: paint_mapped(g, f, x) is paint(g, mapply(f, x)), mapply_composed(f, g, y) is
# mapply(f, apply(g, y)) (apply's result is empty iff y is).
CALLERS = {
    "apply": (((0, 1),), (1,)),
    "mapply": (((0, 1),), (1,)),
    "mapply_union": (((0, 1),), (1,)),
    "paint_mapped": (((1, 1),), (2,)),
    "underpaint_mapped": (((1, 1),), (2,)),
    "mapply_composed": (((0, 1), (1, 1)), (2,)),
    "papply": (((0, 2),), (1, 2)),
    "mpapply": (((0, 2),), (1, 2)),
    "prapply": (((0, 2),), (1, 2)),
    "sfilter": (((1, 1),), (0,)),
    "mfilter": (((1, 1),), (0,)),
    "argmax": (((1, 1),), ()),
    "argmin": (((1, 1),), ()),
    "valmax": (((1, 1),), ()),
    "valmin": (((1, 1),), ()),
    "extract": (((1, 1),), ()),
}

# Closure builders -> arities their parts are called with (one call of the closure).
_PARTS = {
    "compose": ((0, 1), (1, 1)),
    "chain": ((0, 1), (1, 1), (2, 1)),
    "fork": ((0, 2), (1, 1), (2, 1)),
    "matcher": ((0, 1),),
}


def _bound_arity(m: Optional[int]) -> Optional[int]:
    """Arguments an rbind/lbind closure of an m-argument function takes."""
    return None if m is None else {2: 1, 3: 2}.get(m, 3)


class _Calls:
    """The recipe's calls, read as dsl_py values."""

    def __init__(self, recipe):
        self.calls = recipe.calls

    def built(self, ref):
        """(builder name, arguments) of a ("local", j) ref built by a primitive, else None."""
        kind, x = ref
        if kind != "local":
            return None
        (callee_kind, name), args = self.calls[x]
        return (name, args) if callee_kind == "prim" else None

    def arity(self, ref) -> Optional[int]:
        """co_argcount of the callable `ref` holds in dsl_py, None when unknown."""
        kind, x = ref
        if kind == "prim":
            fn = PRIMITIVES.get(x)
            return None if fn is None else fn.__code__.co_argcount
        built = self.built(ref)
        if built is None:
            return None
        name, args = built
        if name in _PARTS:
            return 1
        if name in ("rbind", "lbind") and len(args) == 2:
            return _bound_arity(self.arity(args[0]))
        if name == "identity" and len(args) == 1:
            return self.arity(args[0])
        if name == "power" and len(args) == 2 and _static_int(args[1]) is not None:
            return self.arity(args[0]) if _static_int(args[1]) == 1 else 1
        return None

    def always_raises(self, ref, n: int) -> bool:
        """Calling the value of `ref` with n positional arguments raises in dsl_py, whatever
        the arguments."""
        kind, x = ref
        if kind in ("slot", "const"):
            return not callable(x) if kind == "const" else True  # arrays and literals are no callables
        if kind == "prim":
            fn = PRIMITIVES.get(x)
            return fn is not None and n != fn.__code__.co_argcount
        built = self.built(ref)
        if built is None:
            return False
        name, args = built
        if name in _PARTS:
            if len(args) != len(_PARTS[name]):
                return False
            return n != 1 or any(self.always_raises(args[i], k) for i, k in _PARTS[name])
        if name in ("rbind", "lbind") and len(args) == 2:
            takes = _bound_arity(self.arity(args[0]))
            return takes is not None and (n != takes or self.always_raises(args[0], takes + 1))
        if name == "identity" and len(args) == 1:
            return self.always_raises(args[0], n)
        if name == "power" and len(args) == 2:
            k = _static_int(args[1])
            if k == 1:
                return self.always_raises(args[0], n)
            return k is not None and k > 1 and (n != 1 or self.always_raises(args[0], 1))
        return False


def _static_int(ref) -> Optional[int]:
    kind, x = ref
    if kind == "const" and isinstance(x, int) and not isinstance(x, bool):
        return x
    return None


def raises_where(recipe) -> Optional[Tuple[int, ...]]:
    """For a recipe (kernels.Recipe, constants in place) whose step raises on every lane
    where the containers it walks are non-empty: the slots of those containers (() where it
    raises on every lane). None when the rules above do not prove it."""
    if recipe.default is not None or not recipe.calls:
        return None
    calls = _Calls(recipe)
    callee, args = recipe.calls[-1]
    if callee[0] != "prim":
        return () if calls.always_raises(callee, len(args)) else None
    name = callee[1]
    fn = PRIMITIVES.get(name)
    if fn is not None and len(args) != fn.__code__.co_argcount:
        return ()
    if name not in CALLERS:
        return None
    functions, containers = CALLERS[name]
    if len(args) <= max(tuple(p for p, _ in functions) + containers):
        return None
    if not any(calls.always_raises(args[p], n) for p, n in functions):
        return None
    if any(args[c][0] != "slot" for c in containers):
        return None
    return tuple(args[c][1] for c in containers)
