"""arc-dsl's type names, exported as `from dsl import *` exports them."""
from typing import Any, Callable, Container, FrozenSet, Iterable, List, Tuple, Union

Boolean = bool
Integer = int
IntegerTuple = Tuple[Integer, Integer]
Numerical = Union[Integer, IntegerTuple]
IntegerSet = FrozenSet[Integer]
Grid = Tuple[Tuple[Integer]]
Cell = Tuple[Integer, IntegerTuple]
Object = FrozenSet[Cell]
Objects = FrozenSet[Object]
Indices = FrozenSet[IntegerTuple]
IndicesSet = FrozenSet[Indices]
Patch = Union[Object, Indices]
Element = Union[Object, Grid]
Piece = Union[Grid, Patch]
TupleTuple = Tuple[Tuple]
ContainerContainer = Container[Container]

__all__ = [
    "Any", "Callable", "Container", "FrozenSet", "Iterable", "List", "Tuple", "Union",
    "Boolean", "Integer", "IntegerTuple", "Numerical", "IntegerSet", "Grid", "Cell",
    "Object", "Objects", "Indices", "IndicesSet", "Patch", "Element", "Piece",
    "TupleTuple", "ContainerContainer",
]
