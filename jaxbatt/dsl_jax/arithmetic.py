"""dsl_jax primitives: arithmetic family (padded forms: see values.py).

Numbers are Integer (int32[] or a static Python/numpy int), Boolean (bool[] or static) and
IntegerTuple (int32[2]). The int/pair broadcasting of arc-dsl is jnp broadcasting. When
every operand is static (Python ints, numpy arrays such as the pair constants) the result is
computed at trace time and returned as a numpy value (int32[] / int32[2] / bool[]), so it
stays usable where a static int is needed (e.g. `power`). Results are always int32 or bool
arrays: outputs have the same dtypes eagerly, under jit and under vmap.

Operand forms arc-dsl always rejects (a frozenset, a callable, a pair where an int is
needed) give `flags.require(False)`; forms arc-dsl accepts with tuple semantics that have
no meaning here (grid + grid concatenates rows in arc-dsl) raise TypeError while tracing.
"""
import jax
import jax.numpy as jnp
import numpy as np

from jaxbatt.dsl_jax import flags, values
from jaxbatt.dsl_jax.values import Container, Functions, Grid, Indices, Object

__all__ = [
    "add", "subtract", "multiply", "divide", "invert", "even", "double", "halve", "flip",
    "equality", "greater", "both", "either", "increment", "decrement", "crement", "sign",
    "positive", "toivec", "tojvec",
]


# --------------------------------------------------------------------------- helpers


def _is_static(x) -> bool:
    """A value known at trace time (Python / numpy), not a jax array or tracer."""
    return not isinstance(x, jax.Array)


def _xp(*xs):
    """numpy when every operand is static (results computed while tracing), else jnp."""
    return np if all(_is_static(x) for x in xs) else jnp


def _is_set_like(x) -> bool:
    """A frozenset form (or a callable): arc-dsl arithmetic always raises on it."""
    if isinstance(x, (Indices, Object)):
        return True
    if isinstance(x, (Container, Functions)):
        return x.kind == "frozenset"
    return callable(x) and not isinstance(x, (Grid, tuple))


def _as_pair(x):
    """A Python 2-tuple of Integers as an IntegerTuple array (numpy when static)."""
    if isinstance(x, tuple) and len(x) == 2 and all(values.is_int(v) for v in x):
        if all(_is_static(v) for v in x):
            return np.asarray(x, np.int32)
        return jnp.stack([jnp.asarray(v, jnp.int32) for v in x])
    return x


def _indexed_pair(x):
    """A tuple Container of ints as the pair (x[0], x[1]) that arc-dsl's arithmetic reads
    from any tuple (e.g. apply(size, astuple(a, b))); fewer than 2 elements: not ok."""
    if (isinstance(x, Container) and x.kind == "tuple"
            and isinstance(x.items, (jax.Array, np.ndarray)) and x.items.ndim == 1):
        flags.require(x.size >= 2)
        return jnp.asarray(x.items[:2], jnp.int32)
    return x


def _form(x) -> str:
    """'int', 'pair', 'raises' (arc-dsl always raises) or 'other' (unsupported here)."""
    if values.is_int(x):
        return "int"
    if values.is_pair(x):
        return "pair"
    if _is_set_like(x):
        return "raises"
    return "other"


def _unsupported(who, *xs):
    kinds = ", ".join(type(x).__name__ for x in xs)
    raise TypeError(f"{who}: operands ({kinds}) have tuple semantics dsl_jax does not model")


def _ints(xp, *xs):
    return [xp.asarray(x, dtype=np.int32) for x in xs]


def _out(xp, value, dtype):
    return np.asarray(value, dtype) if xp is np else jnp.asarray(value, dtype)


def _failed(xp, like="int"):
    """A placeholder result for a lane the reference raises on (its value is never read)."""
    flags.require(False)
    return _out(xp, 0 if like == "int" else False, np.int32 if like == "int" else bool)


_INT_MIN, _INT_MAX = np.iinfo(np.int32).min, np.iinfo(np.int32).max


def _static_result(op, *args):
    """op on static operands, exactly (int64); a result beyond int32 is not exact."""
    wide = op(np, *[np.asarray(a, np.int64) for a in args])
    flags.fits(bool(np.all((wide >= _INT_MIN) & (wide <= _INT_MAX))))
    with np.errstate(all="ignore"):
        return np.asarray(wide, np.int32)


