"""Containers family: arc-dsl's container primitives with tokpidjin's changes and variants.

Containers are tuples and frozensets. tokpidjin adds, for most primitives, a `_t` (tuple)
and an `_f` (frozenset) variant; each family below is one implementation, and the variants
differ only in the container they build and in their annotations (hence in their failure
default, see `safety`). tokpidjin also made some "empty" cases total: `first` gives None on
an empty container, `first_t`/`last`/`last_t` `()`, `first_f`/`last_f`/`extract`
`frozenset()`, instead of raising.

Every walk over a container goes through `ordering.ordered`, so results that depend on
iteration order (first, last, ties of argmax or mostcommon, tuples built from frozensets)
follow the dialect's pinned order; int sets are rebuilt from the insertion sequence
tokpidjin uses, which keeps their CPython iteration order identical to tokpidjin's.
"""
from jaxbatt.dsl_py import containers as _arc_dsl
from jaxbatt.dsl_py.tokpidjin.ordering import head, ordered, parts
from jaxbatt.dsl_py.tokpidjin.safety import dialect, variants

_PASSED_THROUGH = {
    "contained": {"value": "Any", "container": "Container", "return": "Boolean"},
    "intersection": {"a": "FrozenSet", "b": "FrozenSet", "return": "FrozenSet"},
    "dedupe": {"tup": "Tuple", "return": "Tuple"},
    "repeat": {"item": "Any", "num": "C_", "return": "Tuple"},
    "initset": {"value": "Any", "return": "FrozenSet"},
    "interval": {"start": "Integer", "stop": "Integer", "step": "Integer", "return": "Tuple"},
    "insert": {"value": "Any", "container": "FrozenSet", "return": "FrozenSet"},
    "astuple": {"a": "Any", "b": "Any", "return": "Tuple"},
    "product": {"a": "Container", "b": "Container", "return": "FrozenSet"},
}
globals().update({name: dialect(getattr(_arc_dsl, name), name, annotations)
                  for name, annotations in _PASSED_THROUGH.items()})


def _same_type(container):
    return type(container)


def _as_tuple(container):
    return tuple


def _as_frozenset(container):
    return frozenset


# ---------------------------------------------------------------- sizes, ends, elements

globals().update(variants(_arc_dsl.size, {
    "size": {"container": "Container", "return": "Integer"},
    "size_t": {"container": "Tuple", "return": "Integer"},
    "size_f": {"container": "FrozenSet", "return": "Integer"},
}))


@dialect
def first(container: "Container") -> "Any":
    """The first element, None when empty."""
    items = ordered(container)
    return items[0] if items else None


@dialect
def second(container: "Container") -> "Any":
    """The second element: StopIteration when empty, None when there is only one."""
    items = ordered(container)
    if not items:
        raise StopIteration
    return items[1] if len(items) > 1 else None


def _end_by_index(position):
    """container[position] for a truthy container, else ()."""
    def end(container):
        return container[position] if container else ()
    return end


def _end_in_order(position, empty):
    """The element at `position` in iteration order for a truthy container, else empty."""
    def end(container):
        return ordered(container)[position] if container else empty
    return end


globals().update(variants(_end_by_index(0), {
    "first_t": {"container": "Tuple", "return": "Any"}}))
globals().update(variants(_end_by_index(-1), {
    "last_t": {"container": "Tuple", "return": "Any"}}))
globals().update(variants(_end_in_order(0, frozenset()), {
    "first_f": {"container": "FrozenSet", "return": "Any"}}))
globals().update(variants(_end_in_order(-1, ()), {
    "last": {"container": "Container", "return": "Any"}}))
globals().update(variants(_end_in_order(-1, frozenset()), {
    "last_f": {"container": "FrozenSet", "return": "Any"}}))


@dialect
def extract(container: "Container", condition: "Callable") -> "Any":
    """The first element satisfying `condition`, frozenset() when none does."""
    return next((e for e in ordered(container) if condition(e)), frozenset())


@dialect
def totuple(container: "FrozenSet") -> "Tuple":
    """The elements as a tuple, in iteration order."""
    return ordered(container)


@dialect
def order(container: "Container", compfunc: "Callable") -> "Tuple":
    """The elements sorted by `compfunc` (stable: ties keep iteration order)."""
    return tuple(sorted(ordered(container), key=compfunc))


@dialect
def pair(a: "Tuple", b: "Tuple") -> "TupleTuple":
    """The elements of two containers zipped into pairs (shortest length)."""
    return tuple(zip(ordered(a), ordered(b)))


@dialect
def celltuple(a: "Tuple", b: "Tuple") -> "TupleTuple":
    """(i, j, c) triples zipped from positions (i, j) of `a` and colours c of `b`."""
    cells = []
    for position, c in zip(ordered(a), ordered(b)):
        i, j = parts(position)
        cells.append((i, j, c))
    return tuple(cells)


@dialect
def ascell(ij: "IJ", c: "C_") -> "Tuple":
    """The cell (i, j, c) at position ij."""
    return (ij[0], ij[1], c)


