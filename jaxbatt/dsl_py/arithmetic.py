"""arc-dsl primitives: arithmetic family (reference semantics, see ordering.py).

Numbers are ints (bools count as ints, as in arc-dsl) or pairs. The binary operations
dispatch on the operand types exactly as arc-dsl does: int op int; pair op pair
(component-wise, first two components); int op pair (the int on each component); anything
else is treated as "pair op int" (x[0] op y, x[1] op y), so unsupported mixes raise the
same TypeError/IndexError arc-dsl raises.
"""
import operator

from jaxbatt.dsl_py.types import Any, Boolean, Integer, IntegerTuple, Numerical

__all__ = [
    "add", "subtract", "multiply", "divide", "invert", "even", "double", "halve", "flip",
    "equality", "greater", "both", "either", "increment", "decrement", "crement", "sign",
    "positive", "toivec", "tojvec",
]


def _binary(op, a, b):
    """Applies `op` with arc-dsl's int/pair dispatch."""
    a_is_int = isinstance(a, int)
    b_is_int = isinstance(b, int)
    if a_is_int and b_is_int:
        return op(a, b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return (op(a[0], b[0]), op(a[1], b[1]))
    if a_is_int and isinstance(b, tuple):
        return (op(a, b[0]), op(a, b[1]))
    return (op(a[0], b), op(a[1], b))


def _unary(op, x):
    """Applies `op` to an int, or to the first two components of anything else."""
    if isinstance(x, int):
        return op(x)
    return (op(x[0]), op(x[1]))


def add(a: Numerical, b: Numerical) -> Numerical:
    """Sum of two numbers (ints or pairs, broadcast as in arc-dsl)."""
    return _binary(operator.add, a, b)


def subtract(a: Numerical, b: Numerical) -> Numerical:
    """Difference a - b (ints or pairs, broadcast as in arc-dsl)."""
    return _binary(operator.sub, a, b)


def multiply(a: Numerical, b: Numerical) -> Numerical:
    """Product of two numbers (ints or pairs, broadcast as in arc-dsl)."""
    return _binary(operator.mul, a, b)


def divide(a: Numerical, b: Numerical) -> Numerical:
    """Floor division a // b (ints or pairs); raises ZeroDivisionError on a zero divisor."""
    return _binary(operator.floordiv, a, b)


def invert(n: Numerical) -> Numerical:
    """Additive inverse of an int or a pair."""
    return _unary(operator.neg, n)


def even(n: Integer) -> Boolean:
    """True when n is even."""
    return n % 2 == 0


def double(n: Numerical) -> Numerical:
    """Twice an int or a pair."""
    return _unary(lambda v: v * 2, n)


def halve(n: Numerical) -> Numerical:
    """Floor half of an int or a pair."""
    return _unary(lambda v: v // 2, n)


def flip(b: Boolean) -> Boolean:
    """Logical not."""
    return not b


def equality(a: Any, b: Any) -> Boolean:
    """a == b."""
    return a == b


def greater(a: Integer, b: Integer) -> Boolean:
    """a > b (Python comparison, so pairs compare lexicographically)."""
    return a > b


def both(a: Boolean, b: Boolean) -> Boolean:
    """Python `a and b` (returns an operand, as arc-dsl does)."""
    return a and b


def either(a: Boolean, b: Boolean) -> Boolean:
    """Python `a or b` (returns an operand, as arc-dsl does)."""
    return a or b


def increment(x: Numerical) -> Numerical:
    """x + 1 for an int, component-wise for a pair."""
    return _unary(lambda v: v + 1, x)


def decrement(x: Numerical) -> Numerical:
    """x - 1 for an int, component-wise for a pair."""
    return _unary(lambda v: v - 1, x)


def _away_from_zero(v):
    if v == 0:
        return 0
    return v + 1 if v > 0 else v - 1


def _sign1(v):
    if v == 0:
        return 0
    return 1 if v > 0 else -1


def crement(x: Numerical) -> Numerical:
    """Moves an int (or each pair component) one step away from zero; 0 stays 0."""
    return _unary(_away_from_zero, x)


def sign(x: Numerical) -> Numerical:
    """Sign (-1, 0 or 1) of an int or of each pair component."""
    return _unary(_sign1, x)


def positive(x: Integer) -> Boolean:
    """x > 0."""
    return x > 0


def toivec(i: Integer) -> IntegerTuple:
    """The vertical vector (i, 0)."""
    return (i, 0)


def tojvec(j: Integer) -> IntegerTuple:
    """The horizontal vector (0, j)."""
    return (0, j)
