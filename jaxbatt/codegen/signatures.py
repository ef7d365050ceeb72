"""The signature table of the DSL: parameter names and return types of every primitive,
read from dsl_py (its signatures and annotations are arc-dsl's)."""
import dataclasses
import inspect


@dataclasses.dataclass(frozen=True)
class Signature:
    name: str
    params: tuple  # parameter names, in order
    returns: object  # the return annotation (an arc-dsl type name's value)

    @property
    def arity(self) -> int:
        return len(self.params)


def _table():
    from jaxbatt.dsl_py import PRIMITIVES
    table = {}
    for name, fn in PRIMITIVES.items():
        signature = inspect.signature(fn)
        table[name] = Signature(name, tuple(signature.parameters), signature.return_annotation)
    return table


SIGNATURES = _table()