@dialect
def toij(c: "Cell") -> "IJ":
    """The position (i, j) of a cell."""
    return (c[0], c[1])


@dialect
def astriple(i: "I_", j: "J_", c: "C_") -> "Tuple":
    """The triple (i, j, c)."""
    return (i, j, c)


# ------------------------------------------------------------------ building containers

@dialect
def combine(a: "Container", b: "Container") -> "Container":
    """`a`'s elements followed by `b`'s, in a container of `a`'s type."""
    return type(a)((*ordered(a), *ordered(b)))


@dialect
def combine_t(a: "Tuple", b: "Tuple") -> "Tuple":
    """a + b (tuple concatenation; also adds numbers)."""
    return a + b


@dialect
def combine_f(a: "FrozenSet", b: "FrozenSet") -> "FrozenSet":
    """a | b (set union)."""
    return a | b


def _kept(container, keep, build):
    """The elements satisfying `keep`, in iteration order, in build(container)'s type."""
    return build(container)(e for e in ordered(container) if keep(e))


def _difference(build):
    def difference(a, b):
        return _kept(a, lambda e: e not in b, build)
    return difference


globals().update(variants(_difference(_same_type), {
    "difference": {"a": "FrozenSet", "b": "FrozenSet", "return": "FrozenSet"},
    "difference_tuple": {"a": "Tuple", "b": "Tuple", "return": "Tuple"},
}))
difference_t = difference_tuple  # noqa: F821 - tokpidjin's alias


def _filter(build):
    def sfilter(container, condition):
        return _kept(container, condition, build)
    return sfilter


globals().update(variants(_filter(_same_type), {
    "sfilter": {"container": "Container", "condition": "Callable", "return": "Container"}}))
globals().update(variants(_filter(_as_tuple), {
    "sfilter_t": {"container": "Tuple", "condition": "Callable", "return": "Tuple"}}))
globals().update(variants(_filter(_as_frozenset), {
    "sfilter_f": {"container": "FrozenSet", "condition": "Callable", "return": "FrozenSet"},
    # tokpidjin's mfilter_t filters without merging
    "mfilter_t": {"container": "Tuple", "function": "Callable", "return": "FrozenSet"},
}))


def _remove(build):
    def remove(value, container):
        return _kept(container, lambda e: e != value, build)
    return remove


globals().update(variants(_remove(_same_type), {
    "remove": {"value": "Any", "container": "Container", "return": "Container"},
    "remove_f": {"value": "Any", "container": "FrozenSet", "return": "FrozenSet"},
}))
globals().update(variants(_remove(_as_tuple), {
    "remove_t": {"value": "Any", "container": "Tuple", "return": "Tuple"}}))


def _merge(containers):
    """The elements of every inner container, concatenated, in the outer's type."""
    return type(containers)(e for inner in ordered(containers) for e in ordered(inner))


globals().update(variants(_merge, {
    name: {"containers": "ContainerContainer", "return": "Container"}
    for name in ("merge", "merge_f", "merge_t")}))


@dialect
def mfilter(container: "Container", function: "Callable") -> "FrozenSet":
    """merge_f(sfilter(container, function))."""
    return merge_f(sfilter(container, function))  # noqa: F821


globals().update(variants(mfilter.__wrapped__, {
    "mfilter_f": {"container": "FrozenSet", "function": "Callable", "return": "FrozenSet"}}))


@dialect
def other(container: "Container", value: "Any") -> "Any":
    """first(remove(value, container))."""
    return first(remove(value, container))  # noqa: F821


@dialect
def other_t(container: "Tuple", value: "Any") -> "Any":
    """The first element different from `value`, () when there is none."""
    kept = [e for e in ordered(container) if e != value]
    return kept[0] if kept else ()


@dialect
def other_f(container: "FrozenSet", value: "Any") -> "Any":
    """The first element of remove_f(value, container), frozenset() when empty."""
    kept = remove_f(value, container)  # noqa: F821
    return head(kept) if kept else frozenset()


# ----------------------------------------------------------------------------- mapping

def _mapped(build):
    def apply(function, container):
        return build(container)(function(e) for e in ordered(container))
    return apply


globals().update(variants(_mapped(_same_type), {
    "apply": {"function": "Callable", "container": "Container", "return": "Container"},
    "apply_f": {"function": "Callable", "container": "FrozenSet", "return": "FrozenSet"},
}))
globals().update(variants(_mapped(_as_tuple), {
    "apply_t": {"function": "Callable", "container": "Tuple", "return": "Tuple"}}))


def _applied_each(build):
    def rapply(functions, value):
        return build(functions)(function(value) for function in ordered(functions))
    return rapply


globals().update(variants(_applied_each(_same_type), {
    "rapply": {"functions": "Container", "value": "Any", "return": "Container"},
    "rapply_f": {"functions": "FrozenSet", "value": "Any", "return": "FrozenSet"},
}))
globals().update(variants(_applied_each(_as_tuple), {
    "rapply_t": {"functions": "Tuple", "value": "Any", "return": "Tuple"}}))