def _add_overflow(a, b, r):
    return ((a ^ r) & (b ^ r)) < 0


def _sub_overflow(a, b, r):
    return ((a ^ b) & (a ^ r)) < 0


def _mul_overflow(a, b, r):
    quotient = jnp.floor_divide(r, jnp.where(a == 0, 1, a))
    return (a != 0) & ((quotient != b) | ((a == -1) & (b == _INT_MIN)))


def _div_overflow(a, b, r):
    return (a == _INT_MIN) & (b == -1)


def _binary(who, op, a, b, overflow, *, zero_check=False):
    """op with arc-dsl's int/pair dispatch; int32 wrap-around is not exact (Python ints
    do not wrap)."""
    a, b = _indexed_pair(_as_pair(a)), _indexed_pair(_as_pair(b))
    forms = (_form(a), _form(b))
    if "raises" in forms:
        return _failed(np)
    if "other" in forms:
        _unsupported(who, a, b)
    xp = _xp(a, b)
    a, b = _ints(xp, a, b)
    if zero_check:
        flags.require(xp.all(b != 0))
        b = xp.where(b == 0, 1, b)
    if xp is np:
        return _static_result(op, a, b)
    r = jnp.asarray(op(jnp, a, b), jnp.int32)
    flags.fits(~jnp.any(overflow(a, b, r)))
    return r


def _unary(who, op, x, overflow=None):
    """op on an int or per pair component; `overflow(x)` marks int32 wrap-around."""
    x = _indexed_pair(_as_pair(x))
    form = _form(x)
    if form == "raises":
        return _failed(np)
    if form == "other":
        _unsupported(who, x)
    xp = _xp(x)
    (x,) = _ints(xp, x)
    if xp is np:
        return _static_result(op, x)
    if overflow is not None:
        flags.fits(~jnp.any(overflow(x)))
    return jnp.asarray(op(jnp, x), jnp.int32)


def _int_only(x):
    """x as int32 when an Integer; None (and a require(False)) otherwise: tuple % 2,
    tuple > 0, frozenset > 0, function % 2 ... all raise TypeError in the reference."""
    if values.is_int(x):
        return _ints(_xp(x), x)[0]
    flags.require(False)
    return None


# --------------------------------------------------------------------------- numbers


def add(a, b):
    """a + b with arc-dsl's int/pair broadcasting; int32[] or int32[2]."""
    return _binary("add", lambda xp, x, y: x + y, a, b, _add_overflow)


def subtract(a, b):
    """a - b with arc-dsl's int/pair broadcasting; int32[] or int32[2]."""
    return _binary("subtract", lambda xp, x, y: x - y, a, b, _sub_overflow)


def multiply(a, b):
    """a * b with arc-dsl's int/pair broadcasting; int32[] or int32[2]."""
    return _binary("multiply", lambda xp, x, y: x * y, a, b, _mul_overflow)


def divide(a, b):
    """Floor division a // b (Python rounding); a zero divisor anywhere -> not ok."""
    return _binary("divide", lambda xp, x, y: xp.floor_divide(x, y), a, b, _div_overflow,
                   zero_check=True)


def invert(n):
    """-n for an int or a pair."""
    return _unary("invert", lambda xp, x: -x, n, lambda x: x == _INT_MIN)


