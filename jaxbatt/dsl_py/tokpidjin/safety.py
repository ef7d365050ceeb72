"""tokpidjin's failure semantics: every primitive is exception-safe.

tokpidjin's dsl.py ends by wrapping each of its public functions (its safe_dsl.py): a call
that raises any `Exception` returns a default chosen from the function's return annotation
instead. The wrapped functions are what the dsl module's own globals hold, so a primitive
calling another gets the other's default too, and a batt file (`from pile import *`) only
ever sees wrapped primitives. What can still raise in a batt line is calling a value that
is not a primitive: a closure built by `rbind`, `compose`... called with the wrong number of
arguments, or a non-callable default such as `()` called as a function (TypeError).

`safe_default(fn)` is tokpidjin's `_get_safe_default(fn)`, which batt files call when a
line raises. Its rule, on the return annotation resolved with `typing.get_type_hints`:

- no annotations at all, a value that is not a function, or an annotation that does not
  resolve (tokpidjin annotates with names its type module never defines, e.g. `R8`, `A8`,
  `R4`, `A4`: any such parameter makes the whole resolution fail) -> `()`;
- the resolved type's text mentions `FrozenSet` (`Object(s)`, `Indices`, `Patch`,
  `IntegerSet`, ...) -> `frozenset()`;
- else it mentions `Tuple` or `Container` (`Grid`, `IJ`, `Samples`, `Numerical`,
  `TTT_iii`, ...) -> `()`;
- else `int` (`Integer`, `C_`, `FL`, ...) -> `0`;
- else `bool` (`Boolean`) -> `False`;
- else `Callable` -> a new function taking any arguments and returning `()`;
- else (`Any`) -> `()`.

Dialect primitives carry tokpidjin's annotations (as strings) and resolve them in
`types`; the default is computed once per primitive. `arity` records the positional
parameter count of the wrapped function, which `rbind`/`lbind` read (tokpidjin keeps it as
`_original_argcount` because its wrapper itself takes `*args`).
"""
import functools
import typing

from jaxbatt.dsl_py.tokpidjin import types as _types
from jaxbatt.dsl_py.tokpidjin.ordering import tag_closure

TYPE_NAMESPACE = {name: getattr(_types, name) for name in _types.__all__}

# (substring of the resolved return type's text, default kind), tested in this order.
_DEFAULT_RULES = (
    ("FrozenSet", "frozenset"), ("Tuple", "tuple"), ("Container", "tuple"),
    ("int", "int"), ("bool", "bool"), ("Callable", "callable"),
)


def _default_of_kind(kind):
    if kind == "frozenset":
        return frozenset()
    if kind == "int":
        return 0
    if kind == "bool":
        return False
    if kind == "callable":
        def returns_empty_tuple(*args, **kwargs):
            return ()
        return tag_closure(returns_empty_tuple)
    return ()


def _kind_of_hints(hints) -> str:
    return_type = hints.get("return")
    if return_type is None:
        return "tuple"
    text = str(return_type)
    for fragment, kind in _DEFAULT_RULES:
        if fragment in text:
            return kind
    return "tuple"


def _kind_of_callable(fn) -> str:
    """The default kind of a function that is not a dialect primitive."""
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # noqa: BLE001 - tokpidjin treats every failure as "no hints"
        return "tuple"
    return _kind_of_hints(hints)


def _kind_of_annotations(annotations) -> str:
    """The default kind of a primitive declared with tokpidjin's annotation strings."""
    try:
        hints = {name: eval(text, dict(TYPE_NAMESPACE))  # noqa: S307 - type names only
                 for name, text in annotations.items()}
    except NameError:
        return "tuple"
    return _kind_of_hints(hints)


def safe_default(fn):
    """tokpidjin's `_get_safe_default(fn)`: the value a failed call of `fn` stands for."""
    kind = getattr(fn, "default_kind", None)
    return _default_of_kind(kind if kind is not None else _kind_of_callable(fn))


def dialect(raw, name=None, annotations=None):
    """The exception-safe primitive `name` (default: raw's name) computing `raw`.

    `annotations` (tokpidjin's, as strings, `return` included) default to raw's own.
    """
    annotations = dict(raw.__annotations__ if annotations is None else annotations)
    kind = _kind_of_annotations(annotations)

    @functools.wraps(raw)
    def primitive(*args, **kwargs):
        try:
            return raw(*args, **kwargs)
        except Exception:  # noqa: BLE001 - tokpidjin's wrapper catches every Exception
            return _default_of_kind(kind)

    primitive.__name__ = primitive.__qualname__ = name or raw.__name__
    primitive.__annotations__ = annotations
    primitive.__wrapped__ = raw
    primitive.default_kind = kind
    primitive.arity = raw.__code__.co_argcount
    return primitive


def variants(raw, signatures):
    """One primitive per name in `signatures` ({name: annotations}), all computing `raw`."""
    return {name: dialect(raw, name, annotations) for name, annotations in signatures.items()}


def arity(function) -> int:
    """The positional parameter count rbind/lbind see (AttributeError for non-functions)."""
    declared = getattr(function, "arity", None)
    return declared if declared is not None else function.__code__.co_argcount
