"""tokpidjin's type names (its arc_types.py), exported as `from pile import *` exports them.

They differ from arc-dsl's in two ways that matter at run time:

- a `Cell` is an (i, j, colour) triple, so an `Object` is a frozenset of triples;
- the rank and symbol aliases (`FL`, `C_`, `R_`, ...) are plain ints; `F_` ends up as
  `Callable` (tokpidjin binds it twice, last to `Callable`).

`safety.safe_default` resolves a primitive's annotations in this namespace, exactly as
tokpidjin resolves them in its dsl module: names that tokpidjin never defines as types
(`R4`, `R8`, `A4`, `A8`) do not resolve, which decides the default a failing call returns.
"""
from typing import Any, Callable, Container, FrozenSet, Iterable, List, Tuple, Union

L_ = int  # ranks from the last element, -10 .. -1
FL = int  # ranks from either end, -10 .. 9
R_ = int  # randomised symbols such as colours
C_ = int  # colours
A_ = int  # mirror/rotation selectors
I_ = int
J_ = int
F_ = Callable  # tokpidjin first binds F_ to int, then rebinds it to Callable
IJ = Tuple[I_, J_]

Boolean = bool
Integer = int
Numerical = Union[Integer, IJ]
IntegerSet = FrozenSet[Integer]
Grid = Tuple[Tuple[Integer]]
Samples = Tuple[Grid, Grid]
Cell = Tuple[I_, J_, C_]
Object = FrozenSet[Cell]
Objects = FrozenSet[Object]
Indices = FrozenSet[IJ]
IndicesSet = FrozenSet[Indices]
Patch = Union[Object, Indices]
TupleTuple = Tuple[Tuple]
ContainerContainer = Container[Container]
TTT_iii = Tuple[Tuple[Tuple[int, int, int], ...], ...]  # objects as tuples of cell tuples

__all__ = [
    "Any", "Callable", "Container", "FrozenSet", "Iterable", "List", "Tuple", "Union",
    "L_", "FL", "R_", "C_", "A_", "I_", "J_", "F_", "IJ", "Boolean", "Integer", "Numerical",
    "IntegerSet", "Grid", "Samples", "Cell", "Object", "Objects", "Indices", "IndicesSet",
    "Patch", "TupleTuple", "ContainerContainer", "TTT_iii",
]