def double(n):
    """2 n for an int or a pair."""
    return _unary("double", lambda xp, x: x * 2, n, lambda x: (x > _INT_MAX // 2) | (x < _INT_MIN // 2))


def halve(n):
    """n // 2 (floor) for an int or a pair."""
    return _unary("halve", lambda xp, x: xp.floor_divide(x, 2), n)


def increment(x):
    """x + 1 for an int or a pair."""
    return _unary("increment", lambda xp, v: v + 1, x, lambda v: v == _INT_MAX)


def decrement(x):
    """x - 1 for an int or a pair."""
    return _unary("decrement", lambda xp, v: v - 1, x, lambda v: v == _INT_MIN)


def crement(x):
    """One step away from zero (0 stays 0), per component for a pair."""
    return _unary("crement", lambda xp, v: v + xp.sign(v), x,
                  lambda v: (v == _INT_MAX) | (v == _INT_MIN))


def sign(x):
    """-1, 0 or 1, per component for a pair."""
    return _unary("sign", lambda xp, v: xp.sign(v), x)


def toivec(i):
    """The pair (i, 0) as int32[2]."""
    return _vector("toivec", i, 0)


def tojvec(j):
    """The pair (0, j) as int32[2]."""
    return _vector("tojvec", j, 1)


def _vector(who, x, axis):
    if not values.is_int(x):
        _unsupported(who, x)  # arc-dsl builds (x, 0), a tuple holding a non-int
    xp = _xp(x)
    (x,) = _ints(xp, x)
    zero = xp.zeros((), np.int32)
    parts = (x, zero) if axis == 0 else (zero, x)
    return _out(xp, xp.stack(parts), np.int32)


# --------------------------------------------------------------------------- booleans


def even(n):
    """n % 2 == 0 (bool[]); not ok unless n is an Integer."""
    x = _int_only(n)
    if x is None:
        return _out(np, False, bool)
    xp = _xp(n)
    return _out(xp, x % 2 == 0, bool)


def positive(x):
    """x > 0 (bool[]); not ok unless x is an Integer."""
    v = _int_only(x)
    if v is None:
        return _out(np, False, bool)
    return _out(_xp(x), v > 0, bool)


def truthy(x):
    """bool[]: Python's bool(x) for any dsl_jax value (static values give numpy)."""
    if values.is_int(x):
        return _out(_xp(x), x != 0, bool)
    if values.is_pair(x):
        return np.asarray(True)
    if isinstance(x, Grid):
        return x.h > 0
    if isinstance(x, Indices):
        return jnp.any(x.mask)
    if isinstance(x, Object):
        return jnp.any(x.colour >= 0)
    if isinstance(x, Container):
        return x.size > 0
    if isinstance(x, Functions):
        return np.asarray(len(x.fns) > 0)
    if isinstance(x, tuple):
        return np.asarray(len(x) > 0)
    if callable(x):
        return np.asarray(True)
    raise TypeError(f"truthy: no dsl_jax form {type(x).__name__}")


def flip(b):
    """not b (bool[]) for any value, by Python truthiness."""
    t = truthy(b)
    return ~t if isinstance(t, jax.Array) else np.asarray(not bool(t))


def dtype_of(x):
    return x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype


def _same_shapes(a, b) -> bool:
    if not values.same_structure(a, b):
        return False
    return all(np.shape(x) == np.shape(y)
               for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)))


def as_array(x):
    """Python ints and bools as numpy int32[] / bool[] (one dtype eagerly and under jit)."""
    if isinstance(x, (bool, np.bool_)):
        return np.asarray(x, bool)
    if isinstance(x, (int, np.integer)):
        return np.asarray(x, np.int32)
    return x


def select(cond, a, b, who):
    """a where cond else b, for two values of one form (ints and bools mix as int32)."""
    if values.is_int(a) and values.is_int(b):
        both_bool = dtype_of(a) == bool and dtype_of(b) == bool
        dtype = bool if both_bool else np.int32
        if not isinstance(cond, jax.Array):
            chosen = a if bool(cond) else b
            return _out(_xp(chosen), chosen, dtype)
        return jnp.where(cond, jnp.asarray(a, dtype), jnp.asarray(b, dtype))
    if not isinstance(cond, jax.Array):
        return as_array(a if bool(cond) else b)
    if callable(a) and callable(b):  # no value form is callable
        raise TypeError(f"{who}: selecting between callables needs a static condition")
    a, b = _as_grid_beside(a, b, cond), _as_grid_beside(b, a, ~cond)
    if not _same_shapes(a, b):
        # The result's form depends on the data: hold b's, exact on lanes that pick b.
        flags.fits(~cond)
        return as_array(b)
    return jax.tree_util.tree_map(lambda x, y: jnp.where(cond, x, y), a, b)