def _merged_map(apply_variant, merge_variant):
    def mapply(function, container):
        return merge_variant(apply_variant(function, container))
    return mapply


globals().update(variants(_merged_map(apply, merge), {  # noqa: F821
    "mapply": {"function": "Callable", "container": "ContainerContainer",
               "return": "FrozenSet"}}))
globals().update(variants(_merged_map(apply_t, merge_t), {  # noqa: F821
    "mapply_t": {"function": "Callable", "container": "Tuple", "return": "Tuple"}}))
globals().update(variants(_merged_map(apply_f, merge_f), {  # noqa: F821
    "mapply_f": {"function": "Callable", "container": "FrozenSet", "return": "FrozenSet"}}))


@dialect
def papply(function: "Callable", a: "Tuple", b: "Tuple") -> "Tuple":
    """function(a[k], b[k]) over the common length, as a tuple."""
    return tuple(function(x, y) for x, y in zip(ordered(a), ordered(b)))


@dialect
def mpapply(function: "Callable", a: "Tuple", b: "Tuple") -> "Tuple":
    """merge_t(papply(function, a, b))."""
    return merge_t(papply(function, a, b))  # noqa: F821


def _pairwise_product(function, a, b):
    """frozenset of function(x, y) over the product (b outer, a inner)."""
    return frozenset(function(x, y) for y in ordered(b) for x in ordered(a))


prapply = dialect(_pairwise_product, "prapply",
                  {"a": "Container", "b": "Container", "return": "FrozenSet"})


# -------------------------------------------------------------------- extremes, counts

@dialect
def maximum(container: "IntegerSet") -> "Integer":
    """The largest element, 0 when empty."""
    return max(ordered(container), default=0)


@dialect
def minimum(container: "IntegerSet") -> "Integer":
    """The smallest element, 0 when empty."""
    return min(ordered(container), default=0)


def _value_extreme(pick):
    def valmax(container, compfunc):
        return compfunc(pick(ordered(container), key=compfunc, default=0))
    return valmax


def _arg_extreme(pick):
    def argmax(container, compfunc):
        return pick(ordered(container), key=compfunc)
    return argmax


def _signatures(names, container_types, result):
    return {name: {"container": kind, "compfunc": "Callable", "return": result}
            for name, kind in zip(names, container_types)}


_PLAIN_T_F = ("Container", "Tuple", "FrozenSet")
globals().update(variants(_value_extreme(max), _signatures(
    ("valmax", "valmax_t", "valmax_f"), _PLAIN_T_F, "Integer")))
globals().update(variants(_value_extreme(min), _signatures(
    ("valmin", "valmin_t", "valmin_f"), _PLAIN_T_F, "Integer")))
globals().update(variants(_arg_extreme(max), _signatures(
    ("argmax", "argmax_t", "argmax_f"), _PLAIN_T_F, "Any")))
globals().update(variants(_arg_extreme(min), _signatures(
    ("argmin", "argmin_t", "argmin_f"), _PLAIN_T_F, "Any")))


def _commonest(pick, counts_in_list):
    """pick over the distinct elements, keyed by their count.

    The `_f` variants count in list(container); the others in the container itself (so a
    frozenset, having no `count`, raises AttributeError).
    """
    def mostcommon(container):
        sequence = list(ordered(container)) if counts_in_list else container
        return pick(ordered(set(sequence)), key=sequence.count)
    return mostcommon


for _pick, (_plain, _tuple, _frozen) in (
        (max, ("mostcommon", "mostcommon_t", "mostcommon_f")),
        (min, ("leastcommon", "leastcommon_t", "leastcommon_f"))):
    globals().update(variants(_commonest(_pick, counts_in_list=False), {
        _plain: {"container": "Container", "return": "Any"},
        _tuple: {"container": "Tuple", "return": "Any"}}))
    globals().update(variants(_commonest(_pick, counts_in_list=True), {
        _frozen: {"container": "FrozenSet", "return": "Any"}}))

__all__ = [
    *_PASSED_THROUGH, "size", "size_t", "size_f", "first", "second", "first_t", "last_t",
    "first_f", "last", "last_f", "extract", "totuple", "order", "pair", "celltuple", "ascell",
    "toij", "astriple", "combine", "combine_t", "combine_f", "difference",
    "difference_tuple", "difference_t", "sfilter", "sfilter_t", "sfilter_f", "mfilter_t",
    "remove", "remove_f", "remove_t", "merge", "merge_f", "merge_t", "mfilter", "mfilter_f",
    "other", "other_t", "other_f", "apply", "apply_f", "apply_t", "rapply", "rapply_f",
    "rapply_t", "mapply", "mapply_t", "mapply_f", "papply", "mpapply", "prapply", "maximum",
    "minimum", "valmax", "valmax_t", "valmax_f", "valmin", "valmin_t", "valmin_f", "argmax",
    "argmax_t", "argmax_f", "argmin", "argmin_t", "argmin_f", "mostcommon", "mostcommon_t",
    "mostcommon_f", "leastcommon", "leastcommon_t", "leastcommon_f",
]
