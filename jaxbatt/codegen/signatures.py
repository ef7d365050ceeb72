"""Signature tables of the DSL dialects: parameter names, arities and return annotations of
every primitive, read from its CPU reference (dsl_py's are arc-dsl's)."""
import dataclasses
import inspect


@dataclasses.dataclass(frozen=True)
class Signature:
    name: str
    params: tuple  # parameter names, in order
    returns: object  # the return annotation (a type name's value, or its text in tokpidjin's dialect)
    required: int = None  # parameters without a default (None: all of them)

    @property
    def arity(self) -> int:
        return len(self.params)

    def accepts(self, count: int) -> bool:
        """Whether a call with `count` positional arguments binds."""
        return (self.arity if self.required is None else self.required) <= count <= self.arity


def signature_table(primitives: dict) -> dict:
    """{name: Signature} of a dialect's primitives ({name: function}); parameters are read
    through a wrapper (`__wrapped__`), the return annotation from the function itself."""
    table = {}
    for name, fn in primitives.items():
        parameters = inspect.signature(fn).parameters.values()
        required = sum(p.default is inspect.Parameter.empty for p in parameters)
        returns = fn.__annotations__.get("return", inspect.Signature.empty)
        table[name] = Signature(name, tuple(p.name for p in parameters), returns,
                                required if required < len(parameters) else None)
    return table


def _arc_dsl_table():
    from jaxbatt.dsl_py import PRIMITIVES
    return signature_table(PRIMITIVES)


SIGNATURES = _arc_dsl_table()  # arc-dsl's