def _as_grid_beside(value, other, picked):
    """value as a Grid when it is a tuple of rows (arc-dsl's grid built by repeat, apply...)
    and other is a Grid; exact where it is picked only if its rows make a grid that fits."""
    if not (isinstance(other, values.Grid) and values.is_row_tuple(value)):
        return value
    grid, ok, exact = flags.collect(values.grid_of_rows, value)
    flags.fits(exact | ~picked)
    return grid


def both(a, b):
    """Python `a and b`: a when a is falsy, else b (bools give bool[], ints int32[]).

    Operands of two forms: b's form, exact only on lanes where a is truthy."""
    return select(~truthy(a), a, b, "both")


def either(a, b):
    """Python `a or b`: a when a is truthy, else b (bools give bool[], ints int32[]).

    Operands of two forms: b's form, exact only on lanes where a is falsy."""
    return select(truthy(a), a, b, "either")


# --------------------------------------------------------------------------- comparisons


def _grid_equal(a: Grid, b: Grid):
    """Empty grids are () whatever their width; otherwise shape and cells decide."""
    same_cells = (a.w == b.w) & jnp.all(a.cells == b.cells)
    return (a.h == b.h) & ((a.h == 0) | same_cells)


def _set_size(x):
    if isinstance(x, Indices):
        return jnp.sum(x.mask, dtype=jnp.int32)
    if isinstance(x, Object):
        return jnp.sum(x.colour >= 0, dtype=jnp.int32)
    if isinstance(x, Container):
        return x.size
    return np.int32(len(x.fns))


def _is_frozenset_form(x) -> bool:
    return isinstance(x, (Indices, Object)) or (
        isinstance(x, (Container, Functions)) and x.kind == "frozenset")


def _equal(a, b):
    """bool[]: a == b in dsl_py for two dsl_jax values of any forms."""
    if values.is_int(a) and values.is_int(b):
        xp = _xp(a, b)
        x, y = _ints(xp, a, b)
        return _out(xp, x == y, bool)
    if values.is_int(a) or values.is_int(b):
        return np.asarray(values.is_int(a) and values.is_int(b))  # int vs anything else
    if callable(a) and not isinstance(a, (tuple, Grid, Indices, Object, Container, Functions)):
        return np.asarray(a is b)
    if callable(b) and not isinstance(b, (tuple, Grid, Indices, Object, Container, Functions)):
        return np.asarray(False)
    if values.is_pair(a) and values.is_pair(b):
        xp = _xp(a, b)
        return _out(xp, xp.all(xp.asarray(a) == xp.asarray(b)), bool)
    if _is_frozenset_form(a) != _is_frozenset_form(b):
        return np.asarray(False)  # a tuple never equals a frozenset
    if _is_frozenset_form(a):
        if isinstance(a, Functions) or isinstance(b, Functions):
            if isinstance(a, Functions) and isinstance(b, Functions):
                return np.asarray(set(map(id, a.fns)) == set(map(id, b.fns)))
            return (_set_size(a) == 0) & (_set_size(b) == 0)
        if type(a) is type(b) and _same_shapes(a, b):
            return values.equal(a, b)
        # Indices vs Object vs a Container of other elements: equal only when both are
        # empty. Two values of one type on other windows/capacities: certain only then.
        both_empty = (_set_size(a) == 0) & (_set_size(b) == 0)
        if type(a) is type(b):
            flags.fits((_set_size(a) == 0) | (_set_size(b) == 0))
        return both_empty
    # Tuple forms: Grid, pair, tuple Container, Functions tuple, Python tuple.
    if isinstance(a, Grid) and isinstance(b, Grid):
        return _grid_equal(a, b)
    if isinstance(a, Functions) and isinstance(b, Functions):
        return np.asarray(len(a.fns) == len(b.fns) and all(x is y for x, y in zip(a.fns, b.fns)))
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return np.asarray(False)
        parts = [_equal(x, y) for x, y in zip(a, b)]
        return jnp.all(jnp.stack([jnp.asarray(p) for p in parts])) if parts else np.asarray(True)
    if isinstance(a, Container) and isinstance(b, Container):
        if _same_shapes(a, b):
            return values.equal(a, b)
        flags.fits((a.size == 0) | (b.size == 0))
        return (a.size == 0) & (b.size == 0)
    if values.is_pair(a) or values.is_pair(b):
        pair, other = (a, b) if values.is_pair(a) else (b, a)
        if isinstance(other, Container) and isinstance(other.items, jax.Array | np.ndarray) \
                and other.items.ndim == 1:
            items = jnp.asarray(other.items, jnp.int32)
            return (other.size == 2) & jnp.all(items[:2] == jnp.asarray(pair, jnp.int32))
        if isinstance(other, tuple):
            if len(other) != 2 or not all(values.is_int(v) for v in other):
                return np.asarray(False)
            return _equal(values.as_pair(jnp.stack([jnp.asarray(v, jnp.int32) for v in other])), pair)
        if isinstance(other, Grid):
            return np.asarray(False)  # rows are tuples, pair entries ints
    empty_a, empty_b = _tuple_empty(a), _tuple_empty(b)
    if isinstance(a, Container) and isinstance(b, Grid):
        a, b = b, a
    if isinstance(a, Grid) and isinstance(b, Container) and isinstance(b.items, (jax.Array, np.ndarray)):
        if b.items.ndim == 1:  # a tuple of ints: its elements are never rows
            return empty_a & empty_b
        if b.items.ndim == 2 and b.items.shape[1] == 2:  # a tuple of pairs: rows of width 2
            rows = min(a.cells.shape[0], b.items.shape[0])
            cells = a.cells[:rows, :2].astype(jnp.int32)
            live = jnp.arange(rows) < b.size
            same = jnp.all(jnp.where(live[:, None], cells == b.items[:rows], True))
            return (a.h == b.size) & ((a.h == 0) | ((a.w == 2) & same))
    # Grid vs other tuple Containers, Python tuples ...: only emptiness is certain.
    flags.fits(empty_a | empty_b)
    return empty_a & empty_b


