"""Arithmetic family: arc-dsl's, except that `()` counts as a neutral operand.

tokpidjin's `add`/`subtract` read an operand equal to `()` (the default a failed line
leaves behind) as 0, `multiply`/`divide` as 1, then broadcast ints and pairs exactly as
arc-dsl does (dsl_py's primitives are reused for that). Every other arithmetic primitive is
arc-dsl's unchanged, under tokpidjin's annotations (which decide its failure default).
"""
from jaxbatt.dsl_py import arithmetic as _arc_dsl
from jaxbatt.dsl_py.tokpidjin.safety import dialect

_NUMERICAL_PAIR = {"a": "Numerical", "b": "Numerical", "return": "Numerical"}


def _empty_operand_as(unit, arc_dsl_operation):
    """arc-dsl's binary operation, with operands equal to `()` replaced by `unit`."""
    def operation(a, b):
        return arc_dsl_operation(unit if a == () else a, unit if b == () else b)
    return dialect(operation, arc_dsl_operation.__name__, _NUMERICAL_PAIR)


add = _empty_operand_as(0, _arc_dsl.add)
subtract = _empty_operand_as(0, _arc_dsl.subtract)
multiply = _empty_operand_as(1, _arc_dsl.multiply)
divide = _empty_operand_as(1, _arc_dsl.divide)

_UNCHANGED = {
    "invert": {"n": "Numerical", "return": "Numerical"},
    "even": {"n": "Integer", "return": "Boolean"},
    "double": {"n": "Numerical", "return": "Numerical"},
    "halve": {"n": "Numerical", "return": "Numerical"},
    "flip": {"b": "Boolean", "return": "Boolean"},
    "equality": {"a": "Any", "b": "Any", "return": "Boolean"},
    "greater": {"a": "Integer", "b": "Integer", "return": "Boolean"},
    "both": {"a": "Boolean", "b": "Boolean", "return": "Boolean"},
    "either": {"a": "Boolean", "b": "Boolean", "return": "Boolean"},
    "increment": {"x": "Numerical", "return": "Numerical"},
    "decrement": {"x": "Numerical", "return": "Numerical"},
    "crement": {"x": "Numerical", "return": "Numerical"},
    "sign": {"x": "Numerical", "return": "Numerical"},
    "positive": {"x": "Integer", "return": "Boolean"},
    "toivec": {"i": "Integer", "return": "IJ"},
    "tojvec": {"j": "Integer", "return": "IJ"},
}
globals().update({name: dialect(getattr(_arc_dsl, name), name, annotations)
                  for name, annotations in _UNCHANGED.items()})

__all__ = ["add", "subtract", "multiply", "divide", *_UNCHANGED]