def _tuple_empty(x):
    if isinstance(x, Grid):
        return x.h == 0
    if isinstance(x, Container):
        return x.size == 0
    if isinstance(x, Functions):
        return np.asarray(len(x.fns) == 0)
    if isinstance(x, tuple):
        return np.asarray(len(x) == 0)
    return np.asarray(False)  # a pair


def equality(a, b):
    """a == b (bool[]) as dsl_py compares the two values; any forms."""
    result = _equal(a, b)
    return result if isinstance(result, jax.Array) else np.asarray(result, bool)


def _superset(a, b):
    """bool[]: every element of frozenset form b is in a (same forms)."""
    if isinstance(a, Indices) and isinstance(b, Indices):
        return jnp.all(a.mask | ~b.mask)
    if isinstance(a, Object) and isinstance(b, Object):
        return jnp.all((b.colour < 0) | (a.colour == b.colour))
    same = jax.vmap(lambda y: jax.vmap(lambda x: values.equal(x, y))(a.items))(b.items)
    found = jnp.any(same & a.valid()[None, :], axis=1)
    return jnp.all(found | ~b.valid())


def greater(a, b):
    """a > b (bool[]): ints; pairs lexicographically; frozensets as strict supersets."""
    a, b = _as_pair(a), _as_pair(b)
    fa, fb = _form(a), _form(b)
    if fa == "int" and fb == "int":
        xp = _xp(a, b)
        x, y = _ints(xp, a, b)
        return _out(xp, x > y, bool)
    if fa == "pair" and fb == "pair":
        xp = _xp(a, b)
        x, y = _ints(xp, a, b)
        return _out(xp, (x[0] > y[0]) | ((x[0] == y[0]) & (x[1] > y[1])), bool)
    if _is_frozenset_form(a) and _is_frozenset_form(b) and not (
            isinstance(a, Functions) or isinstance(b, Functions)):
        if type(a) is type(b) and _same_shapes(a, b):
            return _superset(a, b) & ~values.equal(a, b)
        if type(a) is type(b):
            flags.fits((_set_size(a) == 0) | (_set_size(b) == 0))  # e.g. bools vs ints
        return (_set_size(b) == 0) & (_set_size(a) > 0)
    if "int" in (fa, fb) or _is_frozenset_form(a) or _is_frozenset_form(b) or "raises" in (fa, fb):
        # int vs tuple, frozenset vs tuple, callables: TypeError in Python.
        flags.require(False)
        return np.asarray(False)
    _unsupported("greater", a, b)
